"""A plan's life: assign, activate, clear, pause, resume, extend and end.

The one way to change a plan. Each function locks the patient row, checks
the rules again (``clinic.plans.rules`` and the safety gate), writes its own
audit rows in the same transaction (``actor``: who asked, from which page)
and refuses with a ``PlanRefused`` carrying a stable code. Nothing here sees
a request. Every function that takes ``today`` means the patient's calendar
day (``patient_today``) and works it out when it is not given.

Planned sessions are written for the days a plan is in force and only ever
removed from today onwards, so a past session is never rewritten; one the
patient has ticked off is never removed at all.
"""

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.care import care_changed, changing_care_of
from accounts.clock import patient_today
from accounts.errors import Refusals
from accounts.models import Patient, User
from clinic.plans import gate
from clinic.plans.errors import GateRefused, PlanRefused
from clinic.plans.models import Clearance, Plan, PlannedSession, PlanStage, PlanStatus
from clinic.plans.queries import current_plan, gate_for, gate_for_plan
from clinic.plans.rules import extension_problem, plan_actions, plan_date_problems, stage_problems
from clinic.plans.schedule import Stage, build_schedule
from mats.models import RoutineTemplate
from mats.services import current_safety_version

# --- Assigning ---------------------------------------------------------------


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
    actor: Actor = SYSTEM,
) -> tuple[Plan, bool]:
    """Save a new plan for the patient from ``template`` with the
    practitioner's ``stages`` (the template's stages, adjusted).

    - The same ``submission_key`` twice returns the first plan and False
      (``plan.form_used_twice`` when it was another patient's form).
    - The gate decides: a blocking answer or an uncleared relative one raises
      GateRefused; no (up-to-date) screening saves the plan as waiting.
    - The patient's current plan ends the day before the new one starts;
      its sessions from then on are removed, earlier ones stay as they were.
    - Bad dates or stages raise ``Refusals``, each naming its form field.

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
                raise PlanRefused("plan.form_used_twice")
            return earlier, False
        current = current_plan(patient)
        problems = [
            *plan_date_problems(patient, start_date, end_date, today=today, replacing=current),
            *stage_problems(stages),
        ]
        if problems:
            raise Refusals(problems)
        outcome, screening = gate_for(patient, list(reasons))
        _refuse_unless_clear_to_save(outcome)
        if current is not None:
            _end(current, last_day=start_date - timedelta(days=1), reason="Replaced by a new plan.")
            audit.write(actor, "update", current, clinic_id=patient.clinic_id)
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
            PlanStage(plan=plan, order=order, **{**asdict(stage), "positions": [*stage.positions]})
            for order, stage in enumerate(stages)
        )
        audit.write(actor, "create", plan, clinic_id=patient.clinic_id)
        _record_clearances(
            plan,
            outcome,
            reasons,
            cleared_by=created_by,
            actor=actor,
            clinic_id=patient.clinic_id,
        )
        if active:
            _fill_sessions(plan, start_date, end_date, stages=stages)
    return plan, True


def _refuse_unless_clear_to_save(outcome: gate.GateOutcome) -> None:
    """A plan may be saved (as waiting, if need be) unless an answer rules the
    mat out or a relative one has no clearance."""
    if outcome.verdict is gate.Verdict.BLOCKED:
        raise GateRefused("plan.blocked_by_contraindication", outcome=outcome)
    if outcome.verdict is gate.Verdict.NEEDS_CLEARANCE:
        raise GateRefused("plan.needs_clearance", outcome=outcome)


def _record_clearances(
    plan: Plan,
    outcome: gate.GateOutcome,
    reasons: Mapping[str, str],
    *,
    cleared_by: User | None,
    actor: Actor,
    clinic_id: int,
    skip: Sequence[str] = (),
) -> None:
    """Write a clearance for each relative answer the gate counted as cleared
    (``outcome.cleared``) that the plan does not have yet, with its reason."""
    version = current_safety_version()
    clearances = Clearance.objects.bulk_create(
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
    care_changed(pk=plan.patient_id)  # bulk_create sends no signal
    for clearance in clearances:
        audit.write(actor, "create", clearance, clinic_id=clinic_id)


def activate_waiting_plans(
    patient: Patient, *, today: date | None = None, actor: Actor = SYSTEM
) -> Plan | None:
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
        outcome, screening = gate_for_plan(plan)
        if not outcome.may_start:
            return None
        plan.status = PlanStatus.ACTIVE
        plan.screening = screening
        plan.save(update_fields=["status", "screening"])
        _fill_sessions(plan, max(today, plan.start_date), plan.end_date)
        audit.write(actor, "update", plan, clinic_id=patient.clinic_id)
    return plan


def clear_waiting_plan(
    plan: Plan,
    reasons: Mapping[str, str],
    *,
    cleared_by: User,
    today: date | None = None,
    actor: Actor = SYSTEM,
) -> Plan | None:
    """Record clearances for a waiting plan's relative contraindications and
    start it if nothing else stands in the way. Raises GateRefused when a
    reason is missing or the answers block the plan; returns the plan if it
    started."""
    with transaction.atomic(), changing_care_of(plan.patient_id):
        patient = _lock(plan)
        if plan.status != PlanStatus.WAITING:
            raise PlanRefused("plan.not_waiting")
        already = plan.cleared_codes()
        offered = [code for code, reason in reasons.items() if reason.strip()]
        outcome, _ = gate_for(patient, [*already, *offered])
        _refuse_unless_clear_to_save(outcome)
        _record_clearances(
            plan,
            outcome,
            reasons,
            cleared_by=cleared_by,
            actor=actor,
            clinic_id=patient.clinic_id,
            skip=already,
        )
        return activate_waiting_plans(patient, today=today, actor=actor)


# --- A plan's life -----------------------------------------------------------


def pause_plan(
    plan: Plan, *, reason: str = "", today: date | None = None, actor: Actor = SYSTEM
) -> Plan:
    """Hold an active plan from today: today's and later sessions are removed
    until it resumes (a session already ticked off stays)."""
    today = today or patient_today(plan.patient)
    with transaction.atomic(), changing_care_of(plan.patient_id):
        patient = _lock(plan)
        if not plan.can_pause:
            raise PlanRefused("plan.not_active")
        plan.status = PlanStatus.PAUSED
        plan.paused_on = today
        plan.pause_reason = reason.strip()[:200]
        plan.save(update_fields=["status", "paused_on", "pause_reason"])
        _drop_sessions_from(plan, today)
        audit.write(actor, "update", plan, clinic_id=patient.clinic_id)
    return plan


def resume_plan(plan: Plan, *, today: date | None = None, actor: Actor = SYSTEM) -> Plan:
    """Carry on a paused plan from today, on the days and stage the calendar
    gives (the plan's weeks count from its first day, pause or not).

    Refused while the latest answers rule the mat out or take back such an
    answer without a practitioner's confirmation."""
    today = today or patient_today(plan.patient)
    with transaction.atomic(), changing_care_of(plan.patient_id):
        patient = _lock(plan)
        if plan.status != PlanStatus.PAUSED:
            raise PlanRefused("plan.not_paused")
        outcome, _ = gate_for(patient)
        actions = plan_actions(plan, outcome)
        if actions.resume_blocked:
            raise GateRefused("plan.resume_blocked_by_contraindication", outcome=outcome)
        if actions.resume_waits_for_confirmation:
            raise GateRefused("plan.resume_needs_confirmation", outcome=outcome)
        plan.status = PlanStatus.ACTIVE
        plan.paused_on = None
        plan.pause_reason = ""
        plan.save(update_fields=["status", "paused_on", "pause_reason"])
        _fill_sessions(plan, max(today, plan.start_date), plan.end_date)
        audit.write(actor, "update", plan, clinic_id=patient.clinic_id)
    return plan


def end_plan_early(
    plan: Plan, *, reason: str = "", today: date | None = None, actor: Actor = SYSTEM
) -> Plan:
    """End a current plan now: yesterday was its last day. A plan that had
    not started yet simply never starts."""
    today = today or patient_today(plan.patient)
    with transaction.atomic(), changing_care_of(plan.patient_id):
        patient = _lock(plan)
        if not plan.is_current:
            raise PlanRefused("plan.already_ended")
        _end(
            plan,
            last_day=today - timedelta(days=1),
            reason=reason.strip()[:200] or "Ended early by the practitioner.",
        )
        audit.write(actor, "update", plan, clinic_id=patient.clinic_id)
    return plan


def extend_plan(
    plan: Plan, new_end: date, *, today: date | None = None, actor: Actor = SYSTEM
) -> Plan:
    """Move a current plan's last day later (a new visit was booked). Adds
    sessions after the old last day; never touches the ones before it. A
    day that is not later, or too late, is refused for the field ``new_end``."""
    today = today or patient_today(plan.patient)
    with transaction.atomic(), changing_care_of(plan.patient_id):
        patient = _lock(plan)
        if not plan.is_current:
            raise PlanRefused("plan.ended_cannot_be_extended")
        problem = extension_problem(plan, new_end)
        if problem is not None:
            raise problem
        old_end = plan.end_date
        plan.end_date = new_end
        plan.save(update_fields=["end_date"])
        if plan.status == PlanStatus.ACTIVE:
            _fill_sessions(plan, max(today, old_end + timedelta(days=1)), new_end)
        audit.write(actor, "update", plan, clinic_id=patient.clinic_id)
    return plan


# --- Internals ---------------------------------------------------------------


def _lock(plan: Plan) -> Patient:
    """Lock the plan's patient (one change at a time) and read the plan again.
    Its callers hold ``changing_care_of`` around it: the patient's care
    version is raised once for the change, not once for each session a pause
    removes."""
    patient = Patient.objects.select_for_update().get(pk=plan.patient_id)
    plan.refresh_from_db()
    return patient


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
    care_changed(pk=plan.patient_id)  # bulk_create sends no signal
