"""The second factor: an authenticator app (TOTP) and ten single-use recovery codes.

django-otp does the cryptography, the replay check (a TOTP device remembers
the last time step it accepted) and the throttling (each wrong code doubles
the wait before the next try, here up to ``CODE_WAIT_CEILING``, the same 15
minutes as a password lock-out; a new password from a reset link lifts it).
This module decides who must have a factor, sets one up, checks a code,
and writes every event to the audit trail, with the device or the person as
the object and never a code or a secret.

Clinic members (practitioners, clinic admins) and staff must have one;
patients may turn one on. A person's factor is one confirmed ``TOTPDevice``
plus one ``StaticDevice`` holding their recovery codes, stored as keyed
hashes (``accounts.recovery_codes``); on top of these they may add passkeys
(``accounts.passkeys``), another way to pass the same step.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import django_otp
import django_otp.models
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import audit, recovery_codes
from accounts.access import role_of
from accounts.models import AuditEvent, User

Action = AuditEvent.Action

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Codes to show once, after set-up or renewal, kept in the session only until
# the page that shows them is loaded.
CODES_TO_SHOW = "_recovery_codes_to_show"

# django-otp doubles the wait after each wrong code with no ceiling of its
# own that matters (a hundred years), so a few dozen wrong codes, typed by
# the person or by whoever has their password, would lock them out for days.
# Fifteen minutes, as for passwords (AXES_COOLOFF_TIME), still leaves a
# guesser one try per quarter of an hour once the ceiling is reached.
CODE_WAIT_CEILING = timedelta(minutes=15)


def apply_code_wait_ceiling() -> None:
    """Cap django-otp's throttling delay for every device (from ``AppConfig.ready``).

    django-otp reads ``MAX_THROTTLE_DELAY_SECONDS`` from its module each time
    it computes a wait and offers no setting for it; the tests of the ceiling
    fail if a new django-otp stops reading it.
    """
    django_otp.models.MAX_THROTTLE_DELAY_SECONDS = CODE_WAIT_CEILING.total_seconds()


def must_have_factor(user) -> bool:
    """Clinic members and staff may not use the site without a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or role_of(user) in ("practitioner", "clinic_admin")


def authenticator(user) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they have one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_factor(user) -> bool:
    """Is there a second factor to pass at sign-in: the authenticator app, or
    a passkey (which only comes on top of the app, but is counted on its own
    too, so that a passkey left without the app is still asked for)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def forget_factor_answer(request: HttpRequest) -> None:
    """This session's remembered "no second factor" no longer holds
    (accounts.middleware keeps it, to spare a query per page)."""
    from accounts.middleware import NO_FACTOR_CHECKED

    request.session.pop(NO_FACTOR_CHECKED, None)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def clinic_id_of(user) -> int | None:
    """The clinic an event belongs to: the member's or the patient's; None for staff."""
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.clinic_id
    patient = getattr(user, "patient", None)
    if patient is not None:
        return patient.clinic_id
    return None


def _audit(request: HttpRequest, action: str, obj, *, count: int | None = None) -> None:
    audit.record(request, action, obj, clinic_id=clinic_id_of(request.user), count=count)


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up: the same one until it is confirmed, so
    that reloading the page does not change the code the person scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_in_groups(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it by hand: base32, in
    groups of four letters."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_codes(device: StaticDevice) -> list[str]:
    return recovery_codes.make(device, RECOVERY_CODE_COUNT)


@dataclass(frozen=True)
class Outcome:
    """What a code did: passed (with the device that took it), or not: checked
    and wrong, or not even checked because of earlier wrong codes; and how
    long until the next try is allowed."""

    device: Device | None = None
    checked: bool = True
    wait_seconds: int = 0

    @property
    def passed(self) -> bool:
        return self.device is not None


def wait_seconds(devices) -> int:
    """Seconds until every device accepts a try again; 0 if they all do now."""
    latest: datetime | None = None
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            until = details["locked_until"]
            latest = until if latest is None or until > latest else latest
    if latest is None:
        return 0
    return max(1, math.ceil((latest - timezone.now()).total_seconds()))


def confirm_authenticator(request: HttpRequest, device: TOTPDevice, code: str) -> Outcome:
    """Confirm a new authenticator with a current code from it.

    On success the person's earlier authenticator and recovery codes are
    replaced, ten new codes are made (kept in the session to be shown once),
    and this session counts as having passed the second factor.
    """
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        wait = wait_seconds([device])
        if wait or not device.verify_token(_digits(code)):
            _audit(request, Action.FACTOR_FAILED, device)
            return Outcome(checked=not wait, wait_seconds=wait or wait_seconds([device]))
        for old in TOTPDevice.objects.filter(user=user).exclude(pk=device.pk):
            _audit(request, Action.FACTOR_REMOVED, old)
            old.delete()
        StaticDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = _new_codes(recovery)
        _audit(request, Action.FACTOR_ADDED, device)
        _audit(request, Action.RECOVERY_CODES_RENEWED, recovery, count=len(codes))
    django_otp.login(request, device)
    forget_factor_answer(request)
    request.session[CODES_TO_SHOW] = codes
    return Outcome(device=device)


def _digits(code: str) -> str:
    return "".join(code.split())


def verify(request: HttpRequest, code: str) -> Outcome:
    """Check a code from the authenticator or a recovery code for this session.

    Every device of the person is tried in one transaction with its rows
    locked, so that two requests cannot use the same code. While any device
    is still waiting after wrong codes nothing is tried, and the person is
    told how long to wait.
    """
    user = request.user
    with transaction.atomic():
        devices = list(django_otp.devices_for_user(user, for_verify=True))
        totps = [d for d in devices if isinstance(d, TOTPDevice)]
        statics = [d for d in devices if isinstance(d, StaticDevice)]
        wait = wait_seconds(devices)
        passed = None
        if not wait:
            passed = next((d for d in totps if d.verify_token(_digits(code))), None)
            if passed is None:
                passed = next((d for d in statics if recovery_codes.verify(d, code)), None)
        if passed is None:
            _audit(request, Action.FACTOR_FAILED, totps[0] if totps else user)
            return Outcome(checked=not wait, wait_seconds=wait or wait_seconds(devices))
        # A right code clears the wait on every device, not only the one that took it.
        for device in devices:
            # Passkeys have no wait of their own (a signature cannot be guessed).
            if getattr(device, "throttling_failure_count", 0):
                device.throttle_reset()
        _audit(request, Action.FACTOR_PASSED, passed)
        if isinstance(passed, StaticDevice):
            _audit(request, Action.RECOVERY_CODE_USED, passed, count=passed.token_set.count())
    django_otp.login(request, passed)
    return Outcome(device=passed)


def wait_in_words(seconds: int) -> str:
    """A wait as a person reads it: "8 seconds", "a minute", "15 minutes"."""
    if seconds < 60:
        return "a second" if seconds == 1 else f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def too_many_wrong_codes(seconds: int, *, has_recovery_codes: bool = True) -> str:
    """What a person is told while their codes are paused."""
    message = f"Too many wrong codes. Wait {wait_in_words(seconds)}, then try again."
    if has_recovery_codes:
        message += (
            " If you have lost your phone, use one of your recovery codes once the wait is over."
        )
    return message


def lift_code_lockouts(user: User) -> int:
    """End the wait wrong codes have earned on every device of ``user``.

    Called when the person sets a new password from a reset link, as
    ``sign_in_limits.lift_lockout`` is for passwords: whoever reads the inbox
    is the person the pause protected, and the old password that let codes be
    tried no longer works. Returns how many devices were waiting.
    """
    lifted = 0
    for model in (TOTPDevice, StaticDevice):
        lifted += model.objects.filter(user=user, throttling_failure_count__gt=0).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
    return lifted


def renew_recovery_codes(request: HttpRequest) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    user = request.user
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": RECOVERY_NAME}
        )
        device.token_set.all().delete()
        codes = _new_codes(device)
        _audit(request, Action.RECOVERY_CODES_RENEWED, device, count=len(codes))
    request.session[CODES_TO_SHOW] = codes
    return codes


def turn_off(request: HttpRequest) -> None:
    """Remove a patient's authenticator, recovery codes and passkeys. Members
    and staff never get here: the view refuses them."""
    user = request.user
    with transaction.atomic():
        for model in (TOTPDevice, WebAuthnCredential):
            for device in model.objects.filter(user=user):
                if device.confirmed:
                    _audit(request, Action.FACTOR_REMOVED, device)
                device.delete()
        StaticDevice.objects.filter(user=user).delete()
    forget_factor_answer(request)
