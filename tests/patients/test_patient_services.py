"""The patients' services (clinic.patients.services): adding a patient and
inviting them, each with its audit row and its refusals."""

from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError
from django.test import RequestFactory

from accounts.audit import Actor
from accounts.errors import sentence
from accounts.models import AuditEvent, Invitation, Membership, Patient
from clinic.patients.services import (
    EMAIL_UNIQUE_PER_CLINIC,
    PatientRefused,
    add_patient,
    invite_patient,
)
from tests.conftest import make_user


@pytest.fixture
def request_():
    """Only the invitation link's address comes from the request."""
    return RequestFactory().post("/patients/add/")


def _event(action: str, patient: Patient) -> AuditEvent:
    return AuditEvent.objects.get(
        action=action, object_type="accounts.patient", object_id=patient.pk
    )


def test_adding_a_patient_audits_it_and_emails_an_invitation_after_commit(
    clinic_a, alice, request_, django_capture_on_commit_callbacks
):
    actor = Actor(alice.user, "/patients/add/")
    with django_capture_on_commit_callbacks(execute=True):
        patient, invitation = add_patient(
            clinic_a,
            full_name="Jo March",
            email=" Jo@Example.org ",
            primary_practitioner=alice,
            request=request_,
            actor=actor,
        )
        assert mail.outbox == []  # not before the commit
    assert (patient.clinic, patient.email, patient.primary_practitioner) == (
        clinic_a,
        "jo@example.org",
        alice,
    )
    event = _event("create", patient)
    assert (event.actor, event.path, event.clinic_id) == (alice.user, "/patients/add/", clinic_a.pk)
    assert invitation.created_by == alice.user
    (message,) = mail.outbox
    assert message.to == ["jo@example.org"]
    assert "http://testserver/invitation/" in message.body


def test_an_address_the_clinic_has_is_refused_whatever_its_letter_case(
    clinic_a, alice, pat, request_
):
    with pytest.raises(PatientRefused) as refused:
        add_patient(
            clinic_a,
            full_name="Pat Again",
            email=pat.email.upper(),
            primary_practitioner=alice,
            request=request_,
        )
    assert (refused.value.code, refused.value.field) == ("patients.email_taken", "email")
    assert sentence(refused.value) == "This clinic already has a patient with that email address."
    assert Patient.objects.count() == 1
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_the_same_address_may_be_a_patient_at_another_clinic(clinic_b, bob, pat, request_):
    patient, _ = add_patient(
        clinic_b, full_name="Pat B", email=pat.email, primary_practitioner=bob, request=request_
    )
    assert patient.clinic == clinic_b


def test_a_practitioner_from_another_clinic_is_refused(clinic_a, bob, request_):
    with pytest.raises(PatientRefused) as refused:
        add_patient(
            clinic_a, full_name="X", email="x@x.example", primary_practitioner=bob, request=request_
        )
    assert (refused.value.code, refused.value.field) == (
        "patients.practitioner_elsewhere",
        "primary_practitioner",
    )
    assert not Patient.objects.exists()


def test_a_clinic_admin_is_not_a_primary_practitioner(clinic_a, request_):
    front_desk = Membership.objects.create(
        user=make_user("front@a.example"), clinic=clinic_a, role=Membership.Role.CLINIC_ADMIN
    )
    with pytest.raises(PatientRefused) as refused:
        add_patient(
            clinic_a,
            full_name="X",
            email="x@x.example",
            primary_practitioner=front_desk,
            request=request_,
        )
    assert refused.value.code == "patients.practitioner_elsewhere"


def test_inviting_again_audits_it_and_replaces_the_unused_link(
    clinic_a, alice, request_, django_capture_on_commit_callbacks
):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )
    old, _ = Invitation.issue(patient)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_patient(patient, request=request_, actor=Actor(alice.user, "/x/"))
    assert patient.invitations.get() == invitation != old
    event = _event("invite", patient)
    assert (event.actor, event.path) == (alice.user, "/x/")
    assert [message.to for message in mail.outbox] == [["n@x.example"]]


def test_a_patient_with_an_account_is_not_invited(pat, request_):
    with pytest.raises(PatientRefused) as refused:
        invite_patient(pat, request=request_)
    assert refused.value.code == "patients.has_account"
    assert sentence(refused.value) == "Pat Patient already has an account."
    assert not pat.invitations.exists()
    assert not AuditEvent.objects.filter(action="invite").exists()


def test_the_service_names_the_models_own_unique_constraint():
    names = {constraint.name for constraint in Patient._meta.constraints}
    assert EMAIL_UNIQUE_PER_CLINIC in names


def test_another_integrity_error_is_not_taken_for_a_known_address(clinic_a, alice, request_):
    other = IntegrityError("UNIQUE constraint failed: index 'some_other_constraint'")
    with (
        mock.patch.object(Patient.objects, "create", side_effect=other),
        pytest.raises(IntegrityError),
    ):
        add_patient(
            clinic_a,
            full_name="Jo March",
            email="jo@example.org",
            primary_practitioner=alice,
            request=request_,
        )
