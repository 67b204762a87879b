"""What a practitioner sees of a patient's reminders (clinic/reminders/queries.py:
reminder_line, shown on the patient's page by clinic/patients): on at a time
in the patient's zone and when the last one went out, off, or not chosen yet;
never the nudge or anything else of their choice."""

import re
from datetime import UTC, date, datetime, time

from django.urls import reverse
from django.utils import timezone

from clinic.notifications.models import OutgoingEmail, Purpose, ReminderSettings, Status
from clinic.reminders.models import ReminderKind, SentReminder
from clinic.reminders.queries import NOT_CHOSEN, OFF, ON, reminder_line


def _sent(patient, day: date, sent_at: datetime | None, kind=ReminderKind.DAILY):
    email = OutgoingEmail.objects.create(
        purpose=Purpose.REMINDER,
        from_email="x@example.com",
        to=["p@example.com"],
        subject="s",
        status=Status.SENT if sent_at else Status.QUEUED,
        text_body="" if sent_at else "body",
        sent_at=sent_at,
    )
    return SentReminder.objects.create(patient=patient, kind=kind, day=day, email=email)


def test_never_chosen(pat):
    line = reminder_line(pat)
    assert (line.state, line.remind_at, line.last_sent_at) == (NOT_CHOSEN, None, None)


def test_off_says_nothing_more(pat):
    ReminderSettings.objects.create(patient=pat, reminders_on=False, remind_at=time(6))
    _sent(pat, date(2026, 3, 2), datetime(2026, 3, 2, 6, tzinfo=UTC))
    line = reminder_line(pat)
    assert (line.state, line.remind_at, line.last_sent_at) == (OFF, None, None)


def test_on_with_the_time_in_the_patients_zone_and_the_last_one_that_left(pat):
    pat.time_zone = "America/New_York"
    pat.save()
    ReminderSettings.objects.create(patient=pat, reminders_on=True, remind_at=time(6, 15))
    _sent(pat, date(2026, 3, 2), datetime(2026, 3, 2, 11, 15, tzinfo=UTC))
    _sent(pat, date(2026, 3, 4), datetime(2026, 3, 4, 11, 16, tzinfo=UTC))
    _sent(pat, date(2026, 3, 6), None)  # stored, not sent yet
    line = reminder_line(pat)
    assert (line.state, line.remind_at, line.zone) == (ON, time(6, 15), "America/New_York")
    assert line.last_sent_at == datetime(2026, 3, 4, 11, 16, tzinfo=UTC)


def test_on_with_none_sent_yet(pat, quinn):
    ReminderSettings.objects.create(patient=pat, reminders_on=True)
    _sent(quinn, date(2026, 3, 2), timezone.now())
    assert reminder_line(pat).last_sent_at is None


def test_the_patient_page_shows_one_line(alice_client, pat):
    ReminderSettings.objects.create(
        patient=pat, reminders_on=True, remind_at=time(7, 5), nudge_on=False
    )
    _sent(pat, date(2026, 3, 4), datetime(2026, 3, 4, 7, 5, tzinfo=UTC))
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "on at 07:05 (Europe/London)." in html
    assert "Last one sent 4 Mar 2026, 07:05." in html
    assert "nudge" not in html.lower()


def test_the_patient_page_says_none_yet_off_and_not_chosen(alice_client, pat):
    page = reverse("patient-detail", args=[pat.pk])
    assert "not chosen yet." in alice_client.get(page).text
    settings = ReminderSettings.objects.create(patient=pat, reminders_on=True)
    assert "None sent yet." in alice_client.get(page).text
    settings.reminders_on = False
    settings.save()
    html = alice_client.get(page).text
    assert re.search(r"Reminder emails:\s+off\.\s+</p>", html)
    assert "on at" not in html
