"""The rules a plan keeps, checked before anything is saved: its dates, its
stages' safe bounds, and what its state lets a practitioner do next.

The forms call these to give their messages; the services call them again
under a lock. Each problem is a ``PlanRefused`` naming the form field it
concerns (``field``) and the values its sentence needs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce

from accounts.models import Patient
from clinic.plans import gate
from clinic.plans.errors import PlanRefused
from clinic.plans.models import MAX_PLAN_DAYS, MAX_PLAN_WEEKS, Plan, PlanStatus
from clinic.plans.schedule import Stage
from mats.ladder import MAX_MINUTES, MAX_SESSIONS_PER_WEEK
from mats.models import Clothing, Surface

# How far ahead a plan may start: a booking further out is not a between-visit plan.
MAX_DAYS_AHEAD = 366


def latest_day_for(start: date) -> date:
    # The forms keep dates within 1900-2100; this never overflows regardless.
    return start + min(timedelta(days=MAX_PLAN_DAYS - 1), date.max - start)


def plan_date_problems(
    patient: Patient, start: date, end: date, *, today: date, replacing: Plan | None = None
) -> list[PlanRefused]:
    """What is wrong with these dates for a new plan, at most one per field.

    The current plan (``replacing``) is ended the day before ``start``, so it
    never overlaps; an earlier plan that is still in force on ``start`` does.
    """
    problems = []
    if start < today:
        problems.append(PlanRefused("plan.starts_in_the_past", field="start_date", today=today))
    elif start > today + timedelta(days=MAX_DAYS_AHEAD):
        problems.append(PlanRefused("plan.starts_too_far_ahead", field="start_date"))
    elif overlapping := _earlier_plan_in_force(patient, start, end, replacing):
        problems.append(
            PlanRefused(
                "plan.overlaps_an_earlier_plan",
                field="start_date",
                until=overlapping.last,
                first_free=overlapping.last + timedelta(days=1),
            )
        )
    if end < start:
        problems.append(PlanRefused("plan.ends_before_it_starts", field="end_date", start=start))
    elif end > latest_day_for(start):
        problems.append(
            PlanRefused(
                "plan.too_long",
                field="end_date",
                weeks=MAX_PLAN_WEEKS,
                latest=latest_day_for(start),
            )
        )
    return problems


def _earlier_plan_in_force(
    patient: Patient, start: date, end: date, replacing: Plan | None
) -> Plan | None:
    return (
        patient.plans.filter(status=PlanStatus.ENDED, start_date__lte=end)
        .exclude(pk=getattr(replacing, "pk", None))
        .annotate(last=Coalesce("ended_on", "end_date"))
        # A plan that ended before its first day never ran, so overlaps nothing.
        .filter(last__gte=start)
        .filter(last__gte=F("start_date"))
        .order_by("-last")
        .first()
    )


def extension_problem(plan: Plan, new_end: date) -> PlanRefused | None:
    """What is wrong with moving a current plan's last day to ``new_end``."""
    if new_end <= plan.end_date:
        return PlanRefused("plan.extension_not_later", field="new_end", end=plan.end_date)
    if new_end > latest_day_for(plan.start_date):
        return PlanRefused(
            "plan.extension_too_long",
            field="new_end",
            weeks=MAX_PLAN_WEEKS,
            latest=latest_day_for(plan.start_date),
        )
    return None


def stage_problems(stages: Sequence[Stage]) -> list[PlanRefused]:
    """The safe bounds every prescribed stage must keep (the form says them kindly)."""
    problems = []
    for number, stage in enumerate(stages, start=1):
        if not 1 <= stage.minutes_min <= stage.minutes_max <= MAX_MINUTES:
            problems.append(
                PlanRefused(
                    "plan.stage_minutes_out_of_bounds",
                    field="minutes_max",
                    stage=number,
                    most=MAX_MINUTES,
                )
            )
        if not 1 <= stage.sessions_per_week <= MAX_SESSIONS_PER_WEEK:
            problems.append(
                PlanRefused(
                    "plan.stage_sessions_out_of_bounds",
                    field="sessions_per_week",
                    stage=number,
                    most=MAX_SESSIONS_PER_WEEK,
                )
            )
        if not stage.positions:
            problems.append(
                PlanRefused("plan.stage_without_positions", field="positions", stage=number)
            )
        if stage.surface not in Surface.values or stage.clothing not in Clothing.values:
            problems.append(
                PlanRefused("plan.stage_surface_not_listed", field="surface", stage=number)
            )
    return problems


@dataclass(frozen=True)
class PlanActions:
    """What a practitioner may do with a plan now, given the patient's
    latest answers (``outcome``, with the plan's clearances counted)."""

    can_change: bool  # extend it or end it
    can_pause: bool
    can_resume: bool
    resume_blocked: bool  # paused, and the latest answers rule the mat out
    resume_waits_for_confirmation: bool  # paused, and an answer taken back waits


def plan_actions(plan: Plan, outcome: gate.GateOutcome | None) -> PlanActions:
    paused = plan.status == PlanStatus.PAUSED
    verdict = outcome.verdict if outcome is not None else None
    blocked = paused and verdict is gate.Verdict.BLOCKED
    unconfirmed = paused and verdict is gate.Verdict.NEEDS_CONFIRMATION
    return PlanActions(
        can_change=plan.is_current,
        can_pause=plan.can_pause,
        can_resume=paused and not (blocked or unconfirmed),
        resume_blocked=blocked,
        resume_waits_for_confirmation=unconfirmed,
    )
