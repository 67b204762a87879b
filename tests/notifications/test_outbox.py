"""The queueing mailer (clinic.notifications.backends, services.store): every
email is stored in the sender's transaction and delivered by a task after the
commit; a rolled-back request stores and sends nothing."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.services import store


class RequestFailed(Exception):
    pass


def _note(**extra) -> EmailMessage:
    return EmailMessage(
        subject="Hello", body="A link: https://x/secret/", to=["a@x.example"], **extra
    )


# Real commits and rollbacks: Django's own on_commit machinery, nothing captured.
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_request_stores_nothing_and_sends_nothing():
    with pytest.raises(RequestFailed), transaction.atomic():
        send_mail("Hello", "A link.", None, ["a@x.example"])
        assert OutgoingEmail.objects.count() == 1  # stored inside the transaction...
        assert mail.outbox == []  # ...and not sent before it commits
        raise RequestFailed
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_request_stores_a_row_and_the_task_delivers_it():
    with transaction.atomic():
        sent = send_mail("Hello", "A link: https://x/secret/", None, ["a@x.example"])
        assert mail.outbox == []
    assert sent == 1
    (message,) = mail.outbox
    assert (message.subject, message.to, message.sent_using) == (
        "Hello",
        ["a@x.example"],
        "outbound",
    )
    assert message.from_email == "Mat companion <noreply@localhost>"
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts, email.purpose) == (Status.SENT, 1, Purpose.OTHER)
    assert email.sent_at is not None
    # The row stays, the secret link in it does not.
    assert (email.text_body, email.html_body) == ("", "")
    assert email.subject == "Hello"


def test_the_purpose_travels_on_the_message(db, django_capture_on_commit_callbacks):
    message = _note()
    message.purpose = Purpose.INVITATION
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    assert OutgoingEmail.objects.get().purpose == Purpose.INVITATION


def test_an_unknown_purpose_is_refused_in_the_request(db):
    message = _note()
    message.purpose = "newsletter"
    with pytest.raises(ValueError, match="Unknown email purpose 'newsletter'"):
        message.send()
    assert not OutgoingEmail.objects.exists()


def test_html_copies_and_extra_headers_reach_the_mail_server(
    db, django_capture_on_commit_callbacks
):
    message = EmailMultiAlternatives(
        subject="Reminder",
        body="Plain words.",
        to=["a@x.example"],
        cc=["c@x.example"],
        bcc=["b@x.example"],
        reply_to=["clinic@x.example"],
        headers={"List-Unsubscribe": "<https://x/unsubscribe/abc/>"},
    )
    message.attach_alternative("<p>Plain words.</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    (sent,) = mail.outbox
    assert sent.body == "Plain words."
    assert sent.alternatives[0].content == "<p>Plain words.</p>"
    assert sent.alternatives[0].mimetype == "text/html"
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["a@x.example"],
        ["c@x.example"],
        ["b@x.example"],
        ["clinic@x.example"],
    )
    assert sent.message()["List-Unsubscribe"] == "<https://x/unsubscribe/abc/>"


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.attach("notes.txt", "x", "text/plain"),
        lambda m: setattr(m, "content_subtype", "html"),
        lambda m: [m.attach_alternative("<p>a</p>", "text/html") for _ in range(2)],
        lambda m: m.attach_alternative("# a", "text/markdown"),
    ],
    ids=["attachment", "html-body", "two-html-copies", "markdown-copy"],
)
def test_what_the_outbox_cannot_carry_is_refused_not_dropped(db, change):
    message = EmailMultiAlternatives(subject="Hello", body="Words.", to=["a@x.example"])
    change(message)
    with pytest.raises(ValueError):
        message.send()
    assert not OutgoingEmail.objects.exists()


def test_a_bad_header_fails_in_the_request_not_in_the_worker(db):
    with pytest.raises(ValueError):
        _note(headers={"Subject": "two\nlines"}).send()
    assert not OutgoingEmail.objects.exists()


def test_several_messages_are_stored_all_or_none(db):
    good, bad = _note(), _note()
    bad.attach("notes.txt", "x", "text/plain")
    with pytest.raises(ValueError):
        mail.mailers.default.send_messages([good, bad])
    assert not OutgoingEmail.objects.exists()


def test_a_key_stores_an_email_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = store(_note(), key="side-effect-report:1")
        again = store(_note(), key="side-effect-report:1")
    assert first == again
    assert OutgoingEmail.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_sent_means_dated_and_cleared_in_the_database(db):
    email = OutgoingEmail.objects.create(from_email="x@x", to=["a@x.example"], subject="S")
    for change in (
        {"status": Status.SENT, "text_body": ""},  # no sent_at
        {"status": Status.SENT, "sent_at": timezone.now(), "text_body": "secret link"},
        {"status": Status.QUEUED, "sent_at": timezone.now()},
        {"status": Status.SENDING},  # never claimed
        {"status": Status.FAILED, "last_error": ""},
        {"status": "lost"},
        {"purpose": "newsletter"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            OutgoingEmail.objects.filter(pk=email.pk).update(**change)
