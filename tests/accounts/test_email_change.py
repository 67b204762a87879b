"""Changing one's own sign-in address (accounts.email_change): asked for
behind the sudo moment, confirmed from a link sent to the new address."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts import email_change
from accounts.models import AuditEvent, Patient, User
from clinic.notifications.models import OutgoingEmail
from tests.conftest import PASSWORD, make_user
from tests.sudo import confirmed

NEW = "pat.new@elsewhere.example"


@pytest.fixture
def pat_client(pat):
    """Pat, signed in with CSRF checked as a browser does, confirmed a moment ago."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat.user)
    return confirmed(client)


def _post(client, url, data=None):
    """A POST with the CSRF token the page's form carries."""
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def _press(client, url):
    """The button on a page already seen (the CSRF cookie is set)."""
    return client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def _ask(client, email=NEW):
    return _post(client, reverse("email-change"), {"email": email})


def _link_in(email: OutgoingEmail) -> str:
    return re.search(r"http://\S+(/account/email/confirm/\S+/)", email.text_body).group(1)


def _rows(action):
    return AuditEvent.objects.filter(action=action)


# --- Asking -------------------------------------------------------------------------------


def test_the_page_asks_to_confirm_it_is_you_first(pat):
    client = Client()
    client.force_login(pat.user)
    response = client.get(reverse("email-change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("confirm-identity"))
    response = client.post(reverse("email-change"), {"email": NEW})
    assert response["Location"].startswith(reverse("confirm-identity"))
    assert not OutgoingEmail.objects.exists()
    assert not _rows(AuditEvent.Action.EMAIL_REQUESTED).exists()


def test_every_role_finds_the_link_beside_the_password(pat_client, alice_client, staff_client):
    page = pat_client.get(reverse("patient-settings")).text
    assert reverse("email-change") in page and reverse("password_change") in page
    for client in (alice_client, staff_client):
        page = client.get(reverse("account-security")).text
        assert reverse("email-change") in page and reverse("password_change") in page


def test_asking_sends_a_link_to_the_new_address_only(pat_client, pat):
    response = _ask(pat_client, "  Pat.New@Elsewhere.EXAMPLE ")
    assert response.status_code == 302
    assert response["Location"] == reverse("email-change-sent")
    page = pat_client.get(response["Location"])
    assert f"We sent a link to <strong>{NEW}</strong>" in page.text
    (email,) = OutgoingEmail.objects.all()
    assert email.to == [NEW]
    assert "24 hours" in email.text_body
    assert _link_in(email)
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"  # nothing changes until the link
    (row,) = _rows(AuditEvent.Action.EMAIL_REQUESTED)
    assert (row.actor, row.object_type, row.object_id) == (pat.user, "accounts.user", pat.user.pk)
    assert row.clinic_id == pat.clinic_id


def test_mail_is_queued_not_sent_while_the_person_waits(
    pat_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _ask(pat_client)
    assert mail.outbox == []
    assert OutgoingEmail.objects.count() == 1
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == [NEW]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the email address you would like to sign in with."),
        ("not-an-address", "This does not look like an email address"),
        ("a" * 250 + "@x.example", "An email address has at most 254 characters."),
        ("PAT@patients.example", "That is already your sign-in address."),
    ],
)
def test_bad_input_changes_nothing(pat_client, pat, typed, message):
    response = _ask(pat_client, typed)
    assert response.status_code == 200
    assert message in response.text
    assert not OutgoingEmail.objects.exists()
    assert not _rows(AuditEvent.Action.EMAIL_REQUESTED).exists()
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"


def test_an_address_with_an_account_gets_the_same_page_and_no_link(pat_client, alice):
    response = _ask(pat_client, alice.user.email)
    assert response["Location"] == reverse("email-change-sent")
    page = pat_client.get(response["Location"])
    assert f"We sent a link to <strong>{alice.user.email}</strong>" in page.text
    (email,) = OutgoingEmail.objects.all()
    assert email.to == [alice.user.email]
    assert "already has an account" in email.text_body
    assert "/account/email/confirm/" not in email.text_body
    assert "Pat" not in email.text_body  # the asker is not named to a stranger
    assert _rows(AuditEvent.Action.EMAIL_REQUESTED).count() == 1


def test_another_record_of_the_clinic_with_the_address_gets_no_link(pat_client, pat, alice):
    Patient.objects.create(
        clinic=pat.clinic, primary_practitioner=alice, full_name="Other", email=NEW
    )
    response = _ask(pat_client)
    assert response["Location"] == reverse("email-change-sent")
    (email,) = OutgoingEmail.objects.all()
    assert email.to == [NEW]
    assert "another patient record" in email.text_body
    assert "/account/email/confirm/" not in email.text_body


def test_a_few_requests_an_hour_then_a_clear_refusal(pat_client, pat):
    allowed = email_change.REQUESTS_PER_USER.allowed
    for number in range(allowed):
        assert _ask(pat_client, f"new{number}@x.example").status_code == 302
    response = _ask(pat_client, "one.more@x.example")
    assert response.status_code == 429
    assert f"You have asked for {allowed} links in the last hour" in response.text
    assert OutgoingEmail.objects.count() == allowed
    assert not OutgoingEmail.objects.filter(to=["one.more@x.example"]).exists()
    assert _rows(AuditEvent.Action.EMAIL_REQUESTED).count() == allowed
    assert not _rows(AuditEvent.Action.REFUSE).exists()


def test_the_sent_page_without_a_request_goes_to_the_form(pat_client):
    response = pat_client.get(reverse("email-change-sent"))
    assert response["Location"] == reverse("email-change")


# --- Confirming ---------------------------------------------------------------------------


def _asked_link(client, email=NEW) -> str:
    _ask(client, email)
    return _link_in(OutgoingEmail.objects.get(to=[email]))


def test_opening_the_link_changes_nothing_until_the_button(pat_client, pat):
    link = _asked_link(pat_client)
    page = pat_client.get(link)
    assert page.status_code == 200
    assert f"Use {NEW} to sign in" in page.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"
    assert not _rows(AuditEvent.Action.EMAIL_CHANGED).exists()


def test_the_button_changes_the_address_the_record_and_tells_the_old_one(pat_client, pat):
    link = _asked_link(pat_client)
    response = _post(pat_client, link)
    assert response.status_code == 302
    pat.user.refresh_from_db()
    pat.refresh_from_db()
    assert pat.user.email == NEW
    assert pat.email == NEW  # the clinic's record follows
    assert pat.user.check_password(PASSWORD)
    (row,) = _rows(AuditEvent.Action.EMAIL_CHANGED)
    assert (row.actor, row.object_type, row.object_id) == (pat.user, "accounts.user", pat.user.pk)
    assert row.path == "/account/email/confirm/…/"  # not the token, which holds the address
    notice = OutgoingEmail.objects.get(to=["pat@patients.example"])
    assert NEW not in notice.text_body
    assert "elsewhere" not in notice.text_body
    assert "p***@e***.example" in notice.text_body
    assert "Clinic A" in notice.text_body  # where to get help
    page = pat_client.get(response["Location"], follow=True)
    assert f"you now sign in with {NEW}" in page.text
    # The new address signs in; the old one no longer does.
    assert User.objects.get_by_natural_key(NEW.upper()) == pat.user
    assert not User.objects.filter(email__iexact="pat@patients.example").exists()


def test_a_practitioner_changes_theirs_too(alice_client, alice):
    alice_client = confirmed(alice_client)
    alice_client.post(reverse("email-change"), {"email": "alice@new.example"})
    link = _link_in(OutgoingEmail.objects.get(to=["alice@new.example"]))
    assert alice_client.post(link).status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.email == "alice@new.example"
    assert OutgoingEmail.objects.filter(to=["alice@a.example"]).exists()


def test_a_link_works_once(pat_client, pat):
    link = _asked_link(pat_client)
    _post(pat_client, link)
    again = _press(pat_client, link)
    assert "This link has already been used" in again.text
    assert _rows(AuditEvent.Action.EMAIL_CHANGED).count() == 1
    assert OutgoingEmail.objects.filter(to=["pat@patients.example"]).count() == 1


def test_a_new_password_makes_older_links_stop_working(pat_client, pat):
    link = _asked_link(pat_client)
    pat.user.set_password("another-mat-pass-7")
    pat.user.save()
    pat_client.force_login(pat.user)
    page = pat_client.get(link)
    assert "your sign-in address or password changed" in page.text
    assert "Use " not in page.text
    response = _press(pat_client, link)
    assert "Your address was not changed" in response.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"


def _link_made_ago(user, age: timedelta) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(time.time() - age.total_seconds())),
        )
        token = email_change.make_token(user, NEW)
    return reverse("email-change-confirm", args=[token])


def test_a_link_expires_after_a_day(pat_client, pat):
    pat_client.get(reverse("email-change"))  # the CSRF cookie
    fresh_enough = _link_made_ago(pat.user, timedelta(hours=23, minutes=59))
    assert f"Use {NEW} to sign in" in pat_client.get(fresh_enough).text
    link = _link_made_ago(pat.user, timedelta(hours=24, seconds=2))
    assert "This link has expired" in pat_client.get(link).text
    response = _press(pat_client, link)
    assert "This link has expired: each link works for 24 hours." in response.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"
    assert not _rows(AuditEvent.Action.EMAIL_CHANGED).exists()


def test_a_tampered_link_is_refused(pat_client, pat):
    link = _asked_link(pat_client)
    token = link.split("/")[-2]
    forged = signing.dumps(
        {"u": pat.user.pk, "e": "thief@x.example", "f": "0" * 64}, salt="another.salt"
    )
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense"):
        response = _press(pat_client, reverse("email-change-confirm", args=[bad]))
        assert "This link is not valid." in response.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"
    assert not _rows(AuditEvent.Action.EMAIL_CHANGED).exists()


def test_someone_else_signed_in_cannot_use_the_link(pat_client, pat, alice_client, alice):
    link = _asked_link(pat_client)
    assert alice_client.get(link).status_code == 403
    response = alice_client.post(link)
    assert response.status_code == 403
    assert "different account" in response.text
    for person in (pat.user, alice.user):
        person.refresh_from_db()
    assert (pat.user.email, alice.user.email) == ("pat@patients.example", "alice@a.example")


def test_a_visitor_is_asked_to_sign_in_first(pat_client, visitor_client):
    link = _asked_link(pat_client)
    response = visitor_client.get(link)
    assert response["Location"].startswith(reverse("login"))


def test_an_address_taken_after_the_link_was_sent(pat_client, pat):
    link = _asked_link(pat_client)
    make_user(NEW)
    response = _post(pat_client, link)
    assert response.status_code == 200
    assert "Another account already uses this address" in response.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"
    assert not _rows(AuditEvent.Action.EMAIL_CHANGED).exists()


def test_two_accounts_confirming_one_address_at_once(pat_client, pat, monkeypatch):
    """Both pass the check before either saves: the database keeps one, and
    the other reads a clear message, never a server error."""
    link = _asked_link(pat_client)
    make_user(NEW)
    monkeypatch.setattr(email_change, "_taken_by_account", lambda user, email: False)
    response = _press(pat_client, link)
    assert response.status_code == 200
    assert "Another account already uses this address" in response.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"
    assert not OutgoingEmail.objects.filter(to=["pat@patients.example"]).exists()


def test_a_clinic_record_taken_at_the_same_moment(pat_client, pat, alice, monkeypatch):
    link = _asked_link(pat_client)
    Patient.objects.create(
        clinic=pat.clinic, primary_practitioner=alice, full_name="Other", email=NEW
    )
    monkeypatch.setattr(email_change, "_taken_in_clinic", lambda patient, email: False)
    response = _press(pat_client, link)
    assert "Your clinic has another patient record with this address" in response.text
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"


def test_any_other_database_refusal_is_not_hidden(pat, monkeypatch):
    token = email_change.make_token(pat.user, NEW)

    def refuse(*args, **kwargs):
        raise IntegrityError("something else entirely")

    monkeypatch.setattr(User, "save", refuse)
    with pytest.raises(IntegrityError):
        email_change.confirm_change(pat.user, token, actor=email_change.audit.SYSTEM)


def test_masked_addresses():
    assert email_change.masked("jane.doe@example.org") == "j***@e***.org"
    assert email_change.masked("a@localhost") == "a***@l***"
