"""Small builders for the care side; each test makes what it needs."""

from datetime import date, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import AuditEvent, Patient
from clinic.plans.models import Plan, PlannedSession, PlanStage, PlanStatus, Screening
from clinic.plans.queries import template_stages
from clinic.plans.schedule import Stage
from clinic.plans.screening import record_screening
from clinic.plans.services import assign_plan
from clinic.usage.models import SessionLog
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


def bulk_patients_with_plans(
    clinic,
    practitioner,
    count: int,
    *,
    prefix: str = "Bulk",
    days_so_far: int = 14,
    plan_days: int = 28,
    done_every: int = 2,
) -> list[Patient]:
    """``count`` patients, each with an active daily plan that began
    ``days_so_far`` days ago, every ``done_every``-th past session ticked off
    with scores. Written with bulk_create, so hundreds take a moment."""
    today = timezone.localdate(timezone=ZoneInfo(clinic.time_zone))
    start = today - timedelta(days=days_so_far)
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            primary_practitioner=practitioner,
            full_name=f"{prefix}{i:03d} Person",
            email=f"{prefix.lower()}{i:03d}@bulk.example",
        )
        for i in range(count)
    )
    plans = Plan.objects.bulk_create(
        Plan(
            patient=patient,
            template_name="Bulk routine",
            template_slug="bulk",
            start_date=start,
            end_date=start + timedelta(days=plan_days - 1),
            status=PlanStatus.ACTIVE,
            submission_key=uuid4(),
        )
        for patient in patients
    )
    PlanStage.objects.bulk_create(
        PlanStage(
            plan=plan,
            order=0,
            week_from=1,
            week_to=None,
            surface="bed",
            clothing="thin",
            minutes_min=10,
            minutes_max=10,
            sessions_per_week=7,
            goal="Daily.",
            positions=["Feet"],
        )
        for plan in plans
    )
    sessions = PlannedSession.objects.bulk_create(
        PlannedSession(
            plan=plan,
            patient_id=plan.patient_id,
            date=start + timedelta(days=offset),
            week=offset // 7 + 1,
            stage_order=0,
            minutes=10,
            position="Feet",
            surface="bed",
            clothing="thin",
        )
        for plan in plans
        for offset in range(plan_days)
    )
    SessionLog.objects.bulk_create(
        SessionLog(
            planned_session=session,
            logged_at=timezone.now(),
            pain_before=5,
            pain_after=4,
            relaxation=6,
            note="Fine.",
        )
        for session in sessions
        if session.date < today and (session.date - start).days % done_every == 0
    )
    return patients


def audit_mark() -> int:
    """The newest audit row so far: what a fixture wrote lies at or below it."""
    return AuditEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0


def audit_since(mark: int):
    """Audit rows written after ``audit_mark()`` returned ``mark``."""
    return AuditEvent.objects.filter(pk__gt=mark)
