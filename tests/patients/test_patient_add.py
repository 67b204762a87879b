"""Adding a patient: the form, the invitation emailed after the commit, and
what the practitioner reads when the mail server is down (the same: the
email waits in the outbox)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Patient
from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.tasks import deliver_email
from clinic.patients.services import PatientRefused
from tests.conftest import make_user
from tests.mail import mail_server_down


def _post(client, **data):
    return client.post(reverse("patient-add"), data)


def test_adding_a_patient_emails_an_invitation(
    alice_client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            alice_client,
            full_name="  Jo   March ",
            email="Jo@Example.org",
            primary_practitioner=alice.pk,
        )
    patient = Patient.objects.get()
    assert response["Location"] == reverse("patient-detail", args=[patient.pk])
    page = alice_client.get(response["Location"]).text
    assert (
        "Jo March is added. Their invitation is saved and an email with the link to set a "
        "password is on its way to them."
    ) in page
    assert (patient.full_name, patient.email, patient.clinic_id) == (
        "Jo March",
        "jo@example.org",
        alice.clinic_id,
    )
    assert patient.user is None
    assert Invitation.objects.filter(patient=patient, used_at=None).count() == 1
    (message,) = mail.outbox
    assert message.to == ["jo@example.org"]
    assert re.search(r"http://testserver/invitation/\S+/", message.body)
    assert "Alice Practitioner at Clinic A" in message.body


# A real commit, as in production: the page is answered before any mail server is tried.
@pytest.mark.django_db(transaction=True)
def test_mail_server_down_keeps_the_patient_and_the_email_waits(alice_client, alice, caplog):
    with mail_server_down():
        response = _post(
            alice_client,
            full_name="Jo March",
            email="jo@example.org",
            primary_practitioner=alice.pk,
        )
        patient = Patient.objects.get()
        assert response["Location"] == reverse("patient-detail", args=[patient.pk])
        page = alice_client.get(response["Location"]).text
    assert "Jo March is added. Their invitation is saved and an email" in page
    assert "could not be sent" not in page
    invitation = Invitation.objects.get(patient=patient, used_at=None)
    assert mail.outbox == []
    email = OutgoingEmail.objects.get()
    assert (email.purpose, email.status, email.attempts) == (Purpose.INVITATION, Status.QUEUED, 1)
    # The log and the outbox's error name the email by id, never the person.
    assert f"Email {email.pk} (invitation) not sent on try 1" in caplog.text
    assert "jo@example.org" not in caplog.text + email.last_error
    assert "Jo March" not in caplog.text

    # Once the mail server is back, the waiting email goes out when it is due,
    # with the link that works.
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert deliver_email.call(email.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == ["jo@example.org"]
    link = re.search(r"http://testserver(/invitation/\S+/)", message.body).group(1)
    assert Client().get(link).status_code == 200
    assert patient.invitations.get() == invitation


def test_form_offers_this_clinics_practitioners_and_preselects_self(alice_client, alice, bob):
    html = alice_client.get(reverse("patient-add")).text
    assert f'value="{alice.pk}" selected' in html
    assert "Bob Practitioner" not in html


def test_same_email_twice_in_one_clinic_is_refused(alice_client, alice, pat):
    response = _post(
        alice_client, full_name="Dup", email=pat.email.upper(), primary_practitioner=alice.pk
    )
    assert response.status_code == 200
    assert "This clinic already has a patient with that email address." in response.text
    assert Patient.objects.count() == 1
    assert mail.outbox == []


def test_an_address_added_meanwhile_is_refused_at_the_field(alice_client, alice, monkeypatch):
    """The form checked the address; the service (and the database) has the last word."""

    def refuse(*args, **kwargs):
        raise PatientRefused("patients.email_taken", field="email")

    monkeypatch.setattr("clinic.patients.views.add_patient", refuse)
    response = _post(
        alice_client, full_name="Jo", email="jo@x.example", primary_practitioner=alice.pk
    )
    assert response.status_code == 200
    assert "This clinic already has a patient with that email address." in response.text
    assert 'href="#id_email"' in response.text


def test_same_email_may_be_a_patient_at_another_clinic(bob_client, bob, pat):
    response = _post(
        bob_client, full_name="Pat Elsewhere", email=pat.email, primary_practitioner=bob.pk
    )
    assert response.status_code == 302
    assert Patient.objects.filter(email=pat.email).count() == 2


def test_tampered_practitioner_from_another_clinic_is_refused(alice_client, bob):
    response = _post(alice_client, full_name="X", email="x@x.example", primary_practitioner=bob.pk)
    assert response.status_code == 200
    assert "Please choose a practitioner from this clinic." in response.text
    assert Patient.objects.count() == 0


def test_missing_fields_are_listed_in_an_error_summary(alice_client):
    response = _post(alice_client, full_name="   ", email="not-an-email")
    assert response.status_code == 200
    assert "things need fixing" in response.text
    assert 'href="#id_email"' in response.text
    assert Patient.objects.count() == 0


def test_clinic_admin_chooses_the_primary_practitioner(client, clinic_a, alice):
    admin_user = make_user("front@a.example", "Front Desk")
    Membership.objects.create(user=admin_user, clinic=clinic_a, role=Membership.Role.CLINIC_ADMIN)
    client.force_login(admin_user)
    response = client.post(
        reverse("patient-add"),
        {"full_name": "Kim Lee", "email": "kim@x.example", "primary_practitioner": alice.pk},
    )
    assert response.status_code == 302
    assert Patient.objects.get().primary_practitioner == alice
