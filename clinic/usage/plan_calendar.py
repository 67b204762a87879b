"""The patient's plan as a calendar: what happened on each day, the streak,
and where they are on the ladder. Pure: callers pass in the schedule rows,
the days logged and reported, and today.

Day states:

- done: a planned session that was ticked off;
- missed: a planned session whose day has passed without a tick;
- today: today's session, not ticked off yet;
- upcoming: a planned session still to come;
- rest: a rest day of the plan;
- paused: a day the plan was on hold (paused, or not yet started after
  waiting for the safety questions), so nothing was planned.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from clinic.plans.schedule import Stage, stage_for_week
from clinic.plans.schedule_display import REST, SESSION, Row, as_written

DONE, MISSED, TODAY, UPCOMING, RESTING, PAUSED = (
    "done",
    "missed",
    "today",
    "upcoming",
    "rest",
    "paused",
)


@dataclass(frozen=True)
class Day:
    row: Row
    state: str
    session_pk: int | None = None
    can_log: bool = False  # a missed session still inside the window for ticking off
    scores: tuple[int | None, int | None] = (None, None)  # pain before, after
    side_effects: tuple[str, ...] = ()
    is_today: bool = False

    @property
    def day(self) -> date:
        return self.row.day

    @property
    def is_session(self) -> bool:
        return self.state in (DONE, MISSED, TODAY, UPCOMING)

    @property
    def has_pain_scores(self) -> bool:
        """Pain scored before or after; 0 ("no pain") counts."""
        return any(score is not None for score in self.scores)

    @property
    def has_page(self) -> bool:
        """A day whose session has a page to open: done, or today's."""
        return self.state in (DONE, TODAY)


@dataclass(frozen=True)
class Week:
    number: int
    goal: str
    days: tuple[Day, ...]


@dataclass(frozen=True)
class Calendar:
    days: tuple[Day, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def weeks(self) -> tuple[Week, ...]:
        return tuple(
            Week(number=number, goal=days[0].row.goal, days=tuple(days))
            for number, days in (
                (n, list(g)) for n, g in groupby(self.days, key=lambda d: d.row.week)
            )
        )


@dataclass(frozen=True)
class LoggedDay:
    pain_before: int | None = None
    pain_after: int | None = None


def calendar(
    rows: Sequence[Row],
    *,
    today: date,
    session_pks: Mapping[date, int],
    logged: Mapping[date, LoggedDay],
    reported: Mapping[date, Sequence[str]] | None = None,
    paused_on: date | None = None,
    loggable_from: date | None = None,
) -> Calendar:
    """Each row's state. ``paused_on`` is the day a currently paused plan
    stopped; ``loggable_from`` the earliest day a missed session may still
    be ticked off."""
    reported = reported or {}
    days = []
    for row in rows:
        if row.kind == SESSION:
            if row.day in logged:
                state = DONE
            elif row.day < today:
                state = MISSED
            elif row.day == today:
                state = TODAY
            else:
                state = UPCOMING
        elif row.kind == REST and not (paused_on is not None and row.day >= paused_on):
            state = RESTING
        else:  # a rest day while paused, or a day the plan was not in force (OFF)
            state = PAUSED
        log = logged.get(row.day)
        days.append(
            Day(
                row=row,
                state=state,
                session_pk=session_pks.get(row.day),
                can_log=state == MISSED and loggable_from is not None and row.day >= loggable_from,
                scores=(log.pain_before, log.pain_after) if log else (None, None),
                side_effects=tuple(reported.get(row.day, ())),
                is_today=row.day == today,
            )
        )
    counts = {state: sum(1 for d in days if d.state == state) for state in (DONE, MISSED)}
    counts["to_come"] = sum(1 for d in days if d.state in (TODAY, UPCOMING))
    return Calendar(days=tuple(days), counts=counts)


def for_plan(
    plan,
    sessions: Sequence,
    logs: Iterable,
    reported: Mapping[date, Sequence[str]],
    *,
    today: date,
    loggable_from: date | None = None,
) -> Calendar:
    """``calendar`` for a plan as written, from rows already read: its planned
    sessions, its logs and the signs reported on each day. The patient's
    plan page and the practitioner's review share it."""
    rows = as_written(
        plan.schedule_stages(), plan.start_date, plan.end_date, plan.last_day, sessions
    ).rows
    return calendar(
        rows,
        today=today,
        session_pks={session.date: session.pk for session in sessions},
        logged={log.day: LoggedDay(log.pain_before, log.pain_after) for log in logs},
        reported=reported,
        paused_on=plan.paused_on,
        loggable_from=loggable_from,
    )


def streak(session_days: Iterable[date], logged_days: Collection[date], today: date) -> int:
    """Planned sessions done in a row, counting back from the latest one
    that has passed (today's counts once it is ticked off). Rest days and
    days on hold have no session, so they never break a streak."""
    run = 0
    for day in sorted(session_days, reverse=True):
        if day > today or (day == today and day not in logged_days):
            continue
        if day not in logged_days:
            break
        run += 1
    return run


@dataclass(frozen=True)
class Progress:
    number: int  # the stage the patient is on, from 1, among the plan's stages
    of: int
    week_from: int
    week_to: int
    goal: str
    started: bool

    @property
    def weeks(self) -> str:
        if self.week_from == self.week_to:
            return f"week {self.week_from}"
        return f"weeks {self.week_from} to {self.week_to}"


def progress(stages: Sequence[Stage], start: date, end: date, today: date) -> Progress:
    """Which of the plan's stages ``today`` falls in (the first before the
    plan starts, the last after it ends), counting only stages the plan's
    weeks reach."""
    total_weeks = (end - start).days // 7 + 1
    week = min(max((today - start).days // 7 + 1, 1), total_weeks)
    reached = sorted({stage_for_week(stages, w) for w in range(1, total_weeks + 1)})
    index = stage_for_week(stages, week)
    stage = stages[index]
    last_week = total_weeks if stage.week_to is None else min(stage.week_to, total_weeks)
    return Progress(
        number=reached.index(index) + 1,
        of=len(reached),
        week_from=stage.week_from,
        week_to=last_week,
        goal=stage.goal,
        started=today >= start,
    )
