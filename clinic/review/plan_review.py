"""The practitioner's review before the next visit: adherence and dose for
the plan, the last 7 days and each plan week, the warning flags, and the
change in pain. Pure: callers pass plain data (see ``clinic.adherence`` for
``Planned``, ``Logged`` and the definitions) and the patient's today.

Windows:

- the whole plan: its first day up to today;
- the last 7 days: today and the 6 days before it;
- plan week *n*: the plan's days 7(n-1)+1 to 7n, whatever weekday it began.

Flags, in the order the list shows them:

- a safety answer rules the mat out (an absolute contraindication);
- such an answer taken back, waiting for the practitioner's confirmation;
- side effects the practitioner has not marked seen;
- a relative contraindication waiting for the practitioner's clearance;
- pain rising (``clinic.adherence.pain_rising``);
- a session in the last 7 days much longer than prescribed
  (``clinic.adherence.much_longer``); the whole plan's are listed too;
- 3 or more planned sessions in a row not done, counting back from today;
- under 50 % of the planned sessions done in the last 7 days.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from clinic.review.adherence import (
    LOW_WEEK,
    MISSED_IN_A_ROW,
    PAIN_RISE,
    Logged,
    Longer,
    Planned,
    Ratio,
    adherence,
    longer_sessions,
    missed_runs,
    pain_rising,
    sessions_in_words,
)

LAST_DAYS = 7
# Pain change compares the mean of the first sessions with the last ones.
PAIN_GROUP = 3

BLOCKED, CONFIRMATION, SIDE_EFFECTS, CLEARANCE, PAIN, LONGER, MISSED, LOW = (
    "blocked",
    "confirmation",
    "side_effects",
    "clearance",
    "pain",
    "longer",
    "missed",
    "low_week",
)


@dataclass(frozen=True)
class Flag:
    code: str
    text: str  # short, for the list: "pain rising"


@dataclass(frozen=True)
class SafetyState:
    """What the database says about the patient's safety, beside the log."""

    blocked: bool = False  # latest answers include an absolute contraindication
    needs_confirmation: bool = False  # latest answers take back an absolute yes, unconfirmed
    unseen_side_effects: bool = False
    needs_clearance: bool = False  # a relative "yes" the current plan has no clearance for


@dataclass(frozen=True)
class Review:
    today: date
    sessions: Ratio  # whole plan
    minutes: Ratio
    recent_sessions: Ratio  # last 7 days
    recent_minutes: Ratio
    missed_in_a_row: int
    longest_missed: int
    pain_rising: bool
    last_session: date | None
    flags: tuple[Flag, ...]
    longer_sessions: tuple[Longer, ...] = ()  # whole plan, oldest first


@dataclass(frozen=True)
class WeekAdherence:
    number: int
    first_day: date
    last_day: date
    sessions: Ratio
    minutes: Ratio


@dataclass(frozen=True)
class PainChange:
    first: float  # mean of the first sessions' scores
    last: float  # mean of the last sessions' scores
    sessions: int  # how many sessions in each group

    @property
    def change(self) -> float:
        return self.last - self.first

    @property
    def in_words(self) -> str:
        """A change of ``PAIN_RISE`` points or more either way is one that matters."""
        if self.change <= -PAIN_RISE:
            return "less pain"
        if self.change >= PAIN_RISE:
            return "more pain"
        return "little change"


def last_days_start(today: date) -> date:
    return today - timedelta(days=LAST_DAYS - 1)


def safety_flags(safety: SafetyState) -> tuple[Flag, ...]:
    flags = []
    if safety.blocked:
        flags.append(Flag(BLOCKED, "safety answer rules the mat out"))
    if safety.needs_confirmation:
        flags.append(Flag(CONFIRMATION, "changed safety answer waits for your confirmation"))
    if safety.unseen_side_effects:
        flags.append(Flag(SIDE_EFFECTS, "side effects not seen yet"))
    if safety.needs_clearance:
        flags.append(Flag(CLEARANCE, "safety answer waits for your clearance"))
    return tuple(flags)


def review(
    planned: Sequence[Planned],
    logged: Sequence[Logged],
    *,
    today: date,
    paused: set[date] = frozenset(),
    safety: SafetyState = SafetyState(),
) -> Review:
    """The plan's adherence, dose and flags as of ``today`` (the patient's day)."""
    sessions, minutes = adherence(planned, logged, paused=paused, today=today)
    recent_sessions, recent_minutes = adherence(
        planned, logged, paused=paused, today=today, since=last_days_start(today)
    )
    missed = missed_runs(planned, logged, paused=paused, today=today)
    rising = pain_rising([log for log in logged if log.day <= today], today=today)
    flags = list(safety_flags(safety))
    if rising:
        flags.append(Flag(PAIN, "pain rising"))
    if recent_minutes.longer:
        flags.append(
            Flag(
                LONGER,
                f"{sessions_in_words(recent_minutes.longer)} much longer than prescribed "
                f"in the last {LAST_DAYS} days",
            )
        )
    if missed.current >= MISSED_IN_A_ROW:
        flags.append(Flag(MISSED, f"{missed.current} sessions missed in a row"))
    if recent_sessions.fraction is not None and recent_sessions.fraction < LOW_WEEK:
        flags.append(Flag(LOW, f"{recent_sessions.percent} % of sessions in the last 7 days"))
    done_days = [log.day for log in logged if log.day <= today]
    return Review(
        today=today,
        sessions=sessions,
        minutes=minutes,
        recent_sessions=recent_sessions,
        recent_minutes=recent_minutes,
        missed_in_a_row=missed.current,
        longest_missed=missed.longest,
        pain_rising=rising,
        last_session=max(done_days, default=None),
        flags=tuple(flags),
        longer_sessions=tuple(longer_sessions(planned, logged, paused=paused, today=today)),
    )


def weekly(
    planned: Sequence[Planned],
    logged: Sequence[Logged],
    *,
    start: date,
    last_day: date,
    today: date,
    paused: set[date] = frozenset(),
) -> tuple[WeekAdherence, ...]:
    """Adherence and dose in each plan week from ``start`` to ``last_day``;
    a week that has not begun has nothing planned yet."""
    weeks = []
    for number in range(1, (last_day - start).days // 7 + 2):
        first = start + timedelta(days=7 * (number - 1))
        last = min(first + timedelta(days=6), last_day)
        in_week = [p for p in planned if first <= p.day <= last]
        sessions, minutes = adherence(in_week, logged, paused=paused, today=today, since=first)
        weeks.append(WeekAdherence(number, first, last, sessions, minutes))
    return tuple(weeks)


def pain_change(scores: Sequence[int | None]) -> PainChange | None:
    """Mean of the first 3 scores against the last 3, in the order given
    (oldest first), skipping sessions without a score. With fewer than 6
    scores the two groups share none: each takes half (rounded down). None
    with fewer than 2."""
    values = [score for score in scores if score is not None]
    group = min(PAIN_GROUP, len(values) // 2)
    if group == 0:
        return None
    return PainChange(first=mean(values[:group]), last=mean(values[-group:]), sessions=group)
