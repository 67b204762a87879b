"""clinic.background.schedule: each job runs when its turn comes, once, and
keeps its turns whatever happens to one of them. The clock is moved, never
waited for."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import Task
from django.utils.module_loading import import_string

from clinic.background import schedule
from clinic.background.models import ScheduledJob
from clinic.background.schedule import JOBS, Job, claim, next_turn, run_due
from tests.background import tasks

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
HOURLY = {"tests.count": Job(HOUR, "tests.background.tasks.count_turn")}


@pytest.fixture(autouse=True)
def no_calls():
    tasks.called.clear()
    yield
    tasks.called.clear()


def turn(name: str = "tests.count") -> datetime:
    return ScheduledJob.objects.get(name=name).next_run_at


def test_every_registered_job_resolves():
    """Fails for a path that cannot be imported: a job listed here must ship with its code."""
    assert JOBS
    for name, job in JOBS.items():
        target = import_string(job.target)
        assert callable(target) or isinstance(target, Task), name
        assert job.every > timedelta(0), name


def test_next_turn_keeps_to_the_grid_and_skips_missed_turns():
    assert next_turn(T0, T0, HOUR) == T0 + HOUR
    assert next_turn(T0, T0 + timedelta(minutes=59), HOUR) == T0 + HOUR
    assert next_turn(T0, T0 + HOUR, HOUR) == T0 + 2 * HOUR
    assert next_turn(T0, T0 + timedelta(hours=5, minutes=30), HOUR) == T0 + 6 * HOUR
    assert next_turn(T0, T0 - HOUR, HOUR) == T0


@pytest.mark.django_db
def test_a_new_job_runs_at_once_then_waits_for_its_turn():
    assert run_due(T0, "w1", HOURLY) == ["tests.count"]
    assert turn() == T0 + HOUR
    assert run_due(T0 + timedelta(minutes=30), "w1", HOURLY) == []
    assert run_due(T0 + HOUR - timedelta(microseconds=1), "w1", HOURLY) == []
    assert run_due(T0 + HOUR, "w2", HOURLY) == ["tests.count"]
    assert turn() == T0 + 2 * HOUR
    assert tasks.called == [f"turn at {T0.isoformat()}", f"turn at {(T0 + HOUR).isoformat()}"]
    row = ScheduledJob.objects.get(name="tests.count")
    assert (row.last_run_at, row.last_worker) == (T0 + HOUR, "w2")


@pytest.mark.django_db
def test_turns_missed_while_no_worker_ran_are_skipped_not_made_up():
    run_due(T0, "w1", HOURLY)
    assert run_due(T0 + timedelta(hours=5, minutes=30), "w1", HOURLY) == ["tests.count"]
    assert turn() == T0 + 6 * HOUR
    assert run_due(T0 + timedelta(hours=5, minutes=31), "w1", HOURLY) == []
    assert len(tasks.called) == 2


@pytest.mark.django_db
def test_a_turn_is_run_by_one_worker_only():
    run_due(T0, "w1", HOURLY)
    assert run_due(T0 + HOUR, "w1", HOURLY) == ["tests.count"]
    assert run_due(T0 + HOUR, "w2", HOURLY) == []
    # A worker that read the turn before another took it changes nothing.
    assert not claim("tests.count", T0 + HOUR, T0 + HOUR, HOUR, "w2")
    assert turn() == T0 + 2 * HOUR
    assert len(tasks.called) == 2


@pytest.mark.django_db
def test_a_row_made_by_another_worker_meanwhile_is_not_run_twice():
    """Two workers meet a new job at once: the second's row is ignored, and
    its claim on the turn it thought it made fails."""
    ScheduledJob.objects.create(name="tests.count", next_run_at=T0 + timedelta(seconds=1))
    original = ScheduledJob.objects.filter

    def first_read_sees_nothing(*args, **kwargs):
        if kwargs.get("name__in"):
            return original(pk__in=[])
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ScheduledJob.objects, "filter", first_read_sees_nothing)
        assert run_due(T0 + timedelta(seconds=2), "w2", HOURLY) == []
    assert ScheduledJob.objects.count() == 1
    assert turn() == T0 + timedelta(seconds=1)
    assert tasks.called == []


@pytest.mark.django_db
def test_a_job_that_raises_is_logged_by_kind_and_keeps_its_next_turn(caplog):
    jobs = {**HOURLY, "tests.explode": Job(HOUR, "tests.background.tasks.explode")}
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        assert run_due(T0, "w1", jobs) == ["tests.count", "tests.explode"]
    assert turn("tests.explode") == T0 + HOUR
    assert len(tasks.called) == 1  # the other job ran all the same
    [failed] = [
        record for record in caplog.records if getattr(record, "job", "") == "tests.explode"
    ]
    assert failed.levelno == logging.ERROR
    assert (failed.status, failed.error, failed.worker_id) == ("FAILED", "RuntimeError", "w1")
    assert "patients.example" not in caplog.text
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        assert run_due(T0 + HOUR, "w1", jobs) == ["tests.count", "tests.explode"]


@pytest.mark.django_db
def test_each_turn_is_logged_with_its_duration(caplog):
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        run_due(T0, "w1", HOURLY)
    [line] = caplog.records
    assert (line.job, line.status, line.worker_id) == ("tests.count", "SUCCESSFUL", "w1")
    assert line.duration_ms >= 0


@pytest.mark.django_db
def test_a_job_whose_code_is_missing_is_skipped_and_said_once(caplog, monkeypatch):
    monkeypatch.setattr(schedule, "_reported_missing", set())
    jobs = {**HOURLY, "tests.later": Job(HOUR, "clinic.not_yet_here.tasks.requeue_stale")}
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        assert run_due(T0, "w1", jobs) == ["tests.count"]
        assert run_due(T0 + HOUR, "w1", jobs) == ["tests.count"]
    missing = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(missing) == 1
    assert "tests.later is skipped: clinic.not_yet_here.tasks.requeue_stale" in missing[0].message
    assert not ScheduledJob.objects.filter(name="tests.later").exists()


@pytest.mark.django_db
def test_a_task_job_is_enqueued_once_per_turn():
    """With the tests' immediate backend the enqueued task runs at once."""
    jobs = {"tests.enqueued": Job(HOUR, "tests.background.tasks.enqueued_turn")}
    assert run_due(T0, "w1", jobs) == ["tests.enqueued"]
    assert run_due(T0 + timedelta(minutes=1), "w2", jobs) == []
    assert tasks.called == ["enqueued turn"]


@pytest.mark.django_db
def test_a_task_job_that_cannot_be_enqueued_keeps_its_next_turn(caplog, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("queue unavailable")

    monkeypatch.setattr(tasks.enqueued_turn.__class__, "enqueue", refuse)
    jobs = {"tests.enqueued": Job(HOUR, "tests.background.tasks.enqueued_turn")}
    with caplog.at_level(logging.INFO, logger="clinic.background"):
        assert run_due(T0, "w1", jobs) == ["tests.enqueued"]
    assert turn("tests.enqueued") == T0 + HOUR
    assert caplog.records[-1].error == "OSError"


@pytest.mark.django_db
def test_nothing_to_run_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert run_due(T0, "w1", {}) == []


@pytest.mark.django_db
def test_a_new_jobs_turns_keep_to_the_clock_whenever_it_first_runs():
    """A worker that starts at 09:00:37 runs a minute job at once, then just
    after each whole minute (09:01:00, 09:02:00, ...), not at :37 each time."""
    every_minute = {"tests.count": Job(timedelta(minutes=1), "tests.background.tasks.count_turn")}
    started = T0 + timedelta(seconds=37)
    assert run_due(started, "w1", every_minute) == ["tests.count"]
    assert turn() == T0 + timedelta(minutes=1)
    assert run_due(T0 + timedelta(seconds=59), "w1", every_minute) == []
    assert run_due(T0 + timedelta(minutes=1, seconds=1), "w2", every_minute) == ["tests.count"]
    assert turn() == T0 + timedelta(minutes=2)


def test_on_the_clock_is_the_last_whole_interval():
    assert schedule.on_the_clock(T0 + timedelta(minutes=59), HOUR) == T0
    assert schedule.on_the_clock(T0 + timedelta(seconds=37), timedelta(minutes=1)) == T0
    assert schedule.on_the_clock(T0 + timedelta(minutes=7), timedelta(minutes=5)) == T0 + (
        timedelta(minutes=5)
    )
    assert schedule.on_the_clock(T0, HOUR) == T0
