"""The workers' heartbeats and the periodic jobs' turns, for staff to check
that work outside the request is happening. Written by the workers only."""

from django.contrib import admin

from accounts.admin import RecordAdmin
from clinic.background.models import Heartbeat, ScheduledJob


@admin.register(Heartbeat)
class HeartbeatAdmin(RecordAdmin):
    list_display = ("worker_id", "started_at", "seen_at")
    fields = readonly_fields = list_display


@admin.register(ScheduledJob)
class ScheduledJobAdmin(RecordAdmin):
    list_display = ("name", "next_run_at", "last_run_at", "last_worker")
    fields = readonly_fields = list_display
