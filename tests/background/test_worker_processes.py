"""manage.py worker as a real process on PostgreSQL: a task enqueued here runs
there exactly once, two workers share the schedule and run each turn once,
and a worker cut off from the database waits and carries on by itself.

PostgreSQL only (a second process cannot share SQLite's test database
safely); CI runs them there. Each stays well under 20 seconds.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.background.models import Heartbeat, ScheduledJob
from tests.background import runs, tasks
from tests.background.proxy import Proxy

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database a second process can share"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """This process enqueues into the database, where the worker finds the tasks."""
    settings.TASKS = DATABASE_TASKS
    runs.create_table()
    yield
    runs.drop_table()


def database_url(port: int | None = None) -> str:
    """The test database (its name comes from tests/settings.py), optionally through a proxy."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{port or db['PORT'] or 5432}/{quote(db['NAME'])}"


class WorkerProcess:
    """``manage.py worker`` with production settings' connection handling,
    its log collected as it is written."""

    def __init__(self, worker_id: str, *options: str, port: int | None = None):
        self.worker_id = worker_id
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url(port),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, "manage.py", "worker", "--worker-id", worker_id]
        command += ["--interval", "0.1", "--no-startup-delay", *options]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, what: str, condition, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited while waiting for {what}:\n{self.log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s:\n{self.log}")
            time.sleep(0.05)

    def wait_for_heartbeat(self) -> None:
        self.wait_for(
            "heartbeat", Heartbeat.objects.filter(worker_id=self.worker_id).exists, timeout=30
        )

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError(f"the worker did not stop on SIGTERM:\n{self.log}") from None
        self._reader.join(timeout=5)
        return status


@pytest.fixture
def start_worker():
    started: list[WorkerProcess] = []

    def start(worker_id: str, *options: str, port: int | None = None) -> WorkerProcess:
        worker = WorkerProcess(worker_id, *options, port=port)
        started.append(worker)
        return worker

    yield start
    for worker in started:  # stopped before the test database is flushed
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(timeout=5)


def finished(result_id: str) -> bool:
    return DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.SUCCESSFUL).exists()


def test_a_task_enqueued_here_runs_once_in_the_worker_which_keeps_a_heartbeat(start_worker):
    result = tasks.record.enqueue("pat@patients.example")
    worker = start_worker("solo", "--schedule", "")
    worker.wait_for_heartbeat()
    worker.wait_for("the task", lambda: finished(result.id))
    time.sleep(0.5)  # several more polls: nothing runs it again
    assert runs.recorded("pat@patients.example") == [
        ("pat@patients.example", worker.process.pid, "")
    ]
    assert DBTaskResult.objects.get(pk=result.id).worker_ids == ["solo"]
    beat = Heartbeat.objects.get(worker_id="solo")
    assert timezone.now() - beat.seen_at < timedelta(seconds=30)
    assert worker.stop() == 0
    assert not Heartbeat.objects.filter(worker_id="solo").exists()
    assert f"task {result.id} tests.background.tasks.record SUCCESSFUL" in worker.log
    assert "patients.example" not in worker.log


def test_two_workers_share_the_schedule_and_run_each_turn_once(start_worker):
    every = tasks.SHARED["tests.record_turn"].every
    first = timezone.now()
    ScheduledJob.objects.create(name="tests.record_turn", next_run_at=first)
    workers = [
        start_worker(name, "--schedule", "tests.background.tasks.SHARED")
        for name in ("left", "right")
    ]
    for worker in workers:
        worker.wait_for_heartbeat()
    time.sleep(3)
    for worker in workers:
        assert worker.stop() == 0
    turns = runs.recorded("turn")
    # Each run falls in the turn its worker claimed: the grid's slot it ran in.
    slots = [(datetime.fromisoformat(at) - first) // every for _, _, at in turns]
    assert len(slots) >= 5, turns
    assert len(set(slots)) == len(slots), f"a turn ran twice: {sorted(slots)}"
    assert {pid for _, pid, _ in turns} <= {worker.process.pid for worker in workers}


def test_a_worker_cut_off_from_the_database_waits_and_carries_on(start_worker):
    db = connection.settings_dict
    proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    try:
        worker = start_worker("cut-off", "--schedule", "", "--max-backoff", "1", port=proxy.port)
        worker.wait_for_heartbeat()
        before = tasks.record.enqueue("before")
        worker.wait_for("the first task", lambda: finished(before.id))

        proxy.stop()
        worker.wait_for("the outage noticed", lambda: "Database unavailable" in worker.log)
        during = [tasks.record.enqueue(label) for label in ("during-1", "during-2")]
        time.sleep(1.5)
        assert not runs.recorded("during-1"), worker.log  # it really was cut off
        assert worker.process.poll() is None

        proxy.start()
        for result in during:
            worker.wait_for("the tasks from the outage", lambda r=result: finished(r.id))
        assert worker.stop() == 0
    finally:
        proxy.stop()
    labels = sorted(label for label, _, _ in runs.recorded())
    assert labels == ["before", "during-1", "during-2"]
    assert worker.log.count("Database unavailable") == 1, worker.log
    assert worker.log.count("Database back after") == 1, worker.log
    assert "Traceback" not in worker.log
