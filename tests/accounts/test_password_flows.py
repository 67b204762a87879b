"""Changing and resetting a password: Django's views with the forms and
templates of accounts (accounts/urls.py, templates/registration)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from tests.conftest import PASSWORD
from tests.mail import mail_server_down
from tests.sudo import confirmed


@pytest.fixture
def pat_client(pat_client):
    """Pat confirmed it is them a moment ago (the sudo moment is tested in test_sudo.py)."""
    return confirmed(pat_client)


def test_password_change_needs_the_old_password(pat_client, pat):
    response = pat_client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-new-mat-pass",
            "new_password2": "a-new-mat-pass",
        },
    )
    assert response.status_code == 200
    assert "One thing needs fixing" in response.text
    pat.user.refresh_from_db()
    assert pat.user.check_password(PASSWORD)


def test_password_change_saves_and_confirms(pat_client, pat):
    response = pat_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-mat-pass",
            "new_password2": "a-new-mat-pass",
        },
        follow=True,
    )
    assert "Password changed" in response.text
    pat.user.refresh_from_db()
    assert pat.user.check_password("a-new-mat-pass")


def test_reset_link_sets_a_new_password(visitor_client, pat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(reverse("password_reset"), {"email": pat.email.upper()})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [pat.email]
    # Through the outbox: stored, then delivered by the task.
    assert message.sent_using == "outbound"
    email = OutgoingEmail.objects.get()
    assert (email.purpose, email.status) == (Purpose.PASSWORD_RESET, Status.SENT)
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)

    response = visitor_client.get(link, follow=True)
    assert "Choose a new password" in response.text
    form_url = response.redirect_chain[-1][0]
    response = visitor_client.post(
        form_url, {"new_password1": "fresh-mat-pass-9", "new_password2": "fresh-mat-pass-9"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    pat.user.refresh_from_db()
    assert pat.user.check_password("fresh-mat-pass-9")


def test_reset_for_unknown_address_sends_nothing_and_looks_the_same(visitor_client):
    response = visitor_client.post(reverse("password_reset"), {"email": "nobody@x.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_reset_with_the_mail_server_down_looks_the_same_and_logs_no_address(
    visitor_client, pat, caplog, django_capture_on_commit_callbacks
):
    with mail_server_down(), django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(reverse("password_reset"), {"email": pat.email})
    assert response["Location"] == reverse("password_reset_done")
    page = visitor_client.get(response["Location"]).text
    assert "a reset link is on its way" in page
    assert "Nothing there after a few minutes?" in page
    assert mail.outbox == []
    # The email waits in the outbox for its next try; nothing names the person.
    email = OutgoingEmail.objects.get()
    assert (email.purpose, email.status, email.attempts) == (
        Purpose.PASSWORD_RESET,
        Status.QUEUED,
        1,
    )
    assert email.last_error.startswith("SMTPRecipientsRefused")
    assert pat.email not in email.last_error
    assert pat.email not in caplog.text
    assert f"Email {email.pk} (password_reset) not sent on try 1" in caplog.text


def test_broken_reset_link_offers_a_new_one(visitor_client):
    url = reverse("password_reset_confirm", args=["MQ", "set-password"])
    response = visitor_client.get(url)
    assert "This reset link does not work" in response.text
    assert reverse("password_reset") in response.text
