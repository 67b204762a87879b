"""Passkeys and security keys (WebAuthn) as a second way to pass the second factor.

django-otp-webauthn does the ceremony (py_webauthn checks every signature,
challenge and origin) and stores each passkey as a django-otp device, so
``request.user.is_verified()`` and the middleware need nothing new. This
module adds the site's rules around it:

- a passkey comes on top of the authenticator app, never instead of it: only
  someone with a confirmed authenticator who has passed their factor in this
  session, and confirmed it is them (``accounts.sudo``), may add one;
- a passkey never replaces the password (no passwordless sign-in);
- adding, passing with, failing with and removing one is audited, with the
  passkey (or the person) as the object and nothing else;
- a person who has already passed their factor and uses a passkey again is
  confirming it is them: that counts as the sudo moment.
"""

import json

import django_otp
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import audit, sudo
from accounts.models import AuditEvent, User
from accounts.second_factor import authenticator, clinic_id_of

Action = AuditEvent.Action

DEFAULT_NAME = "Passkey"
NAME_MAX_LENGTH = 64  # django-otp's Device.name


def passkeys_of(user: User) -> QuerySet[WebAuthnCredential]:
    """The person's passkeys, oldest first, as Account security lists them."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def config_for(request: HttpRequest) -> dict:
    """What the library's script reads from the page (``otp_webauthn_config``):
    the four addresses and the CSRF token. It is JSON in a
    ``<script type="application/json">`` element, which is data and never
    run, so the site's CSP (scripts from this site or with a nonce) holds."""
    return get_configuration(request)


def _audit(request: HttpRequest, action: str, obj) -> None:
    audit.record(request, action, obj, clinic_id=clinic_id_of(request.user))


def rename(passkey: WebAuthnCredential, name: str) -> None:
    passkey.name = name
    passkey.save(update_fields=["name"])


def remove(request: HttpRequest, passkey: WebAuthnCredential) -> None:
    """Remove one of the signed-in person's passkeys.

    If this session passed the sign-in step with that very passkey, it stays
    passed, held by the authenticator app from now on: the person has just
    confirmed it is them, and should not be asked for a code for removing a
    passkey they no longer trust.
    """
    used_here = request.session.get(django_otp.DEVICE_ID_SESSION_KEY) == passkey.persistent_id
    with transaction.atomic():
        _audit(request, Action.FACTOR_REMOVED, passkey)
        passkey.delete()
    app = authenticator(request.user)
    if used_here and app is not None:
        django_otp.login(request, app)


class PasskeyHelper(WebAuthnHelper):
    """The library's helper, with the site's relying party on this machine.

    In development and tests (``PASSKEYS_ON_ANY_LOCAL_PORT``), a page opened
    as ``http://localhost:<port>`` makes and uses passkeys for ``localhost``
    at that port. In production only the settings count.
    """

    def _local_host(self) -> str | None:
        if not getattr(settings, "PASSKEYS_ON_ANY_LOCAL_PORT", False):
            return None
        host = self.request.get_host()
        return host if host.split(":")[0] == "localhost" else None

    def get_relying_party_domain(self) -> str:
        if self._local_host():
            return "localhost"
        return super().get_relying_party_domain()

    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        local = self._local_host()
        if local:
            origins.append(f"http://{local}")
        return origins

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        # Named by the person on the next page; until then, a plain name.
        device.name = DEFAULT_NAME
        return device


class NoAuthenticator(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "no_authenticator"
    default_detail = (
        "Set up your authenticator app first. A passkey is a second way in, on top of it."
    )


class ConfirmFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "confirm_first"
    default_detail = (
        "For your safety we need you to confirm it is you again. "
        "Reload this page, confirm, then add your passkey."
    )


class _MayAdd:
    """Adding a passkey: for people with an authenticator app, who confirmed
    it is them within the sudo window. (The library itself already refuses
    anyone who has not passed their second factor in this session.)"""

    def check_can_register(self):
        if authenticator(self.request.user) is None:
            raise NoAuthenticator()
        if not sudo.is_confirmed(self.request):
            raise ConfirmFirst()


class BeginRegistration(_MayAdd, BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_MayAdd, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        # Not in a transaction: the library saves the session with the used
        # challenge removed, and that must stand even when the check fails.
        response = super().post(*args, **kwargs)
        passkey = WebAuthnCredential.objects.get(
            pk=json.loads(response.content)["id"], user=self.request.user
        )
        _audit(self.request, Action.FACTOR_ADDED, passkey)
        return response


# Passing the factor with a passkey happens before the second-factor check
# lets the person anywhere. SecondFactorRequiredMiddleware leaves alone the
# views that do not need a sign-in, so these two are marked so; they ask for
# the signed-in person themselves and answer anyone else 403 in JSON, as the
# script expects (a redirect to the sign-in page would mean nothing to it).
@method_decorator(login_not_required, name="dispatch")
class BeginAuthentication(BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        # Never passwordless: the person has signed in with their password.
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()


@method_decorator(login_not_required, name="dispatch")
class CompleteAuthentication(CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()

    def post(self, *args, **kwargs):
        try:
            return super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError as error:
            if self.request.user.is_authenticated and not isinstance(
                error, exceptions.InvalidState
            ):
                _audit(self.request, Action.FACTOR_FAILED, self.request.user)
            raise

    def complete_auth(self, device: WebAuthnCredential) -> None:
        already_passed = self.request.user.is_verified()
        super().complete_auth(device)
        if already_passed:
            # Proof of the passkey again, later in the session: it is them.
            sudo.mark_confirmed(self.request)
            _audit(self.request, Action.CONFIRMED, self.request.user)
        else:
            _audit(self.request, Action.FACTOR_PASSED, device)
