"""Processes and scratch databases for the measuring commands (``scale_check``,
``reminder_bench``): everything on loopback, everything stopped at the end.

Every command run here is the measuring command's own (manage.py, gunicorn,
the PostgreSQL client tools), with arguments it builds itself.
"""

# ruff: noqa: S603, S607

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise CommandError(f"nothing answered on port {port} after {seconds:.0f} s")


def gunicorn_command(port: int, workers: int | None = None) -> list[str]:
    """gunicorn serving the site as ``clinic/deploy/gunicorn.conf.py`` deploys
    it, on 127.0.0.1:``port``, with ``workers`` workers (the config's without)."""
    config = str(ROOT / "clinic" / "deploy" / "gunicorn.conf.py")
    command = [sys.executable, "-m", "gunicorn", "clinic.wsgi", "-c", config]
    command += ["--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    return command


def site_env(database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment of the site's processes here: production settings on
    loopback, a fresh secret key, ``database_url``, and the outbound mail sent
    to an SMTP server on ``smtp_port``; ``extra`` adds or replaces variables."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SITE_URL": "https://127.0.0.1",
        **extra,
    }


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL if the process has not stopped 30 seconds later."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running(
    command: list[str], env: dict[str, str], *, on_line: Callable[[float, str], None] | None = None
):
    """A process of the command's own, stopped with SIGTERM when the block ends
    (and killed if it has not stopped 30 seconds later).

    With ``on_line``, each line the process writes (standard output and error
    together) is handed to it with the wall-clock time it arrived, from a
    thread of its own; without, its output is thrown away.
    """
    output = subprocess.PIPE if on_line else subprocess.DEVNULL
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if on_line else subprocess.DEVNULL,
        text=bool(on_line),
    )
    reader = None
    if on_line:

        def read() -> None:
            for line in process.stdout:
                on_line(time.time(), line.rstrip("\n"))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
    try:
        yield process
    finally:
        stop(process)
        if reader is not None:
            reader.join(timeout=5)


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database beside DATABASE_URL's, dropped when the block
    ends; yields its URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise CommandError(f"{prefix} needs DATABASE_URL pointing at PostgreSQL.")
    name = f"matcompanion_{prefix.replace('-', '_')}_{os.getpid()}"
    parts = urlsplit(url)
    admin = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    admin += ["-U", parts.username or "postgres"]
    subprocess.run(["createdb", *admin, name], check=True)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        subprocess.run(["dropdb", *admin, "--force", "--if-exists", name], check=False)
