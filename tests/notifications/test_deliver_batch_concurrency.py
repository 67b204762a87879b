"""clinic.notifications.tasks.deliver_emails run by two workers at once over
the same batch, and beside deliver_email for one of its rows: each email is
sent once. PostgreSQL only (see tests/concurrency.py); CI runs it there."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.services import store_batch
from clinic.notifications.tasks import deliver_email, deliver_emails
from tests.concurrency import at_once, start_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def _stored(count: int) -> list[int]:
    with transaction.atomic():
        emails = store_batch(
            (
                EmailMessage(subject="Hi", body="A link.", to=[f"p{i}@x.example"]),
                Purpose.REMINDER,
                f"k{i}",
            )
            for i in range(count)
        )
    # Enqueued on commit and run at once by the immediate engine: put them back.
    OutgoingEmail.objects.update(status=Status.QUEUED, sent_at=None, attempts=0, text_body="x")
    mail.outbox.clear()
    return [email.pk for email in emails]


def test_two_runs_of_one_batch_send_each_email_once():
    ids = _stored(40)
    results = at_once(2, lambda index: deliver_emails.call(ids))
    assert sum(result["sent"] for result in results) == 40, results
    assert sum(result["skipped"] for result in results) == 40
    assert len(mail.outbox) == 40
    assert OutgoingEmail.objects.filter(status=Status.SENT, attempts=1).count() == 40


def test_a_batch_waits_for_no_row_another_worker_is_claiming():
    ids = _stored(3)
    # Hold the first row's lock as a claim under way would: the batch skips
    # it (SKIP LOCKED) rather than wait, and sends the others.
    with transaction.atomic():
        OutgoingEmail.objects.select_for_update().get(pk=ids[0])
        finish = start_together(1, lambda index: deliver_emails.call(ids))
        results = finish()
    assert results == [{"sent": 2, "retry": 0, "failed": 0, "skipped": 1}]
    assert deliver_email.call(ids[0]) == "sent"
    assert len(mail.outbox) == 3
