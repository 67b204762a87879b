"""The demo clinic's fortnight: visits, screenings and plans in every state,
dated from today so the demo always looks current. Used by ``seed_demo``
(development only); every plan goes through the same services as the site.

| patient | story |
| --- | --- |
| Ada Byrne | a finished first plan (ended when the second began) and an active one |
| Ben Mistry | takes blood-pressure medicine (relative): cleared, plan active |
| Cara Nowak | seen yesterday, not screened yet: plan waiting for screening |
| Dev Patel | plan paused two days ago after reporting bruising |
| Eve Santos | no account yet: one visit, no plan |
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from accounts.models import Patient
from clinic.models import Appointment, Plan, Screening, SessionLog
from clinic.schedule import adjust
from clinic.services import (
    assign_plan,
    patient_today,
    pause_plan,
    record_screening,
    template_stages,
)
from mats.services import published_contraindications, published_routine_templates

DEMO_TEMPLATE = "standard-three-stage"
PREFERRED_RELATIVE = "blood-pressure-medication"


def _at(patient: Patient, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(patient.clinic.time_zone))


def _visit(patient: Patient, day: date, note: str = "") -> None:
    Appointment.objects.create(
        patient=patient,
        starts_at=_at(patient, day, 10),
        note=note,
        recorded_by=patient.primary_practitioner.user,
    )


def _screen(patient: Patient, day: date, *, yes=(), in_clinic: bool = False) -> Screening:
    answers = {entry.code: entry.code in yes for entry in published_contraindications()}
    screening, _ = record_screening(
        patient,
        answers,
        source=Screening.Source.CLINIC if in_clinic else Screening.Source.PATIENT,
        recorded_by=patient.primary_practitioner.user if in_clinic else patient.user,
        taken_at=_at(patient, day, 9),
        today=day,
    )
    return screening


def _plan(
    patient: Patient,
    start: date,
    end: date,
    *,
    assigned: date,
    changes: dict[int, dict] | None = None,
    clearances: dict[str, str] | None = None,
    note: str = "",
) -> Plan:
    templates = published_routine_templates()
    template = templates.filter(slug=DEMO_TEMPLATE).first() or templates.first()
    stages = [
        adjust(stage, **(changes or {}).get(index, {}))
        for index, stage in enumerate(template_stages(template))
    ]
    plan, _ = assign_plan(
        patient=patient,
        template=template,
        stages=stages,
        start_date=start,
        end_date=end,
        note_for_patient=note,
        created_by=patient.primary_practitioner.user,
        submission_key=uuid4(),
        clearance_reasons=clearances,
        today=assigned,
    )
    return plan


def _relative_code() -> str | None:
    relative = [entry.code for entry in published_contraindications() if not entry.is_absolute]
    if PREFERRED_RELATIVE in relative:
        return PREFERRED_RELATIVE
    return relative[0] if relative else None


def _ada(patient: Patient, today: date) -> None:
    first = today - timedelta(days=31)
    _visit(patient, first, "Neck and upper back; first needling.")
    _screen(patient, first, in_clinic=True)
    _plan(
        patient,
        first + timedelta(days=1),
        today - timedelta(days=4),
        assigned=first,
        note="Start gently on the bed; a T-shirt is fine.",
    )
    _visit(patient, today - timedelta(days=3), "Neck easier, upper back still tight.")
    _visit(patient, today + timedelta(days=11))
    _plan(
        patient,
        today - timedelta(days=2),
        today + timedelta(days=10),
        assigned=today - timedelta(days=3),
        changes={0: {"minutes_min": 10, "minutes_max": 15}},
        note="You know the feeling now, so we start a little longer.",
    )


def _ben(patient: Patient, today: date) -> None:
    code = _relative_code()
    _screen(patient, today - timedelta(days=6), yes=[code] if code else [])
    _visit(patient, today - timedelta(days=5), "Low back; takes medicine for blood pressure.")
    _visit(patient, today + timedelta(days=9))
    _plan(
        patient,
        today - timedelta(days=4),
        today + timedelta(days=8),
        assigned=today - timedelta(days=5),
        clearances={
            code: "Blood pressure well controlled. Knows to sit for a minute and rise slowly "
            "after each session; will report any dizziness."
        }
        if code
        else None,
        note="Sit for a minute before you get up, then rise slowly.",
    )


def _cara(patient: Patient, today: date) -> None:
    _visit(patient, today - timedelta(days=1), "First visit: neck pain from desk work.")
    _visit(patient, today + timedelta(days=13))
    _plan(patient, today, today + timedelta(days=12), assigned=today - timedelta(days=1))


def _dev(patient: Patient, today: date) -> None:
    _screen(patient, today - timedelta(days=11))
    _visit(patient, today - timedelta(days=10), "Low back after lifting.")
    _visit(patient, today + timedelta(days=4))
    plan = _plan(
        patient,
        today - timedelta(days=9),
        today + timedelta(days=3),
        assigned=today - timedelta(days=10),
        changes={0: {"sessions_per_week": 4}},
    )
    pause_plan(
        plan,
        reason="Reported bruising on the low back; review at the next visit.",
        today=today - timedelta(days=2),
    )


def _eve(patient: Patient, today: date) -> None:
    _visit(patient, today - timedelta(days=2), "First visit: shoulder tension.")
    _visit(patient, today + timedelta(days=12))


STORIES: dict[str, Callable[[Patient, date], None]] = {
    "ada.byrne@patients.example": _ada,
    "ben.mistry@patients.example": _ben,
    "cara.nowak@patients.example": _cara,
    "dev.patel@patients.example": _dev,
    "eve.santos@patients.example": _eve,
}


def seed_care(patient: Patient) -> None:
    """Give a demo patient their story afresh (or none), replacing what was there."""
    # Logs protect their planned sessions, so they go first.
    SessionLog.objects.filter(planned_session__patient=patient).delete()
    patient.side_effect_reports.all().delete()
    patient.plans.all().delete()
    patient.screenings.all().delete()
    patient.appointments.all().delete()
    story = STORIES.get(patient.email)
    if story is not None:
        story(patient, patient_today(patient))
