"""The background app's own periodic jobs (registered in ``schedule.JOBS``).

Each takes the worker's ``now`` and deletes by age, so it is safe to run
twice or in two workers at once: a row already deleted is simply not found.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clinic.background.models import Heartbeat

# Failed results are kept longer: staff may still be looking into them.
SUCCESSFUL_RESULTS_KEPT = timedelta(days=7)
FAILED_RESULTS_KEPT = timedelta(days=30)
# A worker removes its heartbeat when it stops; one that died without doing so
# is forgotten a day later (the readiness check already ignores it after 2 minutes).
STALE_HEARTBEATS_KEPT = timedelta(days=1)


def prune_task_results(now: datetime) -> int:
    """Delete finished task results past their keeping time; return how many.

    The same query as django-tasks-db's ``prune_db_task_results`` command with
    a longer time for failures. Results still waiting or running are never touched.
    """
    finished = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - SUCCESSFUL_RESULTS_KEPT)
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - FAILED_RESULTS_KEPT)
    )
    deleted, _ = finished.delete()
    return deleted


def forget_stale_heartbeats(now: datetime) -> int:
    """Delete heartbeats of workers not seen for a day; return how many."""
    deleted, _ = Heartbeat.objects.filter(seen_at__lte=now - STALE_HEARTBEATS_KEPT).delete()
    return deleted
