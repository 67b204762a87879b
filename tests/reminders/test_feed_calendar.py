"""The calendar file itself (clinic.reminders.feed): one private event per
planned session, at the patient's reminder time in their zone, with UIDs
that stay put when the plan changes, and nothing about their health."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from clinic.notifications.models import ReminderSettings
from clinic.plans.services import end_plan_early, extend_plan, pause_plan
from clinic.reminders import feed
from clinic.reminders.services import create_or_reset_feed
from clinic.usage.rules import LogDetails
from clinic.usage.services import check_off, report_side_effect, save_how_it_went
from tests.factories import make_plan
from tests.reminders.helpers import daily_stages

LONDON = ZoneInfo("Europe/London")
# British Summer Time starts on Sunday 29 March 2026.
MONDAY_BEFORE_DST = date(2026, 3, 23)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=LONDON)


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://mat.example"


@pytest.fixture
def plan(screened_pat):
    return make_plan(
        screened_pat,
        start=MONDAY_BEFORE_DST,
        today=MONDAY_BEFORE_DST,
        days=14,
        stages=daily_stages(12),
    )


def test_each_planned_session_is_one_event_at_eight_in_the_patients_zone(screened_pat, plan):
    body = feed.build(screened_pat, noon(MONDAY_BEFORE_DST))

    calendar = Calendar.from_ical(body)
    found = events(body)
    days = [MONDAY_BEFORE_DST + timedelta(days=n) for n in range(14)]
    assert sorted(found) == sorted(f"mat-{screened_pat.pk}-{d:%Y%m%d}@mat.example" for d in days)
    first = found[f"mat-{screened_pat.pk}-20260323@mat.example"]
    assert str(first["SUMMARY"]) == "Mat session, 12 minutes"
    assert first.start == datetime(2026, 3, 23, 8, 0, tzinfo=LONDON)
    assert first.start.tzinfo.key == "Europe/London"
    assert first.duration == timedelta(minutes=12)
    assert str(first["URL"]) == "https://mat.example/home/"
    assert "/home/" in str(first["DESCRIPTION"])
    assert str(first["CLASS"]) == "PRIVATE"
    assert first["DTSTAMP"].dt == noon(MONDAY_BEFORE_DST).astimezone(UTC)
    assert str(calendar["X-WR-CALNAME"]) == "Mat sessions, Clinic A"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_eight_oclock_stays_eight_oclock_across_the_clocks_going_forward(screened_pat, plan):
    found = events(feed.build(screened_pat, noon(MONDAY_BEFORE_DST)))

    saturday = found[f"mat-{screened_pat.pk}-20260328@mat.example"].start
    sunday = found[f"mat-{screened_pat.pk}-20260329@mat.example"].start
    assert (saturday.hour, sunday.hour) == (8, 8)
    # GMT before, BST after: an hour earlier in UTC.
    assert saturday.astimezone(UTC).time() == time(8, 0)
    assert sunday.astimezone(UTC).time() == time(7, 0)
    raw = feed.build(screened_pat, noon(MONDAY_BEFORE_DST)).decode()
    assert "DTSTART;TZID=Europe/London:20260329T080000" in raw
    assert "BEGIN:DAYLIGHT" in raw and "BEGIN:STANDARD" in raw


def test_events_start_at_the_patients_reminder_time_in_their_own_zone(screened_pat, plan):
    ReminderSettings.objects.create(patient=screened_pat, reminders_on=True, remind_at=time(19, 15))
    screened_pat.time_zone = "America/New_York"
    screened_pat.save()

    found = events(feed.build(screened_pat, noon(MONDAY_BEFORE_DST)))

    start = found[f"mat-{screened_pat.pk}-20260324@mat.example"].start
    assert start == datetime(2026, 3, 24, 19, 15, tzinfo=ZoneInfo("America/New_York"))
    assert start.tzinfo.key == "America/New_York"


def test_extending_the_plan_keeps_every_uid_and_adds_the_new_days(screened_pat, plan):
    before = events(feed.build(screened_pat, noon(MONDAY_BEFORE_DST)))

    extend_plan(plan, plan.end_date + timedelta(days=7), today=MONDAY_BEFORE_DST)
    after = events(feed.build(screened_pat, noon(MONDAY_BEFORE_DST)))

    assert set(before) < set(after)
    assert len(after) == len(before) + 7
    for uid, event in before.items():
        assert after[uid].start == event.start
        assert str(after[uid]["SUMMARY"]) == str(event["SUMMARY"])


def test_a_new_plan_with_other_minutes_updates_the_same_events_in_place(screened_pat, plan):
    wednesday = MONDAY_BEFORE_DST + timedelta(days=2)
    before = events(feed.build(screened_pat, noon(wednesday)))

    make_plan(screened_pat, start=wednesday, today=wednesday, days=12, stages=daily_stages(20))
    after = events(feed.build(screened_pat, noon(wednesday)))

    assert set(after) == set(before)  # the same days, so the same UIDs
    monday, friday = (
        f"mat-{screened_pat.pk}-20260323@mat.example",
        f"mat-{screened_pat.pk}-20260327@mat.example",
    )
    assert str(after[monday]["SUMMARY"]) == "Mat session, 12 minutes"  # past days stay
    assert str(after[friday]["SUMMARY"]) == "Mat session, 20 minutes"
    assert after[friday].duration == timedelta(minutes=20)


def test_days_taken_off_the_plan_disappear(screened_pat, plan):
    wednesday = MONDAY_BEFORE_DST + timedelta(days=2)

    pause_plan(plan, today=wednesday)
    found = events(feed.build(screened_pat, noon(wednesday)))

    assert sorted(found) == [
        f"mat-{screened_pat.pk}-2026032{n}@mat.example" for n in (3, 4)
    ]  # Monday and Tuesday; Wednesday on was taken off


def test_past_plans_show_for_ninety_days_and_the_current_plan_in_full(screened_pat):
    first_day = date(2026, 1, 5)
    make_plan(screened_pat, start=first_day, today=first_day, days=28, stages=daily_stages(10))
    second_day = first_day + timedelta(days=60)
    make_plan(screened_pat, start=second_day, today=second_day, days=182, stages=daily_stages(15))
    now = noon(second_day + timedelta(days=120))

    found = events(feed.build(screened_pat, now))

    days = sorted(event.start.date() for event in found.values())
    # The first plan's last day was over 90 days ago; the second plan's first
    # day is 120 days ago and it is still the current plan.
    assert days[0] == second_day
    assert len(days) == 182
    end_plan_early(screened_pat.plans.current().get(), today=second_day + timedelta(days=120))
    later = events(feed.build(screened_pat, now + timedelta(days=10)))
    days = sorted(event.start.date() for event in later.values())
    assert days[0] == second_day + timedelta(days=40)  # 90 days before "now" on
    assert days[-1] == second_day + timedelta(days=119)  # the plan's last day


def test_the_file_holds_no_health_data(screened_pat, safety):
    plan = make_plan(
        screened_pat,
        start=MONDAY_BEFORE_DST,
        today=MONDAY_BEFORE_DST,
        days=7,
        stages=daily_stages(12, position="Quokka stretch"),
    )
    plan.note_for_patient = "Zebra note for the patient"
    plan.save()
    session = plan.sessions.get(date=MONDAY_BEFORE_DST)
    check_off(session, today=MONDAY_BEFORE_DST, now=noon(MONDAY_BEFORE_DST))
    save_how_it_went(
        session,
        LogDetails(pain_before=7, pain_after=3, note="Wombat in the log"),
        today=MONDAY_BEFORE_DST,
    )
    report_side_effect(
        screened_pat,
        codes=["bruising"],
        details="Platypus on the shoulder",
        submission_key=uuid4(),
        today=MONDAY_BEFORE_DST,
    )

    body = feed.build(screened_pat, noon(MONDAY_BEFORE_DST))
    # Unfolded, so that a word the library folded across two lines is still found.
    text = body.decode().replace("\r\n ", "")

    assert {str(event["SUMMARY"]) for event in events(body).values()} == {"Mat session, 12 minutes"}
    for secret in (
        "Quokka",
        "Zebra",
        "Wombat",
        "Platypus",
        "bruis",
        "Pat Patient",
        "pat@patients.example",
        "pain",
        "Low back",
        "bed",
    ):
        assert secret.lower() not in text.lower(), secret


def test_a_patient_with_no_sessions_gets_an_empty_calendar(pat):
    calendar = Calendar.from_ical(feed.build(pat, noon(MONDAY_BEFORE_DST)))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Mat sessions, Clinic A"


def test_reading_the_feed_takes_the_same_queries_for_a_week_or_half_a_year(screened_pat):
    made, _ = create_or_reset_feed(screened_pat)
    token = feed.token_for(made)
    make_plan(screened_pat, start=MONDAY_BEFORE_DST, today=MONDAY_BEFORE_DST, days=7)
    with CaptureQueriesContext(connection) as week:
        short = feed.calendar_for(token, noon(MONDAY_BEFORE_DST))
    make_plan(
        screened_pat,
        start=MONDAY_BEFORE_DST + timedelta(days=1),
        today=MONDAY_BEFORE_DST + timedelta(days=1),
        days=182,
        stages=daily_stages(10),
    )
    with CaptureQueriesContext(connection) as half_year:
        long = feed.calendar_for(token, noon(MONDAY_BEFORE_DST + timedelta(days=1)))

    assert len(events(long)) > len(events(short))
    assert len(half_year) == len(week) == 2  # the feed with its patient; the sessions
