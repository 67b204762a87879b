"""How many passwords one client address may have checked, across all
accounts, and how many this machine may be checking at once.

Where each limit lives:

- this module: the sign-in *policy* for passwords (the per-address pause,
  the cap on hashing at once, the page a refused sign-in gets, and lifting
  axes' lock-out after a reset);
- ``accounts.throttle``: the *mechanism* this module counts with (``Limit``,
  ``take``, ``refusal`` over ``SendingWindow`` rows), the one reader of the
  client address, and the email limits (reset and invitation);
- django-axes (settings ``AXES_*``): five wrong passwords for one email at one
  address, 15 minutes;
- ``accounts.sudo``: tries at the sudo confirmation, per person, also a
  ``throttle.Limit``;
- ``accounts.second_factor``: wrong codes, django-otp's doubling wait per
  device, capped at 15 minutes and lifted by a reset, like axes' lock-out.

django-axes locks an email *at* an address after five wrong passwords
(``AXES_LOCKOUT_PARAMETERS``), which stops guessing one account but not
spraying: one guess each at forty accounts from one address never trips it.
Axes cannot give a second, different limit to the address alone, so this
module adds one, and a cap on hashing:

- ``AddressLimitBackend`` comes right after axes' backend (which refuses a
  locked email at an address) and does ModelBackend's work behind two
  refusals that hash nothing: the address has used up ``PER_ADDRESS``, or
  ``SIGN_IN_CHECKS_AT_ONCE`` passwords are being hashed on this machine
  already. Each raises ``PermissionDenied``, which ends Django's
  ``authenticate()``; axes' middleware then answers with ``lockout_response``
  (429 with the pause's length, or 503 "try again in a few seconds").
- A wrong password (or an unknown email, which ModelBackend hashes too, to
  take as long) is counted against the address. Attempts refused by axes or
  by this module are not: the count is "passwords tried from this address",
  and at most ``PER_ADDRESS.allowed`` are tried per window.

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

import fcntl
import functools
import hashlib
import ipaddress
import math
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.csp import LazyNonce

from accounts import audit, throttle
from accounts.models import normalise_email

# A clinic's waiting room, or a family at home, shares one public address.
# Axes already stops each person at five wrong passwords, so twenty lets
# four people mistype their way into a lock-out each in the same quarter of
# an hour before anyone else on that network is paused; an attacker gets
# twenty guesses per quarter of an hour per address (80 an hour) instead of
# five per account per address (200 across forty accounts at once).
PER_ADDRESS = throttle.Limit("sign-in.address", 20, per=timedelta(minutes=15))

# Set on the request when this module refused, for the page it gets.
REFUSED = "sign_in_address_refusal"
BUSY = "sign_in_busy"
# Set when SignInGateMiddleware holds a check slot for this request.
SLOT_HELD = "sign_in_slot_held"


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


def _slot_directory() -> Path:
    # One set of slots per database and machine: every web process of this
    # site here shares them (the CPU they protect is this machine's), and
    # two sites or test runs on one machine do not.
    database = connection.settings_dict
    site = hashlib.sha256(
        f"{database['ENGINE']}|{database['HOST']}|{database['PORT']}|{database['NAME']}".encode()
    ).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / f"matcompanion-sign-in-{site}"
    directory.mkdir(mode=0o700, exist_ok=True)
    # Another account on a shared /tmp could make the folder first and hold
    # every slot (systemd's PrivateTmp, as in deploy/, rules that out).
    if directory.is_symlink() or directory.stat().st_uid != os.getuid():
        raise ImproperlyConfigured(f"{directory} belongs to someone else.")
    return directory


@contextmanager
def password_check_slot() -> Iterator[bool]:
    """Hold one of ``settings.SIGN_IN_CHECKS_AT_ONCE`` slots while a password
    is hashed; yields False at once, without waiting, when all are taken.

    A slot is an exclusive ``flock`` on a file, shared by every process on
    this machine and let go by the kernel if a process dies holding it.
    """
    allowed = settings.SIGN_IN_CHECKS_AT_ONCE
    if allowed <= 0:
        yield True
        return
    directory = _slot_directory()
    for number in range(allowed):
        descriptor = os.open(
            directory / f"{number}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600
        )
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)
        return
    yield False


class SignInGateMiddleware:
    """Both refusals again, for a posted sign-in form, before the rest of the
    site runs: under attack nearly every sign-in is refused, so a refusal is
    answered here, just inside the request log and SecurityMiddleware and
    before sessions, CSRF, the user, the second factor and axes. It costs a
    lock attempt on a file (busy), at most one indexed read (paused), one
    statement counting it in the audit trail, and a bare page carrying the
    headers every page carries (``refused_answer``). An allowed sign-in
    holds its check slot for the rest of the request; the backend still
    checks both for callers that do not come through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method != "POST" or request.path_info != reverse("login"):
            return self.get_response(request)
        identity = address_identity(request)
        refusal = known_pause(identity)
        if refusal is None:
            # The slot next: when the machine is busy the answer needs no read.
            with password_check_slot() as free:
                if free:
                    refusal = throttle.refusal(PER_ADDRESS, identity)
                    if refusal is None:
                        setattr(request, SLOT_HELD, True)
                        return self.get_response(request)
                    remember_pause(identity, refusal)
        hold_refusal(request)
        return refused_answer(request, refusal)


# Answering a refusal at once invites the next try at once: a client that
# sends again as soon as it hears back keeps the processors busy however
# cheap each refusal is. So a refused sign-in waits
# SIGN_IN_REFUSAL_HOLD_MS before its answer, in a thread that sleeps
# (no processor time, no database connection in use). Only where the server
# gives each process threads to spare (gunicorn's gthread workers,
# ``wsgi.multithread``), and at most SIGN_IN_HOLDS_AT_ONCE per process, so
# holds never take the threads everyone else's pages need: past that bound
# a refusal is answered straight away, as before.
_holds_lock = threading.Lock()
_holds: threading.BoundedSemaphore | None = None


def _hold_slots() -> threading.BoundedSemaphore:
    global _holds
    with _holds_lock:
        if _holds is None:
            _holds = threading.BoundedSemaphore(max(1, settings.SIGN_IN_HOLDS_AT_ONCE))
        return _holds


def hold_refusal(request: HttpRequest) -> bool:
    """Sleep before a refused sign-in's answer when this process has a hold
    to spare; True if it did."""
    seconds = settings.SIGN_IN_REFUSAL_HOLD_MS / 1000
    if seconds <= 0 or settings.SIGN_IN_HOLDS_AT_ONCE <= 0:
        return False
    if not request.META.get("wsgi.multithread"):
        return False
    slots = _hold_slots()
    if not slots.acquire(blocking=False):
        return False
    try:
        time.sleep(seconds)
    finally:
        slots.release()
    return True


# Pauses this process has read, by address identity. Nothing lifts a pause
# before its window ends (see the module's docstring), so until then a
# hammering address is refused from memory, without a database read; each
# web process reads it once. Bounded, so that addresses made up by the
# million cannot fill the memory: past the bound it starts again.
_KNOWN_PAUSES: dict[str, throttle.Refusal] = {}
_KNOWN_PAUSES_AT_MOST = 10_000


def known_pause(identity: str) -> throttle.Refusal | None:
    refusal = _KNOWN_PAUSES.get(identity)
    if refusal is not None and refusal.until <= timezone.now():
        _KNOWN_PAUSES.pop(identity, None)
        return None
    return refusal


def remember_pause(identity: str, refusal: throttle.Refusal) -> None:
    if len(_KNOWN_PAUSES) >= _KNOWN_PAUSES_AT_MOST:
        _KNOWN_PAUSES.clear()
    _KNOWN_PAUSES[identity] = refusal


def forget_known_pauses() -> None:
    """Empty this process's memory of pauses (tests, whose database is
    rolled back under it)."""
    _KNOWN_PAUSES.clear()


def audit_address(request: HttpRequest) -> str | None:
    """The address a refused sign-in is counted under in the audit trail: the
    client's, or for IPv6 the first of its /64, as the pause counts it (one
    row a minute for the whole /64, not one for each address it can use)."""
    identity = address_identity(request)
    if identity == "unknown":
        return None
    try:
        return str(ipaddress.ip_network(identity, strict=False).network_address)
    except ValueError:
        return None


def refused_answer(request: HttpRequest, refusal: throttle.Refusal | None) -> HttpResponse:
    """The gate's answer: 429 with the minutes left for a paused address, 503
    with a few seconds for a busy machine; counted in the audit trail.

    Built without the site's middleware, so it adds what they would have:
    the nonce-based CSP, the frame refusal and never-stored (SecurityMiddleware,
    outside the gate, adds HSTS, nosniff and the referrer policy). The page
    is rendered from its own few values, with no context processors: nothing
    here reads the session or the user."""
    # For the request log's line, which names the route as for any page.
    request.resolver_match = resolve(request.path_info)
    audit.count_refused_sign_in(audit_address(request), request.path)
    if refusal is None:
        template, minutes, status, retry_after = "registration/sign_in_busy.html", None, 503, 5
    else:
        seconds = (refusal.until - timezone.now()).total_seconds()
        minutes = max(1, math.ceil(seconds / 60))
        template, status, retry_after = "registration/address_paused.html", 429, minutes * 60
    request._csp_nonce = LazyNonce()
    body = _refusal_page(template, minutes).replace(_NONCE_MARK, str(request._csp_nonce))
    response = HttpResponse(body, status=status, headers={"Retry-After": str(retry_after)})
    ContentSecurityPolicyMiddleware(_finishing_only).process_response(request, response)
    XFrameOptionsMiddleware(_finishing_only).process_response(request, response)
    add_never_cache_headers(response)
    return response


# Stands in for the nonce in the pages kept by ``_refusal_page``; random, so
# no page text can contain it.
_NONCE_MARK = f"nonce-mark-{secrets.token_hex(16)}"


@functools.lru_cache(maxsize=32)
def _refusal_page(template: str, minutes: int | None) -> str:
    """The refusal page, rendered once per template and number of minutes (at
    most 15 + 1 pages): under attack rendering it each time was a third of
    the refusal's cost. The nonce is put in per answer."""
    return render_to_string(template, {"minutes": minutes, "csp_nonce": _NONCE_MARK})


def _finishing_only(request):  # pragma: no cover - the middleware only finishes answers
    raise AssertionError("not called")


class AddressLimitBackend(ModelBackend):
    """Django's ModelBackend behind two refusals that cost no hashing: the
    address has had too many wrong passwords, or as many passwords as this
    machine may check at once are being checked (the site is busy; try
    again in a moment). A wrong password is counted against the address
    and ends ``authenticate()`` here, so that ModelBackend, listed after
    this one for sessions that name it, never checks it a second time."""

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return None
        address = address_identity(request)
        refusal = throttle.refusal(PER_ADDRESS, address)
        if refusal is not None:
            setattr(request, REFUSED, refusal)
            self._refuse(request, "too many failed sign-ins from this address")
        held = getattr(request, SLOT_HELD, False)
        with nullcontext(True) if held else password_check_slot() as free:
            if not free:
                setattr(request, BUSY, True)
                self._refuse(request, "as many passwords as allowed are being checked")
            user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            throttle.take(PER_ADDRESS, address)
            raise PermissionDenied("wrong email or password")
        return user

    @staticmethod
    def _refuse(request: HttpRequest, reason: str):
        # Axes then records nothing (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
        # is off) and its middleware answers with ``lockout_response``.
        request.axes_locked_out = True
        raise PermissionDenied(reason)


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
    if getattr(request, BUSY, False):
        response = render(request, "registration/sign_in_busy.html", status=503)
        response["Retry-After"] = "5"
        return response
    minutes = minutes_left(request)
    if minutes is None:
        return render(request, "registration/locked_out.html", status=429)
    response = render(request, "registration/address_paused.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def lift_lockout(email: str) -> int:
    """Remove axes' lock-outs for ``email`` at every address; returns how many."""
    from axes.utils import reset

    return reset(username=normalise_email(email))
