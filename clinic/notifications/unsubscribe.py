"""The signed link in every reminder that switches reminders off without signing in.

The token is the patient's id signed with the site's secret key (Django's
``TimestampSigner``, with a salt of its own so no other signed value can
pass for it). It carries nothing else: anyone holding the email can turn
that patient's reminders off, and nothing more. It expires after
``MAX_AGE``; a tampered or expired token changes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Patient

SALT = "clinic.notifications.unsubscribe"
# Long enough for an email read weeks later; short enough that a link found in
# an old mailbox stops working.
MAX_AGE = timedelta(days=90)


class BadToken(Exception):
    """The token was tampered with, is not one of ours, or has expired."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "bad")
        self.expired = expired


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def token_for(patient: Patient) -> str:
    return _signer().sign(str(patient.pk))


def patient_id_from(token: str) -> int:
    """The patient id the token was made for; ``BadToken`` when it cannot be trusted."""
    try:
        value = _signer().unsign(token, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise BadToken(expired=True) from error
    except signing.BadSignature as error:
        raise BadToken() from error
    if not value.isdigit():
        raise BadToken()
    return int(value)


def url_for(patient: Patient) -> str:
    """The absolute one-click link (also the ``List-Unsubscribe`` address)."""
    return settings.SITE_URL + reverse("unsubscribe", args=[token_for(patient)])
