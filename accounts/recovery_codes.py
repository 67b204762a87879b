"""Recovery codes are stored as keyed hashes, never as the codes themselves.

django-otp keeps each code as a ``StaticToken`` (a 16-character column) and
its ``StaticDevice.verify_token`` finds a typed token by equality, deletes it
when it matches (each code works once) and throttles wrong tries. Storing
``stored_form(code)`` instead of the code, and handing django-otp
``stored_form(typed)``, keeps all three, while someone who reads the
database (a backup, a leaked dump) learns no code.

The hash is HMAC-SHA256 keyed by ``SECRET_KEY`` (Django's ``salted_hmac``),
cut to 96 bits and written as 16 base64 characters to fit the column. A code
has only 40 random bits, so an unkeyed hash could be reversed by trying
them all; the key is what protects it. Codes made under a key now in
``SECRET_KEY_FALLBACKS`` still work, so rotating the key does not take away
anyone's codes.
"""

from base64 import urlsafe_b64encode

from django.conf import settings
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

_SALT = "accounts.recovery_codes"


def normalise(typed: str) -> str:
    """Codes are shown in two groups of four; accept them typed any way."""
    return "".join(ch for ch in typed if ch.isalnum()).lower()


def stored_form(code: str, *, secret: str | None = None) -> str:
    """What the database keeps for ``code``: 16 characters, the column's size."""
    digest = salted_hmac(
        _SALT, normalise(code), secret=secret or settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return urlsafe_b64encode(digest[:12]).decode()


def _stored_forms(typed: str) -> list[str]:
    """The stored form under the current key, then under each older one."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [stored_form(typed, secret=secret) for secret in secrets]


def make(device: StaticDevice, count: int) -> list[str]:
    """``count`` new codes for ``device``: returned to be shown once, stored hashed."""
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=stored_form(code)) for code in codes
    )
    return codes


def verify(device: StaticDevice, typed: str) -> bool:
    """Is ``typed`` one of the device's unused codes? Uses it up if so.

    django-otp does the rest: refuses while the device waits after wrong
    codes, counts a wrong one, deletes the one that matched. It is called
    once, with the stored form that is there if any is, so a wrong code
    counts once whatever the number of keys.
    """
    forms = _stored_forms(typed)
    present = device.token_set.filter(token__in=forms).values_list("token", flat=True).first()
    return device.verify_token(present or forms[0])
