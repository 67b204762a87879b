"""clinic.reminders.scan.send_due run by two workers at the same moment: each
patient's reminder is stored and sent once. PostgreSQL only (see
tests/concurrency.py); CI runs it there."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import connection, transaction

from accounts.models import Patient
from clinic.notifications.models import OutgoingEmail
from clinic.reminders.models import SentReminder
from clinic.reminders.scan import send_due
from tests.concurrency import at_once, start_together, wait_until_blocked
from tests.conftest import make_user
from tests.reminders.helpers import ready

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

DAY = date(2026, 6, 10)
NOW = datetime(2026, 6, 10, 7, 0, 20, tzinfo=UTC)  # 08:00 in London


def _patients(practitioner, count: int) -> list[Patient]:
    made = []
    for index in range(count):
        user = make_user(f"racer{index}@patients.example")
        patient = Patient.objects.create(
            clinic=practitioner.clinic,
            primary_practitioner=practitioner,
            user=user,
            full_name=f"Racer {index}",
            email=user.email,
        )
        ready(patient, start=DAY)
        made.append(patient)
    return made


def test_two_workers_scanning_while_a_third_holds_the_rows_store_nothing_more(alice, safety):
    patients = _patients(alice, 5)
    # This scan's rows are written but not committed, so both racers run
    # into them, wait, and then find every patient taken.
    with transaction.atomic():
        assert send_due(NOW) == 5
        finish = start_together(2, lambda index: send_due(NOW))
        wait_until_blocked(2)
    assert finish() == [0, 0]
    assert SentReminder.objects.count() == 5
    assert OutgoingEmail.objects.count() == 5
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in patients)


def test_two_workers_scanning_at_once_store_each_reminder_once(alice, safety):
    patients = _patients(alice, 30)
    results = at_once(2, lambda index: send_due(NOW))
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 30
    assert SentReminder.objects.count() == 30
    assert OutgoingEmail.objects.count() == 30
    assert len(mail.outbox) == 30
    assert {message.to[0] for message in mail.outbox} == {p.email for p in patients}
