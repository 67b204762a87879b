"""Second-factor devices for tests, made directly with django-otp's models."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.recovery_codes import stored_form


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=confirmed)


def current_code(device: TOTPDevice) -> str:
    """The six digits the person's app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def recovery_codes(user, codes=("abcd2345", "efgh6789")) -> StaticDevice:
    """A device holding ``codes``, stored as the site stores them (hashed)."""
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=stored_form(code))
    return device
