"""The patient's day: ticking a session off, adding how it went, undoing it,
reporting side effects, and the time zone their days follow. Nothing here
sees a request. Each service writes its own audit row in the same
transaction, on behalf of the ``actor`` the view passes (``SYSTEM`` for the
demo and scripts).

Every function that takes ``today`` means the patient's calendar day
(``patient_today``) and works it out when it is not given. The rules
themselves (the window for ticking off, what a log may hold) are in
``clinic/usage/rules.py``; a refusal is a ``UsageRefused`` with a stable
code, or ``Refusals`` for several parts of the details at once.

- Ticking off is idempotent: a double tap, a second tab or a retry finds the
  log the first one wrote (the patient row is locked, and the unique
  constraint on the log is the backstop).
- A check-off can be undone on the day it was made.
- A side effect that a stop rule names pauses the active plan when the rule
  says so, and emails the patient's practitioner a link to the review; every
  report waits for the practitioner to see it.
"""

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import audit
from accounts.audit import SYSTEM, Actor
from accounts.care import changing_care_of
from accounts.clock import patient_today
from accounts.errors import Refusals
from accounts.fixed_rows import one_row
from accounts.models import Patient
from clinic.notifications.services import alert_practitioner_of_report
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.plans.services import pause_plan
from clinic.usage.models import (
    SIDE_EFFECT_DETAILS_MAX_LENGTH,
    Sensation,
    SessionLog,
    SideEffectReport,
)
from clinic.usage.rules import (
    LogDetails,
    UsageRefused,
    can_undo,
    details_problems,
    loggable_problem,
    minutes_problem,
    text_problem,
)
from mats.services import current_safety_version, published_stop_rules
from mats.snapshots import StopRuleEntry


def _locked(patient: Patient):
    """One change to a patient's day at a time: a second request waits here.
    The lock is the UPDATE that raises the patient's care version (their
    stored flag is out of date from now on), so the change costs one query
    however many care rows it writes (``accounts.care.changing_care_of``)."""
    return changing_care_of(patient.pk)


def _check_off(
    session: PlannedSession, *, minutes_done: int | None, today: date, now: datetime
) -> tuple[SessionLog, bool]:
    """``check_off`` without its audit row; call it inside a transaction."""
    patient = session.patient
    with _locked(patient):
        # Read again under the lock: a pause may have removed it, another tab ticked it off.
        # Its SQL built once (accounts.fixed_rows): every check-off reads it.
        session = one_row(
            PlannedSession, DEFAULT_DB_ALIAS, (("pk", "="),), (session.pk,), ("plan", "log")
        )
        if session is None:
            raise UsageRefused("usage.session_gone")
        # The patient in hand (clinic and all), not a second read through the session.
        session.patient = session.plan.patient = patient
        existing = log_read_with(session)
        if existing is not None:
            return existing, False
        problem = loggable_problem(session, today) or minutes_problem(minutes_done)
        if problem:
            raise problem
        # No savepoint to recover from a duplicate: every check-off holds the
        # patient's lock and found no log under it, so none can be written first.
        # The unique constraint stays the guarantee; a log written some other way
        # fails the whole transaction rather than being taken for this one.
        log = SessionLog.objects.create(
            planned_session=session, logged_at=now, minutes_done=minutes_done
        )
        return log, True


def check_off(
    session: PlannedSession,
    *,
    minutes_done: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
    actor: Actor = SYSTEM,
) -> tuple[SessionLog, bool]:
    """Mark the session done. Returns the log and whether it was made now;
    a session already ticked off is returned as it is. Refuses a day outside
    the window, minutes out of range and a session that is gone."""
    patient = session.patient
    now = now or timezone.now()
    today = today or patient_today(patient, now)
    refused = None
    # No savepoint of its own inside a caller's transaction: a refusal leaves
    # the block normally (nothing was written, only the lock taken) and is
    # raised after it, and a database error inside aborts the caller's
    # transaction whatever this block does.
    with transaction.atomic(savepoint=False):
        try:
            log, created = _check_off(session, minutes_done=minutes_done, today=today, now=now)
        except UsageRefused as error:
            refused = error
        else:
            if created:
                audit.write(actor, "create", log, clinic_id=patient.clinic_id)
    if refused is not None:
        raise refused
    return log, created


def _save_details(log: SessionLog, details: LogDetails) -> None:
    problems = details_problems(details)
    if problems:
        raise Refusals(problems)
    log.minutes_done = details.minutes_done
    log.pain_before = details.pain_before
    log.pain_after = details.pain_after
    log.relaxation = details.relaxation
    log.sensations = [code for code in Sensation.values if code in details.sensations]
    log.note = details.note.strip()
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


def save_details(log: SessionLog, details: LogDetails, *, actor: Actor = SYSTEM) -> SessionLog:
    """Replace how the session went with ``details`` (blank parts clear it).
    Raises ``Refusals`` naming each part that cannot be kept."""
    with transaction.atomic():
        _save_details(log, details)
        audit.write(actor, "update", log, clinic_id=log.planned_session.patient.clinic_id)
    return log


def undo_check_off(log: SessionLog, *, today: date | None = None, actor: Actor = SYSTEM) -> bool:
    """Take a check-off back. Side effects reported with it stay reported.

    Returns whether a log was deleted: False when another tab undid it first.
    """
    patient = log.planned_session.patient
    today = today or patient_today(patient)
    with transaction.atomic(), _locked(patient):
        log = SessionLog.objects.filter(pk=log.pk).select_related("planned_session").first()
        if log is None:
            return False
        if not can_undo(log, today):
            raise UsageRefused("usage.undo_too_late")
        audit.write(actor, "delete", log, clinic_id=patient.clinic_id)
        log.delete()
    return True


# --- Side effects --------------------------------------------------------------


def stop_rules_for(codes: Sequence[str]) -> list[StopRuleEntry]:
    """The published stop rules with these codes, in the published order.
    Refuses a code that is not published (any more)."""
    rules = published_stop_rules()
    known = {rule.code for rule in rules}
    if set(codes) - known:
        raise UsageRefused("usage.unknown_sign")
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
    actor: Actor = SYSTEM,
) -> Reported:
    """Record what the patient noticed; pause their active plan if a chosen
    stop rule says so. The same ``submission_key`` twice returns the first
    report. Refuses unknown signs, an empty report and text that cannot be
    kept."""
    today = today or patient_today(patient)
    rules = stop_rules_for(codes)
    details = details.strip()
    if not rules and not details:
        raise UsageRefused("usage.report_empty")
    problem = text_problem(details, field="details", limit=SIDE_EFFECT_DETAILS_MAX_LENGTH)
    if problem:
        raise problem
    with transaction.atomic(), _locked(patient):
        earlier = SideEffectReport.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.patient_id != patient.pk:
                raise UsageRefused("usage.form_used_twice")
            return Reported(earlier, False, None, tuple(stop_rules_for_report(earlier)))
        plan = patient.plans.current().first()
        version = current_safety_version()
        report = SideEffectReport.objects.create(
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
        audit.write(actor, "create", report, clinic_id=patient.clinic_id)
        if rules:
            # Stored with the report and sent after the commit: a short email
            # with a link to the review, no health words in it.
            alert_practitioner_of_report(patient, report_id=report.pk)
        paused = None
        if report.pauses_plan and plan is not None and plan.status == PlanStatus.ACTIVE:
            names = ", ".join(rule.symptom for rule in rules if rule.pauses_plan)
            # pause_plan writes the plan's own "update" row.
            paused = pause_plan(
                plan, reason=f"The patient reported: {names}", today=today, actor=actor
            )
    return Reported(report, True, paused, tuple(rules))


def stop_rules_for_report(report: SideEffectReport) -> list[StopRuleEntry]:
    """The stop rules as they were when the report was made."""
    return [StopRuleEntry(**entry) for entry in report.symptoms]


# --- Both at once, from the session card -------------------------------------


@dataclass(frozen=True)
class Noticed:
    """Side effects the patient ticked or described on one form."""

    codes: Sequence[str]
    details: str
    submission_key: UUID


def save_how_it_went(
    session: PlannedSession,
    details: LogDetails,
    *,
    noticed: Noticed | None = None,
    today: date | None = None,
    actor: Actor = SYSTEM,
) -> tuple[SessionLog, Reported | None]:
    """How the session went, and any side effects noticed, in one step. The
    session is ticked off first should it not be (another tab undid it), and
    its audit row says whether the log was created or updated."""
    patient = session.patient
    now = timezone.now()
    today = today or patient_today(patient, now)
    reported = None
    with transaction.atomic():
        log, created = _check_off(session, minutes_done=None, today=today, now=now)
        _save_details(log, details)
        audit.write(actor, "create" if created else "update", log, clinic_id=patient.clinic_id)
        if noticed is not None:
            reported = report_side_effect(
                patient,
                codes=noticed.codes,
                details=noticed.details,
                submission_key=noticed.submission_key,
                session_log=log,
                today=today,
                actor=actor,
            )
    return log, reported


# --- Settings --------------------------------------------------------------------


def set_time_zone(patient: Patient, zone: str, *, actor: Actor = SYSTEM) -> Patient:
    """The zone the patient's days follow from now on; blank follows the clinic's."""
    if zone and zone not in zoneinfo.available_timezones():
        raise UsageRefused("usage.unknown_time_zone", field="time_zone")
    with transaction.atomic():
        patient.time_zone = zone
        patient.save(update_fields=["time_zone"])
        audit.write(actor, "update", patient, clinic_id=patient.clinic_id)
    return patient


# --- Reading, for the patient's pages and the practitioner's review ---------------


def session_for_day(patient: Patient, day: date) -> PlannedSession | None:
    """The patient's session on ``day``: their active plan's, or one they
    already ticked off (which stays when the plan is paused that day). Its
    plan and its log (``log_read_with``) come in the same query."""
    session = (
        PlannedSession.objects.filter(patient=patient, date=day)
        .filter(Q(plan__status=PlanStatus.ACTIVE) | Q(log__isnull=False))
        .select_related("plan", "log")
        .first()
    )
    if session is not None:
        session.patient = patient  # theirs by the filter: no second read of it
    return session


def log_of(session: PlannedSession) -> SessionLog | None:
    log = SessionLog.objects.filter(planned_session=session).first()
    return _as_log_of(log, session)


def log_read_with(session: PlannedSession) -> SessionLog | None:
    """The log read in the same query as ``session`` (``session_for_day`` joins
    it in). Only for a session just read so: ``log_of`` reads it afresh."""
    return _as_log_of(PlannedSession.log.related.get_cached_value(session), session)


def _as_log_of(log: SessionLog | None, session: PlannedSession) -> SessionLog | None:
    if log is not None:
        # The session in hand, not a second read of it (and its patient).
        log.planned_session = session
    return log


def logs_for_plan(plan: Plan) -> QuerySet[SessionLog]:
    """The plan's logs that stand, oldest first, with their planned sessions."""
    return SessionLog.objects.filter(planned_session__plan=plan).select_related("planned_session")


def side_effect_reports(patient: Patient) -> QuerySet[SideEffectReport]:
    """The patient's reports, newest first; ``.unseen()`` for those the
    practitioner has not marked seen."""
    return patient.side_effect_reports.select_related("seen_by")
