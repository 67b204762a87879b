"""How often a practitioner may send a patient a new invitation
(patients.services.invite_patient, accounts.throttle): three an hour to one
address and ten an hour from one client address, with a message that says
when the next one may go."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, Invitation, Patient, SendingWindow
from clinic.notifications.models import OutgoingEmail, Purpose

T0 = datetime.fromisoformat("2026-03-02T10:20:00+00:00")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def _newcomer(clinic, practitioner, number: int = 0) -> Patient:
    return Patient.objects.create(
        clinic=clinic,
        primary_practitioner=practitioner,
        full_name=f"Nell New {number}",
        email=f"nell{number}@x.example",
    )


def _sent() -> int:
    return OutgoingEmail.objects.filter(purpose=Purpose.INVITATION).count()


def _invite(client, patient):
    return client.post(reverse("patient-invite", args=[patient.pk]), follow=True)


def test_a_fourth_invitation_in_an_hour_is_refused_with_when_to_try(
    alice_client, clinic_a, alice, clock, django_capture_on_commit_callbacks
):
    patient = _newcomer(clinic_a, alice)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert "A new invitation is on its way" in _invite(alice_client, patient).text
        response = _invite(alice_client, patient)
    assert len(mail.outbox) == 3
    assert "A new invitation is on its way" not in response.text
    # 11:20 in London, which is UTC in March.
    assert (
        "Nell New 0 has already been sent 3 invitations in the last hour, which is as many "
        "as we send in an hour. You can send another from 11:20."
    ) in response.text
    refused = AuditEvent.objects.get(action="refuse")
    window = SendingWindow.objects.get(scope="invitation.email")
    assert (refused.object_type, refused.object_id) == ("accounts.sendingwindow", window.pk)
    assert (refused.actor, refused.clinic) == (alice.user, clinic_a)
    assert refused.path == reverse("patient-invite", args=[patient.pk])


def test_the_time_to_try_again_is_the_clinics(bob_client, clinic_b, bob, clock):
    patient = _newcomer(clinic_b, bob)
    for _ in range(3):
        _invite(bob_client, patient)
    # 06:20 in New York (UTC-5 in early March).
    assert "You can send another from 06:20." in _invite(bob_client, patient).text


def test_invitations_may_go_again_an_hour_after_the_first(alice_client, clinic_a, alice, clock):
    patient = _newcomer(clinic_a, alice)
    for _ in range(4):
        _invite(alice_client, patient)
    clock.move_to(T0 + timedelta(hours=1), tick=False)
    assert "A new invitation is on its way" in _invite(alice_client, patient).text
    assert _sent() == 4


def test_ten_invitations_an_hour_from_one_client_address(alice_client, clinic_a, alice, clock):
    patients = [_newcomer(clinic_a, alice, number) for number in range(11)]
    for patient in patients[:10]:
        assert "on its way" in _invite(alice_client, patient).text
    response = _invite(alice_client, patients[10])
    assert (
        "10 invitations have been sent from your network in the last hour, which is as many "
        "as we send in an hour. You can send another from 11:20."
    ) in response.text
    assert _sent() == 10
    assert not patients[10].invitations.exists()


def test_renewing_an_expired_link_counts_towards_the_limit(visitor_client, clinic_a, alice, clock):
    patient = _newcomer(clinic_a, alice)
    for _ in range(5):
        expired, token = Invitation.issue(patient)
        Invitation.objects.filter(pk=expired.pk).update(
            created_at=T0 - timedelta(days=8), expires_at=T0 - timedelta(days=1)
        )
        patient.invitations.exclude(pk=expired.pk).delete()
        response = visitor_client.post(reverse("invitation-renew", args=[token]))
        assert response["Location"] == reverse("invitation-renewed")
    assert _sent() == 3
