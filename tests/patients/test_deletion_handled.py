"""The practitioner sees a patient's request to delete their account on the
patient's page and marks it handled once the clinic has dealt with it
(clinic.patients.queries.patient_page, clinic.patients.views.deletion_handled,
clinic.patients.services.mark_deletion_handled). The site deletes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import DeletionRequest, Patient
from clinic.patients.services import PatientRefused, mark_deletion_handled, request_deletion
from tests.factories import audit_mark, audit_since
from tests.html_forms import form_with_button

MESSAGE = "I am moving abroad."


def _page(pat):
    return reverse("patient-detail", args=[pat.pk])


def _handled(pat):
    return reverse("deletion-handled", args=[pat.pk])


@pytest.fixture
def asked(pat):
    return request_deletion(pat, message=MESSAGE)


def test_the_patients_page_shows_the_open_request_with_its_date_and_words(alice_client, pat, asked):
    text = alice_client.get(_page(pat)).text
    assert "Asked to delete their account" in text
    assert f"on {asked.requested_at:%-d %B %Y}" in text
    assert MESSAGE in text
    assert "the site does not delete anything by itself" in text
    assert form_with_button(text, "Mark as handled").action == _handled(pat)


def test_no_notice_without_an_open_request(alice_client, pat):
    request_deletion(pat)
    DeletionRequest.objects.update(withdrawn_at=DeletionRequest.objects.get().requested_at)
    assert "Asked to delete their account" not in alice_client.get(_page(pat)).text


def test_marking_handled_closes_it_audits_it_and_deletes_nothing(alice_client, alice, pat, asked):
    mark = audit_mark()
    response = alice_client.post(_handled(pat))
    assert (response.status_code, response["Location"]) == (302, _page(pat))
    asked.refresh_from_db()
    assert asked.handled_at is not None and asked.handled_by == alice.user
    (event,) = audit_since(mark)
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "update",
        "accounts.deletionrequest",
        asked.pk,
        alice.user,
    )
    assert Patient.objects.filter(pk=pat.pk, user__isnull=False).exists()
    text = alice_client.get(_page(pat)).text
    assert "Marked as handled. Please make sure Pat Patient knows what the clinic did." in text
    assert "Asked to delete their account" not in text


def test_the_patient_sees_that_the_clinic_dealt_with_it(alice_client, pat_client, pat, asked):
    alice_client.post(_handled(pat))
    asked.refresh_from_db()
    text = pat_client.get(reverse("patient-settings")).text
    assert (
        f"Your clinic dealt with your request of {asked.requested_at:%-d %B %Y} "
        f"on {asked.handled_at:%-d %B %Y}." in text
    )
    assert "Withdraw my request" not in text


def test_marking_handled_with_nothing_open_says_so(alice_client, pat):
    mark = audit_mark()
    response = alice_client.post(_handled(pat), follow=True)
    assert "There is no open request to delete the account" in response.text
    # Only the page shown after the redirect is audited (as a view).
    assert [event.action for event in audit_since(mark)] == ["view"]


def test_the_service_refuses_when_nothing_is_open(pat):
    with pytest.raises(PatientRefused) as refused:
        mark_deletion_handled(pat)
    assert refused.value.code == "patients.deletion_not_open"


# --- Who may mark it ---------------------------------------------------------------


def test_patient_from_other_clinic_is_404(bob_client, pat, asked):
    assert bob_client.post(_handled(pat)).status_code == 404
    asked.refresh_from_db()
    assert asked.is_open


def test_patients_and_staff_are_refused(pat_client, staff_client, pat, asked):
    assert pat_client.post(_handled(pat)).status_code == 403
    assert staff_client.post(_handled(pat)).status_code == 403
    asked.refresh_from_db()
    assert asked.is_open


def test_a_visitor_is_sent_to_sign_in(visitor_client, pat, asked):
    response = visitor_client.post(_handled(pat))
    assert response["Location"].startswith(reverse("login"))


def test_get_changes_nothing(alice_client, pat, asked):
    assert alice_client.get(_handled(pat)).status_code == 405
    asked.refresh_from_db()
    assert asked.is_open


def test_a_post_without_the_csrf_token_is_refused(alice, pat, asked):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    assert client.post(_handled(pat)).status_code == 403
    asked.refresh_from_db()
    assert asked.is_open
    form = form_with_button(client.get(_page(pat)).text, "Mark as handled")
    assert client.post(form.action, form.data()).status_code == 302
    asked.refresh_from_db()
    assert not asked.is_open
