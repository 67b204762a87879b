"""How long wrong second-factor codes can pause a person (accounts.second_factor):
django-otp doubles the wait after each wrong code, here never past 15 minutes;
the sign-in code step and the sudo confirmation both say how long to wait; and
a new password from a reset link lifts the wait."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from tests.factors import code_for, give_authenticator
from tests.otp_devices import recovery_codes

pytestmark = pytest.mark.second_factor_enforced

VERIFY = reverse("factor-verify")
CONFIRM = reverse("confirm-identity")
CEILING_MESSAGE = "Too many wrong codes. Wait 15 minutes, then try again."


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _past_the_code_step(user, device) -> Client:
    """Signed in with both factors, as before a sudo moment."""
    client = _signed_in(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _as_if_failed(device, count: int, *, ago: timedelta = timedelta(0)) -> None:
    """The state django-otp leaves after ``count`` wrong codes, the last ``ago`` ago."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=count, throttling_failure_timestamp=timezone.now() - ago
    )


def test_the_ceiling_is_the_password_lock_out(settings):
    assert second_factor.CODE_WAIT_CEILING == settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_forty_wrong_codes_wait_no_longer_than_fifteen_minutes(alice):
    device = give_authenticator(alice.user)
    # Without the ceiling django-otp would ask for 2 ** 39 seconds: 17,000 years.
    _as_if_failed(device, 40)
    device.refresh_from_db()
    allowed, details = device.verify_is_allowed()
    assert not allowed
    assert details["locked_until"] - device.throttling_failure_timestamp == timedelta(minutes=15)
    # And a quarter of an hour later a code is tried again.
    _as_if_failed(device, 40, ago=timedelta(minutes=15, seconds=1))
    device.refresh_from_db()
    assert device.verify_is_allowed() == (True, None)


def test_below_the_ceiling_the_wait_still_doubles(alice):
    device = give_authenticator(alice.user)
    _as_if_failed(device, 9)
    device.refresh_from_db()
    assert second_factor.wait_seconds([device]) in (255, 256)


def test_the_sign_in_code_step_says_to_wait_fifteen_minutes(alice):
    device = give_authenticator(alice.user)
    _as_if_failed(device, 30)
    client = _signed_in(alice.user)
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 200
    assert CEILING_MESSAGE in response.text
    assert "use one of your recovery codes once the wait is over" in response.text
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_sudo_confirmation_waits_too_and_says_how_long(alice):
    device = give_authenticator(alice.user)
    codes = recovery_codes(alice.user)
    _as_if_failed(codes, 30)
    client = _past_the_code_step(alice.user, device)
    # Even the right code from the app is not tried while the recovery codes wait.
    response = client.post(CONFIRM, {"way": "code", "code": code_for(device)})
    assert response.status_code == 200
    assert CEILING_MESSAGE in response.text
    assert client.get(reverse("password_change"))["Location"].startswith(CONFIRM)
    device.refresh_from_db()
    assert device.last_t == -1  # the code was never checked


def test_a_right_code_at_the_sudo_moment_clears_every_wait(alice):
    device = give_authenticator(alice.user)
    codes = recovery_codes(alice.user)
    _as_if_failed(codes, 3, ago=timedelta(hours=1))
    client = _past_the_code_step(alice.user, device)
    response = client.post(CONFIRM, {"way": "code", "code": code_for(device)})
    assert response.status_code == 302
    codes.refresh_from_db()
    assert codes.throttling_failure_count == 0


def _set_new_password_from_reset_link(user) -> None:
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "fresh-mat-pass-9", "new_password2": "fresh-mat-pass-9"}
    )
    assert response["Location"] == reverse("password_reset_complete")


def test_a_new_password_from_a_reset_link_lifts_the_wait(alice, pat):
    device = give_authenticator(alice.user)
    codes = recovery_codes(alice.user)
    _as_if_failed(device, 30)
    _as_if_failed(codes, 30)
    someone_else = give_authenticator(pat.user)
    _as_if_failed(someone_else, 30)

    _set_new_password_from_reset_link(alice.user)

    for waiting in (device, codes):
        waiting.refresh_from_db()
        assert (waiting.throttling_failure_count, waiting.throttling_failure_timestamp) == (0, None)
    response = _signed_in(alice.user).post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302
    # Only that person's wait: another's stays.
    someone_else.refresh_from_db()
    assert someone_else.throttling_failure_count == 30


def test_lifting_counts_only_devices_that_were_waiting(alice):
    give_authenticator(alice.user)
    codes = recovery_codes(alice.user)
    _as_if_failed(codes, 2)
    assert second_factor.lift_code_lockouts(alice.user) == 1
    assert not StaticDevice.objects.filter(throttling_failure_count__gt=0).exists()
    assert not TOTPDevice.objects.filter(throttling_failure_count__gt=0).exists()


def test_setting_up_a_first_app_says_how_long_without_mentioning_recovery_codes(alice):
    client = _signed_in(alice.user)
    client.get(reverse("factor-setup"))
    pending = TOTPDevice.objects.get(user=alice.user, confirmed=False)
    _as_if_failed(pending, 30)
    response = client.post(reverse("factor-setup"), {"code": code_for(pending)})
    assert CEILING_MESSAGE in response.text
    assert "If you have lost your phone" not in response.text
    assert not TOTPDevice.objects.filter(user=alice.user, confirmed=True).exists()
