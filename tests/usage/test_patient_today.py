"""The patient's "today": their own zone if set, else the clinic's; the day
turns at local midnight, daylight saving or not."""

from datetime import UTC, date, datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.clock import patient_today
from accounts.middleware import ClinicTimeZoneMiddleware


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_ten_to_midnight_is_still_that_day_in_london(pat):
    # 23:50 on 14 January in London (GMT, so the same as UTC).
    assert patient_today(pat, _utc(2026, 1, 14, 23, 50)) == date(2026, 1, 14)
    assert patient_today(pat, _utc(2026, 1, 15, 0, 0)) == date(2026, 1, 15)


def test_ten_to_midnight_is_still_that_day_in_new_york(quinn):
    # 23:50 in New York (EST, UTC-5) is already 04:50 the next day in UTC.
    assert patient_today(quinn, _utc(2026, 1, 15, 4, 50)) == date(2026, 1, 14)
    assert patient_today(quinn, _utc(2026, 1, 15, 5, 0)) == date(2026, 1, 15)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Clocks go forward on Sunday 29 March 2026: before it, midnight is 00:00 UTC ...
        (_utc(2026, 3, 28, 23, 50), date(2026, 3, 28)),
        (_utc(2026, 3, 29, 0, 0), date(2026, 3, 29)),
        # ... after it, 23:00 UTC (midnight BST).
        (_utc(2026, 3, 29, 22, 50), date(2026, 3, 29)),
        (_utc(2026, 3, 29, 23, 0), date(2026, 3, 30)),
        # Clocks go back on Sunday 25 October 2026.
        (_utc(2026, 10, 24, 22, 50), date(2026, 10, 24)),
        (_utc(2026, 10, 24, 23, 0), date(2026, 10, 25)),
        (_utc(2026, 10, 25, 23, 50), date(2026, 10, 25)),
        (_utc(2026, 10, 26, 0, 0), date(2026, 10, 26)),
    ],
)
def test_london_days_turn_at_local_midnight_across_daylight_saving(pat, moment, expected):
    assert patient_today(pat, moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # New York springs forward on Sunday 8 March 2026: midnight is 05:00 UTC before ...
        (_utc(2026, 3, 8, 4, 50), date(2026, 3, 7)),
        (_utc(2026, 3, 8, 5, 0), date(2026, 3, 8)),
        # ... and 04:00 UTC after.
        (_utc(2026, 3, 9, 3, 50), date(2026, 3, 8)),
        (_utc(2026, 3, 9, 4, 0), date(2026, 3, 9)),
        # It falls back on Sunday 1 November 2026.
        (_utc(2026, 11, 1, 3, 50), date(2026, 10, 31)),
        (_utc(2026, 11, 2, 4, 50), date(2026, 11, 1)),
        (_utc(2026, 11, 2, 5, 0), date(2026, 11, 2)),
    ],
)
def test_new_york_days_turn_at_local_midnight_across_daylight_saving(quinn, moment, expected):
    assert patient_today(quinn, moment) == expected


def test_a_patients_own_zone_wins_over_the_clinics(pat):
    pat.time_zone = "Asia/Tokyo"
    pat.save()
    # 16:00 UTC on 14 January is 01:00 on the 15th in Tokyo.
    assert patient_today(pat, _utc(2026, 1, 14, 16, 0)) == date(2026, 1, 15)


def _zone_seen_by_a_view(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()

    ClinicTimeZoneMiddleware(view)(request)
    timezone.deactivate()
    return seen["zone"]


def test_pages_follow_the_patients_own_zone(pat, alice):
    assert _zone_seen_by_a_view(pat.user) == "Europe/London"
    pat.time_zone = "Australia/Sydney"
    pat.save()
    pat.user.refresh_from_db()
    assert _zone_seen_by_a_view(pat.user) == "Australia/Sydney"
    # The practitioner keeps the clinic's clock.
    assert _zone_seen_by_a_view(alice.user) == "Europe/London"
