"""The calendar's day names (clinic/usage/templatetags/day_names.py) say what
Django's date filter says, for every day of a year and for what is not a day."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from clinic.usage.templatetags.day_names import long_day, short_day

YEAR = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]


def test_short_day_is_the_date_filters_d_j_m_every_day_of_a_leap_year():
    assert [short_day(day) for day in YEAR] == [date_filter(day, "D j M") for day in YEAR]
    assert short_day(date(2026, 9, 7)) == "Mon 7 Sep"


def test_long_day_is_the_date_filters_l_j_f_every_day_of_a_leap_year():
    assert [long_day(day) for day in YEAR] == [date_filter(day, "l j F") for day in YEAR]
    assert long_day(date(2026, 9, 7)) == "Monday 7 September"


def test_a_datetime_is_put_in_the_current_time_zone_first():
    late_evening_utc = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 2 March in Auckland
    with timezone.override(ZoneInfo("Pacific/Auckland")):
        html = Template("{% load day_names %}{{ at|short_day }}, {{ at|long_day }}").render(
            Context({"at": late_evening_utc})
        )
    assert html == "Mon 2 Mar, Monday 2 March"


def test_nothing_is_an_empty_string():
    assert short_day(None) == ""
    assert long_day("") == ""
