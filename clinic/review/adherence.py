"""Adherence arithmetic for the practitioner's review. Pure functions.

Definitions (the review page states them in the same words):

- A *planned* session counts once its day has passed, or on its own day as
  soon as it is logged, so a patient is never "behind" at breakfast.
- Days on which the plan was paused are not planned days.
- Adherence = sessions logged / sessions planned; dose = minutes logged /
  minutes planned, both as the patient reported them. A session that was
  ticked off and then undone is not logged (callers pass only the logs that
  stand). ``clinic.review`` gives both for the plan, each plan week and the
  last 7 days.
- Each session adds at most its prescribed minutes to the dose, so the dose
  never passes 100 %: doing more than the plan says is not doing the plan
  better, and two long sessions must not hide a missed one.
- A session is *much longer than prescribed* when the minutes logged exceed
  the prescribed minutes by more than half (more than 15 on a 10-minute
  session) and by 5 minutes or more (so 2 prescribed and 4 logged, a timer
  left running a little, is not). The rule is relative to the plan's own
  prescription: a practitioner may prescribe 60 minutes (Frizziero 2021),
  and 75 logged then is not flagged. Such a session still counts as done.
- 80 % or more is adherent; a dose with a session much longer than
  prescribed is not called adherent, whatever its percentage.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ADHERENT = 0.8
LOW_WEEK = 0.5
MISSED_IN_A_ROW = 3
# Two points is the usual smallest change that matters on the 0-10 pain scale.
PAIN_RISE = 2
# Much longer than prescribed: more than half as long again, and this many minutes over.
LONGER_SHARE = 0.5
LONGER_MINUTES = 5


@dataclass(frozen=True)
class Planned:
    day: date
    minutes: int


@dataclass(frozen=True)
class Logged:
    day: date
    minutes: int
    pain_before: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True)
class Longer:
    """A session logged much longer than prescribed."""

    day: date
    minutes: int  # as logged
    prescribed: int


@dataclass(frozen=True)
class Ratio:
    done: int
    planned: int
    longer: int = 0  # sessions much longer than prescribed (minutes only)

    @property
    def fraction(self) -> float | None:
        """``None`` when nothing was planned yet: no adherence to speak of."""
        return self.done / self.planned if self.planned else None

    @property
    def percent(self) -> int | None:
        fraction = self.fraction
        return None if fraction is None else round(fraction * 100)

    @property
    def is_adherent(self) -> bool | None:
        fraction = self.fraction
        return None if fraction is None else fraction >= ADHERENT and not self.longer

    @property
    def verdict(self) -> str | None:
        """In words: "adherent", "under 80 %", "1 session much longer than
        prescribed", or both of the last two; None when nothing was planned."""
        fraction = self.fraction
        if fraction is None:
            return None
        words = []
        if fraction < ADHERENT:
            words.append(f"under {round(ADHERENT * 100)} %")
        if self.longer:
            words.append(f"{sessions_in_words(self.longer)} much longer than prescribed")
        return ", ".join(words) or "adherent"


def sessions_in_words(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


def much_longer(minutes: int, prescribed: int) -> bool:
    """Logged ``minutes`` much longer than ``prescribed`` (see the module's definitions)."""
    extra = minutes - prescribed
    return extra >= LONGER_MINUTES and extra > prescribed * LONGER_SHARE


def counted(
    planned: Iterable[Planned], logged_days: set[date], paused: set[date], today: date
) -> list[Planned]:
    """The planned sessions that count by ``today`` (see the module's definitions)."""
    return [
        p
        for p in planned
        if p.day not in paused and (p.day < today or (p.day == today and p.day in logged_days))
    ]


def adherence(
    planned: Sequence[Planned],
    logged: Sequence[Logged],
    *,
    paused: set[date] = frozenset(),
    today: date,
    since: date | None = None,
) -> tuple[Ratio, Ratio]:
    """(sessions, minutes) done against planned, from ``since`` (inclusive) to today."""
    logs = {log.day: log for log in logged if since is None or log.day >= since}
    due = [p for p in counted(planned, set(logs), paused, today) if since is None or p.day >= since]
    done = [(p, logs[p.day]) for p in due if p.day in logs]
    sessions = Ratio(done=len(done), planned=len(due))
    minutes = Ratio(
        done=sum(min(log.minutes, p.minutes) for p, log in done),
        planned=sum(p.minutes for p in due),
        longer=sum(much_longer(log.minutes, p.minutes) for p, log in done),
    )
    return sessions, minutes


def longer_sessions(
    planned: Sequence[Planned],
    logged: Sequence[Logged],
    *,
    paused: set[date] = frozenset(),
    today: date,
) -> list[Longer]:
    """The counted sessions up to today logged much longer than prescribed, oldest first."""
    logs = {log.day: log for log in logged}
    return [
        Longer(p.day, logs[p.day].minutes, p.minutes)
        for p in sorted(counted(planned, set(logs), paused, today), key=lambda p: p.day)
        if p.day in logs and much_longer(logs[p.day].minutes, p.minutes)
    ]


@dataclass(frozen=True)
class MissedRuns:
    current: int  # planned sessions missed in a row, counting back from today
    longest: int  # the most planned sessions missed in a row, up to today


def missed_runs(
    planned: Sequence[Planned],
    logged: Sequence[Logged],
    *,
    paused: set[date] = frozenset(),
    today: date,
) -> MissedRuns:
    """Runs of counted planned sessions with no log: the one that reaches
    today (0 if today's or the latest session was done) and the longest."""
    logged_days = {log.day for log in logged}
    run = longest = 0
    for p in sorted(counted(planned, logged_days, paused, today), key=lambda p: p.day):
        run = 0 if p.day in logged_days else run + 1
        longest = max(longest, run)
    return MissedRuns(current=run, longest=longest)


def pain_rising(logged: Sequence[Logged], *, today: date) -> bool:
    """Pain after a session above pain before on 2 of the last 3 scored sessions,
    or the last 7 days' average pain up by 2 points or more on the 7 before."""
    scored = sorted(
        (log for log in logged if log.pain_before is not None and log.pain_after is not None),
        key=lambda log: log.day,
    )
    last_three = scored[-3:]
    if sum(log.pain_after > log.pain_before for log in last_three) >= 2:
        return True
    this_week = [
        log.pain_before
        for log in logged
        if log.pain_before is not None and today - timedelta(days=7) < log.day <= today
    ]
    week_before = [
        log.pain_before
        for log in logged
        if log.pain_before is not None
        and today - timedelta(days=14) < log.day <= today - timedelta(days=7)
    ]
    if not (this_week and week_before):
        return False
    # mean(this_week) - mean(week_before) >= PAIN_RISE, in whole numbers (as the list's SQL).
    return sum(this_week) * len(week_before) - sum(week_before) * len(this_week) >= PAIN_RISE * len(
        this_week
    ) * len(week_before)
