"""Two transactions storing the same keyed email at the same moment (the
practitioner's alert for one report): one row, one email. PostgreSQL only
(see tests/concurrency.py); CI runs it there."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction

from clinic.notifications.models import OutgoingEmail
from clinic.notifications.services import store
from tests.concurrency import start_together, wait_until_blocked

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

KEY = "side-effect-report:7"


def test_the_same_key_stored_twice_at_once_is_one_email():
    def alert(_index: int) -> int:
        with transaction.atomic():
            return store(
                EmailMessage(subject="Review", body="A link.", to=["alice@a.example"]), key=KEY
            ).pk

    # The first insert holds the key until this transaction ends, so both
    # racers have looked, found nothing and tried to insert before either wins.
    with transaction.atomic():
        first = store(EmailMessage(subject="Review", body="A link.", to=["a@a.example"]), key=KEY)
        finish = start_together(2, alert)
        wait_until_blocked(2)
    results = finish()
    assert results == [first.pk, first.pk]
    assert OutgoingEmail.objects.get().pk == first.pk
    assert len(mail.outbox) == 1
