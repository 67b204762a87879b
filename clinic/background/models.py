"""What the task workers share: a heartbeat each, for the readiness check, and
the periodic jobs' next turn, so that any number of workers run each turn once."""

from django.db import models


class Heartbeat(models.Model):
    """One row per worker process, touched as it starts and every 30 seconds."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.worker_id


class ScheduledJob(models.Model):
    """When a periodic job of ``clinic.background.schedule`` runs next.

    A worker that finds the job due moves ``next_run_at`` on with an UPDATE
    that only matches the value it read; the one whose UPDATE changed the row
    runs the job, every other worker finds it already moved.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_worker = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
