"""What the task workers leave behind: a heartbeat each, for the readiness check."""

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
