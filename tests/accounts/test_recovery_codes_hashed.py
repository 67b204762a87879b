"""Recovery codes are stored as keyed hashes (accounts.recovery_codes): the
database holds no code, each code still works once and is throttled by
django-otp, codes survive a key rotation, and the migration converts the
codes stored before it."""

import importlib

import pytest
from django.apps import apps
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts import recovery_codes
from tests.otp_devices import recovery_codes as device_with_codes

CONVERSION = importlib.import_module("accounts.migrations.0010_recovery_codes_hashed")


def _stored(device) -> set[str]:
    return set(StaticToken.objects.filter(device=device).values_list("token", flat=True))


def test_new_codes_are_shown_but_not_stored(pat):
    device = StaticDevice.objects.create(user=pat.user, name="Recovery codes", confirmed=True)
    codes = recovery_codes.make(device, 10)
    stored = _stored(device)
    assert len(codes) == len(stored) == 10
    assert not stored & set(codes)
    assert stored == {recovery_codes.stored_form(code) for code in codes}
    assert all(len(token) == 16 for token in stored)  # django-otp's column


def test_a_code_works_once_typed_any_way(pat):
    device = device_with_codes(pat.user)
    assert recovery_codes.verify(device, " ABCD-2345 ")
    assert not recovery_codes.verify(device, "abcd2345")
    assert _stored(device) == {recovery_codes.stored_form("efgh6789")}


def test_the_stored_hash_is_not_a_code(pat):
    device = device_with_codes(pat.user)
    (stored,) = _stored(device) - {recovery_codes.stored_form("abcd2345")}
    assert not recovery_codes.verify(device, stored)
    assert len(_stored(device)) == 2


def test_a_wrong_code_counts_once_and_the_wait_refuses_a_right_one(pat, settings):
    settings.SECRET_KEY_FALLBACKS = ["an-older-key", "an-even-older-key"]
    device = device_with_codes(pat.user)
    assert not recovery_codes.verify(device, "zzzz9999")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # django-otp's wait holds for hashed codes as for any other.
    assert not recovery_codes.verify(device, "abcd2345")
    assert len(_stored(device)) == 2


def test_codes_made_under_an_older_key_still_work(pat, settings):
    old_key = settings.SECRET_KEY
    device = device_with_codes(pat.user)
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert recovery_codes.verify(device, "abcd2345")
    settings.SECRET_KEY_FALLBACKS = []
    assert not recovery_codes.verify(device, "efgh6789")


def test_the_migration_hashes_the_codes_stored_before_it(pat):
    device = StaticDevice.objects.create(user=pat.user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in ("abcd2345", "efgh6789")
    )
    CONVERSION.hash_codes(apps, None)
    assert _stored(device) == {
        recovery_codes.stored_form("abcd2345"),
        recovery_codes.stored_form("efgh6789"),
    }
    assert recovery_codes.verify(device, "efgh6789")
    assert _stored(device) == {recovery_codes.stored_form("abcd2345")}


def test_going_back_removes_the_codes_rather_than_leave_hashes_that_would_work(pat):
    device_with_codes(pat.user)
    CONVERSION.remove_codes(apps, None)
    assert not StaticToken.objects.exists()


@pytest.mark.second_factor_enforced
def test_signing_in_with_a_recovery_code_uses_the_hash(alice):
    from django.test import Client
    from django.urls import reverse

    from tests.factors import give_authenticator

    give_authenticator(alice.user)
    device = device_with_codes(alice.user)
    client = Client()
    client.force_login(alice.user)
    response = client.post(f"{reverse('factor-verify')}?with=recovery", {"code": "efgh 6789"})
    assert response.status_code == 302
    assert _stored(device) == {recovery_codes.stored_form("abcd2345")}
