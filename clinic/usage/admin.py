"""The patient's logs and side-effect reports, for staff to look up by id
when something needs explaining. Read-only: logs and reports change only
through the patient's own pages. Scores, notes, signs and free text are
health data and stay out of the admin altogether."""

from django.contrib import admin

from accounts.admin import RecordAdmin
from clinic.usage.models import SessionLog, SideEffectReport


@admin.register(SessionLog)
class SessionLogAdmin(RecordAdmin):
    list_display = ("id", "day", "minutes_done", "logged_at")
    fields = ("id", "planned_session", "day", "minutes_done", "logged_at")
    readonly_fields = fields
    list_select_related = ("planned_session",)
    date_hierarchy = "logged_at"

    @admin.display(description="day", ordering="planned_session__date")
    def day(self, obj: SessionLog):
        return obj.planned_session.date


@admin.register(SideEffectReport)
class SideEffectReportAdmin(RecordAdmin):
    list_display = ("id", "patient_number", "reported_at", "seen_at")
    fields = ("id", "patient_number", "plan", "day", "reported_at", "seen_at")
    readonly_fields = fields
    list_filter = (("seen_at", admin.EmptyFieldListFilter),)
    date_hierarchy = "reported_at"

    # The patient's id, never their name (which the patient field would show).
    @admin.display(description="patient id", ordering="patient_id")
    def patient_number(self, obj: SideEffectReport) -> int:
        return obj.patient_id
