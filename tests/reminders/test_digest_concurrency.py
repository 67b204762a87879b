"""Two workers sending digests at the same moment: one email per
practitioner and day. PostgreSQL only (see tests/concurrency.py); CI runs it there."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from clinic.notifications.models import OutgoingEmail, PractitionerNotifications, Purpose
from clinic.reminders.digest import send_due_digests
from clinic.reminders.models import SentDigest
from tests.concurrency import start_together, wait_until_blocked

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

DAY = date(2026, 6, 10)
NOW = datetime(2026, 6, 10, 7, 30, tzinfo=ZoneInfo("Europe/London"))


def test_two_workers_at_once_store_one_digest(alice):
    PractitionerNotifications.objects.create(
        membership=alice, digest_on=True, digest_at=time(7, 30)
    )

    # A claim held open (and then given up) makes both racers find no digest
    # sent, try to claim the day and wait on each other's insert.
    with transaction.atomic():
        SentDigest.objects.create(membership=alice, day=DAY)
        finish = start_together(2, lambda _index: send_due_digests(NOW))
        wait_until_blocked(2)
        transaction.set_rollback(True)
    results = finish()

    assert sorted(results) == [0, 1]
    assert SentDigest.objects.count() == 1
    assert OutgoingEmail.objects.filter(purpose=Purpose.DIGEST).count() == 1
