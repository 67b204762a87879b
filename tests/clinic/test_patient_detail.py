from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Patient
from tests.mail import mail_server_down


def test_shows_account_state(alice_client, pat):
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "Pat Patient has set a password and can sign in." in html
    assert "Send a new invitation" not in html


def test_pending_patient_shows_when_the_link_runs_out(alice_client, clinic_a, alice):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    invitation, _ = Invitation.issue(patient)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=9),
        expires_at=invitation.expires_at - timedelta(days=9),
    )
    html = alice_client.get(reverse("patient-detail", args=[patient.pk])).text
    assert "The link ran out on" in html
    assert "Send a new invitation" in html


def test_resending_issues_a_fresh_link(
    alice_client, clinic_a, alice, django_capture_on_commit_callbacks
):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("patient-invite", args=[patient.pk]), follow=True)
    assert "A new invitation is on its way to n@x.example." in response.text
    assert len(mail.outbox) == 1
    assert patient.invitations.count() == 1


# A real commit, so the email is tried before the page is answered.
@pytest.mark.django_db(transaction=True)
def test_resending_with_the_mail_server_down_says_so(alice_client, clinic_a, alice, caplog):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    with mail_server_down():
        response = alice_client.post(reverse("patient-invite", args=[patient.pk]), follow=True)
    assert response.redirect_chain == [(reverse("patient-detail", args=[patient.pk]), 302)]
    assert "The new invitation is saved, but the email to n@x.example could not be sent" in (
        response.text
    )
    assert "on its way" not in response.text
    invitation = patient.invitations.get()
    assert f"Could not send the email for invitation {invitation.pk}" in caplog.text
    assert "n@x.example" not in caplog.text
    assert mail.outbox == []


def test_no_invitation_for_a_patient_who_has_an_account(alice_client, pat):
    response = alice_client.post(reverse("patient-invite", args=[pat.pk]), follow=True)
    assert "already has an account" in response.text
    assert mail.outbox == []


def test_other_clinics_patient_is_404(bob_client, pat):
    assert bob_client.get(reverse("patient-detail", args=[pat.pk])).status_code == 404
    assert bob_client.post(reverse("patient-invite", args=[pat.pk])).status_code == 404
    assert mail.outbox == []
