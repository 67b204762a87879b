"""Second-factor helpers for tests: an authenticator for a person, and the
code their phone would show."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_authenticator(user, *, key: str | None = None) -> TOTPDevice:
    """The person's confirmed authenticator, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        extra = {"key": key} if key else {}
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True, **extra)
    return device


def code_for(device: TOTPDevice, *, steps: int = 0, at: float | None = None) -> str:
    """The code the device's app shows now (or ``steps`` time steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = (time.time() if at is None else at) + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def fresh_code_for(device: TOTPDevice) -> str:
    """A code the site has not accepted yet: each code works once, so a test
    that signs in twice within 30 seconds takes the next step's code, which
    the site also accepts (tolerance 1), or waits for a new one."""
    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    if device.last_t < now_t:
        return code_for(device)
    if device.last_t == now_t:
        return code_for(device, steps=1)
    # Both taken: wait for the next step.
    time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
    return fresh_code_for(device)
