"""Reads about plans and screenings that services, pages and other apps share:
the current plan, a routine's stages, the latest screening, and the safety
gate's verdict on it.
"""

from collections.abc import Sequence
from uuid import UUID

from django.db.models import (
    Expression,
    FilteredRelation,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)

from accounts.models import Patient
from accounts.prepared import PATIENT_MARKER, PreparedQuery
from clinic.plans import gate
from clinic.plans.models import Clearance, Plan, Screening
from clinic.plans.schedule import Stage, stage_of
from mats.models import RoutineTemplate
from mats.services import published_contraindications


def current_plan(patient: Patient) -> Plan | None:
    """The patient's plan that is waiting, active or paused, if any."""
    return patient.plans.current().first()


def current_plans_with_clearances(plans: QuerySet[Plan], **annotations: Expression) -> QuerySet:
    """The current ones of ``plans``, each with the codes of the
    contraindications cleared for it (``with_clearances`` reads them) and
    ``annotations``."""
    codes = (
        Clearance.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        # Codes are slugs, so a comma never occurs inside one.
        .annotate(codes=StringAgg("code", Value(",")))
        .values("codes")
    )
    return plans.current().annotate(cleared_codes_joined=Subquery(codes), **annotations)


def with_clearances(plan: Plan | None) -> tuple[Plan | None, list[str]]:
    """A plan read by ``current_plans_with_clearances``, and its cleared codes."""
    if plan is None:
        return None, []
    return plan, plan.cleared_codes_joined.split(",") if plan.cleared_codes_joined else []


def current_plan_and_clearances(
    patient: Patient, **annotations: Expression
) -> tuple[Plan | None, list[str]]:
    """The current plan and the codes of the contraindications cleared for it
    (in no particular order), in one query. A page may add ``annotations``
    to the plan's row, to read more of its own in that query."""
    return with_clearances(
        current_plans_with_clearances(patient.plans.all(), **annotations).first()
    )


def plan_for_submission(patient: Patient, raw_key: str | None) -> Plan | None:
    """The patient's plan saved from the assignment form with this key, if any."""
    try:
        key = UUID(raw_key or "")
    except ValueError:
        return None
    return patient.plans.filter(submission_key=key).first()


def _latest_screening_rows(*, patient_id: int) -> QuerySet[Screening]:
    latest = Screening.objects.filter(patient_id=patient_id).values("pk")[:1]
    return (
        Screening.objects.filter(pk=Subquery(latest))
        .annotate(answer_row=FilteredRelation("answers"))
        .select_related("confirmation", "answer_row")
        .order_by("answer_row__pk")
    )


# Read on every page a patient opens: its SQL is compiled once (accounts/prepared.py).
_LATEST_SCREENING = PreparedQuery(_latest_screening_rows, patient_id=PATIENT_MARKER)


def latest_screening(patient: Patient) -> Screening | None:
    """The patient's latest screening with its confirmation and its answers
    (``answers.all()`` reads nothing more), in one query: one row per answer,
    or a single row for a screening without any. None if never screened."""
    rows = _LATEST_SCREENING.rows(patient_id=patient.pk)
    if not rows:
        return None
    screening = rows[0]
    # A screening without answers comes alone, with no ``answer_row`` set.
    answers = [row.answer_row for row in rows if getattr(row, "answer_row", None) is not None]
    # As prefetch_related("answers") would leave them.
    cached = screening.answers.all()
    cached._result_cache, cached._prefetch_done = answers, True
    screening._prefetched_objects_cache = {"answers": cached}
    return screening


# Passed as ``screening`` when the caller has not read the latest one yet.
UNREAD = object()


def gate_for(
    patient: Patient, cleared_codes: Sequence[str] = (), *, screening=UNREAD
) -> tuple[gate.GateOutcome, Screening | None]:
    """The gate's verdict on the patient's latest screening, now, counting
    ``cleared_codes`` as cleared; and that screening. A page that asks twice
    passes the ``latest_screening`` it read, so it is read once."""
    if screening is UNREAD:
        screening = latest_screening(patient)
    answers = screening.answer_map() if screening else None
    withdrawn = screening.unconfirmed_withdrawals() if screening else ()
    outcome = gate.check(answers, published_contraindications(), cleared_codes, withdrawn)
    return outcome, screening


def gate_for_plan(plan: Plan) -> tuple[gate.GateOutcome, Screening | None]:
    """The gate's verdict for ``plan``: its patient's latest answers, with the
    clearances the plan already has."""
    return gate_for(plan.patient, plan.cleared_codes())


def needs_screening(patient: Patient, *, screening=UNREAD) -> bool:
    """True when published safety questions wait for the patient's answer:
    never screened, or asked before a question was added."""
    if not published_contraindications():
        return False
    outcome, _ = gate_for(patient, screening=screening)
    return bool(outcome.unasked)


def template_stages(template: RoutineTemplate) -> list[Stage]:
    """The template's stages as the schedule takes them, positions by name.
    Use a template from ``published_routine_templates()`` (stages prefetched)."""
    return [
        stage_of(stage, positions=tuple(position.name for position in stage.positions.all()))
        for stage in template.stages.all()
    ]
