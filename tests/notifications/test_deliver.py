"""Delivering stored email (clinic.notifications.tasks): one send however
often the task runs, retries after 1, 4 and 10 minutes, then failed with its
reason; the sweep that rescues email a stopped worker left; staff's "try
again". Tasks run in the test process here (Django's immediate backend);
tests/notifications/test_worker.py runs them in a real worker."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.notifications.models import OutgoingEmail, Status
from clinic.notifications.services import store, try_again
from clinic.notifications.tasks import MAX_ATTEMPTS, deliver_email, requeue_stale
from tests.mail import mail_server_down

ADDRESS = "pat@patients.example"


@pytest.fixture
def email(db) -> OutgoingEmail:
    """A stored email whose delivery task has not run yet."""
    return store(EmailMessage(subject="Hello", body="https://x/secret/", to=[ADDRESS]))


def _due_now(email: OutgoingEmail) -> None:
    """Move the clock past the next try instead of waiting for it."""
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())


def test_running_the_task_twice_sends_once(email):
    assert deliver_email.call(email.pk) == "sent"
    assert deliver_email.call(email.pk) == "skipped"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.text_body) == (Status.SENT, 1, "")


def test_an_email_not_yet_due_is_left_alone(email):
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    assert deliver_email.call(email.pk) == "skipped"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 0)
    assert mail.outbox == []


def test_an_email_another_worker_is_sending_is_left_alone(email):
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, claimed_at=timezone.now()
    )
    assert deliver_email.call(email.pk) == "skipped"
    assert mail.outbox == []


def test_a_failed_try_is_recorded_without_addresses_and_retried_a_minute_later(email, caplog):
    before = timezone.now()
    with mail_server_down(), caplog.at_level(logging.INFO, logger="clinic.notifications"):
        assert deliver_email.call(email.pk) == "retry"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert email.next_attempt_at - before >= timedelta(minutes=1)
    assert email.next_attempt_at - before < timedelta(minutes=1, seconds=5)
    assert (
        email.last_error == "SMTPRecipientsRefused: the mail server refused 1 recipient (code 451)"
    )
    assert email.text_body == "https://x/secret/"  # kept until it is sent
    assert ADDRESS not in caplog.text
    assert f"Email {email.pk} (other) not sent on try 1 (SMTPRecipientsRefused)" in caplog.text


def test_four_tries_over_about_fifteen_minutes_then_failed_for_staff(email, caplog):
    gaps = []
    with mail_server_down():
        for _ in range(MAX_ATTEMPTS - 1):
            tried_at = timezone.now()
            assert deliver_email.call(email.pk) == "retry"
            email.refresh_from_db()
            gaps.append(round((email.next_attempt_at - tried_at).total_seconds() / 60))
            _due_now(email)
        assert deliver_email.call(email.pk) == "failed"
    assert gaps == [1, 4, 10]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert email.last_error.startswith("SMTPRecipientsRefused")
    assert f"Email {email.pk} (other) failed for good after 4 tries" in caplog.text
    assert ADDRESS not in caplog.text
    # Failed stays failed: the task does not pick it up again.
    assert deliver_email.call(email.pk) == "skipped"
    assert mail.outbox == []


class SilentBackend(BaseEmailBackend):
    """A mailer that raises nothing and sends nothing."""

    def send_messages(self, email_messages):
        return 0


def test_a_mailer_that_accepts_nothing_is_a_failed_try(email, settings):
    settings.MAILERS = {
        **settings.MAILERS,
        "outbound": {"BACKEND": "tests.notifications.test_deliver.SilentBackend"},
    }
    assert deliver_email.call(email.pk) == "retry"
    email.refresh_from_db()
    assert email.last_error == "RuntimeError: the mailer accepted nothing"


def test_an_email_left_sending_by_a_stopped_worker_is_sent_after_ten_minutes(
    email, django_capture_on_commit_callbacks
):
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, claimed_at=now - timedelta(minutes=9), attempts=1
    )
    assert requeue_stale(now) == 0
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=now - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale(now) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_due_email_whose_task_was_lost_is_handed_to_a_worker(
    email, django_capture_on_commit_callbacks
):
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=now - timedelta(minutes=9))
    assert requeue_stale(now) == 0  # a worker may still be on its way
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=now - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale(now) == 1
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_sent_failed_and_waiting_email_alone(email):
    long_ago = timezone.now() - timedelta(days=1)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=long_ago, text_body="", claimed_at=long_ago
    )
    failed = store(EmailMessage(subject="x", body="y", to=[ADDRESS]))
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status=Status.FAILED, last_error="SMTPDataError: 554", next_attempt_at=long_ago
    )
    later = store(EmailMessage(subject="x", body="y", to=[ADDRESS]))
    OutgoingEmail.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=10)
    )
    assert requeue_stale(timezone.now()) == 0


def test_trying_again_gives_failed_email_a_fresh_round(email, django_capture_on_commit_callbacks):
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTPDataError: 451 busy"
    )
    queued = store(EmailMessage(subject="x", body="y", to=["q@x.example"]))
    with django_capture_on_commit_callbacks(execute=True):
        assert try_again(OutgoingEmail.objects.all()) == 1
    email.refresh_from_db()
    queued.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)
    assert (queued.status, queued.attempts) == (Status.QUEUED, 0)  # untouched
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


def test_with_a_real_engine_the_next_try_is_a_task_that_waits_for_its_time(
    email, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with mail_server_down(), django_capture_on_commit_callbacks(execute=True):
        assert deliver_email.call(email.pk) == "retry"
    email.refresh_from_db()
    (waiting,) = DBTaskResult.objects.all()
    assert waiting.task_path == "clinic.notifications.tasks.deliver_email"
    assert waiting.args_kwargs == {"args": [email.pk], "kwargs": {}}
    assert waiting.run_after == email.next_attempt_at
