"""Small builders for the care side; each test makes what it needs."""

from datetime import date, timedelta
from uuid import uuid4

from accounts.models import Patient
from clinic.models import Plan, Screening
from clinic.schedule import Stage
from clinic.services import assign_plan, patient_today, record_screening, template_stages
from mats.models import RoutineTemplate
from mats.services import published_contraindications, published_routine_templates
from tests.mats.factories import make_routine


def screen(patient: Patient, *, yes=(), source: str = "clinic", recorded_by=None) -> Screening:
    """Answer the currently published questions: yes to the codes in ``yes``."""
    answers = {entry.code: entry.code in yes for entry in published_contraindications()}
    screening, _ = record_screening(patient, answers, source=source, recorded_by=recorded_by)
    return screening


def stages_of(template: RoutineTemplate) -> list[Stage]:
    return template_stages(published_routine_templates().get(pk=template.pk))


def make_plan(
    patient: Patient,
    template: RoutineTemplate | None = None,
    *,
    start: date | None = None,
    days: int = 28,
    stages: list[Stage] | None = None,
    clearances: dict[str, str] | None = None,
    today: date | None = None,
    created_by=None,
) -> Plan:
    template = template or RoutineTemplate.objects.first() or make_routine()
    today = today or patient_today(patient)
    start = start or today
    plan, _ = assign_plan(
        patient=patient,
        template=template,
        stages=stages if stages is not None else stages_of(template),
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        note_for_patient="",
        created_by=created_by or patient.primary_practitioner.user,
        submission_key=uuid4(),
        clearance_reasons=clearances,
        today=today,
    )
    return plan
