"""The patient's day: ticking a session off, adding how it went, undoing it,
and reporting side effects. Nothing here sees a request; views write the
audit rows.

Every function that takes ``today`` means the patient's calendar day
(``patient_today``) and works it out when it is not given.

Rules:

- A session can be ticked off on its day or up to ``LOG_DAYS_BACK`` days
  later, never before its day.
- Ticking off is idempotent: a double tap, a second tab or a retry finds the
  log the first one wrote (the patient row is locked, and the unique
  constraint on the log is the backstop).
- A check-off can be undone on the day it was made.
- A side effect that a stop rule names pauses the active plan when the rule
  says so; every report waits for the practitioner to see it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.plans.services import pause_plan
from clinic.usage.models import Sensation, SessionLog, SideEffectReport
from mats.services import current_safety_version, published_stop_rules
from mats.snapshots import StopRuleEntry

LOG_DAYS_BACK = 3


@dataclass(frozen=True)
class LogDetails:
    """How the session went, as the patient told it; every part optional."""

    minutes_done: int | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    relaxation: int | None = None
    sensations: Sequence[str] = ()
    note: str = ""


def _day(value: date) -> str:
    return formats.date_format(value, "l j F")


def loggable_problem(session: PlannedSession, today: date) -> str | None:
    """Why this session cannot be ticked off today, or None if it can."""
    if session.date > today:
        return (
            f"This session is on {_day(session.date)}. You can tick it off on the day, not before."
        )
    if session.date < today - timedelta(days=LOG_DAYS_BACK):
        return (
            f"Sessions can be ticked off up to {LOG_DAYS_BACK} days later, and this one was "
            f"on {_day(session.date)}. Tell your practitioner at your next visit if you did it."
        )
    return None


def check_off(
    session: PlannedSession,
    *,
    minutes_done: int | None = None,
    today: date | None = None,
    now=None,
) -> tuple[SessionLog, bool]:
    """Mark the session done. Returns the log and whether it was made now;
    a session already ticked off is returned as it is. Raises ValidationError
    when the day is outside the window or the session is gone."""
    patient = session.patient
    now = now or timezone.now()
    today = today or patient_today(patient, now)
    with transaction.atomic():
        # One check-off per patient at a time: a second request waits here,
        # then finds the first one's log.
        Patient.objects.select_for_update().get(pk=patient.pk)
        try:
            session = PlannedSession.objects.select_related("plan").get(pk=session.pk)
        except PlannedSession.DoesNotExist:
            raise ValidationError("This session is no longer in your plan.") from None
        existing = SessionLog.objects.filter(planned_session=session).first()
        if existing is not None:
            return existing, False
        problem = loggable_problem(session, today)
        if problem:
            raise ValidationError(problem)
        try:
            with transaction.atomic():
                log = SessionLog.objects.create(
                    planned_session=session, logged_at=now, minutes_done=minutes_done
                )
        except IntegrityError:
            # Another request wrote it between our look and our write.
            log = SessionLog.objects.filter(planned_session=session).first()
            if log is None:
                raise
            return log, False
    return log, True


def save_details(log: SessionLog, details: LogDetails) -> SessionLog:
    """Replace how the session went with ``details`` (blank parts clear it)."""
    unknown = set(details.sensations) - set(Sensation.values)
    if unknown:
        raise ValidationError("Choose how it felt from the list.")
    log.minutes_done = details.minutes_done
    log.pain_before = details.pain_before
    log.pain_after = details.pain_after
    log.relaxation = details.relaxation
    log.sensations = [code for code in Sensation.values if code in details.sensations]
    log.note = details.note.strip()
    log.full_clean(exclude=["planned_session"], validate_unique=False)
    log.save(
        update_fields=[
            "minutes_done",
            "pain_before",
            "pain_after",
            "relaxation",
            "sensations",
            "note",
        ]
    )
    return log


def can_undo(log: SessionLog, today: date) -> bool:
    """A check-off can be taken back on the (patient's) day it was made."""
    return patient_today(log.planned_session.patient, log.logged_at) == today


def undo_check_off(log: SessionLog, *, today: date | None = None) -> bool:
    """Take a check-off back. Side effects reported with it stay reported.

    Returns whether a log was deleted: False when another tab undid it first.
    """
    patient = log.planned_session.patient
    today = today or patient_today(patient)
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)
        log = SessionLog.objects.filter(pk=log.pk).select_related("planned_session").first()
        if log is None:
            return False
        if not can_undo(log, today):
            raise ValidationError(
                "A session can be un-ticked only on the day you ticked it off. "
                "Tell your practitioner if it is wrong."
            )
        log.delete()
    return True


# --- Side effects --------------------------------------------------------------


def stop_rules_for(codes: Sequence[str]) -> list[StopRuleEntry]:
    """The published stop rules with these codes, in the published order.
    Raises ValidationError for a code that is not published (any more)."""
    rules = published_stop_rules()
    known = {rule.code for rule in rules}
    if set(codes) - known:
        raise ValidationError("Choose signs from the list.")
    return [rule for rule in rules if rule.code in codes]


@dataclass(frozen=True)
class Reported:
    report: SideEffectReport
    created: bool
    paused: Plan | None  # the plan this report paused, if any
    rules: tuple[StopRuleEntry, ...]


def report_side_effect(
    patient: Patient,
    *,
    codes: Sequence[str],
    details: str,
    submission_key: UUID,
    session_log: SessionLog | None = None,
    today: date | None = None,
) -> Reported:
    """Record what the patient noticed; pause their active plan if a chosen
    stop rule says so. The same ``submission_key`` twice returns the first
    report. Raises ValidationError for an empty report or unknown signs."""
    today = today or patient_today(patient)
    rules = stop_rules_for(codes)
    details = details.strip()
    if not rules and not details:
        raise ValidationError("Choose a sign from the list or describe what happened.")
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)
        earlier = SideEffectReport.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.patient_id != patient.pk:
                raise ValidationError("This form was already used. Reload the page and try again.")
            return Reported(earlier, False, None, tuple(stop_rules_for_report(earlier)))
        plan = patient.plans.current().first()
        version = current_safety_version()
        report = SideEffectReport(
            patient=patient,
            plan=plan,
            session_log=session_log,
            day=session_log.day if session_log else today,
            symptoms=[
                {
                    "code": rule.code,
                    "symptom": rule.symptom,
                    "what_to_do": rule.what_to_do,
                    "pauses_plan": rule.pauses_plan,
                }
                for rule in rules
            ],
            safety_version_number=version.number if version else None,
            details=details,
            pauses_plan=any(rule.pauses_plan for rule in rules),
            submission_key=submission_key,
        )
        report.full_clean(exclude=["patient", "plan", "session_log"])
        report.save()
        paused = None
        if report.pauses_plan and plan is not None and plan.status == PlanStatus.ACTIVE:
            names = ", ".join(rule.symptom for rule in rules if rule.pauses_plan)
            paused = pause_plan(plan, reason=f"The patient reported: {names}", today=today)
    return Reported(report, True, paused, tuple(rules))


def stop_rules_for_report(report: SideEffectReport) -> list[StopRuleEntry]:
    """The stop rules as they were when the report was made."""
    return [StopRuleEntry(**entry) for entry in report.symptoms]


# --- Reading, for the patient's pages and the practitioner's review ---------------


def session_for_day(patient: Patient, day: date) -> PlannedSession | None:
    """The patient's session on ``day``: their active plan's, or one they
    already ticked off (which stays when the plan is paused that day)."""
    return (
        PlannedSession.objects.filter(patient=patient, date=day)
        .filter(Q(plan__status=PlanStatus.ACTIVE) | Q(log__isnull=False))
        .select_related("plan")
        .first()
    )


def log_of(session: PlannedSession) -> SessionLog | None:
    return SessionLog.objects.filter(planned_session=session).first()


def logs_for_plan(plan: Plan) -> QuerySet[SessionLog]:
    """The plan's logs that stand, oldest first, with their planned sessions."""
    return SessionLog.objects.filter(planned_session__plan=plan).select_related("planned_session")


def side_effect_reports(patient: Patient) -> QuerySet[SideEffectReport]:
    """The patient's reports, newest first; ``.unseen()`` for those the
    practitioner has not marked seen."""
    return patient.side_effect_reports.select_related("seen_by")
