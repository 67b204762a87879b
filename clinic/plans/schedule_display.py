"""Day-by-day rows for showing a schedule: the live preview, a saved plan,
and the patient's own page all render the same rows.

Pure: no database access beyond what callers pass in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from clinic.plans.schedule import PlannedDay, Stage, build_schedule
from mats.models import Clothing, Surface

SESSION, REST, OFF = "session", "rest", "off"


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


@dataclass(frozen=True)
class Row:
    day: date
    week: int
    stage_number: int  # from 1
    kind: str  # SESSION, REST, or OFF (not in force: paused, waiting or ended)
    minutes: int = 0
    position: str = ""
    surface: str = ""
    clothing: str = ""
    starts_week: bool = False
    goal: str = ""

    @property
    def is_session(self) -> bool:
        return self.kind == SESSION


@dataclass(frozen=True)
class Schedule:
    rows: tuple[Row, ...]

    @property
    def sessions(self) -> int:
        return sum(1 for row in self.rows if row.is_session)

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.rows if row.is_session)

    @property
    def rest_days(self) -> int:
        return sum(1 for row in self.rows if row.kind == REST)

    @property
    def session_days(self) -> tuple[date, ...]:
        return tuple(row.day for row in self.rows if row.is_session)


def _row(day: PlannedDay, stages: Sequence[Stage], kind: str, previous_week: int | None) -> Row:
    return Row(
        day=day.day,
        week=day.week,
        stage_number=day.stage_index + 1,
        kind=kind,
        minutes=day.minutes if kind == SESSION else 0,
        position=day.position if kind == SESSION else "",
        surface=_label(Surface, day.surface) if kind == SESSION else "",
        clothing=_label(Clothing, day.clothing) if kind == SESSION else "",
        starts_week=day.week != previous_week,
        goal=stages[day.stage_index].goal,
    )


def planned(stages: Sequence[Stage], start: date, end: date) -> Schedule:
    """The schedule a plan with these stages and dates would follow."""
    rows, week = [], None
    for day in build_schedule(stages, start, end):
        rows.append(_row(day, stages, SESSION if day.is_session else REST, week))
        week = day.week
    return Schedule(tuple(rows))


def as_written(
    stages: Sequence[Stage], start: date, end: date, last_day: date, sessions: Iterable
) -> Schedule:
    """A saved plan's days up to ``last_day``: the written sessions as they
    are, rest days, and the days it was not in force (a session the layout
    would have put there was never written)."""
    written = {session.date: session for session in sessions}
    rows, week = [], None
    for day in build_schedule(stages, start, end):
        if day.day > last_day:
            break
        session = written.get(day.day)
        if session is not None:
            day = PlannedDay(
                day=session.date,
                week=session.week,
                stage_index=session.stage_order,
                is_session=True,
                minutes=session.minutes,
                position=session.position,
                surface=session.surface,
                clothing=session.clothing,
            )
            kind = SESSION
        else:
            kind = OFF if day.is_session else REST
        rows.append(_row(day, stages, kind, week))
        week = day.week
    return Schedule(tuple(rows))
