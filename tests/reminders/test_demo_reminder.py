"""seed_demo (clinic.patients.demo.schedule_first_reminder): Ada's reminders are
on, due three minutes after the demo is loaded, so a newcomer running
`make run` sees her full reminder arrive in the worker's console."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from accounts.models import Patient
from clinic.notifications.models import ReminderSettings
from clinic.reminders.models import ReminderKind, SentReminder
from tests.reminders.helpers import scan_at

LOADED = datetime(2026, 6, 10, 13, 14, 40, tzinfo=UTC)  # 14:14:40 in London


def _seed(moment: datetime) -> str:
    out = StringIO()
    with time_machine.travel(moment, tick=False), override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_adas_reminder_is_due_three_minutes_after_loading_and_says_so():
    output = _seed(LOADED)
    ada = Patient.objects.get(email="ada.byrne@patients.example")
    settings = ReminderSettings.objects.get(patient=ada)
    assert (settings.reminders_on, settings.remind_at) == (True, time(14, 17))
    assert (
        "Ada Byrne's reminders are on: today's reminder email arrives at 14:17 (Europe/London"
        in output
    )
    assert ReminderSettings.objects.filter(reminders_on=True).count() == 1


@pytest.mark.django_db
def test_adas_full_reminder_goes_at_that_time_and_again_after_loading_again(
    django_capture_on_commit_callbacks,
):
    _seed(LOADED)
    due = datetime(2026, 6, 10, 13, 17, tzinfo=UTC)
    assert scan_at(due - timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert scan_at(due, django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert message.to == ["ada.byrne@patients.example"]
    assert message.subject == "Today's mat session is waiting for you"  # not the waiting one
    assert "Riverside Acupuncture" in message.from_email
    # Loading the demo again an hour later brings the reminder again.
    _seed(LOADED + timedelta(hours=1))
    assert not SentReminder.objects.exists()
    assert scan_at(due + timedelta(hours=1), django_capture_on_commit_callbacks) == 1
    assert SentReminder.objects.get().kind == ReminderKind.DAILY
