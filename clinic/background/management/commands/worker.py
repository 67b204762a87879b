"""``manage.py worker``: run tasks, keep the heartbeat and the shared schedule.

django-tasks-db's worker (see ``clinic.background.worker`` for what is added
and why nothing runs twice). Stops cleanly on SIGTERM or Ctrl-C, after the
task under way.
"""

import logging
from argparse import ArgumentParser, ArgumentTypeError

from django.core.management.base import BaseCommand
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import (
    valid_backend_name,
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from clinic.background.worker import ClinicWorker, default_worker_id

DEFAULT_SCHEDULE = "clinic.background.schedule.JOBS"


def valid_schedule(value: str) -> dict:
    if not value:
        return {}
    try:
        return dict(import_string(value))
    except (ImportError, TypeError, ValueError) as error:
        raise ArgumentTypeError(f"{value} is not a mapping of jobs ({error})") from None


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs, with a heartbeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1,
            help="Seconds to wait when no task is ready (default: %(default)s).",
        )
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            default=None,
            help="This worker's id, unique among the workers (default: host name and process id).",
        )
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="Queues to take tasks from, comma-separated; '*' for all (default: %(default)s).",
        )
        parser.add_argument(
            "--backend",
            type=valid_backend_name,
            default=DEFAULT_TASK_BACKEND_ALIAS,
            dest="backend_name",
            help="The database task backend to work for (default: %(default)s).",
        )
        parser.add_argument(
            "--max-tasks",
            type=valid_max_tasks,
            default=None,
            help="Stop after running this many tasks.",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Stop when no task is ready.",
        )
        parser.add_argument(
            "--max-backoff",
            type=valid_interval,
            default=30,
            help="Longest wait, in seconds, between tries while the database is away "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--schedule",
            type=valid_schedule,
            default=DEFAULT_SCHEDULE,
            dest="jobs",
            help="Dotted path of the periodic jobs to run; '' runs none (default: %(default)s).",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Start polling at once rather than after a random moment under a second.",
        )

    def handle(self, *, verbosity: int, queue_name: str, worker_id: str | None, **options):
        self.configure_logging(verbosity)
        worker = ClinicWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=[],
            worker_id=worker_id or default_worker_id(),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            max_backoff=options["max_backoff"],
            jobs=options["jobs"],
        )
        worker.configure_signals()
        worker.run()

    def configure_logging(self, verbosity: int) -> None:
        """Show the worker's own lines unless the settings say otherwise.

        django.tasks' own line for a failed task carries the traceback, whose
        text can quote the data the task worked on; the worker's line (the
        error's kind) replaces it, and staff read the traceback on the task's
        result in the admin.
        """
        level = logging.WARNING if verbosity == 0 else logging.INFO
        for name, wanted in (
            ("clinic.background", level),
            ("django_tasks_db", level),
            ("django.tasks", logging.CRITICAL),
        ):
            log = logging.getLogger(name)
            if log.level == logging.NOTSET:
                log.setLevel(wanted)
