"""How many passwords one client address may have checked, across all accounts.

django-axes locks an email *at* an address after five wrong passwords
(``AXES_LOCKOUT_PARAMETERS``), which stops guessing one account but not
spraying: one guess each at forty accounts from one address never trips it.
Axes cannot give a second, different limit to the address alone, so this
module adds one:

- ``AddressLimitBackend`` sits in ``AUTHENTICATION_BACKENDS`` right after
  axes' backend and before ``ModelBackend``. When the address has used up
  ``PER_ADDRESS`` it raises ``PermissionDenied``, which ends Django's
  ``authenticate()`` before ``ModelBackend`` hashes anything, so a refused
  sign-in costs the server one indexed read instead of an Argon2 hash.
- ``count_failure`` (``user_login_failed``) counts a failure against the
  address only when a password was really checked: not when axes refused the
  email and address (axes' backend raises before this one is reached) and
  not when this module refused. So the count is "passwords tried from this
  address", and at most ``PER_ADDRESS.allowed`` are tried per window.

The counts are ``accounts.throttle`` windows in the database, shared by every
process, and taken with a conditional UPDATE, so simultaneous failures all
count. Neither a successful sign-in nor a password reset clears an address's
count: an attacker with one account of their own at the clinic could
otherwise sign in, or reset their own password, to start spraying afresh.
Only the window's end lifts it.

``lift_lockout`` runs when someone sets a new password from a reset link: it
removes axes' lock-outs for that email (every address), since whoever holds
the inbox is the person the lock was protecting.
"""

import ipaddress
import math
from datetime import timedelta

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from accounts import throttle
from accounts.models import normalise_email

# A clinic's waiting room, or a family at home, shares one public address.
# Axes already stops each person at five wrong passwords, so twenty lets
# four people mistype their way into a lock-out each in the same quarter of
# an hour before anyone else on that network is paused; an attacker gets
# twenty guesses per quarter of an hour per address (80 an hour) instead of
# five per account per address (200 across forty accounts at once).
PER_ADDRESS = throttle.Limit("sign-in.address", 20, per=timedelta(minutes=15))

# Set on the request when this module refused, for the form's message.
REFUSED = "sign_in_address_refusal"
# Set on the request when a password is about to be checked.
CHECKED = "sign_in_password_checked"


def address_identity(request: HttpRequest) -> str:
    """The client address, with IPv6 taken as its /64: one home or phone
    usually has a whole /64 to itself and could otherwise change address
    for every guess."""
    address = throttle.client_address(request)
    if address is None:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class AddressLimitBackend:
    """Refuses, before any hashing, a sign-in from an address that has had
    too many wrong passwords; otherwise lets the next backend decide."""

    def authenticate(self, request: HttpRequest | None, **credentials) -> None:
        if request is None:
            return None
        refusal = throttle.refusal(PER_ADDRESS, address_identity(request))
        if refusal is not None:
            setattr(request, REFUSED, refusal)
            # Axes then records nothing (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
            # is off) and its middleware answers with ``lockout_response``.
            request.axes_locked_out = True
            raise PermissionDenied("too many failed sign-ins from this address")
        setattr(request, CHECKED, True)
        return None

    # No get_user(): a backend with one could be picked by login(backend=None)
    # and test clients' force_login() to hold sessions it cannot restore.


def minutes_left(request: HttpRequest) -> int | None:
    """If this module refused the request, whole minutes until it may try again."""
    refusal = getattr(request, REFUSED, None)
    if refusal is None:
        return None
    seconds = (refusal.until - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The page for a refused sign-in (``AXES_LOCKOUT_CALLABLE``): the address
    is paused, or axes has locked this email at this address. Neither says
    whether the email has an account."""
    minutes = minutes_left(request)
    if minutes is None:
        return render(request, "registration/locked_out.html", status=429)
    response = render(request, "registration/address_paused.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_limits.count_failure")
def count_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None or not getattr(request, CHECKED, False):
        return
    throttle.take(PER_ADDRESS, address_identity(request))


def lift_lockout(email: str) -> int:
    """Remove axes' lock-outs for ``email`` at every address; returns how many."""
    from axes.utils import reset

    return reset(username=normalise_email(email))
