"""clinic.notifications.tasks.deliver_emails and services.store_batch: email
stored in bulk is sent in batches, each over one connection, every row
claimed and recorded as deliver_email does one: sent once however often a
batch runs, retried after a failed try with its own task, failed after the
last, rescued by the sweep when a worker stops mid-batch."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.services import store_batch
from clinic.notifications.tasks import (
    BATCH_SIZE,
    MAX_ATTEMPTS,
    deliver_email,
    deliver_emails,
    requeue_stale,
)
from tests.mail import mail_server_down


def _stored(count: int, *, prefix: str = "p") -> list[OutgoingEmail]:
    return store_batch(
        (
            EmailMessage(subject="Hello", body=f"https://x/{i}/", to=[f"{prefix}{i}@x.example"]),
            Purpose.REMINDER,
            f"test:{prefix}:{i}",
        )
        for i in range(count)
    )


def _ids(emails) -> list[int]:
    return [email.pk for email in emails]


class CountingBackend(LocmemBackend):
    """The test outbox, counting the connections opened."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return True


class RefusingSome(LocmemBackend):
    """Refuses the addresses starting with "no", as a server refusing a mailbox."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].startswith("no"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"busy")})
        return super().send_messages(messages)


class DropsTheLine(LocmemBackend):
    """The server hangs up while the second email is sent; a new connection works."""

    sends = 0

    def open(self):
        self.broken = False
        return True

    def close(self):
        self.broken = True

    def send_messages(self, messages):
        DropsTheLine.sends += 1
        if DropsTheLine.sends == 2:
            self.broken = True
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if getattr(self, "broken", False):
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        return super().send_messages(messages)


class Unreachable(LocmemBackend):
    def open(self):
        raise ConnectionRefusedError("no mail server")


@pytest.fixture
def outbound(settings):
    def use(backend: str) -> None:
        settings.MAILERS = {**settings.MAILERS, "outbound": {"BACKEND": backend}}

    return use


def test_a_batch_goes_over_one_connection_and_is_recorded_sent(db, outbound):
    outbound("tests.notifications.test_deliver_batch.CountingBackend")
    CountingBackend.opened = 0
    emails = _stored(5)
    assert deliver_emails.call(_ids(emails)) == {"sent": 5, "retry": 0, "failed": 0, "skipped": 0}
    assert CountingBackend.opened == 1
    assert sorted(message.to[0] for message in mail.outbox) == [f"p{i}@x.example" for i in range(5)]
    for email in OutgoingEmail.objects.all():
        assert (email.status, email.attempts, email.text_body) == (Status.SENT, 1, "")
        assert email.sent_at is not None


def test_running_a_batch_twice_sends_each_once(db):
    emails = _stored(3)
    deliver_emails.call(_ids(emails))
    assert deliver_emails.call(_ids(emails)) == {"sent": 0, "retry": 0, "failed": 0, "skipped": 3}
    assert deliver_email.call(emails[0].pk) == "skipped"
    assert len(mail.outbox) == 3


def test_rows_not_due_being_sent_or_sent_are_left_alone(db):
    later, sending, sent, due = _stored(4)
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(minutes=1))
    OutgoingEmail.objects.filter(pk=sending.pk).update(status=Status.SENDING, claimed_at=now)
    OutgoingEmail.objects.filter(pk=sent.pk).update(
        status=Status.SENT, sent_at=now, text_body="", html_body=""
    )
    result = deliver_emails.call(_ids([later, sending, sent, due]))
    assert result == {"sent": 1, "retry": 0, "failed": 0, "skipped": 3}
    assert [message.to for message in mail.outbox] == [due.to]


def test_a_refused_email_is_retried_on_its_own_and_the_rest_go(db, outbound):
    outbound("tests.notifications.test_deliver_batch.RefusingSome")
    good = _stored(2, prefix="ok")
    refused = _stored(1, prefix="no")
    before = timezone.now()
    result = deliver_emails.call(_ids(refused + good))
    assert result == {"sent": 2, "retry": 1, "failed": 0, "skipped": 0}
    email = OutgoingEmail.objects.get(pk=refused[0].pk)
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert timedelta(minutes=1) <= email.next_attempt_at - before < timedelta(minutes=1, seconds=5)
    assert email.last_error.startswith("SMTPRecipientsRefused")
    assert email.text_body  # kept until sent
    assert sorted(m.to[0] for m in mail.outbox) == ["ok0@x.example", "ok1@x.example"]


def test_the_retry_of_a_batched_email_is_a_task_of_its_own_that_waits(
    db, outbound, settings, django_capture_on_commit_callbacks
):
    outbound("tests.notifications.test_deliver_batch.RefusingSome")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    (refused,) = _stored(1, prefix="no")
    with django_capture_on_commit_callbacks(execute=True):
        deliver_emails.call([refused.pk])
    refused.refresh_from_db()
    (waiting,) = DBTaskResult.objects.filter(task_path="clinic.notifications.tasks.deliver_email")
    assert waiting.args_kwargs == {"args": [refused.pk], "kwargs": {}}
    assert waiting.run_after == refused.next_attempt_at


def test_a_connection_that_breaks_is_opened_again_for_the_next_email(db, outbound):
    outbound("tests.notifications.test_deliver_batch.DropsTheLine")
    DropsTheLine.sends = 0
    emails = _stored(4)
    assert deliver_emails.call(_ids(emails)) == {"sent": 3, "retry": 1, "failed": 0, "skipped": 0}
    second = OutgoingEmail.objects.get(pk=emails[1].pk)
    assert (second.status, second.last_error) == (
        Status.QUEUED,
        "SMTPServerDisconnected: Connection unexpectedly closed",
    )


def test_after_the_last_try_a_batched_email_is_failed_for_staff(db):
    (email,) = _stored(1)
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)
    with mail_server_down():
        assert deliver_emails.call([email.pk])["failed"] == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert email.last_error.startswith("SMTPRecipientsRefused")


def test_a_mail_server_that_cannot_be_reached_is_every_emails_failed_try(db, outbound):
    outbound("tests.notifications.test_deliver_batch.Unreachable")
    emails = _stored(3)
    assert deliver_emails.call(_ids(emails)) == {"sent": 0, "retry": 3, "failed": 0, "skipped": 0}
    for email in OutgoingEmail.objects.all():
        assert (email.status, email.attempts) == (Status.QUEUED, 1)
        assert email.last_error.startswith("ConnectionRefusedError")


def test_a_batch_left_sending_by_a_stopped_worker_is_rescued_by_the_sweep(
    db, django_capture_on_commit_callbacks
):
    emails = _stored(2)
    now = timezone.now()
    OutgoingEmail.objects.filter(pk__in=_ids(emails)).update(
        status=Status.SENDING, claimed_at=now - timedelta(minutes=11), attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale(now) == 2
    assert OutgoingEmail.objects.filter(status=Status.SENT).count() == 2
    assert len(mail.outbox) == 2


def test_stored_in_bulk_they_go_to_the_workers_one_task_per_batch(
    db, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        emails = _stored(BATCH_SIZE + 5)
    tasks = DBTaskResult.objects.order_by("enqueued_at", "pk")
    assert [task.task_path for task in tasks] == ["clinic.notifications.tasks.deliver_emails"] * 2
    batches = [task.args_kwargs["args"][0] for task in tasks]
    assert sorted(map(len, batches)) == [5, BATCH_SIZE]
    assert sorted(pk for batch in batches for pk in batch) == sorted(_ids(emails))
    assert {email.purpose for email in emails} == {Purpose.REMINDER}


def test_nothing_is_enqueued_when_the_transaction_rolls_back(db, settings):
    from django.db import transaction

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        _stored(3)
        raise RuntimeError("the scan failed halfway")
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
