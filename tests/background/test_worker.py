"""clinic.background.worker, in this process: tasks run once and are logged
without their arguments, the heartbeat keeps time, the worker waits for a
lost database and carries on, and a stop lets the work under way finish.
(tests/background/test_worker_processes.py runs the real command.)"""

import logging
import signal
import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.utils import InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clinic.background import worker as worker_module
from clinic.background.models import Heartbeat
from clinic.background.worker import ClinicWorker, default_worker_id
from tests.background import runs, tasks

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """Enqueued tasks wait in the database for a worker, as in production."""
    settings.TASKS = DATABASE_TASKS
    tasks.called.clear()
    runs.DATABASE_AWAY.clear()
    yield
    tasks.called.clear()


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_worker(**overrides) -> ClinicWorker:
    options = {
        "queue_names": ["default"],
        "excluded_queue_names": [],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "jobs": {},
        "sleep": lambda seconds: None,
    }
    return ClinicWorker(**{**options, **overrides})


def task_lines(caplog) -> list[logging.LogRecord]:
    """The worker's own lines about tasks (django.tasks' own, which the
    command silences, are left out)."""
    return [record for record in caplog.records if record.name == "clinic.background.tasks"]


@pytest.mark.django_db(transaction=True)
def test_each_enqueued_task_runs_once_and_is_logged_without_its_arguments(caplog):
    result = tasks.remember.enqueue("pat@patients.example")
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        make_worker().run()
        make_worker(worker_id="another-worker").run()
    assert tasks.called == ["pat@patients.example"]
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["test-worker"])
    [line] = task_lines(caplog)
    assert (line.task_id, line.task, line.status, line.worker_id) == (
        result.id,
        "tests.background.tasks.remember",
        "SUCCESSFUL",
        "test-worker",
    )
    assert line.duration_ms >= 0
    assert "patients.example" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_logged_by_the_kind_of_error_only(caplog):
    result = tasks.fail.enqueue("pat")
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        make_worker().run()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    [line] = task_lines(caplog)
    assert (line.levelno, line.status, line.error) == (logging.ERROR, "FAILED", "ValueError")
    assert "patients.example" not in line.getMessage()
    assert line.exc_info is None


@pytest.mark.django_db(transaction=True)
def test_max_tasks_stops_the_worker_after_that_many():
    for label in ("one", "two", "three"):
        tasks.remember.enqueue(label)
    make_worker(batch=False, max_tasks=2).run()
    assert tasks.called == ["one", "two"]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_written_at_start_and_every_30_seconds():
    clock = Clock(T0)
    worker = make_worker(clock=clock)
    worker.step()
    beat = Heartbeat.objects.get(worker_id="test-worker")
    assert (beat.started_at, beat.seen_at) == (T0, T0)
    clock.now = T0 + timedelta(seconds=29)
    worker.step()
    assert Heartbeat.objects.get().seen_at == T0
    clock.now = T0 + timedelta(seconds=30)
    worker.step()
    beat = Heartbeat.objects.get()
    assert (beat.started_at, beat.seen_at) == (T0, T0 + timedelta(seconds=30))
    clock.now = T0  # the system clock set back: beats rather than waiting for it to catch up
    worker.step()
    assert Heartbeat.objects.get().seen_at == T0
    # Removed meanwhile (the stale-heartbeat job, a restored backup): written again.
    Heartbeat.objects.all().delete()
    clock.now = T0 + timedelta(seconds=60)
    worker.step()
    assert Heartbeat.objects.get().seen_at == T0 + timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_a_restarted_worker_with_the_same_id_starts_its_heartbeat_afresh():
    Heartbeat.objects.create(worker_id="test-worker", started_at=T0, seen_at=T0)
    later = T0 + timedelta(hours=2)
    make_worker(clock=Clock(later)).step()
    beat = Heartbeat.objects.get()
    assert (beat.started_at, beat.seen_at) == (later, later)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_stops_removes_its_heartbeat():
    Heartbeat.objects.create(worker_id="other-worker", started_at=T0, seen_at=T0)
    make_worker().run()
    assert list(Heartbeat.objects.values_list("worker_id", flat=True)) == ["other-worker"]


@pytest.mark.django_db(transaction=True)
def test_each_loop_runs_the_schedule(caplog):
    jobs = {
        "tests.count": worker_module.Job(timedelta(hours=1), "tests.background.tasks.count_turn")
    }
    make_worker(jobs=jobs, clock=Clock(T0)).run()
    assert tasks.called == [f"turn at {T0.isoformat()}"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_a_lost_database_and_carries_on(caplog, monkeypatch):
    result = tasks.remember.enqueue("after the outage")
    outages = iter([OperationalError("server closed the connection"), InterfaceError("closed")])
    claim_next = ClinicWorker.claim_next

    def flaky_claim(self):
        if (error := next(outages, None)) is not None:
            raise error
        return claim_next(self)

    answers = iter([False, False, False, True, True])
    monkeypatch.setattr(ClinicWorker, "claim_next", flaky_claim)
    monkeypatch.setattr(worker_module, "database_answers", lambda: next(answers))
    waits = []
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        make_worker(sleep=waits.append, max_backoff=1.5).run()
    assert waits == [0.5, 1, 1.5, 1.5, 0.5]  # doubling, capped, afresh for each outage
    assert tasks.called == ["after the outage"]
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    lost = [record.message for record in caplog.records if "unavailable" in record.message]
    back = [record.message for record in caplog.records if "back after" in record.message]
    assert lost == [
        "Database unavailable (OperationalError); worker test-worker waits for it",
        "Database unavailable (InterfaceError); worker test-worker waits for it",
    ]
    assert len(back) == 2


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_outcome_could_not_be_written_is_marked_failed_not_run_again(
    caplog, monkeypatch
):
    result = tasks.lose_the_database.enqueue("once")
    save = DBTaskResult.save

    def save_unless_away(self, *args, **kwargs):
        if runs.DATABASE_AWAY.is_set():
            raise InterfaceError("connection already closed")
        return save(self, *args, **kwargs)

    def back():
        runs.DATABASE_AWAY.clear()
        return True

    monkeypatch.setattr(DBTaskResult, "save", save_unless_away)
    monkeypatch.setattr(worker_module, "database_answers", back)
    monkeypatch.setattr("django_tasks_db.utils.time.sleep", lambda seconds: None)
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        make_worker().run()
    assert tasks.called == ["once"]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "django.db.utils.InterfaceError"
    assert row.worker_ids == ["test-worker"]
    [line] = task_lines(caplog)
    assert (line.task_id, line.status, line.error) == (str(row.pk), "FAILED", "InterfaceError")


@pytest.mark.django_db(transaction=True)
def test_an_outcome_that_reached_the_database_after_all_is_left_alone():
    result = tasks.remember.enqueue("done")
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("test-worker")
    row.set_successful(None)
    worker = make_worker()
    worker.unrecorded = (row, InterfaceError("closed"))
    worker.step()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    assert worker.unrecorded is None


@pytest.mark.django_db(transaction=True)
def test_a_stop_during_the_schedule_lets_it_finish_and_takes_no_new_task(monkeypatch):
    tasks.remember.enqueue("never")
    worker = make_worker(batch=False)
    seen = []

    def schedule_interrupted(now, worker_id, jobs):
        seen.append(worker.running_task)
        worker.shutdown(signal.SIGTERM, None)  # exits at once unless work is under way

    monkeypatch.setattr(worker_module, "run_due", schedule_interrupted)
    Heartbeat.objects.create(worker_id="other-worker", started_at=T0, seen_at=T0)
    worker.run()
    assert seen == [True]
    assert tasks.called == []
    assert list(Heartbeat.objects.values_list("worker_id", flat=True)) == ["other-worker"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_while_the_database_is_away_leaves_its_heartbeat(monkeypatch):
    monkeypatch.setattr(
        ClinicWorker, "claim_next", lambda self: (_ for _ in ()).throw(OperationalError())
    )
    worker = make_worker()

    def stop_while_waiting(seconds):
        worker.running = False

    worker.sleep = stop_while_waiting
    worker.run()
    assert Heartbeat.objects.filter(worker_id="test-worker").exists()


def test_the_default_worker_id_names_the_host_and_process():
    worker_id = default_worker_id()
    assert worker_id.startswith(socket.gethostname()[:20])
    assert worker_id.rsplit("-", 1)[1].isdigit()
    assert len(worker_id) <= 64


@pytest.fixture
def command_side_effects():
    """The command sets signal handlers and log levels for its process; put them back."""
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    names = ("clinic.background", "django_tasks_db", "django.tasks")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_the_worker(command_side_effects):
    result = tasks.remember.enqueue("by the command")
    call_command("worker", "--batch", "--no-startup-delay", "--worker-id", "cmd", "--schedule", "")
    assert tasks.called == ["by the command"]
    assert DBTaskResult.objects.get(pk=result.id).worker_ids == ["cmd"]
    assert not Heartbeat.objects.exists()
    assert logging.getLogger("clinic.background").level == logging.INFO
    assert logging.getLogger("django.tasks").level == logging.CRITICAL


def test_the_command_refuses_a_schedule_that_is_not_one():
    with pytest.raises(CommandError, match="not a mapping of jobs"):
        call_command("worker", "--schedule", "clinic.background.nowhere.JOBS")
