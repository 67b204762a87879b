"""What each of the patient's pages shows, read in one call per page.

Views check access, call one of these, and render. Everything a template
would otherwise work out is decided here: which state the session card is
in, whether "How did it go?" opens, who may undo, what the Today page says
about the plan, and each day of the calendar. Templates only show it.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from uuid import uuid4

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import Patient, User
from accounts.prepared import DAY_MARKER, PATIENT_MARKER, PLAN_MARKER, PreparedQuery, first_row
from clinic.notifications.models import ReminderSettings
from clinic.plans import gate
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.plans.queries import UNREAD, current_plans_with_clearances, with_clearances
from clinic.plans.services import current_plan, gate_for
from clinic.usage import plan_calendar
from clinic.usage.forms import CheckOffForm, LogDetailsForm, SideEffectForm
from clinic.usage.models import Feedback, SessionLog, SideEffectReport
from clinic.usage.rules import NOT_YET, OPEN, can_undo, earliest_loggable, log_window
from clinic.usage.services import (
    Reported,
    log_of,
    log_read_with,
    logs_for_plan,
    session_for_day,
    stop_rules_for_report,
)
from mats.models import Position
from mats.pictures import picture_for
from mats.services import (
    position_from_row,
    published_position_named,
    published_positions,
    published_stop_rules,
)
from mats.snapshots import StopRuleEntry

# A report with no sign ticked was told in the patient's own words.
OWN_WORDS = "in your own words"


def _signs(report: SideEffectReport) -> list[str]:
    return report.symptom_names or [OWN_WORDS]


# --- Forms -----------------------------------------------------------------------


def details_form(data=None, *, log: SessionLog | None = None) -> LogDetailsForm:
    """ "How did it go?": as posted, or fresh with what ``log`` holds and a new
    key, so side effects sent with it are reported once."""
    if data is not None:
        return LogDetailsForm(data, stop_rules=published_stop_rules())
    initial = {"submission_key": uuid4()}
    if log is not None:
        initial |= {
            "minutes_done": log.minutes_done,
            "pain_before": log.pain_before,
            "pain_after": log.pain_after,
            "relaxation": log.relaxation,
            "sensations": log.sensations,
            "note": log.note,
        }
    return LogDetailsForm(initial=initial, stop_rules=published_stop_rules())


def side_effect_form(data=None) -> SideEffectForm:
    return SideEffectForm(
        data, initial={"submission_key": uuid4()}, stop_rules=published_stop_rules()
    )


# --- The session card ------------------------------------------------------------

# What the card offers: the log and "How did it go?" (DONE), the check-off
# (TO_DO), or why not: before the day (NOT_YET_DUE) or too long after (TOO_LATE).
DONE, TO_DO, NOT_YET_DUE, TOO_LATE = "done", "to_do", "not_yet", "too_late"


@dataclass(frozen=True)
class ReportLink:
    pk: int
    signs: str

    @property
    def url(self) -> str:
        return reverse("side-effect-detail", args=[self.pk])


@dataclass(frozen=True)
class Card:
    session: PlannedSession
    log: SessionLog | None
    state: str
    is_today: bool
    problem: str  # a refusal, in words
    can_undo: bool
    check_off_form: CheckOffForm
    details_form: LogDetailsForm | None
    details_open: bool  # "How did it go?" opens with errors or nothing said yet
    position: Position | None
    picture: dict | None  # the position's picture, small (mats.pictures.picture_for)
    reports: tuple[ReportLink, ...]  # side effects reported with this session
    reported: Reported | None  # just reported: what to do now
    saved: bool


def card(
    patient: Patient,
    session: PlannedSession,
    *,
    today: date | None = None,
    details: LogDetailsForm | None = None,
    check_off: CheckOffForm | None = None,
    problem: str = "",
    reported: Reported | None = None,
    saved: bool = False,
    log=UNREAD,
    just_ticked: bool = False,
    position=UNREAD,
    any_reports: bool | None = None,
) -> Card:
    """The session card: the session, and its log if it was ticked off.
    ``log`` when the caller has just read it (``None``: not ticked off);
    ``just_ticked`` when that log was made in this request, so no side effect
    can have been reported with it yet; ``position``, the session's published
    position, when the caller has read it; ``any_reports``, whether side
    effects were reported with the log, when the caller knows (False spares
    reading them)."""
    today = today or patient_today(patient)
    if log is UNREAD:
        log = log_of(session)
    reports: tuple[ReportLink, ...] = ()
    if log is not None:
        position = None
        state = DONE
        if details is None:
            details = details_form(log=log)
        if not just_ticked and any_reports is not False:
            reports = tuple(
                ReportLink(report.pk, ", ".join(_signs(report)))
                for report in log.side_effect_reports.all()
            )
    else:
        window = log_window(session.date, today)
        state = {OPEN: TO_DO, NOT_YET: NOT_YET_DUE}.get(window, TOO_LATE)
        if position is UNREAD:
            position = published_positions().filter(name=session.position).first()
        if details is not None and details.errors and not problem:
            # Details refused for a session that is not ticked off (another tab
            # undid it) have no form on this card to show them: say them here.
            problem = " ".join(error for errors in details.errors.values() for error in errors)
    return Card(
        session=session,
        log=log,
        state=state,
        is_today=session.date == today,
        problem=problem,
        can_undo=log is not None and can_undo(log, today),
        check_off_form=check_off if check_off is not None else CheckOffForm(),
        details_form=details,
        details_open=log is not None and bool(details.errors or not log.has_details),
        position=position,
        picture=picture_for(position, "small"),
        reports=reports,
        reported=reported,
        saved=saved,
    )


# --- Today -----------------------------------------------------------------------

# What the Today page says, first match wins: the safety gate stops the mat
# (BLOCKED, AWAITING_CONFIRMATION); a session to show (SESSION); or why there
# is none today.
BLOCKED = "blocked"
AWAITING_CONFIRMATION = "awaiting_confirmation"
SESSION = "session"
NO_PLAN = "no_plan"
WAITING_FOR_CLEARANCE = "waiting_for_clearance"
NEEDS_SCREENING = "needs_screening"
PAUSED = "paused"
NOT_STARTED = "not_started"
REST_DAY = "rest_day"
FINISHED = "finished"


# Why a plan is paused, as the patient is told: after their own report of a
# sign that stops the mat (REPORT), because a safety answer needs the
# practitioner's go-ahead (SAFETY_ANSWER), or by the practitioner's choice
# (BY_PRACTITIONER).
REPORT = "report"
SAFETY_ANSWER = "safety_answer"
BY_PRACTITIONER = "by_practitioner"


@dataclass(frozen=True)
class Pause:
    reason: str
    since: date | None
    report: SideEffectReport | None  # the patient's report of a stopping sign, since the pause
    rules: tuple[StopRuleEntry, ...]  # its stopping signs, as published when reported


@dataclass(frozen=True)
class Home:
    practitioner: User
    clinic_name: str
    plan: Plan | None
    state: str
    plan_paused: bool  # said above a session that stays on a paused plan
    pause: Pause | None  # why, whenever the plan is paused
    card: Card | None
    upcoming: tuple[PlannedSession, ...]  # the next few sessions of an active plan
    feedback: Feedback | None  # the practitioner's latest message
    note_for_patient: str
    # Offer reminders: there is a session to be reminded of, and the patient
    # has not answered the offer (nor chosen in Settings) yet.
    offer_reminders: bool = False


def _home_state(
    verdict: gate.Verdict,
    plan: Plan | None,
    session: PlannedSession | None,
    today: date,
    upcoming: tuple[PlannedSession, ...],
) -> str:
    if verdict is gate.Verdict.BLOCKED:
        return BLOCKED
    if verdict is gate.Verdict.NEEDS_CONFIRMATION:
        # An answer that ruled the mat out was taken back: the practitioner checks first.
        return AWAITING_CONFIRMATION
    if session is not None:
        return SESSION
    if plan is None:
        return NO_PLAN
    if plan.status == PlanStatus.WAITING:
        if verdict is gate.Verdict.NEEDS_CLEARANCE:
            return WAITING_FOR_CLEARANCE
        return NEEDS_SCREENING
    if plan.status == PlanStatus.PAUSED:
        return PAUSED
    if today < plan.start_date:
        return NOT_STARTED
    return REST_DAY if upcoming else FINISHED


def home(patient: Patient, *, screening=UNREAD) -> Home:
    today = patient_today(patient)
    rows = _CURRENT_PLAN.rows(patient_id=patient.pk)
    for row in rows:
        row.patient = patient  # as patient.plans would have set it
    plan, cleared = with_clearances(rows[0] if rows else None)
    outcome, _ = gate_for(patient, cleared, screening=screening)
    session, upcoming, offer_answered = _today_and_next(patient, plan, today)
    state = _home_state(outcome.verdict, plan, session, today, upcoming)
    paused = plan is not None and plan.status == PlanStatus.PAUSED
    return Home(
        practitioner=patient.primary_practitioner.user,
        clinic_name=patient.clinic.name,
        plan=plan,
        state=state,
        plan_paused=paused,
        pause=_pause(patient, plan, outcome.verdict) if paused else None,
        card=card(
            patient,
            session,
            today=today,
            log=log_read_with(session),
            position=position_from_row(session.position_row),
            any_reports=session.log_has_reports,
        )
        if state == SESSION
        else None,
        upcoming=upcoming,
        feedback=_latest_message(patient, plan),
        note_for_patient=plan.note_for_patient if plan and state != BLOCKED else "",
        offer_reminders=state == SESSION and not offer_answered,
    )


def _latest_message_fields() -> dict[str, Subquery]:
    """The practitioner's latest message, as annotations of the current plan's row."""
    latest = Feedback.objects.filter(patient=OuterRef("patient")).order_by("-created_at", "-pk")
    fields = {
        "pk": "pk",
        "text": "message",
        "created_at": "created_at",
        "author": "author",
        "author_name": "author__full_name",
    }
    return {f"message_{name}": Subquery(latest.values(field)[:1]) for name, field in fields.items()}


def _current_plan_row(*, patient_id: int):
    plans = Plan.objects.filter(patient_id=patient_id)
    return first_row(current_plans_with_clearances(plans, **_latest_message_fields()))


# Today's queries run on every visit of the page a patient opens most: their
# SQL is compiled once per process (accounts/prepared.py).
# The current plan, its clearances and the practitioner's latest message.
_CURRENT_PLAN = PreparedQuery(_current_plan_row, patient_id=PATIENT_MARKER)


def _latest_message(patient: Patient, plan: Plan | None) -> Feedback | None:
    """The practitioner's latest message: from the plan's row
    (``_latest_message_fields``) when there is a current plan, else read."""
    if plan is None:
        return patient.feedback.select_related("author").first()
    if plan.message_pk is None:
        return None
    author = None
    if plan.message_author is not None:
        author = User(pk=plan.message_author, full_name=plan.message_author_name)
    return Feedback(
        pk=plan.message_pk,
        patient=patient,
        message=plan.message_text,
        created_at=plan.message_created_at,
        author=author,
    )


# How many of the next sessions Today lists.
UPCOMING = 3


def _today_and_next_rows(
    *, patient_id: int, today: date, plan_id: int | None = None
) -> QuerySet[PlannedSession]:
    """Today's session and, with ``plan_id`` (the current plan, active), the next
    few of that plan: see ``_today_and_next``."""
    wanted = Q(date=today) & (Q(plan__status=PlanStatus.ACTIVE) | Q(log__isnull=False))
    if plan_id is not None:
        wanted |= Q(plan_id=plan_id, date__gt=today)
    answered = ReminderSettings.objects.filter(
        patient_id=patient_id, offer_answered_at__isnull=False
    )
    # A patient has at most one session a day (a unique constraint), so today's
    # and the next few are the first rows in date order.
    return (
        PlannedSession.objects.filter(patient_id=patient_id)
        .filter(wanted)
        .select_related("plan", "log")
        .annotate(
            offer_answered=Exists(answered),
            position_row=published_position_named(OuterRef("position")),
            log_has_reports=Exists(SideEffectReport.objects.filter(session_log=OuterRef("log"))),
        )
        .order_by("date")[: 1 + UPCOMING]
    )


_TODAY_ONLY = PreparedQuery(_today_and_next_rows, patient_id=PATIENT_MARKER, today=DAY_MARKER)
_TODAY_AND_NEXT = PreparedQuery(
    _today_and_next_rows, patient_id=PATIENT_MARKER, today=DAY_MARKER, plan_id=PLAN_MARKER
)


def _today_and_next(
    patient: Patient, plan: Plan | None, today: date
) -> tuple[PlannedSession | None, tuple[PlannedSession, ...], bool]:
    """In one query: today's session as ``session_for_day`` finds it (with its
    plan, its log, whether side effects were reported with the log as
    ``log_has_reports``, and its published position as ``position_row``), the next
    few sessions of an active plan, and, when there is a session today,
    whether the patient has answered the reminder offer (or chosen in
    Settings)."""
    if plan is not None and plan.status == PlanStatus.ACTIVE:
        rows = _TODAY_AND_NEXT.rows(patient_id=patient.pk, today=today, plan_id=plan.pk)
    else:
        rows = _TODAY_ONLY.rows(patient_id=patient.pk, today=today)
    for row in rows:
        row.patient = patient  # theirs by the filter: no second read of it
    session = rows[0] if rows and rows[0].date == today else None
    upcoming = tuple(row for row in rows if row.date > today)[:UPCOMING]
    # Only asked with a session today, when there is a row to carry the answer.
    offer_answered = session is not None and session.offer_answered
    return session, upcoming, offer_answered


def _pause(patient: Patient, plan: Plan, verdict: gate.Verdict) -> Pause:
    """Why the plan is paused. The plan keeps only the day and the
    practitioner's own words; the patient's side of it is their latest report
    of a sign that stops the mat, made on or after the day of the pause (the
    report that paused it, or one sent since, which is theirs to talk
    through either way). One query."""
    if verdict is gate.Verdict.NEEDS_CLEARANCE:
        return Pause(SAFETY_ANSWER, plan.paused_on, None, ())
    report = None
    if plan.paused_on is not None:
        from_day = datetime.combine(plan.paused_on, time.min, tzinfo=patient.zone)
        report = (
            plan.side_effect_reports.filter(pauses_plan=True, reported_at__gte=from_day)
            .order_by("-reported_at", "-pk")
            .first()
        )
    if report is None:
        return Pause(BY_PRACTITIONER, plan.paused_on, None, ())
    rules = tuple(rule for rule in stop_rules_for_report(report) if rule.pauses_plan)
    return Pause(REPORT, plan.paused_on, report, rules)


# --- The guided timer ------------------------------------------------------------


@dataclass(frozen=True)
class Timer:
    session: PlannedSession | None  # today's
    log: SessionLog | None
    form: CheckOffForm | None  # the minutes, filled in by the timer


def timer(patient: Patient) -> Timer:
    session = session_for_day(patient, patient_today(patient))
    if session is None:
        return Timer(None, None, None)
    form = CheckOffForm(initial={"minutes_done": session.minutes})
    return Timer(session, log_read_with(session), form)


# --- The plan as a calendar ------------------------------------------------------


@dataclass(frozen=True)
class PlanPage:
    plan: Plan | None  # the current plan, or else the last one that ran
    today: date
    ended: bool
    awaiting_confirmation: bool  # a withdrawn answer waits for the practitioner
    asks_for_answers: bool  # waiting for the safety questions, nothing else in the way
    paused: bool
    # The days and the progress; None while the plan waits to start.
    calendar: plan_calendar.Calendar | None = None
    sessions: int = 0
    streak: int = 0
    stage: plan_calendar.Progress | None = None


def plan_page(patient: Patient) -> PlanPage:
    today = patient_today(patient)
    # The current plan, or else the last one that ran, so its calendar stays to look back on.
    plan = current_plan(patient) or (
        patient.plans.filter(status=PlanStatus.ENDED, ended_on__gte=F("start_date")).first()
    )
    if plan is None:
        return PlanPage(None, today, False, False, False, False)
    awaiting = False
    if plan.is_current:
        outcome, _ = gate_for(patient)
        awaiting = outcome.verdict is gate.Verdict.NEEDS_CONFIRMATION
    page = PlanPage(
        plan=plan,
        today=today,
        ended=plan.status == PlanStatus.ENDED,
        awaiting_confirmation=awaiting,
        asks_for_answers=plan.status == PlanStatus.WAITING and not awaiting,
        paused=plan.status == PlanStatus.PAUSED,
    )
    if plan.status == PlanStatus.WAITING:
        return page
    return _with_calendar(page, patient, plan, today)


def _with_calendar(page: PlanPage, patient: Patient, plan: Plan, today: date) -> PlanPage:
    # Read once for the progress here and the calendar's rows (plan_calendar.for_plan).
    prefetch_related_objects([plan], "stages")
    stages = plan.schedule_stages()
    sessions = list(plan.sessions.all())
    logs = list(logs_for_plan(plan))
    reported: dict[date, list[str]] = {}
    for report in patient.side_effect_reports.filter(
        day__range=(plan.start_date, plan.last_day)
    ).order_by("reported_at"):
        reported.setdefault(report.day, []).extend(_signs(report))
    days = plan_calendar.for_plan(
        plan, sessions, logs, reported, today=today, loggable_from=earliest_loggable(today)
    )
    return replace(
        page,
        calendar=days,
        sessions=len(sessions),
        streak=plan_calendar.streak([s.date for s in sessions], {log.day for log in logs}, today),
        stage=plan_calendar.progress(stages, plan.start_date, plan.end_date, today),
    )


# --- Side effects ----------------------------------------------------------------


@dataclass(frozen=True)
class ReportPage:
    report: SideEffectReport
    rules: tuple[StopRuleEntry, ...]  # as they were when reported
    paused: bool  # the plan it was reported under is paused now


def side_effect_detail(report: SideEffectReport) -> ReportPage:
    return ReportPage(
        report=report,
        rules=tuple(stop_rules_for_report(report)),
        paused=report.plan is not None and report.plan.status == PlanStatus.PAUSED,
    )
