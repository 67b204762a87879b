"""The invitation pages (accounts.views: invitation_accept, invitation_renew,
invitation_renewed) and sending a link (accounts.services.send_invitation)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import send_invitation
from clinic.notifications.models import OutgoingEmail, Purpose, Status
from tests.mail import mail_server_down

NEW_PASSWORD = "a-long-mat-password"


def _accept(client, token, p1=NEW_PASSWORD, p2=NEW_PASSWORD):
    return client.post(
        reverse("invitation-accept", args=[token]), {"password1": p1, "password2": p2}
    )


def _age(token, days):
    invitation = Invitation.objects.for_token(token).get()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=days),
        expires_at=invitation.expires_at - timedelta(days=days),
    )


def test_link_shows_the_patient_and_their_sign_in_email(visitor_client, token):
    response = visitor_client.get(reverse("invitation-accept", args=[token]))
    assert response.status_code == 200
    assert "Welcome, Nell New" in response.text
    assert "nell@x.example" in response.text
    assert "no-store" in response["Cache-Control"]


def test_setting_a_password_creates_the_account_and_signs_in(visitor_client, token, newcomer):
    response = _accept(visitor_client, token)
    assert response["Location"] == reverse("patient-home")
    newcomer.refresh_from_db()
    assert newcomer.user.email == "nell@x.example"
    assert newcomer.user.check_password(NEW_PASSWORD)
    assert visitor_client.session["_auth_user_id"] == str(newcomer.user.pk)
    assert Invitation.objects.for_token(token).get().used_at is not None


def test_link_works_only_once(visitor_client, token):
    _accept(visitor_client, token)
    visitor_client.logout()
    response = visitor_client.get(reverse("invitation-accept", args=[token]))
    assert response.status_code == 410
    assert "already been used" in response.text
    response = _accept(visitor_client, token, "other-password-1", "other-password-1")
    assert response.status_code == 410
    assert User.objects.filter(email="nell@x.example").count() == 1


def test_link_expires_after_seven_days(visitor_client, token, newcomer):
    _age(token, 7)
    response = visitor_client.get(reverse("invitation-accept", args=[token]))
    assert response.status_code == 410
    assert "This invitation has run out" in response.text
    response = _accept(visitor_client, token)
    assert response.status_code == 410
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_link_still_works_on_the_sixth_day(visitor_client, token, newcomer):
    _age(token, 6)
    response = visitor_client.get(reverse("invitation-accept", args=[token]))
    assert response.status_code == 200
    assert "Welcome, Nell New" in response.text
    assert "Set password and continue" in response.text
    assert _accept(visitor_client, token)["Location"] == reverse("patient-home")
    newcomer.refresh_from_db()
    assert newcomer.user.check_password(NEW_PASSWORD)


def test_expired_link_lets_the_patient_ask_for_a_new_one(
    visitor_client, token, newcomer, django_capture_on_commit_callbacks
):
    _age(token, 8)
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(reverse("invitation-renew", args=[token]))
    assert response["Location"] == reverse("invitation-renewed")
    (message,) = mail.outbox
    # Only ever to the address the clinic holds, never one typed by a visitor.
    assert message.to == ["nell@x.example"]
    new_link = re.search(r"http://testserver(/invitation/\S+/)", message.body).group(1)
    assert visitor_client.get(new_link).status_code == 200
    # The old link now leads nowhere.
    assert visitor_client.get(reverse("invitation-accept", args=[token])).status_code == 404


def test_asking_twice_in_a_row_sends_one_email(
    visitor_client, token, django_capture_on_commit_callbacks
):
    _age(token, 8)
    with django_capture_on_commit_callbacks(execute=True):
        visitor_client.post(reverse("invitation-renew", args=[token]))
        visitor_client.post(reverse("invitation-renew", args=[token]))
    assert len(mail.outbox) == 1


def test_asking_with_the_mail_server_down_still_sends_the_link_on_its_way(
    visitor_client, token, newcomer, caplog, django_capture_on_commit_callbacks
):
    _age(token, 8)
    with mail_server_down(), django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(reverse("invitation-renew", args=[token]))
    # Asking only stores the email, so a mail server that is down changes
    # nothing the patient sees: the outbox tries again, then shows staff.
    assert response["Location"] == reverse("invitation-renewed")
    assert mail.outbox == []
    invitation = newcomer.invitations.get()
    email = OutgoingEmail.objects.get()
    assert (email.purpose, email.status, email.attempts) == (Purpose.INVITATION, Status.QUEUED, 1)
    assert "nell@x.example" not in email.last_error
    assert "nell@x.example" not in caplog.text
    assert "Nell" not in caplog.text
    # The link in the waiting email is the new invitation's.
    link = re.search(r"http://testserver(/invitation/\S+/)", email.text_body).group(1)
    assert Invitation.objects.for_token(link.split("/")[-2]).get() == invitation


def test_a_live_link_cannot_be_renewed(visitor_client, token):
    response = visitor_client.post(reverse("invitation-renew", args=[token]))
    assert response["Location"] == reverse("invitation-accept", args=[token])
    assert mail.outbox == []


def test_unknown_link_is_404_with_a_way_forward(visitor_client, db):
    response = visitor_client.get(reverse("invitation-accept", args=["made-up"]))
    assert response.status_code == 404
    assert "This link does not work" in response.text


def test_link_never_signs_in_someone_else(pat_client, pat, token, newcomer):
    response = _accept(pat_client, token)
    assert response.status_code == 403
    assert "You are signed in as someone else" in response.text
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert pat_client.session["_auth_user_id"] == str(pat.user.pk)


def test_mismatched_passwords_save_nothing(visitor_client, token, newcomer):
    response = _accept(visitor_client, token, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert response.status_code == 200
    assert "The two passwords are not the same." in response.text
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_weak_password_is_refused(visitor_client, token, newcomer):
    response = _accept(visitor_client, token, "12345678", "12345678")
    assert "This password is too common." in response.text
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert Invitation.objects.for_token(token).get().used_at is None


def test_address_already_taken_by_another_account(visitor_client, token, newcomer):
    User.objects.create_user(email="NELL@x.example", password="x")
    response = _accept(visitor_client, token)
    assert response.status_code == 200
    assert "An account already uses this email address" in response.text
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_only_a_hash_of_the_token_is_stored(token):
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


class RequestFailed(Exception):
    pass


def test_an_invitation_in_a_rolled_back_transaction_is_never_emailed(
    newcomer, alice, django_capture_on_commit_callbacks
):
    request = RequestFactory().get("/")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RequestFailed),
        transaction.atomic(),
    ):
        send_invitation(request, newcomer, invited_by=alice.user)
        raise RequestFailed
    assert callbacks == []
    assert mail.outbox == []
    assert not newcomer.invitations.exists()
    assert not OutgoingEmail.objects.exists()


def test_new_invitation_replaces_the_unused_one(newcomer, token, alice):
    request = RequestFactory().get("/")
    send_invitation(request, newcomer, invited_by=alice.user)
    assert Invitation.objects.for_token(token).exists() is False
    assert newcomer.invitations.count() == 1
    assert newcomer.invitations.get().expires_at > timezone.now() + timedelta(days=6)
