"""clinic.reminders.scan: the nudge after two planned sessions in a row are
missed. One friendly email on the day after the second miss, at the
patient's time (with that day's reminder when there is one), and no more
until a session is ticked off again."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from clinic.notifications.models import OutgoingEmail, Purpose, ReminderSettings
from clinic.reminders.models import ReminderKind, SentReminder
from clinic.usage.services import check_off
from tests.reminders.helpers import MINUTES, POSITION, daily_stages, ready, scan_at, sent_to

START = date(2026, 6, 8)  # a Monday
LONDON_EIGHT = time(7, 0)  # 08:00 summer time, in UTC


def eight_on(day: date) -> datetime:
    return datetime.combine(day, LONDON_EIGHT, tzinfo=UTC)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def rows(patient) -> list[tuple[str, date]]:
    return sorted(SentReminder.objects.filter(patient=patient).values_list("kind", "day"))


def tick_off(plan, day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(19, 0), tzinfo=UTC), tick=False):
        check_off(plan.sessions.get(date=day))


def test_two_missed_sessions_bring_one_nudge_with_that_days_reminder(pat, safety, capture):
    plan = ready(pat, start=START)
    tick_off(plan, START)
    # Tuesday and Wednesday missed; Thursday at eight:
    thursday = START + timedelta(days=3)
    for day in (START + timedelta(days=1), START + timedelta(days=2)):
        scan_at(eight_on(day), capture)
    mail.outbox.clear()
    assert scan_at(eight_on(thursday), capture) == 1
    (message,) = sent_to(pat.user.email)
    assert message.subject == "Your mat is there when you are ready"
    assert "Your last two mat sessions are not ticked off yet." in message.body
    assert f"Today's session: {MINUTES} minutes, {POSITION}." in message.body
    email = OutgoingEmail.objects.get(key=f"reminder:{pat.pk}:{thursday}")
    nudge_rows = SentReminder.objects.filter(email=email)
    assert sorted(nudge_rows.values_list("kind", "day")) == [
        (ReminderKind.DAILY, thursday),
        (ReminderKind.NUDGE, START + timedelta(days=1)),  # the run's first missed day
    ]
    assert email.purpose == Purpose.NUDGE  # one email stands for both


def test_the_run_going_on_brings_no_second_nudge(pat, safety, capture):
    ready(pat, start=START)
    for offset in range(2, 6):
        scan_at(eight_on(START + timedelta(days=offset)), capture)
    assert [kind for kind, _ in rows(pat)].count(ReminderKind.NUDGE) == 1
    subjects = [message.subject for message in sent_to(pat.user.email)]
    assert subjects == [
        "Your mat is there when you are ready",
        "Today's mat session is waiting for you",
        "Today's mat session is waiting for you",
        "Today's mat session is waiting for you",
    ]


def test_a_session_ticked_off_starts_the_count_again(pat, safety, capture):
    plan = ready(pat, start=START)
    scan_at(eight_on(START + timedelta(days=2)), capture)  # nudge for Mon and Tue
    tick_off(plan, START + timedelta(days=2))
    for offset in range(3, 6):
        scan_at(eight_on(START + timedelta(days=offset)), capture)
    # Thursday and Friday missed after Wednesday's tick: a new run, a new nudge on Saturday.
    assert (ReminderKind.NUDGE, START) in rows(pat)
    assert (ReminderKind.NUDGE, START + timedelta(days=3)) in rows(pat)
    assert [kind for kind, _ in rows(pat)].count(ReminderKind.NUDGE) == 2


def test_one_missed_session_brings_no_nudge(pat, safety, capture):
    plan = ready(pat, start=START)
    tick_off(plan, START)
    scan_at(eight_on(START + timedelta(days=2)), capture)  # only Tuesday missed
    assert rows(pat) == [(ReminderKind.DAILY, START + timedelta(days=2))]


def test_todays_session_ticked_off_before_the_time_means_no_nudge(pat, safety, capture):
    plan = ready(pat, start=START)
    thursday = START + timedelta(days=2)
    with time_machine.travel(eight_on(thursday) - timedelta(hours=1), tick=False):
        check_off(plan.sessions.get(date=thursday))
    assert scan_at(eight_on(thursday), capture) == 0
    assert rows(pat) == []


def test_with_the_nudge_switched_off_only_the_reminder_goes(pat, safety, capture):
    ready(pat, start=START, nudge=False)
    assert scan_at(eight_on(START + timedelta(days=2)), capture) == 1
    assert rows(pat) == [(ReminderKind.DAILY, START + timedelta(days=2))]
    (message,) = sent_to(pat.user.email)
    assert message.subject == "Today's mat session is waiting for you"


def test_on_a_rest_day_the_nudge_goes_alone(pat, safety, capture):
    stage = daily_stages()[0]
    three_a_week = [stage.__class__(**{**stage.__dict__, "sessions_per_week": 3})]
    plan = ready(pat, start=START, stages=three_a_week)
    first, second = plan.sessions.order_by("date").values_list("date", flat=True)[:2]
    day_after = second + timedelta(days=1)
    assert not plan.sessions.filter(date=day_after).exists()
    assert scan_at(eight_on(day_after), capture) == 1
    assert rows(pat) == [(ReminderKind.NUDGE, first)]
    (message,) = sent_to(pat.user.email)
    assert message.subject == "Your mat is there when you are ready"
    assert "Today's session" not in message.body
    email = OutgoingEmail.objects.get(key=f"nudge:{pat.pk}:{first}")
    assert email.purpose == Purpose.NUDGE


def test_a_nudge_more_than_two_hours_late_is_skipped_for_good(pat, safety, capture):
    ready(pat, start=START, nudge=True)
    ReminderSettings.objects.filter(patient=pat).update(reminders_on=True)
    wednesday = START + timedelta(days=2)
    assert scan_at(eight_on(wednesday) + timedelta(hours=2, minutes=1), capture) == 0
    assert scan_at(eight_on(wednesday) + timedelta(hours=6), capture) == 0
    assert rows(pat) == []


def test_reminders_off_means_no_nudge_either(pat, safety, capture):
    ready(pat, start=START)
    ReminderSettings.objects.filter(patient=pat).update(reminders_on=False)
    assert scan_at(eight_on(START + timedelta(days=2)), capture) == 0


def test_a_nudge_missed_while_the_worker_was_down_is_not_sent_a_day_later(pat, safety, capture):
    ready(pat, start=START)
    # No scan on Wednesday (the day after the second miss); Thursday's scan:
    assert scan_at(eight_on(START + timedelta(days=3)), capture) == 1
    assert rows(pat) == [(ReminderKind.DAILY, START + timedelta(days=3))]
