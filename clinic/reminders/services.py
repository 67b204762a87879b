"""Writers for the reminders app: the patient's calendar feed.

Each writes its audit row in the same transaction as the change (ids only).
"""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.models import AuditEvent, Patient
from clinic.reminders.models import CalendarFeed


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_or_reset_feed(patient: Patient, *, actor: Actor = SYSTEM) -> tuple[CalendarFeed, bool]:
    """Give the patient a calendar feed, or a new address for the one they
    have (the old address stops working at once). Returns the feed and
    whether it was created."""
    with transaction.atomic():
        # One change at a time per patient: two taps on "Add" make one feed.
        Patient.objects.select_for_update().get(pk=patient.pk)
        feed = CalendarFeed.objects.filter(patient=patient).first()
        if feed is None:
            feed = CalendarFeed.objects.create(patient=patient, secret=new_secret())
            audit.write(actor, AuditEvent.Action.CREATE, feed, clinic_id=patient.clinic_id)
            return feed, True
        feed.secret = new_secret()
        feed.reset_at = timezone.now()
        feed.save(update_fields=["secret", "reset_at"])
        audit.write(actor, AuditEvent.Action.UPDATE, feed, clinic_id=patient.clinic_id)
        return feed, False
