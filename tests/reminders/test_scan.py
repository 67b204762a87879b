"""clinic.reminders.scan.send_due: who gets the daily reminder, and when.

The clock is moved (time-machine), including across the daylight-saving
changes in Europe/London (Clinic A, pat) and America/New_York (Clinic B,
quinn), and the scan is run as the worker runs it, every minute.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Patient
from clinic.notifications.models import OutgoingEmail, Purpose, ReminderSettings
from clinic.plans.models import PlanStatus
from clinic.plans.services import end_plan_early, pause_plan
from clinic.reminders.models import ReminderKind, SentReminder
from clinic.reminders.scan import send_due
from clinic.usage.services import check_off
from tests.conftest import make_user
from tests.factories import make_plan, screen
from tests.reminders.helpers import daily_stages, ready, republish, scan_at, sent_to

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2026, 6, 10)  # a Wednesday in British Summer Time
EIGHT_IN_LONDON = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def scan_every_minute(
    start: datetime, end: datetime, capture, *, close_to: datetime | None = None
) -> dict[datetime, int]:
    """Scan from ``start`` to ``end`` as the worker does; the minutes that stored
    something. Every minute within five of ``close_to`` (default: all of them),
    every ten elsewhere: a reminder stored at a wrong time would still show,
    since one stays due for two hours."""
    stored = {}
    moment = start
    while moment <= end:
        if close_to is None or abs(moment - close_to) <= timedelta(minutes=5):
            step = timedelta(minutes=1)
        else:
            step = timedelta(minutes=10)
        if count := scan_at(moment, capture):
            stored[moment] = count
        moment += step
    return stored


def test_the_reminder_goes_at_the_chosen_minute_once(pat, safety, capture):
    ready(pat, start=DAY)
    stored = scan_every_minute(
        EIGHT_IN_LONDON - timedelta(minutes=5), EIGHT_IN_LONDON + timedelta(minutes=30), capture
    )
    assert stored == {EIGHT_IN_LONDON: 1}
    (message,) = sent_to(pat.user.email)
    assert message.subject == "Today's mat session is waiting for you"
    (row,) = SentReminder.objects.filter(patient=pat)
    assert (row.kind, row.day, row.email.key) == (
        ReminderKind.DAILY,
        DAY,
        f"reminder:{pat.pk}:{DAY}",
    )
    assert row.email.purpose == Purpose.REMINDER


def test_each_patient_gets_theirs_at_their_own_time(pat, quinn, safety, capture):
    ready(pat, start=DAY, at=time(7, 15))
    ready(quinn, start=DAY, at=time(7, 15))
    first, second = (
        datetime(2026, 6, 10, 6, 15, tzinfo=UTC),
        datetime(2026, 6, 10, 11, 15, tzinfo=UTC),
    )
    stored = scan_every_minute(
        first - timedelta(minutes=10), first + timedelta(minutes=10), capture
    )
    stored |= scan_every_minute(
        second - timedelta(minutes=10), second + timedelta(minutes=10), capture
    )
    # 07:15 in London (summer time) and in New York (daylight time).
    assert stored == {first: 1, second: 1}


def test_a_zone_of_the_patients_own_is_followed(pat, safety, capture):
    ready(pat, start=DAY, zone="Asia/Tokyo")
    assert scan_at(EIGHT_IN_LONDON, capture) == 0
    assert scan_at(datetime(2026, 6, 9, 23, 0, tzinfo=UTC), capture) == 1  # 08:00 in Tokyo


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        # London goes forward at 01:00 on 29 March: 01:30 does not exist that
        # night and is read as 02:30 summer time; 08:00 is 08:00 summer time.
        (date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        (date(2026, 3, 29), time(8, 0), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # London goes back at 02:00 on 25 October: 01:30 comes twice, the first counts.
        (date(2026, 10, 25), time(1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (date(2026, 10, 25), time(8, 0), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
    ],
)
def test_across_the_clock_changes_in_london(pat, safety, capture, day, at, expected):
    ready(pat, start=day, at=at)
    stored = scan_every_minute(
        expected - timedelta(hours=1), expected + timedelta(hours=2), capture, close_to=expected
    )
    assert stored == {expected: 1}
    assert len(sent_to(pat.user.email)) == 1


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        # New York goes forward at 02:00 on 8 March: 02:30 is read as 03:30.
        (date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        (date(2026, 3, 8), time(8, 0), datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        # New York goes back at 02:00 on 1 November: 01:30 comes twice, the first counts.
        (date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        (date(2026, 11, 1), time(8, 0), datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),
    ],
)
def test_across_the_clock_changes_in_new_york(quinn, safety, capture, day, at, expected):
    ready(quinn, start=day, at=at)
    stored = scan_every_minute(
        expected - timedelta(hours=1), expected + timedelta(hours=2), capture, close_to=expected
    )
    assert stored == {expected: 1}
    assert len(sent_to(quinn.user.email)) == 1


def test_a_reminder_late_by_one_hour_fifty_nine_still_goes(pat, safety, capture):
    ready(pat, start=DAY)
    assert scan_at(EIGHT_IN_LONDON + timedelta(hours=1, minutes=59), capture) == 1


def test_a_reminder_late_by_two_hours_one_is_skipped_and_never_sent_later(pat, safety, capture):
    ready(pat, start=DAY)
    assert scan_at(EIGHT_IN_LONDON + timedelta(hours=2, minutes=1), capture) == 0
    stored = scan_every_minute(
        EIGHT_IN_LONDON + timedelta(hours=2, minutes=2),
        EIGHT_IN_LONDON + timedelta(hours=2, minutes=10),
        capture,
    )
    assert stored == {}
    # The evening and the night after: still nothing for that day.
    for hour in (12, 18, 23):
        assert scan_at(datetime(2026, 6, 10, hour, tzinfo=UTC), capture) == 0
    assert not SentReminder.objects.exists()
    assert sent_to(pat.user.email) == []


def test_the_next_planned_day_brings_the_next_reminder(pat, safety, capture):
    ready(pat, start=DAY)
    assert scan_at(EIGHT_IN_LONDON, capture) == 1
    assert scan_at(EIGHT_IN_LONDON + timedelta(days=1), capture) == 1
    assert sorted(SentReminder.objects.values_list("day", flat=True)) == [
        DAY,
        DAY + timedelta(days=1),
    ]


def test_scanning_again_and_again_stores_one(pat, safety, capture):
    ready(pat, start=DAY)
    for _ in range(3):
        scan_at(EIGHT_IN_LONDON, capture)
    scan_at(EIGHT_IN_LONDON + timedelta(minutes=1), capture)
    assert SentReminder.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1
    assert len(sent_to(pat.user.email)) == 1


def test_a_rest_day_brings_nothing(pat, safety, capture):
    three_a_week = daily_stages()
    three_a_week[0] = three_a_week[0].__class__(
        **{**three_a_week[0].__dict__, "sessions_per_week": 3}
    )
    plan = ready(pat, start=DAY, stages=three_a_week)
    rest_day = next(
        DAY + timedelta(days=offset)
        for offset in range(7)
        if not plan.sessions.filter(date=DAY + timedelta(days=offset)).exists()
    )
    moment = datetime.combine(rest_day, time(8), tzinfo=LONDON)
    assert scan_at(moment, capture) == 0
    assert sent_to(pat.user.email) == []


def test_a_session_already_ticked_off_brings_nothing(pat, safety, capture):
    plan = ready(pat, start=DAY)
    with time_machine.travel(EIGHT_IN_LONDON - timedelta(hours=1), tick=False):
        check_off(plan.sessions.get(date=DAY))
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_a_paused_plan_brings_nothing(pat, safety, capture):
    plan = ready(pat, start=DAY - timedelta(days=1))
    with time_machine.travel(EIGHT_IN_LONDON - timedelta(hours=2), tick=False):
        pause_plan(plan, reason="Away.")
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_an_ended_plan_brings_nothing(pat, safety, capture):
    plan = ready(pat, start=DAY - timedelta(days=1), nudge=False)
    with time_machine.travel(EIGHT_IN_LONDON - timedelta(hours=2), tick=False):
        end_plan_early(plan, reason="Done.")
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_a_plan_waiting_for_screening_brings_nothing(pat, safety, capture):
    ReminderSettings.objects.create(patient=pat, reminders_on=True)
    with time_machine.travel(EIGHT_IN_LONDON - timedelta(days=1), tick=False):
        plan = make_plan(pat, stages=daily_stages(), start=DAY)
    assert plan.status == PlanStatus.WAITING
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_a_plan_waiting_for_a_clearance_brings_nothing(pat, safety, capture):
    ReminderSettings.objects.create(patient=pat, reminders_on=True)
    with time_machine.travel(EIGHT_IN_LONDON - timedelta(days=1), tick=False):
        plan = make_plan(pat, stages=daily_stages(), start=DAY)
        screen(pat, yes=["pregnancy"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_answers_that_rule_the_mat_out_bring_nothing(pat, safety, capture):
    ready(pat, start=DAY)
    with time_machine.travel(EIGHT_IN_LONDON - timedelta(hours=1), tick=False):
        screen(pat, yes=["open-wounds"])
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_a_patient_without_an_account_gets_nothing(pat, safety, capture):
    ready(pat, start=DAY)
    user = pat.user
    Patient.objects.filter(pk=pat.pk).update(user=None)
    assert scan_at(EIGHT_IN_LONDON, capture) == 0
    assert sent_to(user.email) == []


def test_a_patient_whose_account_is_switched_off_gets_nothing(pat, safety, capture):
    ready(pat, start=DAY)
    pat.user.is_active = False
    pat.user.save(update_fields=["is_active"])
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_reminders_switched_off_or_never_chosen_bring_nothing(pat, quinn, safety, capture):
    ready(pat, start=DAY)
    ReminderSettings.objects.filter(patient=pat).update(reminders_on=False)
    ready(quinn, start=DAY, at=time(3, 0))  # 08:00 in London is 03:00 in New York
    ReminderSettings.objects.filter(patient=quinn).delete()
    assert scan_at(EIGHT_IN_LONDON, capture) == 0


def test_unread_safety_guidance_gets_only_the_waiting_email(pat, safety, staff, capture):
    ready(pat, start=DAY)
    republish(staff)
    assert scan_at(EIGHT_IN_LONDON, capture) == 1
    (message,) = sent_to(pat.user.email)
    assert message.subject == "Something is waiting for you on the site"
    assert "Something is waiting for you on the site" in message.body
    for detail in ("minute", "Feet", "session"):
        assert detail not in message.body
        assert detail not in message.subject
    (row,) = SentReminder.objects.filter(patient=pat)
    assert row.kind == ReminderKind.DAILY  # that day's one email


def test_a_patient_with_reminders_in_another_clinic_is_untouched(pat, quinn, safety, capture):
    ready(pat, start=DAY)
    ready(quinn, start=DAY, at=time(9, 0))
    assert scan_at(EIGHT_IN_LONDON, capture) == 1
    assert sent_to(quinn.user.email) == []


def test_the_scan_is_a_scheduled_job_every_minute():
    from clinic.background.schedule import JOBS

    job = JOBS["reminders.send_due"]
    assert (job.every, job.target) == (timedelta(minutes=1), "clinic.reminders.scan.send_due")


def test_the_number_of_queries_does_not_grow_with_the_patients(alice, safety, capture):
    def patients(count: int, prefix: str) -> list[Patient]:
        made = []
        for index in range(count):
            user = make_user(f"{prefix}{index}@patients.example")
            patient = Patient.objects.create(
                clinic=alice.clinic,
                primary_practitioner=alice,
                user=user,
                full_name=f"{prefix.title()} {index}",
                email=user.email,
            )
            ready(patient, start=DAY)
            made.append(patient)
        return made

    def queries_for_a_scan(moment: datetime) -> int:
        with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
            send_due(moment)
        return len(queries)

    patients(2, "few")
    few = queries_for_a_scan(EIGHT_IN_LONDON)
    patients(12, "many")
    many = queries_for_a_scan(EIGHT_IN_LONDON + timedelta(days=1))
    assert SentReminder.objects.filter(day=DAY + timedelta(days=1)).count() == 14
    assert many == few
