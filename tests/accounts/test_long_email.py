"""An email over 254 characters is refused by every form that takes one
(accounts.bounds), with one clear message, before anything else touches it:
no sign-in throttle row, no email, no patient."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models.functions import Length
from django.test import Client
from django.urls import reverse

from accounts.bounds import EMAIL_TOO_LONG
from accounts.models import Patient
from clinic.notifications.models import OutgoingEmail
from tests.html_forms import post_forms_in

HUGE = "a" * 9_990 + "@x.example"  # 10,000 characters
JUST_TOO_LONG = "a" * 245 + "@x.example"  # 255 characters


def _browser(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _submit(client: Client, url: str, field: str, **changes):
    """Fill in the page's own form, CSRF token and all, as a browser would."""
    (form,) = [f for f in post_forms_in(client.get(url).text) if field in f.fields]
    return client.post(form.action or url, form.data(**changes))


@pytest.mark.parametrize("email", [HUGE, JUST_TOO_LONG])
def test_sign_in_refuses_a_long_email_before_the_throttle_sees_it(db, email):
    response = _submit(_browser(), reverse("login"), "username", username=email, password="x")
    assert response.status_code == 200
    assert EMAIL_TOO_LONG in response.text
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_sign_in_with_a_254_character_email_is_an_ordinary_failure(db):
    longest = "a" * 244 + "@x.example"
    assert len(longest) == 254
    response = _submit(_browser(), reverse("login"), "username", username=longest, password="x")
    assert response.status_code == 200
    assert EMAIL_TOO_LONG not in response.text
    assert "That email and password do not match an account" in response.text
    # Axes counted it, and nothing it stored is longer than its column.
    assert AccessAttempt.objects.count() == 1
    assert not AccessAttempt.objects.annotate(n=Length("username")).filter(n__gt=254).exists()


def test_sign_in_field_tells_the_browser_the_limit(db):
    html = Client().get(reverse("login")).text
    assert 'maxlength="254"' in html


def test_password_reset_refuses_a_long_email_and_sends_nothing(db):
    response = _submit(_browser(), reverse("password_reset"), "email", email=HUGE)
    assert response.status_code == 200
    assert EMAIL_TOO_LONG in response.text
    # One message, not also "enter a valid email address".
    assert response.text.count("errorlist") == 1
    assert not OutgoingEmail.objects.exists()


def test_adding_a_patient_refuses_a_long_email_and_adds_no_one(alice):
    before = Patient.objects.count()
    response = _submit(
        _browser(alice.user), reverse("patient-add"), "email", full_name="Lena Long", email=HUGE
    )
    assert response.status_code == 200
    assert EMAIL_TOO_LONG in response.text
    assert Patient.objects.count() == before
    assert not OutgoingEmail.objects.exists()
