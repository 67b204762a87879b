"""Prove on one machine that app servers and workers keep no state of their own.

Two gunicorn instances and two task workers share one PostgreSQL database: a
sign-in made on one instance is honoured by the other, and a thousand emails
queued at once reach a local SMTP sink exactly once each. Everything listens
on 127.0.0.1 and is stopped at the end, the scratch database dropped.

Run with ``make scale-check`` (PostgreSQL's ``DATABASE_URL`` in the
environment names the server; a scratch database is made beside it).
"""

# Every command run here is this program's own (manage.py, gunicorn), with
# arguments it builds itself.
# ruff: noqa: S603

import http.client
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError

from clinic.operations.processes import (
    ROOT,
    free_port,
    gunicorn_command,
    running,
    scratch_database,
    site_env,
    wait_for_port,
)

EMAILS = 1000
SIGN_IN_EMAIL = "scale-check@clinic.example"


def _cookies(answer) -> str:
    return "; ".join(answer.headers.get_all("Set-Cookie") or [])


class Sink:
    """An SMTP server that counts each message by its X-Scale-Check id."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        match = re.search(rb"^X-Scale-Check: (\S+)", envelope.content, re.MULTILINE)
        with self.lock:
            self.ids[match[1].decode() if match else "?"] += 1
        return "250 OK"


class Command(BaseCommand):
    help = "Two web instances and two workers on one PostgreSQL: sessions and email, measured."

    def add_arguments(self, parser):
        parser.add_argument("--emails", type=int, default=EMAILS)
        parser.add_argument("--timeout", type=float, default=300.0)

    def handle(self, *args, emails: int, timeout: float, **options):
        with scratch_database("scale-check") as scratch_url:
            self._run(scratch_url, emails, timeout)

    def _env(self, database_url: str, smtp_port: int) -> dict[str, str]:
        return site_env(database_url, smtp_port, BEHIND_PROXY="1")

    def _run(self, database_url: str, emails: int, timeout: float) -> None:
        from aiosmtpd.controller import Controller

        sink = Sink()
        smtp_port = free_port()
        env = self._env(database_url, smtp_port)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        self._make_user(manage, env)

        with ExitStack() as stack:
            controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
            controller.start()
            stack.callback(controller.stop)
            ports = [free_port(), free_port()]
            for port in ports:
                stack.enter_context(self._gunicorn(env, port))
            for port in ports:
                wait_for_port(port, 30)

            cookie = self._sign_in(ports[0])
            other = self._get(ports[1], "/patients/", cookie)
            # Signed out, the list answers a redirect to the sign-in page.
            carried = other.status == 200 and b"<h1>Patients</h1>" in other.body
            self.stdout.write(
                f"session: signed in on :{ports[0]}, "
                f"{'recognised' if carried else 'NOT recognised'} on :{ports[1]} "
                f"(answered {other.status})"
            )

            run_id = secrets.token_hex(4)
            started = time.monotonic()
            queued = self._queue(manage, env, emails, run_id)
            for number in (1, 2):
                stack.enter_context(self._worker(manage, env, number))
            deadline = started + timeout
            while time.monotonic() < deadline:
                with sink.lock:
                    received = sum(1 for key in sink.ids if key.startswith(run_id))
                if received >= emails:
                    break
                time.sleep(0.5)
            seconds = time.monotonic() - started
            time.sleep(2)  # a late duplicate would arrive now
            with sink.lock:
                counts = {k: v for k, v in sink.ids.items() if k.startswith(run_id)}
        sent = len(counts)
        duplicates = sum(v - 1 for v in counts.values())
        lost = emails - sent
        self.stdout.write(
            f"email: queued {queued}, sent {sent}, duplicates {duplicates}, lost {lost}, "
            f"seconds {seconds:.1f} ({sent / seconds:.0f} a second)"
        )
        if not carried or duplicates or lost:
            raise CommandError("scale-check failed: see the figures above.")

    def _make_user(self, manage, env) -> None:
        code = (
            "from accounts.models import Clinic, Membership, User\n"
            "clinic = Clinic.objects.create(name='Scale', slug='scale', time_zone='UTC')\n"
            f"user = User.objects.create_user(email='{SIGN_IN_EMAIL}', password='scale-check-pw-1',"
            " full_name='Scale Check')\n"
            "Membership.objects.create(user=user, clinic=clinic, role='practitioner')\n"
        )
        subprocess.run([*manage, "shell", "-c", code], env=env, check=True)

    def _queue(self, manage, env, emails: int, run_id: str) -> int:
        code = (
            "from django.core.mail import EmailMessage\n"
            "from django.db import transaction\n"
            "with transaction.atomic():\n"
            f"    for n in range({emails}):\n"
            "        EmailMessage('Scale check', 'One of many.', to=['sink@clinic.example'],\n"
            f"            headers={{'X-Scale-Check': '{run_id}-' + str(n)}}).send()\n"
        )
        subprocess.run([*manage, "shell", "-c", code], env=env, check=True)
        return emails

    def _gunicorn(self, env, port: int):
        return running(gunicorn_command(port, 2), env)

    def _worker(self, manage, env, number: int):
        options = ["--interval", "0.1", "--no-startup-delay"]
        return running([*manage, "worker", "--worker-id", f"scale-{number}", *options], env)

    class _Answer:
        def __init__(self, status: int, headers, body: bytes) -> None:
            self.status, self.headers, self.body = status, headers, body

    def _request(self, port: int, method: str, path: str, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = self._Answer(response.status, response.headers, response.read())
        connection.close()
        return answer

    def _get(self, port: int, path: str, cookie: str):
        return self._request(port, "GET", path, {"Cookie": cookie})

    def _sign_in(self, port: int) -> str:
        page = self._request(port, "GET", "/sign-in/")
        csrf_cookie = re.search(r"csrftoken=([^;]+)", _cookies(page))[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1].decode()
        form = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": SIGN_IN_EMAIL,
                "password": "scale-check-pw-1",
            }
        )
        answer = self._request(
            port,
            "POST",
            "/sign-in/",
            {
                "Cookie": f"csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "https://127.0.0.1/sign-in/",
                "Origin": "https://127.0.0.1",
            },
            form,
        )
        session = re.search(r"sessionid=([^;]+)", _cookies(answer))
        if answer.status != 302 or not session:
            raise CommandError(f"signing in on :{port} answered {answer.status}")
        return f"sessionid={session[1]}; csrftoken={csrf_cookie}"
