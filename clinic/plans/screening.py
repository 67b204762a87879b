"""Safety screening: storing a patient's answers, confirming an answer they
took back, and what the answers do to the patient's plan (start the one
waiting for them, or hold the active one).

Like ``clinic.plans.services``: each function locks the patient row, writes
its own audit rows (``actor``) and refuses with a code (``ScreeningRefused``).
"""

from collections.abc import Mapping
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.care import care_changed
from accounts.models import Patient, User
from clinic.plans import gate
from clinic.plans.errors import ScreeningRefused
from clinic.plans.models import (
    Plan,
    PlanStatus,
    Screening,
    ScreeningAnswer,
    ScreeningConfirmation,
)
from clinic.plans.queries import gate_for_plan, latest_screening
from clinic.plans.services import activate_waiting_plans, pause_plan
from mats.services import current_safety_version, published_contraindications

# Why a new screening holds the active plan: kept with the plan, for the practitioner.
HOLD_REASONS = {
    gate.Verdict.BLOCKED: "A safety answer means the mat should not be used; talk it through.",
    gate.Verdict.NEEDS_CONFIRMATION: (
        "A changed safety answer waits for the practitioner's confirmation."
    ),
    gate.Verdict.NEEDS_CLEARANCE: "A new safety answer needs the practitioner's clearance.",
}


def record_screening(
    patient: Patient,
    answers: Mapping[str, bool],
    *,
    source: str,
    recorded_by: User | None,
    taken_at: datetime | None = None,
    today: date | None = None,
    actor: Actor = SYSTEM,
) -> tuple[Screening, Plan | None]:
    """Store the patient's answers to the current questions, then start a
    plan that was waiting for them if the gate now lets it, or hold (pause)
    the active plan if the answers now stand in its way.

    ``answers`` maps each published contraindication's code to True (yes,
    it applies) or False; every current question needs an answer
    (``screening.unanswered``), and there must be questions at all
    (``screening.nothing_published``). A patient's own "no" that takes back
    an absolute "yes" is marked, and holds the plan until a practitioner
    confirms it; answers recorded in clinic are the practitioner's judgement
    and need no confirmation. Returns the screening and the plan it
    activated, if any.
    """
    version = current_safety_version()
    if version is None:
        raise ScreeningRefused("screening.nothing_published")
    entries = published_contraindications()
    missing = [entry.name for entry in entries if entry.code not in answers]
    if missing:
        raise ScreeningRefused("screening.unanswered", missing=", ".join(missing))
    answers = {entry.code: bool(answers[entry.code]) for entry in entries}
    with transaction.atomic():
        # Lock before reading the screening this one follows or writing it:
        # two submissions at once then run one after the other, and each is
        # judged against the one before it (and timed after it).
        Patient.objects.select_for_update().get(pk=patient.pk)
        withdrawn = frozenset()
        if source == Screening.Source.PATIENT:
            before = latest_screening(patient)
            withdrawn = gate.withdrawn_answers(
                before.answer_map() if before else None,
                before.unconfirmed_withdrawals() if before else (),
                answers,
                entries,
            )
        screening = Screening.objects.create(
            patient=patient,
            taken_at=taken_at or timezone.now(),
            recorded_by=recorded_by,
            source=source,
            safety_version_number=version.number,
        )
        ScreeningAnswer.objects.bulk_create(
            ScreeningAnswer(
                screening=screening,
                code=entry.code,
                question=entry.question,
                answer=answers[entry.code],
                withdraws_yes=entry.code in withdrawn,
            )
            for entry in entries
        )
        care_changed(pk=patient.pk)  # bulk_create sends no signal
        audit.write(actor, "create", screening, clinic_id=patient.clinic_id)
        activated = activate_waiting_plans(patient, today=today, actor=actor)
        _hold_if_answers_stand_in_the_way(patient, today=today, actor=actor)
    return screening, activated


def _hold_if_answers_stand_in_the_way(
    patient: Patient, *, today: date | None, actor: Actor
) -> None:
    """Pause the active plan when the new answers block it, take back an
    answer that ruled the mat out, or need a clearance it does not have:
    the patient waits for the practitioner."""
    plan = patient.plans.filter(status=PlanStatus.ACTIVE).first()
    if plan is None:
        return
    outcome, _ = gate_for_plan(plan)
    reason = HOLD_REASONS.get(outcome.verdict)
    if reason is not None:
        pause_plan(plan, reason=reason, today=today, actor=actor)


def confirm_withdrawal(
    screening: Screening,
    *,
    confirmed_by: User,
    today: date | None = None,
    actor: Actor = SYSTEM,
) -> tuple[ScreeningConfirmation, Plan | None]:
    """Record that a practitioner has seen the patient take back an answer
    that ruled the mat out, and start a plan that was waiting for that if
    nothing else stands in the way (a paused plan stays paused until the
    practitioner resumes it).

    Only the patient's latest screening can be confirmed
    (``screening.answers_changed`` otherwise: they answered again since the
    page was shown), and only while it waits for a confirmation
    (``screening.nothing_to_confirm``: someone confirmed first). Returns the
    confirmation and the plan it started, if any.
    """
    patient = screening.patient
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)
        latest = latest_screening(patient)
        if latest is None or latest.pk != screening.pk:
            raise ScreeningRefused("screening.answers_changed")
        if not latest.unconfirmed_withdrawals():
            raise ScreeningRefused("screening.nothing_to_confirm")
        confirmation = ScreeningConfirmation.objects.create(
            screening=latest, confirmed_by=confirmed_by
        )
        audit.write(actor, "create", confirmation, clinic_id=patient.clinic_id)
        started = activate_waiting_plans(patient, today=today, actor=actor)
    return confirmation, started
