"""Fixtures for the invitation tests: a patient with no account yet and the
raw token of the link they were sent."""

import pytest

from accounts.models import Invitation, Patient


@pytest.fixture
def newcomer(clinic_a, alice) -> Patient:
    return Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="nell@x.example"
    )


@pytest.fixture
def token(newcomer, alice) -> str:
    _, raw = Invitation.issue(newcomer, created_by=alice.user)
    return raw
