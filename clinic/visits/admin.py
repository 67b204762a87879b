from django.contrib import admin

from accounts.admin import RecordAdmin
from clinic.visits.models import Appointment


@admin.register(Appointment)
class AppointmentAdmin(RecordAdmin):
    """Appointments are recorded from the patient's page, which audits them;
    staff may look them up by id here but change nothing. Ids only: the
    patient's name and the clinic's note stay out of the admin."""

    list_display = ("id", "patient_id", "starts_at")
    fields = ("id", "patient_id", "starts_at")
    readonly_fields = fields
