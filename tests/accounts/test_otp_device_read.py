"""The device a session passed its second factor with is read by a fixed
statement, and is exactly the device django-otp's own reading gives, or
None where that gives None."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential

from accounts.otp_middleware import device_from_persistent_id
from tests.otp_devices import recovery_codes, totp_device


def _described(device):
    if device is None:
        return None
    return (
        type(device),
        {f.attname: getattr(device, f.attname) for f in device._meta.concrete_fields},
        sorted(f.attname for f in device._meta.concrete_fields if f.attname in vars(device)),
        device._state.db,
        device._state.adding,
        vars(device._state).get("fetch_mode"),
        dict(device._state.fields_cache),
    )


@pytest.fixture
def devices(alice, bob):
    passkey = WebAuthnCredential.objects.create(
        user=alice.user,
        name="Laptop",
        confirmed=True,
        credential_id=b"\x01\x02credential",
        public_key=b"\x03\x04key",
        transports=["internal", "hybrid"],
        sign_count=3,
    )
    return {
        "authenticator": totp_device(alice.user),
        "unconfirmed authenticator": totp_device(bob.user, confirmed=False),
        "recovery codes": recovery_codes(alice.user),
        "passkey": passkey,
    }


def test_the_site_uses_this_middleware():
    assert "accounts.otp_middleware.OTPMiddleware" in settings.MIDDLEWARE
    assert "django_otp.middleware.OTPMiddleware" not in settings.MIDDLEWARE


@pytest.mark.parametrize(
    "which", ["authenticator", "unconfirmed authenticator", "recovery codes", "passkey"]
)
def test_a_device_is_the_one_django_otp_reads(devices, which):
    persistent_id = devices[which].persistent_id
    expected = _described(Device.from_persistent_id(persistent_id))
    with CaptureQueriesContext(connection) as queries:
        got = _described(device_from_persistent_id(persistent_id))
    assert got == expected
    assert expected is not None
    assert len(queries.captured_queries) == 1


@pytest.mark.parametrize(
    "persistent_id",
    [
        "otp_totp.totpdevice/999999",
        "otp_totp.totpdevice/99999999999999999999999",
        "otp_totp.totpdevice/abc",
        "otp_totp.totpdevice",
        "otp_totp/1",
        "nope.nothing/1",
        "",
    ],
)
def test_an_unknown_or_malformed_id_is_none_as_for_django_otp(db, persistent_id):
    assert Device.from_persistent_id(persistent_id) is None
    assert device_from_persistent_id(persistent_id) is None


def test_a_deleted_device_is_none(devices):
    device = devices["authenticator"]
    persistent_id = device.persistent_id
    device.delete()
    assert device_from_persistent_id(persistent_id) is None
