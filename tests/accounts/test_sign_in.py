"""Signing in and out (accounts/urls.py, accounts.forms), where each role
lands, and the lockout after repeated failures (django-axes)."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.second_factor import must_have_factor
from tests.conftest import PASSWORD
from tests.factors import code_for, give_authenticator


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


@pytest.mark.parametrize(
    ("persona", "landing"),
    [("pat", "/home/"), ("alice", "/patients/"), ("staff", "/admin/")],
)
def test_each_role_lands_on_its_own_page(persona, landing, visitor_client, request):
    who = request.getfixturevalue(persona)
    user = who if isinstance(who, User) else who.user
    if must_have_factor(user):
        device = give_authenticator(user)
    response = _sign_in(visitor_client, user.email)
    assert response.status_code == 302
    response = visitor_client.get(response["Location"])
    assert response.status_code == 302
    if must_have_factor(user):
        # Members and staff pass their second factor first, then go on.
        assert response["Location"] == f"{reverse('factor-verify')}?next=%2F"
        response = visitor_client.post(response["Location"], {"code": code_for(device)})
        response = visitor_client.get(response["Location"])
    assert response["Location"] == landing


def test_wrong_password_says_so_without_saying_which_part(visitor_client, pat):
    response = _sign_in(visitor_client, pat.email, "not-the-password")
    assert response.status_code == 200
    assert "That email and password do not match an account" in response.text
    assert "_auth_user_id" not in visitor_client.session


def test_five_failures_lock_the_address_for_that_email(visitor_client, pat):
    for _ in range(5):
        _sign_in(visitor_client, pat.email, "wrong")
    response = _sign_in(visitor_client, pat.email.upper())
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "_auth_user_id" not in visitor_client.session


def test_lockout_is_per_email_and_address(visitor_client, pat, alice):
    for _ in range(5):
        _sign_in(visitor_client, pat.email, "wrong")
    # The same address may still sign in as someone else ...
    assert _sign_in(visitor_client, alice.user.email).status_code == 302
    # ... and the locked email from another address.
    other = _sign_in(visitor_client, pat.email, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(pat_client):
    assert pat_client.get(reverse("logout")).status_code == 405
    response = pat_client.post(reverse("logout"))
    assert response.status_code == 302
    assert pat_client.get(reverse("patient-home"))["Location"].startswith("/sign-in/")


def test_argon2_is_the_first_password_hasher():
    from clinic import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert len(production.AUTH_PASSWORD_VALIDATORS) == 4
