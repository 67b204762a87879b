"""The outbox in the admin (clinic/notifications/admin.py): staff see what
each email was for, where it stands and why it failed, without addresses in
the list or bodies anywhere; "Try again" re-queues failed email; nothing else
changes there."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.services import store

LIST = reverse("admin:notifications_outgoingemail_changelist")


@pytest.fixture
def failed(db) -> OutgoingEmail:
    message = EmailMessage(
        subject="Your mat plan", body="https://x/invitation/tok3n-s3cr3t/", to=["nell@x.example"]
    )
    message.purpose = Purpose.INVITATION
    email = store(message)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.FAILED,
        attempts=4,
        last_error="SMTPDataError: 451 4.3.0 try again later",
    )
    return email


def test_staff_see_failed_email_with_its_reason_and_no_address(staff_client, failed):
    html = staff_client.get(LIST).text
    assert "Invitation" in html
    assert "Failed" in html
    assert "SMTPDataError: 451 4.3.0 try again later" in html
    assert '<td class="field-attempts">4</td>' in html
    assert "nell@x.example" not in html
    assert "tok3n-s3cr3t" not in html
    filtered = staff_client.get(LIST, {"status__exact": "failed"}).text
    assert f'value="{failed.pk}"' in filtered


def test_the_detail_names_the_recipient_but_never_shows_the_body(staff_client, failed):
    html = staff_client.get(
        reverse("admin:notifications_outgoingemail_change", args=[failed.pk])
    ).text
    assert "nell@x.example" in html  # so staff can tell the clinic whose email it was
    assert "tok3n-s3cr3t" not in html
    assert "SMTPDataError" in html


def test_try_again_requeues_failed_email_and_it_goes_out(
    staff_client, failed, django_capture_on_commit_callbacks
):
    sent = store(EmailMessage(subject="x", body="y", to=["a@x.example"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            LIST,
            {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk], "index": 0},
            follow=True,
        )
    assert "1 email queued again for a fresh round of tries." in response.text
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)
    assert [message.to for message in mail.outbox] == [["nell@x.example"]]


def test_try_again_on_nothing_failed_says_nothing_changed(staff_client, db):
    email = store(EmailMessage(subject="x", body="y", to=["a@x.example"]))
    response = staff_client.post(
        LIST, {"action": "retry_failed", "_selected_action": [email.pk], "index": 0}, follow=True
    )
    assert "None of the chosen email had failed, so nothing changed." in response.text


def test_nobody_adds_changes_or_deletes_email_there(staff_client, failed):
    assert staff_client.get(reverse("admin:notifications_outgoingemail_add")).status_code == 403
    assert (
        staff_client.post(
            reverse("admin:notifications_outgoingemail_delete", args=[failed.pk]),
            {"post": "yes"},
        ).status_code
        == 403
    )
    html = staff_client.get(
        reverse("admin:notifications_outgoingemail_change", args=[failed.pk])
    ).text
    assert 'name="_save"' not in html
    assert OutgoingEmail.objects.filter(pk=failed.pk).exists()


def test_practitioners_cannot_open_the_outbox(alice_client):
    response = alice_client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
