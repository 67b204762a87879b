"""accounts.services.enrol_patient: an invitation becomes an account, or a
refusal with a code the invitation page turns into words."""

from datetime import timedelta

import pytest
from django.db.models import F

from accounts.models import Invitation, User
from accounts.services import EnrolmentError, enrol_patient

PASSWORD = "a-long-mat-password"


def _refusal(token: str) -> str:
    with pytest.raises(EnrolmentError) as refused:
        enrol_patient(token, PASSWORD)
    return refused.value.code


def test_a_valid_link_makes_the_account_and_is_used_up(newcomer, token):
    user = enrol_patient(token, PASSWORD)
    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert user.check_password(PASSWORD)
    assert Invitation.objects.for_token(token).get().is_used


def test_an_unknown_link_is_not_valid(db):
    assert _refusal("made-up") == "invitation.not_valid"


def test_a_used_link_is_refused(newcomer, token):
    enrol_patient(token, PASSWORD)
    assert _refusal(token) == "invitation.used"


def test_an_expired_link_is_refused(newcomer, token):
    week = timedelta(days=8)
    Invitation.objects.update(created_at=F("created_at") - week, expires_at=F("expires_at") - week)
    assert _refusal(token) == "invitation.expired"
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_an_address_with_an_account_already_is_refused(newcomer, token):
    User.objects.create_user(email="NELL@x.example", password="x")
    assert _refusal(token) == "invitation.email_taken"
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert not Invitation.objects.for_token(token).get().is_used
