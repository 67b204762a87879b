"""clinic.reminders.timing: the instant a wall-clock reminder time falls due on a
day, across daylight-saving changes in Europe/London and America/New_York, and
the two-hour lateness rule. Pure functions, no database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from clinic.reminders.timing import LATE_LIMIT, due_at, is_due, windows

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def test_an_ordinary_day_is_the_wall_clock_time_in_the_zone():
    assert due_at(date(2026, 1, 14), time(8, 0), LONDON) == datetime(2026, 1, 14, 8, 0, tzinfo=UTC)
    assert due_at(date(2026, 7, 14), time(8, 0), LONDON) == datetime(2026, 7, 14, 7, 0, tzinfo=UTC)
    assert due_at(date(2026, 1, 14), time(8, 0), NEW_YORK) == datetime(
        2026, 1, 14, 13, 0, tzinfo=UTC
    )


def test_eight_oclock_stays_eight_oclock_on_the_days_the_clocks_change():
    # London: forward on 29 March 2026, back on 25 October 2026.
    assert due_at(date(2026, 3, 29), time(8), LONDON) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert due_at(date(2026, 10, 25), time(8), LONDON) == datetime(2026, 10, 25, 8, tzinfo=UTC)
    # New York: forward on 8 March 2026, back on 1 November 2026.
    assert due_at(date(2026, 3, 8), time(8), NEW_YORK) == datetime(2026, 3, 8, 12, tzinfo=UTC)
    assert due_at(date(2026, 11, 1), time(8), NEW_YORK) == datetime(2026, 11, 1, 13, tzinfo=UTC)


def test_a_time_the_clock_skips_comes_as_long_after_the_jump():
    # 01:30 does not exist in London on 29 March: it is read as 02:30 summer time.
    due = due_at(date(2026, 3, 29), time(1, 30), LONDON)
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert due.astimezone(LONDON).time() == time(2, 30)
    # 02:30 does not exist in New York on 8 March: 03:30 daylight time.
    due = due_at(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert due.astimezone(NEW_YORK).time() == time(3, 30)
    assert due == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_a_time_the_clock_shows_twice_is_its_first_showing():
    # 01:30 happens twice in London on 25 October: first in summer time (00:30 UTC).
    assert due_at(date(2026, 10, 25), time(1, 30), LONDON) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    # ... and in New York on 1 November: first in daylight time (05:30 UTC).
    assert due_at(date(2026, 11, 1), time(1, 30), NEW_YORK) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


def test_late_by_one_hour_fifty_nine_goes_by_two_hours_or_more_does_not():
    due = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
    assert not is_due(due, due - timedelta(seconds=1))
    assert is_due(due, due)
    assert is_due(due, due + timedelta(hours=1, minutes=59))
    assert not is_due(due, due + LATE_LIMIT)
    assert not is_due(due, due + timedelta(hours=2, minutes=1))


def test_just_after_midnight_yesterdays_late_evening_is_in_the_window():
    now = datetime(2026, 6, 10, 23, 30, tzinfo=UTC)  # 00:30 in London on the 11th
    found = windows(now, LONDON)
    assert [window.day for window in found] == [date(2026, 6, 10), date(2026, 6, 11)]
    assert found[0].latest == time.max
    assert found[1].earliest == time.min


@given(
    moment=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    at=st.times(),
    zone=st.sampled_from([LONDON, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("UTC")]),
)
def test_every_due_reminder_lies_inside_a_window_the_query_reads(moment, at, zone):
    """The database narrows by wall-clock windows; nothing due may fall outside them."""
    at = at.replace(tzinfo=None, fold=0)
    now = moment
    local_day = now.astimezone(zone).date()
    for day in (local_day - timedelta(days=1), local_day):
        if is_due(due_at(day, at, zone), now):
            assert any(
                window.day == day and window.earliest <= at <= window.latest
                for window in windows(now, zone)
            )
