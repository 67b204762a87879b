"""A "sudo" moment: re-enter the password or a code before a sensitive step.

Turning a second factor off, changing a password (the person's own, or a
user's in the admin), asking to change one's sign-in address
(``accounts.email_change``) and downloading a patient's data first ask the person
to prove it is still them: their password, or a current code from any of
their confirmed second-factor devices (a recovery code counts). The time
they did is kept in their session, and for ``WINDOW`` they are not asked
again.

Fifteen minutes: long enough to change a password and download a file in
one sitting, short enough that a laptop left signed in between appointments
(the idle sign-out comes only after 30 minutes) does not carry a
confirmation to whoever sits down at it. The window counts from the
confirmation and is never extended by use.

Two ways to ask:

- ``@sudo_required`` on a view, for views with no access check of their own
  to run first (and the admin's views);
- ``answer = confirmation_needed(request)`` on the line after a view's access
  check, so that the wrong role still gets 403 and another clinic's object
  404 before anyone is asked for a password.

The session key is bound to the user who confirmed. Signing out flushes the
session; signing in (as anyone) drops the key (``accounts.signals``), so a
confirmation never outlives the sign-in it was made in.
"""

from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from accounts import throttle
from accounts.text import is_encodable

SESSION_KEY = "_sudo_confirmed"
WINDOW = timedelta(minutes=15)
# Tries at the confirm page (right or wrong) per person: a stolen session
# cannot guess a password or six digits at speed. Counted before checking,
# so parallel guesses cannot slip past the count.
TRIES_PER_USER = throttle.Limit("confirm.user", 5, per=timedelta(minutes=15))


def is_confirmed(request: HttpRequest) -> bool:
    """Has the signed-in person confirmed it is them within ``WINDOW``?"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    stamp = request.session.get(SESSION_KEY)
    if not isinstance(stamp, dict) or stamp.get("user") != user.pk:
        return False
    try:
        at = datetime.fromisoformat(stamp["at"])
    except (KeyError, TypeError, ValueError):
        return False
    now = timezone.now()
    # A time in the future (a clock set back) proves nothing.
    return at <= now < at + WINDOW


def mark_confirmed(request: HttpRequest) -> None:
    """Remember that the signed-in person confirmed it is them, now.

    The session gets a new key as well: after a step up in what the session
    may do, a key seen before it (planted or leaked) is worth nothing.
    """
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"user": request.user.pk, "at": timezone.now().isoformat()}


def forget(request: HttpRequest) -> None:
    if hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    """``url`` if it is a path on this site, else ``None``."""
    if url and not is_encodable(url):
        # Half of a surrogate pair, sent by a broken or hostile client, could
        # not even be written into the page that carries ``next`` on.
        return None
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(url)
        path = parts.path or "/"
        return f"{path}?{parts.query}" if parts.query else path
    return None


def _come_back_to(request: HttpRequest) -> str:
    """Where to go once confirmed: the page asked for, or for a form sent,
    the page the form was on (its GET), since the form's data is not kept."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return safe_next(request, request.META.get("HTTP_REFERER")) or request.path


def confirm_url(next_url: str) -> str:
    return f"{reverse('confirm-identity')}?{urlencode({'next': next_url})}"


def confirmation_needed(request: HttpRequest) -> HttpResponse | None:
    """``None`` if the person may go on; otherwise the answer that sends them
    to the confirm page (an htmx request is told to load it as a whole page)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_confirmed(request):
        return None
    if request.method not in ("GET", "HEAD"):
        messages.info(
            request,
            "Nothing was changed yet. Confirm it is you, then do it again.",
        )
    url = confirm_url(_come_back_to(request))
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def sudo_required(view):
    """Ask for the password or a code first, unless confirmed within ``WINDOW``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        answer = confirmation_needed(request)
        if answer is not None:
            return answer
        return view(request, *args, **kwargs)

    return wrapped
