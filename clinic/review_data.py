"""Reading what the review needs, in a fixed number of queries however many
patients or logs there are, and handing it to the pure arithmetic in
``clinic.review``.

The figures are for the patient's running plan (active or paused): the
plan the practitioner is reviewing. Days the plan was on hold have no
planned sessions (pausing removes them, resuming writes them again from
that day), so they are never counted as planned.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Patient
from clinic.adherence import Logged, Planned
from clinic.attention import annotate_attention
from clinic.models import Appointment, Plan, PlannedSession, PlanStatus, SessionLog
from clinic.review import Flag, SafetyState, review, safety_flags
from clinic.services import patient_today

RUNNING = (PlanStatus.ACTIVE, PlanStatus.PAUSED)


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
        unseen_side_effects=bool(patient.unseen_side_effects),
        needs_clearance=bool(patient.needs_clearance),
    )


def days_until(moment: datetime | None, patient: Patient, today: date) -> int | None:
    """Whole calendar days from the patient's today to ``moment``, in their zone."""
    if moment is None:
        return None
    return (timezone.localdate(moment, timezone=patient.zone) - today).days


def attach_reviews(patients: list[Patient], now: datetime) -> None:
    """Give each patient (annotated by ``annotate_for_review``, clinic loaded)
    ``review`` (None without a running plan), ``flags`` and ``visit_in``
    (days to the next booked visit). One query for all of them."""
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
