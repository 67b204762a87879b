"""The task worker: django-tasks-db's ``Worker`` with a heartbeat, the shared
schedule, a log line per task, and patience when the database goes away.

What it keeps from django-tasks-db unchanged: how a task is claimed (the
ready rows of its backend and queues, ``get_locked()``, which is ``SELECT ...
FOR UPDATE SKIP LOCKED`` on PostgreSQL and an exclusive transaction on
SQLite, then ``claim()``, which marks the row RUNNING with this worker's id
in the same transaction), how it is run (``run_task``: the task_started and
task_finished signals, the result or error recorded on the row) and how
SIGTERM and SIGINT stop it (``shutdown``: a task under way finishes first).
``run`` is django-tasks-db's loop with three things added each time round:
the heartbeat, the schedule, and the wait for the database.

When the database goes away (OperationalError or InterfaceError anywhere
but inside a task's own code, whose errors are the task's failure) the
worker logs one line, closes its connections, waits (half a second,
doubling up to ``max_backoff``) until the database answers, logs one more
line and carries on. Nothing is lost and nothing runs twice:

- Lost while claiming: the claim's transaction never committed, so the row
  is still READY and is claimed after the database returns, once.
- Lost while a task ran (its result could not be written): the row was
  committed as RUNNING with this worker's id, and django-tasks-db never
  hands a RUNNING row to any worker again, so the task is not run a second
  time. After the database returns this worker records it FAILED with the
  error that stopped it, so staff see it in the admin instead of a row stuck
  RUNNING. Work a task must finish is kept by the task's own rows (the
  email outbox re-enqueues mail that was never marked sent).
- Lost in the very moment a claim commits (the database committed but the
  answer never arrived): the row stays RUNNING and is not run, the same
  at-most-once rule; it is left for staff to see.
- Lost during the heartbeat or the schedule: both are retried on the next
  loop; a schedule turn already taken runs on its next turn, never twice.
"""

import contextlib
import logging
import os
import random
import socket
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from django.db import close_old_connections, connection, connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from clinic.background.models import Heartbeat
from clinic.background.schedule import Job, run_due

logger = logging.getLogger("clinic.background.worker")
task_logger = logging.getLogger("clinic.background.tasks")

DATABASE_GONE = (OperationalError, InterfaceError)
HEARTBEAT_EVERY = timedelta(seconds=30)
FIRST_BACKOFF = 0.5  # seconds; doubles up to the worker's max_backoff
BUSY = object()  # SQLite's database was locked: try again after the interval


def default_worker_id() -> str:
    """Host name and process id: unique on the machine, readable in the admin."""
    pid = str(os.getpid())
    return f"{socket.gethostname()[: 63 - len(pid)]}-{pid}"


class ClinicWorker(Worker):
    def __init__(
        self,
        *,
        jobs: Mapping[str, Job],
        max_backoff: float = 30,
        clock: Callable[[], datetime] = timezone.now,
        sleep: Callable[[float], None] = time.sleep,
        **options,
    ):
        super().__init__(**options)
        self.jobs = jobs
        self.max_backoff = max_backoff
        self.clock = clock
        self.sleep = sleep
        self.last_beat: datetime | None = None
        self.database_lost = False
        # A task whose outcome could not be written: (its row, what stopped it).
        self.unrecorded: tuple[DBTaskResult, BaseException] | None = None

    def run(self) -> None:
        logger.info(
            "Worker %s started (queues %s)",
            self.worker_id,
            ",".join(self.queue_names),
            extra={"worker_id": self.worker_id},
        )
        task_log = TaskLog(self.worker_id).connect()
        try:
            self.loop()
        finally:
            task_log.disconnect()
            self.forget_heartbeat()
            logger.info("Worker %s stopped", self.worker_id, extra={"worker_id": self.worker_id})

    def loop(self) -> None:
        if self.startup_delay and self.interval:
            # Workers started together do not all poll at the same instant.
            self.sleep(random.random())  # noqa: S311
        while self.running:
            try:
                outcome = self.step()
            except DATABASE_GONE as error:
                self.wait_for_database(error)
                continue
            if self.batch and outcome == "idle":
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and outcome != "ran":
                self.sleep(self.interval)

    def step(self) -> str:
        """Once round the loop: "ran" a task, found none ("idle"), or found the
        database locked ("busy", SQLite only)."""
        close_old_connections()
        now = self.clock()
        if self.unrecorded is not None:
            self.record_unrecorded()
        if self.last_beat is None or not timedelta(0) <= now - self.last_beat < HEARTBEAT_EVERY:
            self.beat(now)  # due, or the clock was set back
        self.run_schedule(now)
        if not self.running:
            return "idle"
        task = self.claim_next()
        if task is None:
            return "idle"
        if task is BUSY:
            return "busy"
        self.run_task(task)
        return "ran"

    def claim_next(self) -> DBTaskResult | object | None:
        """django-tasks-db's claim, as in ``Worker.run``."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return BUSY
                raise
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_GONE as error:
            # Neither the result nor the failure could be written. Keep what
            # stopped the task (the error raised while writing it sits behind).
            self.unrecorded = (db_task_result, error.__context__ or error)
            raise

    def record_unrecorded(self) -> None:
        """Mark FAILED the task that was running when the database went away,
        unless its outcome reached the database after all."""
        row, error = self.unrecorded
        with transaction.atomic():
            current = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=row.pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if current is not None:
                current.set_failed(error)
        self.unrecorded = None
        if current is not None:
            log_task(
                current.pk,
                current.task_path,
                TaskResultStatus.FAILED,
                None,
                self.worker_id,
                error=type(error).__name__,
            )

    def run_schedule(self, now: datetime) -> None:
        # Counted as a task, so SIGTERM lets a job under way finish.
        self.running_task = True
        try:
            run_due(now, self.worker_id, self.jobs)
        finally:
            self.running_task = False

    def beat(self, now: datetime) -> None:
        """Write this worker's heartbeat; the first one also says when it started."""
        if self.last_beat is None:
            Heartbeat.objects.update_or_create(
                worker_id=self.worker_id, defaults={"started_at": now, "seen_at": now}
            )
        else:
            Heartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"seen_at": now},
                create_defaults={"started_at": now, "seen_at": now},
            )
        self.last_beat = now

    def forget_heartbeat(self) -> None:
        """A worker that stops removes its heartbeat, so the readiness check
        stops counting it at once; one that dies, or stops while the database
        is away, leaves it to go stale."""
        if self.database_lost:
            close_all_connections()
            return
        try:
            Heartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DATABASE_GONE:
            logger.warning(
                "Worker %s could not remove its heartbeat; it goes stale in 2 minutes",
                self.worker_id,
                extra={"worker_id": self.worker_id},
            )
        finally:
            close_all_connections()

    def wait_for_database(self, error: BaseException) -> None:
        logger.error(
            "Database unavailable (%s); worker %s waits for it",
            type(error).__name__,
            self.worker_id,
            extra={"worker_id": self.worker_id, "error": type(error).__name__},
        )
        self.database_lost = True
        lost = time.monotonic()
        delay = FIRST_BACKOFF
        while self.running:
            close_all_connections()
            self.sleep(delay)
            if not self.running:
                return
            if database_answers():
                self.database_lost = False
                logger.warning(
                    "Database back after %.0f s; worker %s carries on",
                    time.monotonic() - lost,
                    self.worker_id,
                    extra={"worker_id": self.worker_id},
                )
                return
            delay = min(delay * 2, self.max_backoff)


def close_all_connections() -> None:
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_GONE):  # already gone: nothing to close
            conn.close()


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_GONE:
        return False
    return True


def log_task(
    task_id: str,
    task: str,
    status: str,
    duration_ms: int | None,
    worker_id: str,
    error: str | None = None,
) -> None:
    """One line per task with the request log's fields: id, name, status and
    duration. Never the arguments or the error's text, which can hold
    names, addresses or health data; the error's kind only."""
    fields = {
        "task_id": str(task_id),
        "task": task,
        "status": str(status),
        "duration_ms": duration_ms,
        "worker_id": worker_id,
    }
    took = "" if duration_ms is None else f" {duration_ms} ms"
    if error is None:
        task_logger.info("task %s %s %s%s", task_id, task, status, took, extra=fields)
    else:
        fields["error"] = error
        task_logger.error("task %s %s %s%s (%s)", task_id, task, status, took, error, extra=fields)


class TaskLog:
    """Logs each task the worker runs, from django.tasks' signals."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.started: dict[str, float] = {}

    def connect(self) -> "TaskLog":
        task_started.connect(self.on_started, dispatch_uid=f"tasklog-{id(self)}")
        task_finished.connect(self.on_finished, dispatch_uid=f"tasklog-{id(self)}")
        return self

    def disconnect(self) -> None:
        task_started.disconnect(dispatch_uid=f"tasklog-{id(self)}")
        task_finished.disconnect(dispatch_uid=f"tasklog-{id(self)}")

    def on_started(self, sender, task_result, **kwargs) -> None:
        self.started[task_result.id] = time.monotonic()

    def on_finished(self, sender, task_result, **kwargs) -> None:
        began = self.started.pop(task_result.id, None)
        duration_ms = None if began is None else round((time.monotonic() - began) * 1000)
        error = None
        if task_result.status == TaskResultStatus.FAILED and task_result.errors:
            error = task_result.errors[-1].exception_class_path.rsplit(".", 1)[-1]
        log_task(
            task_result.id,
            task_result.task.module_path,
            task_result.status,
            duration_ms,
            self.worker_id,
            error=error,
        )
