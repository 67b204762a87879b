"""Workflows of the care side that touch several models: screenings, the
safety gate, and a plan's life (assign, activate, pause, resume, extend, end).

Views call these and write the audit rows; nothing here sees a request.
Every function that takes ``today`` means the patient's calendar day
(``patient_today``) and works it out when it is not given.

Planned sessions are written for the days a plan is in force and only ever
removed from today onwards, so a past session is never rewritten; one the
patient has ticked off is never removed at all.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import formats, timezone

from accounts.clock import patient_today
from accounts.models import Patient, User
from clinic.plans import gate
from clinic.plans.models import (
    MAX_PLAN_DAYS,
    MAX_PLAN_WEEKS,
    Clearance,
    Plan,
    PlannedSession,
    PlanStage,
    PlanStatus,
    Screening,
    ScreeningAnswer,
    ScreeningConfirmation,
)
from clinic.plans.schedule import Stage, build_schedule
from mats.ladder import MAX_MINUTES, MAX_SESSIONS_PER_WEEK
from mats.models import Clothing, RoutineTemplate, Surface
from mats.services import current_safety_version, published_contraindications

# How far ahead a plan may start: a booking further out is not a between-visit plan.
MAX_DAYS_AHEAD = 366


class GateRefused(Exception):
    """The safety gate does not let this plan be saved: an absolute
    contraindication, or relative ones still without a clearance."""

    def __init__(self, outcome: gate.GateOutcome):
        super().__init__(outcome.verdict)
        self.outcome = outcome


def _day(value: date) -> str:
    return formats.date_format(value, "l j F Y")


# --- Screening and the gate --------------------------------------------------


def latest_screening(patient: Patient) -> Screening | None:
    return patient.screenings.select_related("confirmation").prefetch_related("answers").first()


def gate_for(
    patient: Patient, cleared_codes: Sequence[str] = ()
) -> tuple[gate.GateOutcome, Screening | None]:
    """The gate's verdict on the patient's latest screening, now."""
    screening = latest_screening(patient)
    answers = screening.answer_map() if screening else None
    withdrawn = screening.unconfirmed_withdrawals() if screening else ()
    outcome = gate.check(answers, published_contraindications(), cleared_codes, withdrawn)
    return outcome, screening


def needs_screening(patient: Patient) -> bool:
    """True when published safety questions wait for the patient's answer:
    never screened, or asked before a question was added."""
    if not published_contraindications():
        return False
    outcome, _ = gate_for(patient)
    return bool(outcome.unasked)


def record_screening(
    patient: Patient,
    answers: Mapping[str, bool],
    *,
    source: str,
    recorded_by: User | None,
    taken_at=None,
    today: date | None = None,
) -> tuple[Screening, Plan | None]:
    """Store the patient's answers to the current questions, then start a
    plan that was waiting for them if the gate now lets it, or hold (pause)
    the active plan if the answers now stand in its way.

    ``answers`` maps each published contraindication's code to True (yes,
    it applies) or False; every current question needs an answer. A
    patient's own "no" that takes back an absolute "yes" is marked, and
    holds the plan until a practitioner confirms it; answers recorded in
    clinic are the practitioner's judgement and need no confirmation.
    Returns the screening and the plan it activated, if any.
    """
    version = current_safety_version()
    if version is None:
        raise ValidationError("No safety guidance is published yet, so there is nothing to ask.")
    entries = published_contraindications()
    missing = [entry.name for entry in entries if entry.code not in answers]
    if missing:
        raise ValidationError(f"Every question needs an answer; missing: {', '.join(missing)}.")
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
        activated = activate_waiting_plans(patient, today=today)
        _hold_if_answers_stand_in_the_way(patient, today=today)
    return screening, activated


def activate_waiting_plans(patient: Patient, *, today: date | None = None) -> Plan | None:
    """Start the patient's plan that waits for screening, if the gate now
    lets it (a clean screening, or every relative answer cleared).

    Called after every new screening; safe to call at any time. Returns the
    plan it started, or None.
    """
    today = today or patient_today(patient)
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)
        plan = patient.plans.filter(status=PlanStatus.WAITING).first()
        if plan is None:
            return None
        cleared = list(plan.clearances.values_list("code", flat=True))
        outcome, screening = gate_for(patient, cleared)
        if not outcome.may_start:
            return None
        plan.status = PlanStatus.ACTIVE
        plan.screening = screening
        plan.save(update_fields=["status", "screening"])
        _fill_sessions(plan, max(today, plan.start_date), plan.end_date)
    return plan


def _hold_if_answers_stand_in_the_way(patient: Patient, *, today: date | None) -> None:
    """Pause the active plan when the new answers block it, take back an
    answer that ruled the mat out, or need a clearance it does not have:
    the patient waits for the practitioner."""
    plan = patient.plans.filter(status=PlanStatus.ACTIVE).first()
    if plan is None:
        return
    outcome, _ = gate_for(patient, list(plan.clearances.values_list("code", flat=True)))
    if outcome.verdict is gate.Verdict.BLOCKED:
        reason = "A safety answer means the mat should not be used; talk it through."
    elif outcome.verdict is gate.Verdict.NEEDS_CONFIRMATION:
        reason = "A changed safety answer waits for the practitioner's confirmation."
    elif outcome.verdict is gate.Verdict.NEEDS_CLEARANCE:
        reason = "A new safety answer needs the practitioner's clearance."
    else:
        return
    pause_plan(plan, reason=reason, today=today)


def confirm_withdrawal(
    screening: Screening, *, confirmed_by: User, today: date | None = None
) -> tuple[ScreeningConfirmation, Plan | None]:
    """Record that a practitioner has seen the patient take back an answer
    that ruled the mat out, and start a plan that was waiting for that if
    nothing else stands in the way (a paused plan stays paused until the
    practitioner resumes it).

    Only the patient's latest screening can be confirmed, and only while it
    waits for a confirmation; anything else raises ValidationError (the
    answers changed since the page was shown, or someone confirmed first).
    Returns the confirmation and the plan it started, if any.
    """
    patient = screening.patient
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)
        latest = latest_screening(patient)
        if latest is None or latest.pk != screening.pk:
            raise ValidationError(
                "The answers changed since this page was shown. Please look at them again."
            )
        if not latest.unconfirmed_withdrawals():
            raise ValidationError("There is no changed answer waiting for your confirmation.")
        confirmation = ScreeningConfirmation.objects.create(
            screening=latest, confirmed_by=confirmed_by
        )
        started = activate_waiting_plans(patient, today=today)
    return confirmation, started


def clear_waiting_plan(
    plan: Plan, reasons: Mapping[str, str], *, cleared_by: User, today: date | None = None
) -> Plan | None:
    """Record clearances for a waiting plan's relative contraindications and
    start it if nothing else stands in the way. Raises GateRefused when a
    reason is missing or the answers block the plan."""
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=plan.patient_id)
        plan.refresh_from_db()
        if plan.status != PlanStatus.WAITING:
            raise ValidationError("Only a plan that is waiting can be cleared.")
        already = list(plan.clearances.values_list("code", flat=True))
        offered = [code for code, reason in reasons.items() if reason.strip()]
        outcome, _ = gate_for(plan.patient, [*already, *offered])
        if outcome.verdict in (gate.Verdict.BLOCKED, gate.Verdict.NEEDS_CLEARANCE):
            raise GateRefused(outcome)
        _record_clearances(plan, outcome, reasons, cleared_by=cleared_by, skip=already)
    return activate_waiting_plans(plan.patient, today=today)


def _record_clearances(
    plan: Plan,
    outcome: gate.GateOutcome,
    reasons: Mapping[str, str],
    *,
    cleared_by: User | None,
    skip: Sequence[str] = (),
) -> None:
    version = current_safety_version()
    Clearance.objects.bulk_create(
        Clearance(
            plan=plan,
            code=entry.code,
            name=entry.name,
            reason=reasons[entry.code].strip(),
            cleared_by=cleared_by,
            safety_version_number=version.number,
        )
        for entry in outcome.cleared
        if entry.code not in skip
    )


# --- Dates -------------------------------------------------------------------


def latest_day_for(start: date) -> date:
    return start + timedelta(days=MAX_PLAN_DAYS - 1)


def plan_date_problems(
    patient: Patient, start: date, end: date, *, today: date, replacing: Plan | None = None
) -> dict[str, str]:
    """What is wrong with these dates for a new plan, by form field.

    The current plan (``replacing``) is ended the day before ``start``, so it
    never overlaps; an earlier plan that is still in force on ``start`` does.
    """
    problems = {}
    if start < today:
        problems["start_date"] = (
            f"A plan cannot start in the past. Choose today ({_day(today)}) or a later day."
        )
    elif start > today + timedelta(days=MAX_DAYS_AHEAD):
        problems["start_date"] = "A plan must start within a year."
    if end < start:
        problems["end_date"] = f"The last day must be on or after the first day ({_day(start)})."
    elif end > latest_day_for(start):
        problems["end_date"] = (
            f"A plan can last at most {MAX_PLAN_WEEKS} weeks. With this first day, the last "
            f"day can be {_day(latest_day_for(start))} at the latest."
        )
    if "start_date" not in problems:
        overlapping = (
            patient.plans.filter(status=PlanStatus.ENDED, start_date__lte=end)
            .exclude(pk=getattr(replacing, "pk", None))
            .annotate(last=Coalesce("ended_on", "end_date"))
            # A plan that ended before its first day never ran, so overlaps nothing.
            .filter(last__gte=start)
            .filter(last__gte=F("start_date"))
            .order_by("-last")
            .first()
        )
        if overlapping:
            problems["start_date"] = (
                f"An earlier plan runs until {_day(overlapping.last)}, so the plans would "
                f"overlap. Start this one on {_day(overlapping.last + timedelta(days=1))} "
                "or later."
            )
    return problems


def stage_problems(stages: Sequence[Stage]) -> list[str]:
    """The safe bounds every prescribed stage must keep (the form says them kindly)."""
    problems = []
    for number, stage in enumerate(stages, start=1):
        if not 1 <= stage.minutes_min <= stage.minutes_max <= MAX_MINUTES:
            problems.append(
                f"Stage {number}: sessions last between 1 and {MAX_MINUTES} minutes, "
                "the shortest no longer than the longest."
            )
        if not 1 <= stage.sessions_per_week <= MAX_SESSIONS_PER_WEEK:
            problems.append(f"Stage {number}: plan 1 to {MAX_SESSIONS_PER_WEEK} sessions a week.")
        if not stage.positions:
            problems.append(f"Stage {number}: choose at least one position.")
        if stage.surface not in Surface.values or stage.clothing not in Clothing.values:
            problems.append(f"Stage {number}: choose a surface and clothing from the list.")
    return problems


# --- Assigning ---------------------------------------------------------------


def template_stages(template: RoutineTemplate) -> list[Stage]:
    """The template's stages as the schedule takes them, positions by name.
    Use a template from ``published_routine_templates()`` (stages prefetched)."""
    return [
        Stage(
            week_from=stage.week_from,
            week_to=stage.week_to,
            minutes_min=stage.minutes_min,
            minutes_max=stage.minutes_max,
            sessions_per_week=stage.sessions_per_week,
            positions=tuple(position.name for position in stage.positions.all()),
            surface=stage.surface,
            clothing=stage.clothing,
            goal=stage.goal,
        )
        for stage in template.stages.all()
    ]


def current_plan(patient: Patient) -> Plan | None:
    """The patient's plan that is waiting, active or paused, if any."""
    return patient.plans.current().first()


def assign_plan(
    *,
    patient: Patient,
    template: RoutineTemplate,
    stages: Sequence[Stage],
    start_date: date,
    end_date: date,
    note_for_patient: str,
    created_by: User | None,
    submission_key: UUID,
    clearance_reasons: Mapping[str, str] | None = None,
    today: date | None = None,
) -> tuple[Plan, bool]:
    """Save a new plan for the patient from ``template`` with the
    practitioner's ``stages`` (the template's stages, adjusted).

    - The same ``submission_key`` twice returns the first plan and False.
    - The gate decides: a blocking answer or an uncleared relative one raises
      GateRefused; no (up-to-date) screening saves the plan as waiting.
    - The patient's current plan ends the day before the new one starts;
      its sessions from then on are removed, earlier ones stay as they were.
    - Bad dates or stages raise ValidationError, keyed by form field.

    Returns the plan and whether it was created now.
    """
    today = today or patient_today(patient)
    reasons = {code: text for code, text in (clearance_reasons or {}).items() if text.strip()}
    with transaction.atomic():
        # One assignment per patient at a time: the second waits here and then
        # sees the first one's plan (and its submission key).
        Patient.objects.select_for_update().get(pk=patient.pk)
        earlier = Plan.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.patient_id != patient.pk:
                raise ValidationError("This form was already used. Reload the page and try again.")
            return earlier, False
        current = current_plan(patient)
        problems = plan_date_problems(patient, start_date, end_date, today=today, replacing=current)
        if problems:
            raise ValidationError(problems)
        if stage_problems(stages):
            raise ValidationError(stage_problems(stages))
        outcome, screening = gate_for(patient, list(reasons))
        if outcome.verdict in (gate.Verdict.BLOCKED, gate.Verdict.NEEDS_CLEARANCE):
            raise GateRefused(outcome)
        if current is not None:
            _end(
                current,
                last_day=start_date - timedelta(days=1),
                reason="Replaced by a new plan.",
            )
        active = outcome.may_start
        plan = Plan.objects.create(
            patient=patient,
            template=template,
            template_name=template.name,
            template_slug=template.slug,
            start_date=start_date,
            end_date=end_date,
            status=PlanStatus.ACTIVE if active else PlanStatus.WAITING,
            note_for_patient=note_for_patient.strip(),
            screening=screening if active else None,
            created_by=created_by,
            submission_key=submission_key,
        )
        PlanStage.objects.bulk_create(
            PlanStage(
                plan=plan,
                order=order,
                week_from=stage.week_from,
                week_to=stage.week_to,
                surface=stage.surface,
                clothing=stage.clothing,
                minutes_min=stage.minutes_min,
                minutes_max=stage.minutes_max,
                sessions_per_week=stage.sessions_per_week,
                goal=stage.goal,
                positions=list(stage.positions),
            )
            for order, stage in enumerate(stages)
        )
        _record_clearances(plan, outcome, reasons, cleared_by=created_by)
        if active:
            _fill_sessions(plan, start_date, end_date, stages=stages)
    return plan, True


# --- A plan's life -----------------------------------------------------------


def pause_plan(plan: Plan, *, reason: str = "", today: date | None = None) -> Plan:
    """Hold an active plan from today: today's and later sessions are removed
    until it resumes (a session already ticked off stays)."""
    today = today or patient_today(plan.patient)
    with transaction.atomic():
        _lock(plan)
        if plan.status != PlanStatus.ACTIVE:
            raise ValidationError("Only an active plan can be paused.")
        plan.status = PlanStatus.PAUSED
        plan.paused_on = today
        plan.pause_reason = reason.strip()[:200]
        plan.save(update_fields=["status", "paused_on", "pause_reason"])
        _drop_sessions_from(plan, today)
    return plan


def resume_plan(plan: Plan, *, today: date | None = None) -> Plan:
    """Carry on a paused plan from today, on the days and stage the calendar
    gives (the plan's weeks count from its first day, pause or not).

    Refused while the latest answers rule the mat out or take back such an
    answer without a practitioner's confirmation."""
    today = today or patient_today(plan.patient)
    with transaction.atomic():
        _lock(plan)
        if plan.status != PlanStatus.PAUSED:
            raise ValidationError("Only a paused plan can be resumed.")
        outcome, _ = gate_for(plan.patient)
        if outcome.verdict is gate.Verdict.BLOCKED:
            raise ValidationError(
                "The latest safety answers rule the mat out, so the plan cannot carry on. "
                "If things have changed, record new answers in clinic first."
            )
        if outcome.verdict is gate.Verdict.NEEDS_CONFIRMATION:
            raise ValidationError(
                "The patient changed an answer that ruled the mat out. Check it with them "
                "and confirm the change on their page first."
            )
        plan.status = PlanStatus.ACTIVE
        plan.paused_on = None
        plan.pause_reason = ""
        plan.save(update_fields=["status", "paused_on", "pause_reason"])
        _fill_sessions(plan, max(today, plan.start_date), plan.end_date)
    return plan


def end_plan_early(plan: Plan, *, reason: str = "", today: date | None = None) -> Plan:
    """End a current plan now: yesterday was its last day. A plan that had
    not started yet simply never starts."""
    today = today or patient_today(plan.patient)
    with transaction.atomic():
        _lock(plan)
        if not plan.is_current:
            raise ValidationError("This plan has already ended.")
        _end(
            plan,
            last_day=today - timedelta(days=1),
            reason=reason.strip()[:200] or "Ended early by the practitioner.",
        )
    return plan


def extend_plan(plan: Plan, new_end: date, *, today: date | None = None) -> Plan:
    """Move a current plan's last day later (a new visit was booked). Adds
    sessions after the old last day; never touches the ones before it."""
    today = today or patient_today(plan.patient)
    with transaction.atomic():
        _lock(plan)
        if not plan.is_current:
            raise ValidationError("An ended plan cannot be extended. Assign a new plan instead.")
        if new_end <= plan.end_date:
            raise ValidationError(
                {"new_end": f"Choose a day after the current last day ({_day(plan.end_date)})."}
            )
        if new_end > latest_day_for(plan.start_date):
            raise ValidationError(
                {
                    "new_end": f"A plan can last at most {MAX_PLAN_WEEKS} weeks: the last day "
                    f"can be {_day(latest_day_for(plan.start_date))} at the latest."
                }
            )
        old_end = plan.end_date
        plan.end_date = new_end
        plan.save(update_fields=["end_date"])
        if plan.status == PlanStatus.ACTIVE:
            _fill_sessions(plan, max(today, old_end + timedelta(days=1)), new_end)
    return plan


# --- Internals ---------------------------------------------------------------


def _lock(plan: Plan) -> None:
    Patient.objects.select_for_update().get(pk=plan.patient_id)
    plan.refresh_from_db()


def _end(plan: Plan, *, last_day: date, reason: str) -> None:
    plan.status = PlanStatus.ENDED
    plan.ended_at = timezone.now()
    plan.ended_on = min(plan.end_date, last_day)
    plan.ended_reason = reason
    plan.paused_on = None
    plan.pause_reason = ""
    plan.save(
        update_fields=[
            "status",
            "ended_at",
            "ended_on",
            "ended_reason",
            "paused_on",
            "pause_reason",
        ]
    )
    _drop_sessions_from(plan, plan.ended_on + timedelta(days=1))


def _drop_sessions_from(plan: Plan, first_day: date) -> None:
    """Remove the plan's sessions from ``first_day`` on. Callers only pass
    today or a later day, so no past session is ever touched, and a session
    the patient has ticked off (today's, say) always stays."""
    plan.sessions.filter(date__gte=first_day, log__isnull=True).delete()


def _fill_sessions(
    plan: Plan, first_day: date, last_day: date, *, stages: Sequence[Stage] | None = None
) -> None:
    """Write the plan's sessions from ``first_day`` to ``last_day`` that are
    not written yet, laid out from the plan's first day."""
    if first_day > last_day:
        return
    stages = stages if stages is not None else plan.schedule_stages()
    # Any plan's session counts: one the patient ticked off stays with the
    # plan it was ticked off in, even when a new plan starts that day.
    written = set(
        PlannedSession.objects.filter(
            patient_id=plan.patient_id, date__range=(first_day, last_day)
        ).values_list("date", flat=True)
    )
    PlannedSession.objects.bulk_create(
        PlannedSession(
            plan=plan,
            patient_id=plan.patient_id,
            date=day.day,
            week=day.week,
            stage_order=day.stage_index,
            minutes=day.minutes,
            position=day.position,
            surface=day.surface,
            clothing=day.clothing,
        )
        for day in build_schedule(stages, plan.start_date, plan.end_date)
        if day.is_session and first_day <= day.day <= last_day and day.day not in written
    )
