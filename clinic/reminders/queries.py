"""Reads about reminders for the practitioner's pages.

What a practitioner may know of a patient's reminders is one line: on (at
which time, in the patient's zone) with when the last one went out, off, or
not chosen yet. Nothing else of the patient's choice (the nudge, when they
changed it) leaves this module.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import QuerySet

from accounts.models import Patient
from clinic.notifications.models import ReminderSettings
from clinic.reminders.models import SentReminder

ON, OFF, NOT_CHOSEN = "on", "off", "not_chosen"


@dataclass(frozen=True)
class ReminderLine:
    state: str  # ON, OFF or NOT_CHOSEN
    remind_at: time | None  # wall-clock, in ``zone``; only when on
    zone: str
    last_sent_at: datetime | None  # when the last reminder email left; only when on


# Passed as ``chosen`` when the caller has not read the settings.
NOT_READ = object()


def last_reminder_sent(patient) -> QuerySet:
    """When the patient's last reminder email left, as one value (a subquery
    with ``OuterRef``, or the query itself with a patient)."""
    return (
        SentReminder.objects.filter(patient=patient, email__sent_at__isnull=False)
        .order_by("-email__sent_at")
        .values_list("email__sent_at", flat=True)[:1]
    )


def reminder_line(patient: Patient, *, chosen=NOT_READ, last_sent_at=NOT_READ) -> ReminderLine:
    """The patient's reminders as their practitioner sees them, in two queries
    at most; none when the caller read ``chosen``, (reminders on, time) or
    None for no settings, and ``last_sent_at`` (``last_reminder_sent``)."""
    zone = patient.zone.key
    if chosen is NOT_READ:
        chosen = (
            ReminderSettings.objects.filter(patient=patient)
            .values_list("reminders_on", "remind_at")
            .first()
        )
    if chosen is None:
        return ReminderLine(state=NOT_CHOSEN, remind_at=None, zone=zone, last_sent_at=None)
    reminders_on, remind_at = chosen
    if not reminders_on:
        return ReminderLine(state=OFF, remind_at=None, zone=zone, last_sent_at=None)
    if last_sent_at is NOT_READ:
        last_sent_at = last_reminder_sent(patient).first()
    return ReminderLine(state=ON, remind_at=remind_at, zone=zone, last_sent_at=last_sent_at)
