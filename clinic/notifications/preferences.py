"""The email each person has chosen: a patient's reminders, a practitioner's
side-effect alert and daily digest.

The only writers of ``ReminderSettings`` and ``PractitionerNotifications``.
Each works on its row under a lock, so two tabs or a double tap give one
row and one outcome (Django's ``update_or_create`` and ``get_or_create``
lock the row they find and, when two requests create it at once, the loser
reads the winner's row instead of failing), and writes its audit row (ids
only) in the same transaction.
"""

from datetime import time

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.audit import Actor
from accounts.models import Membership, Patient
from clinic.notifications.models import (
    DEFAULT_REMINDER_TIME,
    PractitionerNotifications,
    ReminderSettings,
)


def _written(actor: Actor, created: bool, row, clinic_id: int) -> None:
    audit.write(actor, "create" if created else "update", row, clinic_id=clinic_id)


def set_reminders(
    patient: Patient, *, reminders_on: bool, remind_at: time, nudge_on: bool, actor: Actor
) -> ReminderSettings:
    """Save the patient's choice from their settings page.

    Saving the form answers the Today page's offer too: a patient who chose
    here is not asked again there.
    """
    now = timezone.now()
    choice = {
        "reminders_on": reminders_on,
        "remind_at": remind_at.replace(second=0, microsecond=0),
        "nudge_on": nudge_on,
        "changed_at": now,
    }
    with transaction.atomic():
        settings, created = ReminderSettings.objects.update_or_create(
            patient=patient, defaults=choice, create_defaults={**choice, "offer_answered_at": now}
        )
        if settings.offer_answered_at is None:
            # The row is locked by update_or_create until this transaction ends.
            settings.offer_answered_at = now
            settings.save(update_fields=["offer_answered_at"])
        _written(actor, created, settings, patient.clinic_id)
    return settings


def answer_offer(patient: Patient, *, accept: bool, actor: Actor) -> ReminderSettings:
    """The patient's answer to the Today page's offer.

    Yes: reminders on at the default time (08:00 in their zone) with the
    nudge. Not now: reminders stay as they are. Either way the offer is
    answered and never shows again. The first answer counts: a second one
    (another tab, a second tap) changes nothing and returns the row as the
    first left it, so the page can say what is true.
    """
    now = timezone.now()
    with transaction.atomic():
        settings, created = ReminderSettings.objects.select_for_update().get_or_create(
            patient=patient
        )
        if settings.offer_answered_at is not None:
            return settings
        settings.offer_answered_at = now
        settings.changed_at = now
        if accept:
            settings.reminders_on = True
            settings.remind_at = DEFAULT_REMINDER_TIME
            settings.nudge_on = True
        settings.save()
        _written(actor, created, settings, patient.clinic_id)
    return settings


def turn_off_reminders(patient: Patient, *, actor: Actor) -> bool:
    """Switch the patient's reminders off (the unsubscribe link); True if they were on.

    Touches ``reminders_on`` alone: the chosen time and the nudge stay, so
    switching back on in Settings restores them. A patient with no row has
    no reminders, so there is nothing to write.
    """
    with transaction.atomic():
        settings = ReminderSettings.objects.select_for_update().filter(patient=patient).first()
        if settings is None or not settings.reminders_on:
            return False
        settings.reminders_on = False
        settings.changed_at = timezone.now()
        settings.save(update_fields=["reminders_on", "changed_at"])
        _written(actor, False, settings, patient.clinic_id)
    return True


def set_practitioner_notifications(
    membership: Membership,
    *,
    report_alerts: bool,
    digest_on: bool,
    digest_at: time,
    actor: Actor,
) -> PractitionerNotifications:
    """Save a practitioner's (or clinic admin's) choice of email."""
    with transaction.atomic():
        settings, created = PractitionerNotifications.objects.update_or_create(
            membership=membership,
            defaults={
                "report_alerts": report_alerts,
                "digest_on": digest_on,
                "digest_at": digest_at.replace(second=0, microsecond=0),
                "changed_at": timezone.now(),
            },
        )
        _written(actor, created, settings, membership.clinic_id)
    return settings


def practitioner_notifications(membership: Membership) -> PractitionerNotifications:
    """The practitioner's choice, or the defaults (unsaved) when they never chose."""
    found = PractitionerNotifications.objects.filter(membership=membership).first()
    return found or PractitionerNotifications(membership=membership)


def wants_report_alerts(membership: Membership) -> bool:
    """Whether the side-effect alert goes to this practitioner (it does unless switched off)."""
    return not PractitionerNotifications.objects.filter(
        membership=membership, report_alerts=False
    ).exists()
