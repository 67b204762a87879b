"""The rules of the patient's day, with no database or request in sight:
when a session may be ticked off and un-ticked, and what a log or a report
may hold. The services apply them before they write; the pages ask them
which state to show.

A refusal is a ``UsageRefused`` with a stable code (the words are in
``clinic/usage/messages.py``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats

from accounts.clock import patient_today
from accounts.errors import ServiceError
from accounts.text import validate_storable_text
from clinic.plans.models import PlannedSession
from clinic.usage.models import LOG_NOTE_MAX_LENGTH, SCORE_MAX, Sensation, SessionLog
from mats.ladder import MAX_MINUTES

LOG_DAYS_BACK = 3

# Where a session's day stands for ticking it off.
NOT_YET, OPEN, CLOSED = "not_yet", "open", "closed"


class UsageRefused(ServiceError):
    """A rule of the patient's day that a service would not break."""


@dataclass(frozen=True)
class LogDetails:
    """How the session went, as the patient told it; every part optional."""

    minutes_done: int | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    relaxation: int | None = None
    sensations: Sequence[str] = ()
    note: str = ""


def _day(value: date) -> str:
    return formats.date_format(value, "l j F")


def earliest_loggable(today: date) -> date:
    """The first day whose session may still be ticked off ``today``."""
    return today - timedelta(days=LOG_DAYS_BACK)


def log_window(day: date, today: date) -> str:
    """Whether a session on ``day`` can be ticked off ``today``: on its day or
    up to ``LOG_DAYS_BACK`` days later (OPEN), not before (NOT_YET), not
    after (CLOSED)."""
    if day > today:
        return NOT_YET
    if day < earliest_loggable(today):
        return CLOSED
    return OPEN


def loggable_problem(session: PlannedSession, today: date) -> UsageRefused | None:
    """Why this session cannot be ticked off today, or None if it can."""
    window = log_window(session.date, today)
    if window == NOT_YET:
        return UsageRefused("usage.future_day", day=_day(session.date))
    if window == CLOSED:
        return UsageRefused("usage.too_far_back", days=LOG_DAYS_BACK, day=_day(session.date))
    return None


def can_undo(log: SessionLog, today: date) -> bool:
    """A check-off can be taken back on the (patient's) day it was made."""
    return patient_today(log.planned_session.patient, log.logged_at) == today


def minutes_problem(minutes: int | None) -> UsageRefused | None:
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        return UsageRefused("usage.minutes_out_of_range", field="minutes_done", most=MAX_MINUTES)
    return None


def text_problem(value: str, *, field: str, limit: int) -> UsageRefused | None:
    """Why free text cannot be kept: too long, or characters no database stores."""
    if len(value) > limit:
        return UsageRefused("usage.text_too_long", field=field, limit=limit, length=len(value))
    try:
        validate_storable_text(value)
    except ValidationError as error:
        if error.code == "null_characters_not_allowed":
            return UsageRefused("usage.control_character", field=field)
        return UsageRefused("usage.broken_character", field=field)
    return None


def details_problems(details: LogDetails) -> list[UsageRefused]:
    """Everything wrong with ``details``, field by field (the note as it will
    be kept, without surrounding spaces). A score of 0 is an answer."""
    problems = [minutes_problem(details.minutes_done)]
    for name in ("pain_before", "pain_after", "relaxation"):
        score = getattr(details, name)
        if score is not None and not 0 <= score <= SCORE_MAX:
            problems.append(UsageRefused("usage.score_out_of_range", field=name, most=SCORE_MAX))
    if set(details.sensations) - set(Sensation.values):
        problems.append(UsageRefused("usage.unknown_sensation", field="sensations"))
    problems.append(text_problem(details.note.strip(), field="note", limit=LOG_NOTE_MAX_LENGTH))
    return [problem for problem in problems if problem is not None]
