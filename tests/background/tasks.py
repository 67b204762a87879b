"""Tasks and jobs the background tests enqueue or schedule.

The worker process imports them by their dotted path (the repository root is
on its path when it runs ``manage.py``). They write to ``runs.TABLE``, a table
only the tests create, so that a test counts what ran in any process.
"""

from datetime import timedelta

from django.tasks import task

from clinic.background.schedule import Job
from tests.background import runs

# Counted in this process only, for the tests that run a worker in-process.
called: list[str] = []


@task
def record(label: str) -> None:
    runs.record(label)


@task
def remember(label: str) -> None:
    called.append(label)


@task
def fail(label: str) -> None:
    called.append(label)
    raise ValueError(f"could not reach {label}@patients.example")


@task
def lose_the_database(label: str) -> None:
    """Ran, then the database went away before its outcome could be written
    (the test makes every save fail while ``DATABASE_AWAY`` is set)."""
    called.append(label)
    runs.DATABASE_AWAY.set()


def record_turn(now) -> None:
    runs.record("turn", at=now)


def count_turn(now) -> None:
    called.append(f"turn at {now.isoformat()}")


def explode(now) -> None:
    raise RuntimeError("pat@patients.example has no plan")


@task
def enqueued_turn() -> None:
    called.append("enqueued turn")


# Two workers share this schedule in tests/background/test_worker_processes.py.
SHARED = {"tests.record_turn": Job(timedelta(seconds=0.3), "tests.background.tasks.record_turn")}
