"""Who is asking, and counted limits on how often they may do something.

This is the mechanism; the policies that use it live with what they limit:
the email limits below (reset and invitation), the sign-in limit per address
in ``accounts.sign_in_limits`` (which also holds the rest of the password
sign-in policy around django-axes), and the sudo confirmation's tries in
``accounts.sudo``. Wrong second-factor codes are not counted here: django-otp
throttles each device (``accounts.second_factor``).

``client_address`` is the one place that reads the client's address: behind
``TRUSTED_PROXY_COUNT`` proxies it takes the address the outermost trusted
proxy saw from ``X-Forwarded-For``, otherwise the connecting address. Axes
uses it for sign-in lock-outs (``AXES_CLIENT_IP_CALLABLE``).

``take`` counts one use of a ``Limit`` and ``refusal`` reads whether one is
used up without counting. Counts live in the database
(``SendingWindow``), so every web process on every machine shares them; a
conditional UPDATE takes each slot, so simultaneous requests cannot go over.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import SendingWindow, normalise_email


def username_for_lockout(request, credentials) -> str | None:
    """Axes counts failures per address; ``Ann@X.org`` and ``ann@x.org`` are one."""
    username = None
    if credentials:
        username = credentials.get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return normalise_email(username) if username else username


def _valid_address(value: str) -> str | None:
    value = value.strip()
    # A zone id (fe80::1%eth0) is meaningless off the proxy's own link.
    if not value or "%" in value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the client behind ``settings.TRUSTED_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it was connected from to
    ``X-Forwarded-For``, so with N of them the N-th entry from the right is
    the one the outermost trusted proxy saw; anything further left was sent
    by the client and may be invented. With no trusted proxy the header is
    never read. A missing, short or malformed header gives the connecting
    address (``REMOTE_ADDR``), as if there were no header.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", trusted)
    if len(hops) < trusted:
        return remote
    return _valid_address(hops[-trusted]) or remote


@checks.register(checks.Tags.security, deploy=True)
def proxy_count_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Behind the TLS proxy (BEHIND_PROXY) with no proxy trusted, every client
    has the proxy's address: one client's lock-out or email limit is everyone's."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            checks.Warning(
                "BEHIND_PROXY is on but TRUSTED_PROXY_COUNT is 0, so every request seems to "
                "come from the proxy and shares its sign-in lock-outs and email limits.",
                hint="Have the proxy append X-Forwarded-For and set TRUSTED_PROXY_COUNT=1.",
                id="accounts.W001",
            )
        ]
    return []


# --- How often email may go ---------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    scope: str
    allowed: int
    per: timedelta = timedelta(hours=1)


RESET_PER_EMAIL = Limit("reset.email", 3)
RESET_PER_CLIENT = Limit("reset.client", 10)
INVITATION_PER_EMAIL = Limit("invitation.email", 3)
INVITATION_PER_CLIENT = Limit("invitation.client", 10)


@dataclass(frozen=True)
class Refusal:
    limit: Limit
    window: SendingWindow
    until: datetime  # when the next one is allowed


def _key(limit: Limit, identity: str) -> str:
    # A keyed hash: the table holds no email or network address, and nobody
    # with the database alone can tell whose counts are whose.
    return salted_hmac(
        "accounts.throttle", f"{limit.scope}\n{identity}", algorithm="sha256"
    ).hexdigest()


def take(limit: Limit, identity: str) -> Refusal | None:
    """Count one use of ``limit`` by ``identity``, or refuse (``None`` means allowed).

    A window opens at the first use and lasts ``limit.per``; once it has
    passed, the next use opens a new one.
    """
    now = timezone.now()
    ended = now - limit.per
    key = _key(limit, identity)
    with transaction.atomic():
        window, created = SendingWindow.objects.get_or_create(
            scope=limit.scope, key=key, defaults={"started_at": now, "count": 1}
        )
        if created:
            return None
        rows = SendingWindow.objects.filter(pk=window.pk)
        if rows.filter(started_at__lte=ended).update(started_at=now, count=1):
            return None
        if rows.filter(started_at__gt=ended, count__lt=limit.allowed).update(count=F("count") + 1):
            return None
        window.refresh_from_db()
    return Refusal(limit=limit, window=window, until=window.started_at + limit.per)


def refusal(limit: Limit, identity: str) -> Refusal | None:
    """Whether ``identity`` has used up ``limit`` in its current window, counting nothing.

    One read by the unique key: cheap enough to run before any password is hashed.
    """
    window = SendingWindow.objects.filter(
        scope=limit.scope,
        key=_key(limit, identity),
        started_at__gt=timezone.now() - limit.per,
        count__gte=limit.allowed,
    ).first()
    if window is None:
        return None
    return Refusal(limit=limit, window=window, until=window.started_at + limit.per)


def _take_both(request: HttpRequest, email: str, per_client: Limit, per_email: Limit):
    # The client's slot first: a client over its limit spends no address's slots.
    return take(per_client, client_address(request) or "unknown") or take(
        per_email, normalise_email(email)
    )


def password_reset_refusal(request: HttpRequest, email: str) -> Refusal | None:
    """Count a password-reset request for ``email``; a refusal means send nothing."""
    return _take_both(request, email, RESET_PER_CLIENT, RESET_PER_EMAIL)


def invitation_refusal(request: HttpRequest, email: str) -> Refusal | None:
    """Count an invitation email to ``email``; a refusal means send nothing."""
    return _take_both(request, email, INVITATION_PER_CLIENT, INVITATION_PER_EMAIL)


def forget_ended_windows(now: datetime) -> int:
    """Delete windows that ended over a day ago (a periodic job)."""
    deleted, _ = SendingWindow.objects.filter(started_at__lt=now - timedelta(days=1)).delete()
    return deleted
