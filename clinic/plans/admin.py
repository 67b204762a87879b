"""Plans and screenings in the admin: for staff to look up, never to edit.

A plan or a screening changes only through the services (which check the
safety gate and write the audit trail), so the admin shows them read-only,
by id and date, with no free text (notes, reasons, answers) on show.
"""

from django.contrib import admin

from accounts.admin import RecordAdmin
from clinic.plans.models import Plan, Screening


@admin.register(Plan)
class PlanAdmin(RecordAdmin):
    list_display = ("id", "patient_id", "status", "start_date", "end_date")
    list_filter = ("status",)
    fields = readonly_fields = (
        "patient_id",
        "status",
        "template_slug",
        "start_date",
        "end_date",
        "created_at",
        "paused_on",
        "ended_on",
    )


@admin.register(Screening)
class ScreeningAdmin(RecordAdmin):
    list_display = ("id", "patient_id", "taken_at", "source")
    list_filter = ("source",)
    fields = readonly_fields = ("patient_id", "taken_at", "source", "safety_version_number")
