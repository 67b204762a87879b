"""The reminder's own unsubscribe link, followed as a mail app follows it."""

from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from clinic.notifications.models import ReminderSettings
from tests.reminders.helpers import ready, scan_at, sent_to

DAY = date(2026, 6, 10)
EIGHT_IN_LONDON = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_one_click_on_the_emails_header_stops_the_next_reminders(pat, safety, capture):
    ready(pat, start=DAY)
    assert scan_at(EIGHT_IN_LONDON, capture) == 1
    (message,) = sent_to(pat.user.email)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body  # the footer carries the same link

    # RFC 8058: the mail provider POSTs to the header's address, with no
    # cookie and no CSRF token.
    mail_app = Client(enforce_csrf_checks=True)
    with time_machine.travel(EIGHT_IN_LONDON + timedelta(minutes=5), tick=False):
        answer = mail_app.post(urlsplit(link).path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert not ReminderSettings.objects.get(patient=pat).reminders_on

    assert scan_at(EIGHT_IN_LONDON + timedelta(days=1), capture) == 0
    assert len(sent_to(parseaddr(message.to[0])[1])) == 1
