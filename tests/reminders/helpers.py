"""Builders for the reminder tests: a patient ready for reminders, and the scan run
as the worker runs it (emails stored, then delivered once the chunk commits)."""

from datetime import date, datetime, time

import time_machine
from django.core import mail

from accounts.models import Patient
from clinic.notifications.models import OutgoingEmail, ReminderSettings
from clinic.plans.schedule import Stage
from clinic.reminders.scan import send_due
from mats.services import acknowledge_safety_version, current_safety_version
from tests.factories import make_plan, screen

POSITION = "Feet, standing"
MINUTES = 12


def daily_stages(minutes: int = MINUTES, position: str = POSITION) -> list[Stage]:
    """One open-ended stage with a session every day, so every day is planned."""
    return [
        Stage(
            week_from=1,
            week_to=None,
            minutes_min=minutes,
            minutes_max=minutes,
            sessions_per_week=7,
            positions=(position,),
            surface="bed",
            clothing="thin",
        )
    ]


def ready(
    patient: Patient,
    *,
    start: date,
    at: time = time(8, 0),
    nudge: bool = True,
    stages: list[Stage] | None = None,
    days: int = 28,
    zone: str | None = None,
):
    """``patient`` screened, the current guidance read, reminders on at ``at``,
    and a plan from ``start`` (made as if assigned that day)."""
    if zone is not None:
        patient.time_zone = zone
        patient.save(update_fields=["time_zone"])
    ReminderSettings.objects.update_or_create(
        patient=patient, defaults={"reminders_on": True, "remind_at": at, "nudge_on": nudge}
    )
    with time_machine.travel(datetime.combine(start, time(0, 5), tzinfo=patient.zone), tick=False):
        screen(patient)
        if (version := current_safety_version()) is not None:
            acknowledge_safety_version(patient, version)
        return make_plan(patient, stages=stages or daily_stages(), start=start, days=days)


def republish(staff) -> None:
    """Publish a new safety version (a changed explanation): nobody has read it yet."""
    from mats.models import Contraindication
    from mats.services import publish_safety_version

    Contraindication.objects.filter(code="pregnancy").update(
        practitioner_explanation="Positions need adapting; lying on the side instead."
    )
    publish_safety_version(change_note="Clearer wording.", published_by=staff)


def scan_at(moment: datetime, capture) -> int:
    """Run the scan at ``moment`` (the clock moved there too) and deliver
    what it stored, as the worker's tasks would after the commit."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_due(moment)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def stored_for(patient: Patient):
    return OutgoingEmail.objects.filter(key__contains=f":{patient.pk}:")
