"""Two people (or two tabs) accepting invitations at the same moment.

The test holds a lock until both requests are waiting for it, so they
surely collide. PostgreSQL only (see tests/concurrency.py); CI runs it there.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Patient, User
from accounts.services import EnrolmentError, enrol_patient
from tests.concurrency import start_together, wait_until_blocked

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

PASSWORD = "a-long-mat-password"


def _with_invitation_held(token: str, work) -> list:
    """Run ``work`` twice at once while the invitation row is locked, then let go."""
    with transaction.atomic():
        Invitation.objects.for_token(token).select_for_update().get()
        finish = start_together(2, work)
        wait_until_blocked(2)
    return finish()


def test_two_accepts_of_one_link_make_one_account(newcomer, token):
    results = _with_invitation_held(token, lambda _: enrol_patient(token, PASSWORD))
    accounts = [result for result in results if isinstance(result, User)]
    refusals = [result for result in results if isinstance(result, EnrolmentError)]
    assert (len(accounts), len(refusals)) == (1, 1), results
    assert refusals[0].code == "invitation.used"
    assert User.objects.filter(email="nell@x.example").count() == 1
    newcomer.refresh_from_db()
    assert newcomer.user == accounts[0]
    invitation = Invitation.objects.for_token(token).get()
    # Marked used by the one that won, when it created the account.
    assert accounts[0].date_joined <= invitation.used_at


def test_two_tabs_submitting_one_link_sign_in_once(newcomer, token):
    address = reverse("invitation-accept", args=[token])
    tabs = [Client(), Client()]
    form = {"password1": PASSWORD, "password2": PASSWORD}
    responses = _with_invitation_held(token, lambda index: tabs[index].post(address, form))
    assert not [r for r in responses if isinstance(r, Exception)], responses
    (signed_in,) = [response for response in responses if response.status_code == 302]
    assert signed_in["Location"] == reverse("patient-home")
    (refused,) = [response for response in responses if response.status_code == 200]
    assert "This link has already been used." in refused.text
    assert User.objects.filter(email="nell@x.example").count() == 1


def test_one_address_invited_by_two_clinics_at_once_gets_one_account(
    newcomer, token, clinic_b, bob
):
    elsewhere = Patient.objects.create(
        clinic=clinic_b, primary_practitioner=bob, full_name="Nell New", email="nell@x.example"
    )
    _, other_token = Invitation.issue(elsewhere, created_by=bob.user)
    tokens = [token, other_token]
    # An account for the address that is not committed yet: both see no
    # account, and both then wait at the unique constraint.
    with transaction.atomic():
        User.objects.create_user(email="nell@x.example", password=PASSWORD)
        finish = start_together(2, lambda index: enrol_patient(tokens[index], PASSWORD))
        wait_until_blocked(2)
        transaction.set_rollback(True)
    results = finish()
    accounts = [result for result in results if isinstance(result, User)]
    refusals = [result for result in results if isinstance(result, EnrolmentError)]
    assert (len(accounts), len(refusals)) == (1, 1), results
    assert refusals[0].code == "invitation.email_taken"
    assert User.objects.filter(email="nell@x.example").count() == 1
    assert Patient.objects.filter(user=accounts[0]).count() == 1
