"""Turn a routine's ladder and a plan's dates into planned days.

Pure functions: no database, no request, no clock. The plan form's live
preview, the saved plan and the property tests all call ``build_schedule``.

How a schedule is laid out:

- Plan weeks count from the start date (week 1 is its first seven days),
  whatever weekday the plan starts on.
- Each plan week belongs to the stage whose week range holds it. A plan
  longer than the ladder stays on the last stage; a shorter one simply
  stops inside the ladder.
- A stage's sessions are spread evenly over its seven days (3 a week fall
  on days 1, 3 and 5), the other days are rest days.
- Minutes climb evenly from the stage's shortest to its longest session
  over the stage's weeks and then hold; an open-ended stage climbs over
  its first two weeks.
- Positions take turns, session by session, within each stage.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

# An open-ended stage has no length to spread the climb over; two weeks
# keeps the step between its first and later weeks gentle.
OPEN_STAGE_RAMP_WEEKS = 2


@dataclass(frozen=True)
class Stage:
    week_from: int
    week_to: int | None
    minutes_min: int
    minutes_max: int
    sessions_per_week: int
    positions: tuple[str, ...]
    surface: str
    clothing: str
    goal: str = ""

    def holds(self, week: int) -> bool:
        return self.week_from <= week and (self.week_to is None or week <= self.week_to)


@dataclass(frozen=True)
class PlannedDay:
    day: date
    week: int  # plan week, from 1
    stage_index: int  # index into the stages, in week order
    is_session: bool
    minutes: int = 0
    position: str = ""
    surface: str = ""
    clothing: str = ""


def session_offsets(sessions_per_week: int) -> frozenset[int]:
    """Which days of a seven-day week (0-6) carry a session, spread evenly."""
    if not 1 <= sessions_per_week <= 7:
        raise ValueError("sessions_per_week must be between 1 and 7")
    return frozenset(i * 7 // sessions_per_week for i in range(sessions_per_week))


def minutes_for_week(stage: Stage, week_in_stage: int) -> int:
    """Prescribed minutes in the stage's ``week_in_stage``-th week (0-based)."""
    length = OPEN_STAGE_RAMP_WEEKS if stage.week_to is None else stage.week_to - stage.week_from + 1
    if length <= 1:
        return stage.minutes_max if week_in_stage > 0 else stage.minutes_min
    step = min(week_in_stage, length - 1)
    span = stage.minutes_max - stage.minutes_min
    return stage.minutes_min + round(span * step / (length - 1))


def stage_for_week(stages: Sequence[Stage], week: int) -> int:
    """Index of the stage that holds ``week``; past the ladder, the last stage."""
    for index, stage in enumerate(stages):
        if stage.holds(week):
            return index
    return len(stages) - 1


def build_schedule(stages: Sequence[Stage], start: date, end: date) -> list[PlannedDay]:
    """Every day from ``start`` to ``end`` inclusive, session or rest.

    ``stages`` must be in week order, starting in week 1 without gaps (the
    ladder rules in ``mats.ladder`` guarantee this for saved routines).
    """
    if not stages:
        raise ValueError("a schedule needs at least one stage")
    if end < start:
        raise ValueError("the plan cannot end before it starts")
    days: list[PlannedDay] = []
    turns: dict[int, int] = {}  # stage index -> sessions laid out so far
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        week = offset // 7 + 1
        index = stage_for_week(stages, week)
        stage = stages[index]
        if offset % 7 not in session_offsets(stage.sessions_per_week):
            days.append(PlannedDay(day=day, week=week, stage_index=index, is_session=False))
            continue
        turn = turns.get(index, 0)
        turns[index] = turn + 1
        days.append(
            PlannedDay(
                day=day,
                week=week,
                stage_index=index,
                is_session=True,
                minutes=minutes_for_week(stage, week - stage.week_from),
                position=stage.positions[turn % len(stage.positions)] if stage.positions else "",
                surface=stage.surface,
                clothing=stage.clothing,
            )
        )
    return days


def stage_of(source: object, **values) -> Stage:
    """A ``Stage`` from ``values`` and, for the fields not given, the
    attributes of the same name on ``source`` (a routine's stage, a plan's)."""
    taken = {
        field.name: getattr(source, field.name)
        for field in fields(Stage)
        if field.name not in values
    }
    return Stage(**taken, **values)


def adjust(stage: Stage, **changes) -> Stage:
    """A copy of ``stage`` with the practitioner's changes for one patient."""
    return replace(stage, **changes)
