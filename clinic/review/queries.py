"""Reading what the review needs, in a fixed number of queries however many
patients or logs there are, and handing it to the pure arithmetic in
``clinic.review``.

The figures are for the patient's running plan (active or paused): the
plan the practitioner is reviewing. Days the plan was on hold have no
planned sessions (pausing removes them, resuming writes them again from
that day), so they are never counted as planned.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import models
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Clinic, Patient
from clinic.plans.models import Plan, PlannedSession, PlanStage, PlanStatus
from clinic.review.adherence import (
    LONGER_MINUTES,
    MISSED_IN_A_ROW,
    PAIN_RISE,
    Logged,
    Planned,
)
from clinic.review.attention import annotate_attention
from clinic.review.plan_review import (
    Flag,
    Review,
    SafetyState,
    WeekAdherence,
    review,
    safety_flags,
    weekly,
)
from clinic.usage.models import Feedback, SessionLog, SideEffectReport
from clinic.visits.models import Appointment

RUNNING = (PlanStatus.ACTIVE, PlanStatus.PAUSED)
# The review page lists the latest messages to the patient, not every one.
FEEDBACK_SHOWN = 10


def annotate_for_review(patients: QuerySet[Patient], now: datetime) -> QuerySet[Patient]:
    """Add to each patient, in the query that reads them: the attention flags
    (``clinic.attention``), their current plan's pk, status, first and last
    day, the next booked visit and the day of their latest logged session."""
    current = Plan.objects.current().filter(patient=OuterRef("pk"))
    upcoming = Appointment.objects.filter(patient=OuterRef("pk"), starts_at__gt=now).order_by(
        "starts_at"
    )
    latest_log = SessionLog.objects.filter(planned_session__patient=OuterRef("pk")).order_by(
        "-planned_session__date"
    )
    return annotate_attention(patients).annotate(
        plan_pk=Subquery(current.values("pk")[:1]),
        plan_status=Subquery(current.values("status")[:1]),
        plan_start=Subquery(current.values("start_date")[:1]),
        plan_end=Subquery(current.values("end_date")[:1]),
        next_visit=Subquery(upcoming.values("starts_at")[:1]),
        last_session=Subquery(latest_log.values("planned_session__date")[:1]),
    )


# --- The flags in SQL, for the list's order, filter and count ----------------------
#
# ``attach_reviews`` works the flags out in Python for the patients shown;
# ``annotate_flagged`` says the same yes or no in the query, so that the
# database can put the flagged first, keep only them and count them however
# many patients the clinic has. Each patient's today is their own: the
# clinic's zone and each zone a patient set for themselves are turned into
# dates here, and a CASE picks the patient's. tests/review/test_flags_in_sql.py
# holds the two to the same answers.


def _day_of(clinic: Clinic, own_zones: set[str], now: datetime, days_back: int) -> Case:
    """The date ``days_back`` days before each patient's today."""

    def day(zone: str) -> Value:
        local = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(zone))
        return Value(local - timedelta(days=days_back), output_field=DateField())

    return Case(
        *[When(time_zone=zone, then=day(zone)) for zone in sorted(own_zones)],
        default=day(clinic.time_zone),
        output_field=DateField(),
    )


def own_zones(clinic: Clinic) -> set[str]:
    """The zones the clinic's patients set for themselves, in one query."""
    return set(
        Patient.objects.filter(clinic=clinic)
        .exclude(time_zone="")
        .order_by()
        .values_list("time_zone", flat=True)
        .distinct()
    )


def annotate_flagged(
    patients: QuerySet[Patient], clinic: Clinic, zones: set[str], now: datetime
) -> QuerySet[Patient]:
    """Add ``flagged_now``: whether ``attach_reviews`` would give the patient any
    flag (the safety ones of ``annotate_attention``, then pain rising, a
    session much longer than prescribed in the last 7 days, 3 or more
    sessions missed in a row, under half done in the last 7 days), for the
    patients of ``clinic`` with their own ``zones``."""
    patients = annotate_attention(patients).annotate(
        review_today=_day_of(clinic, zones, now, 0),
        review_week=_day_of(clinic, zones, now, 6),
        review_fortnight=_day_of(clinic, zones, now, 13),
    )
    running = PlannedSession.objects.filter(
        patient=OuterRef("pk"), plan__status__in=RUNNING, date__lte=OuterRef("review_today")
    )
    logged = Q(log__isnull=False)

    # The last 14 days in one grouped row: a long session in the last 7,
    # a low week, and the mean pain before sessions up by 2 on the week before.
    this_week = Q(date__gte=OuterRef("review_week"))
    counted = this_week & (Q(date__lt=OuterRef("review_today")) | logged)
    scored_now = this_week & Q(log__pain_before__isnull=False)
    scored_before = Q(date__lt=OuterRef("review_week"), log__pain_before__isnull=False)
    fortnight = (
        running.filter(date__gte=OuterRef("review_fortnight"))
        .values("patient")
        .annotate(
            longer=Count(
                "pk",
                filter=this_week
                & GreaterThanOrEqual(F("log__minutes_done"), F("minutes") + LONGER_MINUTES)
                # More than half as long again: 2 x logged > 3 x prescribed.
                & GreaterThan(F("log__minutes_done") * 2, F("minutes") * 3),
            ),
            # Planned minus twice done over the last 7 days' counted sessions:
            # above 0 is under half done (``clinic.review.adherence.LOW_WEEK``).
            short=Sum(
                Case(
                    When(counted & logged, then=Value(-1)),
                    When(counted, then=Value(1)),
                    default=Value(0),
                )
            ),
            pain_now=Coalesce(Sum("log__pain_before", filter=scored_now), 0),
            scored_now=Count("pk", filter=scored_now),
            pain_before=Coalesce(Sum("log__pain_before", filter=scored_before), 0),
            scored_before=Count("pk", filter=scored_before),
        )
        .annotate(
            warning=Case(
                When(
                    Q(longer__gt=0)
                    | Q(short__gt=0)
                    | Q(scored_now__gt=0)
                    & Q(scored_before__gt=0)
                    # Mean now - mean before >= 2, in whole numbers.
                    & GreaterThanOrEqual(
                        F("pain_now") * F("scored_before") - F("pain_before") * F("scored_now"),
                        F("scored_now") * F("scored_before") * PAIN_RISE,
                    ),
                    then=Value(1),
                ),
                default=Value(0),
            )
        )
        .values("warning")
    )
    # Missed in a row: the sessions before today since the last one logged.
    last_logged = running.filter(logged).order_by("-date").values("date")[:1]
    # Pain rising: pain after above pain before on 2 of the last 3 scored.
    scored = running.filter(log__pain_before__isnull=False, log__pain_after__isnull=False)
    third_scored = scored.order_by("-date").values("date")[2:3]
    patients = patients.annotate(
        review_last_logged=Coalesce(Subquery(last_logged), Value(date.min)),
        review_third_scored=Coalesce(Subquery(third_scored), Value(date.min)),
    )
    missed = (
        running.filter(date__lt=OuterRef("review_today"), date__gt=OuterRef("review_last_logged"))
        .values("patient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rises = (
        scored.filter(
            date__gte=OuterRef("review_third_scored"),
            log__pain_after__gt=F("log__pain_before"),
        )
        .values("patient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return patients.annotate(
        flagged_now=Case(
            When(
                Q(needs_attention=True)
                | GreaterThan(Coalesce(Subquery(fortnight), 0), 0)
                | GreaterThanOrEqual(Coalesce(Subquery(missed), 0), MISSED_IN_A_ROW)
                | GreaterThanOrEqual(Coalesce(Subquery(rises), 0), 2),
                then=Value(True),
            ),
            default=Value(False),
        )
    )


def histories(plan_ids: list[int], until: date) -> dict[int, tuple[list[Planned], list[Logged]]]:
    """Each plan's planned sessions up to ``until`` and the logs that stand
    for them, in one query."""
    found: dict[int, tuple[list[Planned], list[Logged]]] = defaultdict(lambda: ([], []))
    rows = (
        PlannedSession.objects.filter(plan_id__in=plan_ids, date__lte=until)
        .order_by("date")
        .values_list(
            "plan_id",
            "date",
            "minutes",
            "log__pk",
            "log__minutes_done",
            "log__pain_before",
            "log__pain_after",
        )
    )
    for plan_id, day, minutes, log_pk, minutes_done, pain_before, pain_after in rows:
        planned, logged = found[plan_id]
        planned.append(Planned(day, minutes))
        if log_pk is not None:
            done = minutes_done if minutes_done is not None else minutes
            logged.append(Logged(day, done, pain_before, pain_after))
    return found


def safety_state(patient: Patient) -> SafetyState:
    """From the attention annotations on ``patient``."""
    return SafetyState(
        blocked=bool(patient.blocked),
        needs_confirmation=bool(patient.needs_confirmation),
        unseen_side_effects=bool(patient.unseen_side_effects),
        needs_clearance=bool(patient.needs_clearance),
    )


def days_until(moment: datetime | None, patient: Patient, today: date) -> int | None:
    """Whole calendar days from the patient's today to ``moment``, in their zone."""
    if moment is None:
        return None
    return (timezone.localdate(moment, timezone=patient.zone) - today).days


def days_away(days: int | None) -> str | None:
    """Days from today in words: "today", "tomorrow", "in 3 days"; None for none."""
    if days is None:
        return None
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def attach_reviews(patients: list[Patient], now: datetime) -> None:
    """Give each patient (annotated by ``annotate_for_review``, clinic loaded)
    ``review`` (None without a running plan), ``flags`` and ``visit_in``
    (days to the next booked visit) with ``visit_when`` in words. One query
    for all of them."""
    # No one's today is more than a day past the date in UTC.
    until = now.astimezone(UTC).date() + timedelta(days=1)
    running = [p.plan_pk for p in patients if p.plan_status in RUNNING]
    found = histories(running, until) if running else {}
    for patient in patients:
        today = patient_today(patient, now)
        state = safety_state(patient)
        patient.review = None
        flags: tuple[Flag, ...] = safety_flags(state)
        if patient.plan_status in RUNNING:
            planned, logged = found.get(patient.plan_pk, ([], []))
            patient.review = review(planned, logged, today=today, safety=state)
            flags = patient.review.flags
        patient.flags = flags
        patient.visit_in = days_until(patient.next_visit, patient, today)
        patient.visit_when = days_away(patient.visit_in)


# --- One patient's review page and summary ----------------------------------------


@dataclass(frozen=True)
class StageRow:
    number: int  # from 1
    stage: PlanStage
    weeks: str  # "week 1", "weeks 3 to 4", "week 3 on"
    starts_on: date
    is_current: bool


@dataclass
class PatientReview:
    """Everything the review page and the pre-visit summary show."""

    patient: Patient
    today: date
    plan: Plan | None
    safety: SafetyState
    flags: tuple[Flag, ...]
    next_visit: Appointment | None
    reports: list[SideEffectReport]
    feedback: list[Feedback]
    review: Review | None = None
    sessions: list[PlannedSession] = field(default_factory=list)
    logs: list[SessionLog] = field(default_factory=list)
    weeks: tuple[WeekAdherence, ...] = ()
    stages: list[StageRow] = field(default_factory=list)

    @property
    def visit_in(self) -> int | None:
        if self.next_visit is None:
            return None
        return days_until(self.next_visit.starts_at, self.patient, self.today)

    @property
    def visit_when(self) -> str | None:
        return days_away(self.visit_in)

    @property
    def flags_in_words(self) -> str:
        return "; ".join(flag.text for flag in self.flags)

    @property
    def period_end(self) -> date | None:
        """The last day the figures cover: today, or the plan's last day if earlier."""
        if self.plan is None:
            return None
        return min(self.today, self.plan.last_day)

    @property
    def unseen_reports(self) -> list[SideEffectReport]:
        return [report for report in self.reports if not report.is_seen]

    @property
    def notes(self) -> list[SessionLog]:
        return [log for log in self.logs if log.note]

    @property
    def current_stage(self) -> StageRow | None:
        return next((row for row in self.stages if row.is_current), None)

    @property
    def next_stage(self) -> StageRow | None:
        """The stage after the current one, if the plan reaches it."""
        current = self.current_stage
        if current is None:
            return None
        return next((row for row in self.stages if row.number == current.number + 1), None)


def _under_review(patient: Patient) -> QuerySet[Plan]:
    """The running plan, else the latest plan that ran (an ended plan that
    started); a plan still waiting has no history to review."""
    return patient.plans.filter(
        Q(status__in=RUNNING) | Q(status=PlanStatus.ENDED, ended_on__gte=F("start_date"))
    )


def plan_under_review(patient: Patient) -> Plan | None:
    """The plan ``_under_review``, its stages read with it."""
    return _under_review(patient).prefetch_related("stages").first()


def review_rows(now: datetime) -> QuerySet[Patient]:
    """Patients as the review reads them, for the access check's query
    (``accounts.access.clinic_patient``): the safety flags of
    ``annotate_attention`` and the next booked visit. Filtered to one
    patient there, so the subqueries run for that patient alone."""
    upcoming = Appointment.objects.filter(patient=OuterRef("pk")).upcoming(now)
    return annotate_attention(Patient.objects.all()).annotate(
        review_visit_pk=Subquery(upcoming.values("pk")[:1]),
        review_visit_at=Subquery(upcoming.values("starts_at")[:1]),
    )


def _sessions_with_plan(patient: Patient) -> tuple[Plan | None, list[PlannedSession]]:
    """The plan under review and its sessions with their logs, in one query
    (a second only for a plan without sessions); its stages in one more."""
    under_review = _under_review(patient).values("pk")[:1]
    # FETCH_RAISE: anything not loaded here would be one query per session.
    sessions = list(
        PlannedSession.objects.filter(plan=Subquery(under_review))
        .select_related("log", "plan")
        .fetch_mode(models.FETCH_RAISE)
        .order_by("date")
    )
    if not sessions:
        return plan_under_review(patient), []
    plan = sessions[0].plan
    for session in sessions:
        session.plan = plan
    prefetch_related_objects([plan], "stages")
    return plan, sessions


def _stage_rows(plan: Plan, today: date) -> list[StageRow]:
    """The plan's stages that its weeks reach, the one ``today`` falls in marked."""
    total_weeks = (plan.end_date - plan.start_date).days // 7 + 1
    week_now = min(max((today - plan.start_date).days // 7 + 1, 1), total_weeks)
    rows = []
    for stage in plan.stages.all():
        if stage.week_from > total_weeks:
            break
        last = total_weeks if stage.week_to is None else min(stage.week_to, total_weeks)
        weeks = (
            f"week {stage.week_from}"
            if last == stage.week_from
            else (f"weeks {stage.week_from} to {last}")
        )
        rows.append(
            StageRow(
                number=len(rows) + 1,
                stage=stage,
                weeks=weeks,
                starts_on=plan.start_date + timedelta(days=7 * (stage.week_from - 1)),
                is_current=stage.week_from <= week_now <= last,
            )
        )
    return rows


def load_review(patient: Patient, now: datetime) -> PatientReview:
    """Read one patient's review in a fixed number of queries, whatever the
    number of sessions, logs or reports. ``patient`` comes from
    ``review_rows`` (flags and next visit read with it)."""
    today = patient_today(patient, now)
    state = safety_state(patient)
    next_visit = None
    if patient.review_visit_pk is not None:
        next_visit = Appointment(
            pk=patient.review_visit_pk, patient=patient, starts_at=patient.review_visit_at
        )
    plan, sessions = _sessions_with_plan(patient)
    reports = patient.side_effect_reports.select_related("seen_by").order_by("day", "reported_at")
    if plan is not None:
        reports = reports.filter(Q(plan=plan) | Q(day__range=(plan.start_date, plan.last_day)))
    result = PatientReview(
        patient=patient,
        today=today,
        plan=plan,
        safety=state,
        flags=safety_flags(state),
        next_visit=next_visit,
        reports=list(reports),
        feedback=list(patient.feedback.select_related("author")[:FEEDBACK_SHOWN]),
    )
    if plan is None:
        return result
    logs = [log for log in (_log_of(session) for session in sessions) if log is not None]
    planned = [Planned(s.date, s.minutes) for s in sessions]
    logged = [
        Logged(log.planned_session.date, log.minutes, log.pain_before, log.pain_after)
        for log in logs
    ]
    result.sessions = sessions
    result.logs = logs
    result.review = review(planned, logged, today=today, safety=state)
    result.flags = result.review.flags
    result.weeks = weekly(
        planned, logged, start=plan.start_date, last_day=plan.last_day, today=today
    )
    result.stages = _stage_rows(plan, today)
    return result


def _log_of(session: PlannedSession) -> SessionLog | None:
    try:
        return session.log
    except SessionLog.DoesNotExist:
        return None
