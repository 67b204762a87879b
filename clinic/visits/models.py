"""Needling appointments: the visits a between-visit plan runs between."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Patient

NOTE_MAX_LENGTH = 500


class AppointmentQuerySet(models.QuerySet):
    def past(self, now=None):
        return self.filter(starts_at__lte=now or timezone.now()).order_by("-starts_at")

    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now()).order_by("starts_at")


class Appointment(models.Model):
    """A needling appointment at the clinic, held or booked."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField("date and time")
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                "patient",
                "starts_at",
                name="appointment_once_per_patient_and_time",
                violation_error_message="This patient already has an appointment at that time.",
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"
