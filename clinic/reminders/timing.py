"""When a reminder falls due, and until when it may still go. Pure: no database.

A patient chooses a wall-clock time (``remind_at``) in the zone their days
follow. On a planned day that time becomes one instant:

- A time the clock skips (spring forward: 01:30 in London, 02:30 in New
  York on the night the clocks go forward) is read with the offset from
  before the change, so it lands as long after the jump as it was meant to
  be after its start: 01:30 in London becomes 02:30 summer time, 02:30 in
  New York becomes 03:30 daylight time. The reminder is late by the length
  of the gap, never skipped and never a day early.
- A time the clock shows twice (fall back: 01:30 in both zones) is its
  first showing, before the clocks go back.

This is Python's own reading (``fold=0``, PEP 495), so the instant is the
same wherever it is computed.

A reminder goes when the scan runs at or after its instant and less than
``LATE_LIMIT`` after it. A worker that was down longer lets that day's
reminder go unsent for good: a reminder for the morning arriving in the
evening (or at night) helps nobody.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LATE_LIMIT = timedelta(hours=2)
# How far a zone's offset can move in one change (whole hours everywhere the
# site is used; Lord Howe's half hour fits inside it). The database narrows
# by wall-clock time with this much to spare either side; the exact instant
# is checked in Python.
MAX_SHIFT = timedelta(hours=1)


def due_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of wall-clock ``at`` on ``day`` in ``zone``, read as above."""
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def is_due(due: datetime, now: datetime) -> bool:
    """Fallen due by ``now`` and less than ``LATE_LIMIT`` ago."""
    return due <= now < due + LATE_LIMIT


@dataclass(frozen=True)
class Window:
    """Wall-clock times on ``day`` that may be due at ``now``: a superset, for the query."""

    day: date
    earliest: time
    latest: time


def windows(now: datetime, zone: ZoneInfo) -> list[Window]:
    """The days and wall-clock ranges in ``zone`` whose reminders may be due at ``now``.

    One window, or two when the last ``LATE_LIMIT`` crossed local midnight
    (yesterday's late evening, today's first hours).
    """
    first = (now - LATE_LIMIT - MAX_SHIFT).astimezone(zone).replace(tzinfo=None)
    last = (now + MAX_SHIFT).astimezone(zone).replace(tzinfo=None)
    result = []
    day = first.date()
    while day <= last.date():
        earliest = first.time() if day == first.date() else time.min
        latest = last.time() if day == last.date() else time.max
        result.append(Window(day, earliest, latest))
        day += timedelta(days=1)
    return result
