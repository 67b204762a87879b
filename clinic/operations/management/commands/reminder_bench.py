"""Measure the daily reminder at scale: 10,000 patients due in the same minute,
two task workers, a local SMTP sink.

In a scratch PostgreSQL database (made beside DATABASE_URL's, dropped at
the end) the command loads clinics, practitioners and patients who should
all get today's reminder (``clinic.operations.bench_data``), in three zones
and at one instant: each zone's reminder time is that instant's wall clock
there. Two ``manage.py worker`` processes send through an aiosmtpd sink on
loopback that counts the messages per recipient. The scheduled scan's turn
is set to the due instant, as on a site whose minute job runs on the minute.

Printed: how long the load took, the patients due, messages received,
distinct recipients, duplicates, misses, the time from the due instant to
the first and the last message, the scan's own turns (from the workers' log
lines "job reminders.send_due ... ms"), and where the rest of the time went
(the outbox and the delivery tasks, read back from the database). Fails
unless every due patient has exactly one message within the target.

Run with ``make bench-reminders`` (``DATABASE_URL`` on PostgreSQL).
"""

# Every command run here is this program's own (manage.py), with arguments it
# builds itself.
# ruff: noqa: S603

import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.operations.processes import ROOT, free_port, running, scratch_database, site_env

PATIENTS = 10_000
WORKERS = 2
TARGET_SECONDS = 60.0
# The least time between the workers being up and the due instant: room to
# set every patient's reminder time before it comes.
LEAD_SECONDS = 10
JOB_LINE = re.compile(r"job reminders\.send_due (\w+) (\d+) ms")
TASK_LINE = re.compile(r"task \S+ (\S+) (\w+) (\d+) ms")


class Sink:
    """An SMTP server that counts the messages each recipient receives, and when."""

    def __init__(self) -> None:
        self.recipients: Counter[str] = Counter()
        self.messages = 0
        self.first: float | None = None
        self.last: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            self.messages += 1
            for recipient in envelope.rcpt_tos:
                self.recipients[recipient.lower()] += 1
            self.first = now if self.first is None else self.first
            self.last = now
        return "250 OK"


class WorkerLog:
    """The workers' log lines that matter here, with the time each arrived."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.scans: list[tuple[float, str, int]] = []  # (ended at, status, ms)
        self.tasks: dict[str, list[int]] = defaultdict(list)  # task path -> ms of each run
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def line(self, at: float, text: str) -> None:
        with self.lock:
            if " started (queues " in text:
                self.started.append(text)
            elif match := JOB_LINE.search(text):
                self.scans.append((at, match[1], int(match[2])))
            elif match := TASK_LINE.search(text):
                self.tasks[match[1]].append(int(match[3]))
            elif " ERROR " in text or "Traceback" in text:
                self.errors.append(text)


class CpuUse:
    """Processor time from /proc (Linux) between two moments: the machine's
    (all its cores, whoever used them), each worker's and this command's own
    (the SMTP sink runs in it), to tell a slow step from a busy machine."""

    def __init__(self, workers: list[int], database: str) -> None:
        self.workers = workers
        self.database = database
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start = self.sample()
        self.backends = self._backends()

    def _backends(self) -> dict[int, float]:
        """PostgreSQL's processes serving the scratch database, and their time so far."""
        found = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if f" {self.database} " in (entry / "cmdline").read_text():
                        found[int(entry.name)] = self._process(int(entry.name))
                except (OSError, ValueError, IndexError):
                    continue  # gone meanwhile, or not ours to read
        return found

    def sample(self) -> tuple[float, float, list[float], float]:
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
            ticks = [int(value) for value in fields]
            idle = ticks[3] + ticks[4]  # idle and waiting for disk
            workers = [self._process(pid) for pid in self.workers]
        except (OSError, ValueError, IndexError):
            return (0.0, 0.0, [0.0] * len(self.workers), 0.0)
        own = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = (sum(ticks) - idle) / self.tick, sum(ticks) / self.tick
        return (busy, total, workers, own.ru_utime + own.ru_stime)

    def _process(self, pid: int) -> float:
        # The fields after the command name, which is in brackets and may hold spaces.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def since_start(self) -> str:
        busy, total, workers, own = self.sample()
        busy0, total0, workers0, own0 = self.start
        if total <= total0:
            return "not measured (no /proc)"
        cores = os.cpu_count() or 1
        used = [now - then for now, then in zip(workers, workers0, strict=True)]
        mine = own - own0
        # Backends that ended meanwhile are missed: "at least".
        database = sum(
            spent - self.backends.get(pid, 0.0) for pid, spent in self._backends().items()
        )
        rest = busy - busy0 - sum(used) - mine - database
        return (
            f"machine busy {busy - busy0:.1f} s of {(total - total0):.1f} s "
            f"({cores} cores); workers {', '.join(f'{u:.1f} s' for u in used)}; "
            f"this command and its SMTP sink {mine:.1f} s; PostgreSQL for the scratch "
            f"database at least {database:.1f} s; everything else (other programs) {rest:.1f} s"
        )


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f} s"


class Command(BaseCommand):
    help = "10,000 patients due in the same minute, two workers, a local SMTP sink: measured."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=PATIENTS)
        parser.add_argument(
            "--timeout",
            type=float,
            default=180.0,
            help="Seconds after the due instant to wait for the last message.",
        )
        parser.add_argument(
            "--scan-after",
            type=float,
            default=0.0,
            help="Seconds after the due instant of the scan's first turn: 0 is a minute job "
            "on the whole minute, as the schedule keeps it; more measures a turn that falls "
            "later (a worker busy with another job, a slow start).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="The workers' --interval: seconds between polls when idle (production: 1).",
        )

    def handle(self, *args, patients: int, timeout: float, interval: float, **options):
        if not 0 <= options["scan_after"] < 60:
            raise CommandError("--scan-after is between 0 and 60 seconds.")
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        with scratch_database("reminder-bench") as url, tempfile.TemporaryDirectory() as static:
            passed = self._run(url, static, patients, timeout, interval, options["scan_after"])
        if not passed:
            raise CommandError("bench-reminders failed: see the figures above.")

    def _env(self, database_url: str, smtp_port: int, static_root: str) -> dict[str, str]:
        return site_env(database_url, smtp_port, STATIC_ROOT=static_root, LOG_FORMAT="text")

    def _shell(self, env, code: str):
        """Run ``code`` in a ``manage.py shell`` of the scratch database; its
        last line of output, read as JSON."""
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-v", "0", "-c", code],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _run(self, database_url, static, patients, timeout, interval, scan_after: float):
        from aiosmtpd.controller import Controller

        sink, log = Sink(), WorkerLog()
        smtp_port = free_port()
        env = self._env(database_url, smtp_port, static)
        manage = [sys.executable, str(ROOT / "manage.py")]
        started = time.monotonic()
        for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["seed_content"]):
            subprocess.run(
                [*manage, *step, "-v", "0"], env=env, check=True, stdout=subprocess.DEVNULL
            )
        prepared = time.monotonic()
        data = self._shell(
            env,
            "import json; from clinic.operations import bench_data as b; "
            f"print(json.dumps(b.load({patients}))); b.analyse()",
        )
        loaded = time.monotonic()
        zones = ", ".join(f"{zone} {count:,}" for zone, count in data["zones"].items())
        self.stdout.write(
            f"data: {data['patients']:,} patients with accounts, plans and reminders on "
            f"({zones}), {data['clinics']} clinics, {data['practitioners']} practitioners, "
            f"{data['planned_sessions']:,} planned sessions; loaded in {loaded - prepared:.1f} s "
            f"(migrate and seed content before it: {prepared - started:.1f} s)"
        )

        with ExitStack() as stack:
            controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
            controller.start()
            stack.callback(controller.stop)
            options = ["--interval", str(interval), "--no-startup-delay"]
            workers: list[int] = []
            for number in range(1, WORKERS + 1):
                command = [*manage, "worker", "--worker-id", f"bench-{number}", *options]
                workers.append(stack.enter_context(running(command, env, on_line=log.line)).pid)
            self._wait_for_workers(log)

            due = datetime.fromtimestamp(math.ceil((time.time() + LEAD_SECONDS) / 60) * 60, tz=UTC)
            armed = self._shell(
                env,
                "import json; from clinic.operations import bench_data as b; "
                f"print(json.dumps(b.arm('{due.isoformat()}', {scan_after})))",
            )
            expected = set(armed["due"])
            clocks = ", ".join(f"{zone} {clock}" for zone, clock in armed["clocks"].items())
            self.stdout.write(
                f"due at {due:%Y-%m-%d %H:%M:%S} UTC ({clocks}); "
                f"the scan's first turn {scan_after:+.1f} s after it"
            )

            while time.time() < due.timestamp():
                time.sleep(0.1)
            cpu = CpuUse(workers, database_url.rsplit("/", 1)[1])
            deadline = due.timestamp() + timeout
            while time.time() < deadline:
                with sink.lock:
                    if expected <= sink.recipients.keys():
                        break
                time.sleep(0.5)
            cpu_use = cpu.since_start()
            time.sleep(3)  # a late duplicate would arrive now
        # The workers have stopped: nothing more arrives.
        outcome = self._shell(
            env,
            "import json; from clinic.operations import bench_data as b; "
            f"print(json.dumps(b.figures('{due.isoformat()}')))",
        )
        self.stdout.write(f"processor time from the due instant to the last message: {cpu_use}")
        return self._report(due, expected, sink, log, outcome)

    def _wait_for_workers(self, log: WorkerLog) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with log.lock:
                if len(log.started) >= WORKERS:
                    return
            time.sleep(0.2)
        raise CommandError(f"the workers did not start within 60 s: {log.errors[-5:]}")

    def _report(self, due: datetime, expected: set[str], sink: Sink, log, outcome) -> bool:
        at = due.timestamp()
        with sink.lock:
            counts = dict(sink.recipients)
            messages, first, last = sink.messages, sink.first, sink.last
        received = {address for address in counts if address in expected}
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        misses = len(expected - received)
        others = len(counts.keys() - expected)
        first_after = None if first is None else first - at
        last_after = None if last is None else last - at
        write = self.stdout.write
        write(f"patients due: {len(expected):,}")
        write(
            f"messages received: {messages:,}; distinct recipients: {len(received):,}; "
            f"duplicates: {duplicates}; misses: {misses}; to anyone else: {others}"
        )
        write(
            f"first message {_seconds(first_after)} after the due instant, "
            f"last {_seconds(last_after)}"
        )
        for ended, status, ms in log.scans:
            write(
                f"scan turn: began {_seconds(ended - ms / 1000 - at)}, {status}, "
                f"{ms:,} ms (the worker's line: job reminders.send_due {status} {ms} ms)"
            )
        if not log.scans:
            write("scan turn: none logged (is reminders.send_due in the schedule?)")
        write(
            f"outbox: {outcome['stored']:,} reminder emails stored from "
            f"{_seconds(outcome['stored_first'])} to {_seconds(outcome['stored_last'])}, "
            f"marked sent from {_seconds(outcome['sent_first'])} to "
            f"{_seconds(outcome['sent_last'])}; statuses {outcome['statuses']}; "
            f"sent-once records {outcome['sent_reminders']:,}"
        )
        for task in outcome["tasks"]:
            durations = log.tasks.get(task["task"], [])
            busy = ""
            if durations:
                busy = f", {sum(durations) / 1000:.1f} s of work in all"
                if outcome["stored"] and "deliver_email" in task["task"]:
                    busy += f" ({sum(durations) / outcome['stored']:.1f} ms an email)"
            write(
                f"task {task['task']}: {task['runs']:,} runs ({task['failed']} failed){busy}; "
                f"first enqueued {_seconds(task['first_enqueued'])}, first began "
                f"{_seconds(task['first_started'])}, last ended {_seconds(task['last_finished'])}"
            )
        for line in log.errors[:5]:
            write(f"worker error: {line}")
        in_time = last_after is not None and last_after <= TARGET_SECONDS
        passed = bool(expected) and in_time and not duplicates and not misses and not others
        verdict = "PASS" if passed else "FAIL"
        write(
            f"{verdict}: target every due patient's reminder within {TARGET_SECONDS:.0f} s of "
            f"the due instant, 0 duplicates, 0 misses (last {_seconds(last_after)}, "
            f"{duplicates} duplicates, {misses} misses)"
        )
        return passed
