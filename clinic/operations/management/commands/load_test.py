"""``make load``: locust's simulated patients and practitioners
(``clinic/operations/locustfile.py``) against the site as production serves
it, on loopback, on the big data set (``make bench-data`` first).

gunicorn starts under production settings (DEBUG off, a fresh SECRET_KEY,
ALLOWED_HOSTS and SITE_URL set, behind one trusted proxy, so each simulated
person's own X-Forwarded-For address is the one the sign-in throttle
counts) on this settings' database, which must be a bench database. Locust
runs headless, bounded in users and seconds, and the command prints the
requests, failures, p50, p95 and p99 of each kind of request and in total.
"""

# Every command run here is this program's own (manage.py, gunicorn, locust),
# with arguments it builds itself.
# ruff: noqa: S603

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic.operations.management.commands.bench_data import DATABASE_PREFIX, MANIFEST
from clinic.operations.processes import (
    ROOT,
    free_port,
    gunicorn_command,
    running,
    site_env,
    wait_for_port,
)

LOCUSTFILE = ROOT / "clinic" / "operations" / "locustfile.py"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MOST_USERS = 500
MOST_SECONDS = 900


def read_stats(path: Path) -> list[dict]:
    """Locust's ``*_stats.csv`` as rows of name, requests, failures, p50, p95, p99."""
    rows = []
    with path.open(newline="") as file:
        for row in csv.DictReader(file):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "all",
                    "type": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50": row["50%"],
                    "p95": row["95%"],
                    "p99": row["99%"],
                    "rps": float(row["Requests/s"] or 0),
                }
            )
    return rows


def table(rows: list[dict]) -> list[str]:
    lines = [
        f"{'request':24} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'req/s':>6}"
    ]
    for row in rows:
        name = row["name"] if row["name"] == "all" else f"{row['type']} {row['name']}"
        lines.append(
            f"{name[:24]:24} {row['requests']:>9,} {row['failures']:>9,} {row['p50']:>7} "
            f"{row['p95']:>7} {row['p99']:>7} {row['rps']:>6.1f}"
        )
    return lines


class Command(BaseCommand):
    help = "Locust's patients and practitioners against gunicorn on loopback (the bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=75)
        # Each new person signs in first, and the site checks passwords one
        # or two at a time (SIGN_IN_CHECKS_AT_ONCE, Argon2 at low priority):
        # people arrive at about the pace it lets them in.
        parser.add_argument("--spawn-rate", type=float, default=2, help="New users a second.")
        parser.add_argument(
            "--host", default="127.0.0.1", help="Where the site listens: loopback only."
        )
        parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config).")
        parser.add_argument("--manifest", type=Path, default=MANIFEST)
        parser.add_argument("--not-a-real-clinic", action="store_true")

    def handle(self, *args, **options):
        if options["host"] not in LOOPBACK:
            raise CommandError(f"make load aims at loopback only, not {options['host']!r}.")
        if not 1 <= options["users"] <= MOST_USERS:
            raise CommandError(f"--users goes from 1 to {MOST_USERS}.")
        if not 1 <= options["seconds"] <= MOST_SECONDS:
            raise CommandError(f"--seconds goes from 1 to {MOST_SECONDS}.")
        name = str(connection.settings_dict["NAME"])
        if not name.startswith(DATABASE_PREFIX) and not options["not_a_real_clinic"]:
            raise CommandError(
                f"{name!r} does not look like a bench database; run make bench-data first."
            )
        manifest: Path = options["manifest"].resolve()
        if not manifest.exists():
            raise CommandError(f"No manifest at {manifest}: run make bench-data first.")
        with tempfile.TemporaryDirectory(prefix="load-test-") as scratch:
            self._run(Path(scratch), manifest, options)

    def _run(self, scratch: Path, manifest: Path, options: dict) -> None:
        env = site_env(
            os.environ["DATABASE_URL"],
            free_port(),  # nothing sends mail here: no worker runs
            BEHIND_PROXY="1",
            TRUSTED_PROXY_COUNT="1",
            STATIC_ROOT=str(scratch / "static"),
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        port = free_port()
        command = gunicorn_command(port, options["workers"])
        prefix = scratch / "load"
        locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
        locust += ["--users", str(options["users"]), "--spawn-rate", str(options["spawn_rate"])]
        locust += ["--run-time", f"{options['seconds']}s", "--stop-timeout", "10"]
        locust += ["--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"]
        locust += ["--loglevel", "WARNING"]
        with running(command, env):
            wait_for_port(port, 60)
            workers = options["workers"] or (os.cpu_count() or 1) + 1
            self.stdout.write(
                f"site: gunicorn with {workers} workers on 127.0.0.1:{port}, "
                f"{os.cpu_count()} cores shared with locust; "
                f"{options['users']} users for {options['seconds']} s"
            )
            started = time.monotonic()
            subprocess.run(
                locust,
                env={**os.environ, "LOAD_MANIFEST": str(manifest)},
                cwd=ROOT,
                check=False,
                stdout=subprocess.DEVNULL,
            )
            seconds = time.monotonic() - started
        stats = prefix.with_name("load_stats.csv")
        if not stats.exists():
            raise CommandError("Locust wrote no figures; see its messages above.")
        rows = read_stats(stats)
        self.stdout.write(f"locust ran {seconds:.0f} s")
        for line in table(rows):
            self.stdout.write(line)
        total = next((row for row in rows if row["name"] == "all"), None)
        if total and total["failures"]:
            self.stdout.write(f"{total['failures']} requests failed (see locust's messages above)")
