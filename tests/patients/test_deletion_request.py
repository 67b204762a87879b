"""A patient asks their clinic to delete their account, from Settings
(clinic.patients.own_data_views.deletion_request and deletion_withdraw,
clinic.patients.services.request_deletion and withdraw_deletion_request):
a page that explains what happens, one open request at a time, an email to
the practitioner with a link and nothing else, and a way to take it back."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import DELETION_MESSAGE_MAX_LENGTH, DeletionRequest, Membership
from accounts.text import validate_storable_text
from clinic.notifications.models import OutgoingEmail, Purpose
from clinic.patients.services import PatientRefused, request_deletion
from tests.conftest import make_user
from tests.factories import audit_mark, audit_since
from tests.html_forms import form_with_button

ASK = reverse("deletion-request")
WITHDRAW = reverse("deletion-withdraw")
SETTINGS = reverse("patient-settings")
MESSAGE = "Please delete it: my back pain is gone and I moved away."


def _ask(client, message=MESSAGE, **kwargs):
    return client.post(ASK, {"message": message}, **kwargs)


# --- The page that explains -----------------------------------------------------------


def test_settings_links_to_a_page_that_explains_what_happens(pat_client, pat):
    settings = pat_client.get(SETTINGS)
    assert f'href="{ASK}"' in settings.text
    assert "Ask your clinic to delete your account" in settings.text
    page = pat_client.get(ASK)
    assert page.status_code == 200
    text = page.text
    assert "Your clinic, Clinic A, gets an email" in text
    assert "The clinic deletes your account; the site does not do it by itself." in text
    assert "for as long as the law requires" in text
    assert "The clinic will tell you what they have done." in text
    assert "A message for your clinic (optional)" in text
    assert "Send my request to the clinic" in text
    assert not DeletionRequest.objects.exists()


# --- Asking -----------------------------------------------------------------------------


def test_asking_records_the_request_audits_it_and_goes_back_to_settings(
    pat_client, pat, django_capture_on_commit_callbacks
):
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(pat_client)
    assert (response.status_code, response["Location"]) == (302, SETTINGS)
    asked = DeletionRequest.objects.get()
    assert (asked.patient, asked.message, asked.is_open) == (pat, MESSAGE, True)
    (event,) = audit_since(mark)
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "create",
        "accounts.deletionrequest",
        asked.pk,
        pat.user,
    )
    settings = pat_client.get(SETTINGS).text
    assert "Your request is sent. Your clinic will tell you what they have done." in settings
    assert f"delete your account on {asked.requested_at:%-d %B %Y}" in settings
    assert "Withdraw my request" in settings


def test_the_practitioner_is_emailed_a_link_and_nothing_about_the_patient(
    pat_client, pat, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(pat_client)
    (message,) = mail.outbox
    assert message.to == [alice.user.email]
    assert message.subject == "A patient asks for their account to be deleted"
    link = f"http://127.0.0.1:8000{reverse('patient-detail', args=[pat.pk])}"
    assert link in message.body
    assert "One of your patients at Clinic A" in message.body
    text = f"{message.subject}\n{message.body}\n{message.message().as_string()}".lower()
    for word in (MESSAGE, "back pain", pat.full_name, pat.email):
        assert word.lower() not in text, word
    email = OutgoingEmail.objects.get()
    assert (email.purpose, email.key) == (
        Purpose.DELETION_REQUEST,
        f"deletion-request:{DeletionRequest.objects.get().pk}",
    )


def test_without_a_practitioner_who_can_sign_in_the_clinic_admins_are_emailed(
    pat, alice, clinic_a, django_capture_on_commit_callbacks
):
    alice.user.is_active = False
    alice.user.save()
    admin = Membership.objects.create(
        user=make_user("admin@a.example", "Ada Admin"),
        clinic=clinic_a,
        role=Membership.Role.CLINIC_ADMIN,
    )
    with django_capture_on_commit_callbacks(execute=True):
        request_deletion(pat)
    (message,) = mail.outbox
    assert message.to == [admin.user.email]


def test_with_nobody_to_email_the_request_is_still_kept(pat, alice):
    alice.user.is_active = False
    alice.user.save()
    request_deletion(pat)
    assert DeletionRequest.objects.get().is_open
    assert not OutgoingEmail.objects.exists()


def test_asking_again_while_a_request_is_open_says_so_and_adds_nothing(
    pat_client, pat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(pat_client)
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(pat_client, "Second time.")
    assert (response.status_code, response["Location"]) == (302, SETTINGS)
    assert "You have already asked your clinic to delete your account" in (
        pat_client.get(SETTINGS).text
    )
    assert DeletionRequest.objects.count() == 1
    assert len(mail.outbox) == 1
    assert not audit_since(mark).exists()
    # The page itself says so instead of offering the button again.
    page = pat_client.get(ASK).text
    assert "that request is still open, so there is no need to ask again" in page
    assert "Send my request to the clinic" not in page


def test_the_service_refuses_a_second_open_request(pat):
    request_deletion(pat)
    with pytest.raises(PatientRefused) as refused:
        request_deletion(pat)
    assert refused.value.code == "patients.deletion_already_open"


def test_the_database_keeps_one_open_request_per_patient(pat):
    DeletionRequest.objects.create(patient=pat)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeletionRequest.objects.create(patient=pat)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("x" * (DELETION_MESSAGE_MAX_LENGTH + 1), "Please keep the message to 500 characters"),
        ("Stop\x00now", "invisible control character"),
    ],
)
def test_a_message_that_cannot_be_kept_is_refused_and_nothing_is_saved(
    pat_client, pat, message, words, django_capture_on_commit_callbacks
):
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(pat_client, message)
    assert response.status_code == 200
    assert words in response.text
    assert "One thing needs fixing" in response.text
    assert not DeletionRequest.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert not audit_since(mark).exists()


def test_the_service_refuses_a_message_over_the_limit(pat):
    with pytest.raises(PatientRefused) as refused:
        request_deletion(pat, message="x" * (DELETION_MESSAGE_MAX_LENGTH + 1))
    assert (refused.value.code, refused.value.field) == (
        "patients.deletion_message_too_long",
        "message",
    )
    assert not DeletionRequest.objects.exists()


def test_a_message_is_optional(pat_client, pat):
    assert _ask(pat_client, "").status_code == 302
    assert DeletionRequest.objects.get().message == ""


def test_the_model_refuses_text_the_database_cannot_keep():
    field = DeletionRequest._meta.get_field("message")
    assert validate_storable_text in field.validators


# --- Taking it back ------------------------------------------------------------------


def test_withdrawing_closes_the_request_audits_it_and_lets_them_ask_again(pat_client, pat):
    _ask(pat_client)
    asked = DeletionRequest.objects.get()
    mark = audit_mark()
    response = pat_client.post(WITHDRAW)
    assert (response.status_code, response["Location"]) == (302, SETTINGS)
    asked.refresh_from_db()
    assert asked.withdrawn_at is not None and not asked.is_open
    (event,) = audit_since(mark)
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "update",
        "accounts.deletionrequest",
        asked.pk,
        pat.user,
    )
    settings = pat_client.get(SETTINGS).text
    assert "Withdrawn. Your clinic will not delete your account." in settings
    assert "Withdraw my request" not in settings
    assert f'href="{ASK}"' in settings
    assert _ask(pat_client).status_code == 302
    assert DeletionRequest.objects.count() == 2


def test_withdrawing_with_nothing_open_says_so(pat_client, pat):
    mark = audit_mark()
    response = pat_client.post(WITHDRAW, follow=True)
    assert "There is no open request to delete the account" in response.text
    assert not audit_since(mark).exists()


# --- Who may ask ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [ASK, WITHDRAW])
def test_a_visitor_is_sent_to_sign_in(visitor_client, url):
    response = visitor_client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [ASK, WITHDRAW])
def test_practitioners_and_staff_are_refused(alice_client, staff_client, pat, url):
    for client in (alice_client, staff_client):
        assert client.post(url, {"message": ""}).status_code == 403
    assert not DeletionRequest.objects.exists()


def test_withdraw_is_post_only(pat_client, pat):
    request_deletion(pat)
    assert pat_client.get(WITHDRAW).status_code == 405
    assert DeletionRequest.objects.get().is_open


def test_a_post_without_the_csrf_token_is_refused(pat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat.user)
    assert client.post(ASK, {"message": ""}).status_code == 403
    assert not DeletionRequest.objects.exists()
    form = form_with_button(client.get(ASK).text, "Send my request to the clinic")
    response = client.post(ASK, form.data(message=""))
    assert response.status_code == 302
    assert DeletionRequest.objects.get().is_open
    assert client.post(WITHDRAW).status_code == 403
    withdraw = form_with_button(client.get(SETTINGS).text, "Withdraw my request")
    assert withdraw.action == WITHDRAW
    assert client.post(WITHDRAW, withdraw.data()).status_code == 302
    assert not DeletionRequest.objects.get().is_open
