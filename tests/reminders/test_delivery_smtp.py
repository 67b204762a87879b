"""Reminders through a real SMTP server (tests.mail.SmtpSink): the scan's
emails arrive once each, by batch, and the List-Unsubscribe header arrives
as one plain URL in angle brackets, not folded into encoded words that mail
apps would not read (RFC 2369, RFC 8058)."""

from datetime import UTC, date, datetime

import pytest

from accounts.models import Patient
from tests.conftest import make_user
from tests.mail import SmtpSink
from tests.reminders.helpers import ready, scan_at

DAY = date(2026, 6, 10)
EIGHT = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def sink(settings):
    with SmtpSink() as sink:
        settings.MAILERS = {
            **settings.MAILERS,
            "outbound": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
            },
        }
        settings.SITE_URL = "https://clinic.example.com"
        yield sink


def test_reminders_reach_the_mail_server_once_with_a_readable_unsubscribe_header(
    alice, safety, sink, django_capture_on_commit_callbacks
):
    patients = []
    for index in range(3):
        user = make_user(f"smtp{index}@patients.example")
        patient = Patient.objects.create(
            clinic=alice.clinic,
            primary_practitioner=alice,
            user=user,
            full_name=f"Smtp {index}",
            email=user.email,
        )
        ready(patient, start=DAY)
        patients.append(patient)
    assert scan_at(EIGHT, django_capture_on_commit_callbacks) == 3
    assert sorted(message["To"] for message in sink.received) == sorted(p.email for p in patients)
    for message in sink.received:
        raw = dict(message.raw_items())
        assert raw["List-Unsubscribe"].startswith("<https://clinic.example.com/unsubscribe/")
        assert raw["List-Unsubscribe"].endswith("/>")
        assert "=?" not in raw["List-Unsubscribe"]
        assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Subject"] == "Today's mat session is waiting for you"
