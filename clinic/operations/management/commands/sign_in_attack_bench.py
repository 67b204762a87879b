"""How a patient's Today page fares while attackers hammer the sign-in form.

A scratch database (beside PostgreSQL's DATABASE_URL, or a SQLite file when
there is none) gets the curated content, the demo (whose patient Ada follows
a plan) and forty more accounts to spray. gunicorn serves it as production
does (clinic/deploy/gunicorn.conf.py, DEBUG off, behind one trusted proxy:
every request carries X-Forwarded-For and X-Forwarded-Proto as the proxy
would send them). Ada signs in through the real form.

Then, first with no attack (the baseline) and again while the attackers
run, Ada fetches Today one request after another. Half the attackers spray
a wrong password at each of the forty accounts in turn, the other half
hammer one account; each fetches the sign-in page for its CSRF cookie and
token as a browser would, and each has an address of its own (or, with
``--rotate-addresses``, a new one for every attempt, as a botnet would).
Each attacker is a process of its own, so none shares the measuring
process's interpreter, and runs at nice 10: real attackers bring their own
machines, these share the site's cores and so give way when the site or
the measuring process wants one. The hashing itself also runs at nice 10
(accounts.hashers), so the site's pages outrank it too.

Printed: Ada's p50, p95 and slowest Today for both runs, the attackers'
attempts a second, and how the site answered them (wrong password, address
paused, email locked). Nothing is asserted: the figures are for
BENCHMARKS.md; the target is a p95 under 100 ms while eight attack.

Run with ``make attack-bench``.
"""

# Every command run here is this program's own (manage.py, gunicorn), with
# arguments it builds itself.
# ruff: noqa: S603

import math
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.operations import attack
from clinic.operations.processes import (
    ROOT,
    free_port,
    gunicorn_command,
    running,
    scratch_database,
    site_env,
    wait_for_port,
)

PATIENT = "ada.byrne@patients.example"
PATIENT_ADDRESS = "192.0.2.10"
SPRAYED = 40
TARGET_MS = 100


def spray_email(number: int) -> str:
    return f"sprayed{number:02d}@patients.example"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at or above ``share`` of them."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Command(BaseCommand):
    help = "A patient's Today page while attackers post wrong passwords: p50/p95/max."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=30.0, help="Attack length.")
        parser.add_argument(
            "--baseline-seconds", type=float, default=15.0, help="Length of the run with no attack."
        )
        parser.add_argument("--attackers", type=int, default=8)
        parser.add_argument(
            "--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)."
        )
        parser.add_argument(
            "--rotate-addresses",
            action="store_true",
            help="Give every attempt a new client address (many machines).",
        )

    def handle(self, *args, **options):
        if options["attackers"] < 1 or options["seconds"] <= 0:
            raise CommandError("Give at least one attacker and a positive --seconds.")
        with (
            tempfile.TemporaryDirectory(prefix="attack-bench-") as scratch,
            self._database(Path(scratch)) as (database_url, engine),
        ):
            self._run(database_url, engine, Path(scratch), options)

    @contextmanager
    def _database(self, scratch: Path):
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            with scratch_database("attack-bench") as url:
                yield url, "PostgreSQL"
        else:
            yield f"sqlite:///{scratch / 'attack-bench.sqlite3'}", "SQLite"

    def _prepare(self, env: dict) -> None:
        manage = [sys.executable, str(ROOT / "manage.py")]
        quiet = {"check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        demo = {**env, "DEBUG": "1"}  # the demo loads only with DEBUG on
        subprocess.run([*manage, "seed_content"], env=demo, **quiet)
        subprocess.run([*manage, "seed_demo"], env=demo, **quiet)
        # Forty accounts with one password hash between them: made in a moment.
        code = (
            "import secrets\nfrom django.contrib.auth.hashers import make_password\n"
            "from accounts.models import User\n"
            "password = make_password(secrets.token_hex(16))\n"
            "User.objects.bulk_create(User(email=f'sprayed{n:02d}@patients.example', "
            f"full_name=f'Sprayed {{n}}', password=password) for n in range({SPRAYED}))\n"
        )
        subprocess.run([*manage, "shell", "-v", "0", "-c", code], env=env, **quiet)

    def _run(self, database_url: str, engine: str, scratch: Path, options: dict) -> None:
        env = site_env(
            database_url,
            free_port(),  # nothing sends mail here: no worker runs
            BEHIND_PROXY="1",
            TRUSTED_PROXY_COUNT="1",
            STATIC_ROOT=str(scratch / "static"),
        )
        started = time.monotonic()
        self._prepare(env)
        self.stdout.write(f"set-up: {time.monotonic() - started:.0f} s ({engine})")

        port = free_port()
        command = gunicorn_command(port, options["workers"])
        with running(command, env):
            wait_for_port(port, 60)
            cookie = self._sign_in(port)
            workers = options["workers"] or (os.cpu_count() or 1) + 1
            self.stdout.write(
                f"site: gunicorn with {workers} worker{'s' if workers != 1 else ''} on {engine}, "
                f"{os.cpu_count()} cores "
                "shared with the attackers and this process"
            )
            # A few requests first, so every worker has loaded the site.
            attack.read_today(port, cookie, PATIENT_ADDRESS, time.time() + 1)
            baseline = attack.read_today(
                port, cookie, PATIENT_ADDRESS, time.time() + options["baseline_seconds"]
            )
            self._figures("no attack", baseline)
            timings, tallies, seconds = self._attack(port, cookie, options)
            self._figures(f"{options['attackers']} attacking", timings)
        self._tallies(tallies, seconds, options)
        p95 = percentile(timings, 0.95) * 1000
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        self.stdout.write(f"target: Today p95 under {TARGET_MS} ms while attacked: {verdict}")

    def _sign_in(self, port: int) -> str:
        from clinic.patients.management.commands.seed_demo import DEMO_PASSWORD

        form = attack.SignInForm(port, PATIENT_ADDRESS)
        answer = form.post(PATIENT, DEMO_PASSWORD)
        session = re.search(r"sessionid=([^;]+)", answer.cookies)
        if answer.status != 302 or not session:
            raise CommandError(f"the demo patient could not sign in (answered {answer.status}).")
        return f"sessionid={session[1]}; csrftoken={form.cookie}"

    def _attack(self, port: int, cookie: str, options: dict):
        count = options["attackers"]
        sprayed = [spray_email(n) for n in range(SPRAYED)]
        hammered = [spray_email(0)]
        # The processes start, fetch their forms, then all begin at `start`.
        start = time.time() + 5
        stop = start + options["seconds"]
        arguments = [
            (port, n, sprayed if n % 2 == 0 else hammered, start, stop, options["rotate_addresses"])
            for n in range(count)
        ]
        with multiprocessing.get_context("spawn").Pool(count) as pool:
            pending = pool.starmap_async(attack.attack, arguments)
            time.sleep(max(0.0, start - time.time()))
            timings = attack.read_today(port, cookie, PATIENT_ADDRESS, stop)
            tallies = pending.get(timeout=options["seconds"] + 120)
        return timings, tallies, options["seconds"]

    def _figures(self, label: str, timings: list[float]) -> None:
        ms = [t * 1000 for t in timings]
        self.stdout.write(
            f"Today, {label}: p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms,"
            f" max {max(ms):.0f} ms ({len(ms)} requests)"
        )

    def _tallies(self, tallies: list, seconds: float, options: dict) -> None:
        attempts = sum(t.attempts for t in tallies)
        outcomes: dict[str, int] = {}
        for tally in tallies:
            for name, number in tally.outcomes.items():
                outcomes[name] = outcomes.get(name, 0) + number
        addresses = "a new address each attempt" if options["rotate_addresses"] else "one each"
        self.stdout.write(
            f"attackers: {len(tallies)} ({addresses}), {attempts} attempts in {seconds:.0f} s, "
            f"{attempts / seconds:.1f} a second"
        )
        shown = ", ".join(f"{name} {number}" for name, number in sorted(outcomes.items()))
        self.stdout.write(f"answers: {shown}")
