"""Periodic work on a schedule that any number of workers share.

``JOBS`` names each job, how often it runs and the dotted path of what it
runs: a function, called with the worker's ``now``, or a task of
``django.tasks``, enqueued with no arguments. Every loop the worker calls
``run_due(now, worker_id)``.

Each job has a ``ScheduledJob`` row holding its next turn. A worker that finds
the turn come moves it on with ``UPDATE ... SET next_run_at = <next> WHERE
name = <job> AND next_run_at = <the value it read>``. On PostgreSQL a second
worker running the same UPDATE waits for the first to commit, then finds the
row no longer matches and changes nothing; SQLite runs one writer at a time.
Only the worker whose UPDATE changed a row runs the job, so each turn runs
once however many workers there are.

The turn is taken (committed) before a function runs, so a job that raises,
or a worker that dies halfway, leaves the job to its next turn rather than
running it again at once: each job here catches up on everything that has
fallen due since it last ran, so a missed turn costs nothing. A task's turn
is taken in the same transaction that enqueues it, so with the database
backend a turn is never lost between the two.

Turns keep to the clock: a new job's first turn is at once, counted as
the last whole interval since 1970 (the current minute for a job every
minute, the current hour for an hourly one), and its turns after that
fall every interval on that grid. A job every minute so runs just after
each minute begins, and a reminder chosen for 08:00 goes at 08:00, not at
whatever second the first worker happened to start. Turns missed while no
worker ran are skipped, not made up one by one.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.tasks import Task
from django.utils.module_loading import import_string

from clinic.background.models import ScheduledJob

logger = logging.getLogger("clinic.background.schedule")


@dataclass(frozen=True)
class Job:
    every: timedelta
    target: str  # dotted path: a function taking ``now``, or a Task taking nothing


JOBS: dict[str, Job] = {
    "tasks.prune_results": Job(timedelta(hours=1), "clinic.background.jobs.prune_task_results"),
    "background.forget_stale_heartbeats": Job(
        timedelta(hours=1), "clinic.background.jobs.forget_stale_heartbeats"
    ),
    "accounts.delete_expired_invitations": Job(
        timedelta(hours=24), "accounts.services.delete_expired_invitations"
    ),
    # Sessions past their expiry: signed-out browsers leave them behind.
    "accounts.clear_expired_sessions": Job(
        timedelta(hours=1), "accounts.session_store.clear_expired_sessions"
    ),
    # The hourly counts behind the limits on reset and invitation email.
    "accounts.forget_ended_windows": Job(
        timedelta(hours=1), "accounts.throttle.forget_ended_windows"
    ),
    # Email whose worker stopped mid-send, or whose delivery task was lost.
    "notifications.requeue_stale": Job(
        timedelta(minutes=5), "clinic.notifications.tasks.requeue_stale"
    ),
    # Patients' daily reminders and nudges: each goes at its minute (or up to
    # two hours late after an outage), once.
    "reminders.send_due": Job(timedelta(minutes=1), "clinic.reminders.scan.send_due"),
    # The patient list's stored flags that a zone's midnight, a new safety
    # version or a write left out of date, so the list rarely works them out.
    "review.refresh_flags": Job(timedelta(minutes=5), "clinic.review.flags.refresh_stale_flags"),
    # Practitioners' daily digests, at each one's chosen minute, once a clinic day.
    "reminders.send_digests": Job(timedelta(minutes=1), "clinic.reminders.digest.send_due_digests"),
}

# Paths already reported as missing, so that a worker says so once, not every second.
_reported_missing: set[str] = set()


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def on_the_clock(now: datetime, every: timedelta) -> datetime:
    """The last instant at or before ``now`` on the clock's grid of ``every``."""
    return EPOCH + ((now - EPOCH) // every) * every


def next_turn(seen: datetime, now: datetime, every: timedelta) -> datetime:
    """The first turn after ``now`` on the grid ``seen + k * every``."""
    if now < seen:
        return seen
    return seen + ((now - seen) // every + 1) * every


def resolve(name: str, job: Job) -> Callable | Task | None:
    """What ``job`` runs, or None (said once in the log) when its code cannot be imported.

    A job whose code is not deployed yet is left alone rather than failing
    the worker; its row is not touched, so it runs once the code arrives.
    """
    try:
        return import_string(job.target)
    except ImportError as error:
        if job.target not in _reported_missing:
            _reported_missing.add(job.target)
            logger.warning(
                "Scheduled job %s is skipped: %s cannot be imported (%s).",
                name,
                job.target,
                error,
                extra={"job": name},
            )
        return None


def claim(name: str, seen: datetime, now: datetime, every: timedelta, worker_id: str) -> bool:
    """Take the turn ``seen`` of job ``name``; False when another worker took it first."""
    changed = ScheduledJob.objects.filter(name=name, next_run_at=seen).update(
        next_run_at=next_turn(seen, now, every), last_run_at=now, last_worker=worker_id[:64]
    )
    return changed == 1


def run_due(now: datetime, worker_id: str, jobs: Mapping[str, Job] | None = None) -> list[str]:
    """Run each job of ``jobs`` (default ``JOBS``) whose turn has come and that
    this worker claims; return the names of those it ran."""
    jobs = JOBS if jobs is None else jobs
    targets = {name: target for name, job in jobs.items() if (target := resolve(name, job))}
    if not targets:
        return []
    seen = dict(ScheduledJob.objects.filter(name__in=targets).values_list("name", "next_run_at"))
    new = [name for name in targets if name not in seen]
    if new:
        # A new job's first turn is now, on the clock's grid. If another worker
        # made the row first, ours is not written; both then claim the same
        # turn below with a conditional UPDATE, and only one UPDATE matches.
        first = {name: on_the_clock(now, jobs[name].every) for name in new}
        ScheduledJob.objects.bulk_create(
            [ScheduledJob(name=name, next_run_at=at) for name, at in first.items()],
            ignore_conflicts=True,
        )
        seen.update(first)
    ran = []
    for name in sorted(seen):
        if seen[name] <= now and _take_turn(
            name, jobs[name], targets[name], seen[name], now, worker_id
        ):
            ran.append(name)
    return ran


def _take_turn(
    name: str, job: Job, target: Callable | Task, seen: datetime, now: datetime, worker_id: str
) -> bool:
    started = time.monotonic()
    status, error = "SUCCESSFUL", None
    if isinstance(target, Task):
        status = "ENQUEUED"
        with transaction.atomic():
            if not claim(name, seen, now, job.every, worker_id):
                return False
            try:
                with transaction.atomic():
                    target.enqueue()
            except Exception as exc:  # the turn stays taken: the next one tries again
                status, error = "FAILED", exc
    else:
        if not claim(name, seen, now, job.every, worker_id):
            return False
        try:
            target(now)
        except Exception as exc:  # logged below; the next turn runs it again
            status, error = "FAILED", exc
    _log_turn(name, status, started, worker_id, error)
    return True


def _log_turn(
    name: str, status: str, started: float, worker_id: str, error: Exception | None
) -> None:
    duration_ms = round((time.monotonic() - started) * 1000)
    fields = {"job": name, "status": status, "duration_ms": duration_ms, "worker_id": worker_id}
    if error is None:
        logger.info("job %s %s %d ms", name, status, duration_ms, extra=fields)
    else:
        # The kind of error only: its text can quote the data it failed on.
        fields["error"] = type(error).__name__
        logger.error(
            "job %s %s %d ms (%s)", name, status, duration_ms, fields["error"], extra=fields
        )
