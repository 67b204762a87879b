from datetime import date, datetime

from django.utils import timezone

from accounts.models import Patient


def patient_today(patient: Patient, now: datetime | None = None) -> date:
    """The patient's calendar day at ``now`` (default: now), in their own
    zone if they set one, else their clinic's. Every "today" of the care
    side comes from here."""
    return timezone.localdate(now or timezone.now(), timezone=patient.zone)
