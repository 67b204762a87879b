"""Session lifetime, htmx-aware sign-in redirects, private caching, and NUL
bytes refused."""

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request
from django_htmx.http import HttpResponseClientRedirect

from accounts.bounds import admin_dates_in_range
from accounts.text import displayable

SESSION_STARTED = "_session_started"
SESSION_LAST_SEEN = "_session_last_seen"
# Write the last-seen time at most this often, not on every request.
_LAST_SEEN_GRANULARITY = 60


def _read(session, key: str) -> datetime | None:
    raw = session.get(key)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None


class SessionLifetimeMiddleware:
    """Signs people out after 30 idle minutes and after 12 hours in all.

    Requests that htmx makes on its own (``hx-trigger="every ..."``) carry the
    header ``X-Background-Poll``; they are checked but never count as activity,
    so an open tab that polls cannot keep a session alive forever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            started = _read(request.session, SESSION_STARTED)
            last_seen = _read(request.session, SESSION_LAST_SEEN)
            if started is None or last_seen is None:
                started = started or now
                request.session[SESSION_STARTED] = started.isoformat()
                request.session[SESSION_LAST_SEEN] = now.isoformat()
            elif (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_LIFETIME
            ):
                logout(request)
                messages.info(request, "You were signed out to keep your records private.")
            elif "HTTP_X_BACKGROUND_POLL" not in request.META and (
                (now - last_seen).total_seconds() > _LAST_SEEN_GRANULARITY
            ):
                request.session[SESSION_LAST_SEEN] = now.isoformat()
        return self.get_response(request)


class HtmxAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Like Django's, but an htmx request is told to load the sign-in page
    as a whole page instead of swapping it into a fragment."""

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response["Location"])
        return response


class PrivateNoStoreMiddleware:
    """Nothing shown to a signed-in person may be kept by a browser or proxy,
    unless the view marked its answer ``holds_no_personal_data`` (a library
    picture, which only that person's browser may keep: ``private``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "holds_no_personal_data", False):
            return response
        if request.user.is_authenticated or getattr(request, "no_store", False):
            add_never_cache_headers(response)
        return response


class ClinicTimeZoneMiddleware:
    """Show and read times in the clinic's own time zone.

    Practitioners see times as the clinic's clock shows them; patients as
    their own clock does (the clinic's unless they set another zone); staff
    keep the server's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = _clinic_zone(request.user)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)


def _clinic_zone(user) -> ZoneInfo | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    if membership is not None:
        return ZoneInfo(membership.clinic.time_zone)
    patient = getattr(user, "patient", None)
    if patient is not None:
        return patient.zone
    return None


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or the query string is a 400 on every page.

    No address or filter on this site is ever meant to hold one, and
    PostgreSQL refuses it in text, so a filter such as the admin's
    ``?severity__exact=x%00`` would otherwise end as a database error. Posted
    fields are left to the forms: Django's ``CharField`` refuses NUL itself.
    Placed after the header middleware, so the 400 page carries them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return bad_request(request, SuspiciousOperation("NUL byte in the request"))
        return self.get_response(request)


class RefuseAdminDatesOutOfRangeMiddleware:
    """An admin list asked for a date outside 1900-2100 is a 400, in every
    admin, those of installed packages too (accounts.bounds explains why)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The dates first: with no date in the query string (nearly every
        # request) it is a glance, where reversing the admin's URL costs
        # more than a tenth of a millisecond on every page.
        if not admin_dates_in_range(request.GET) and request.path.startswith(
            reverse("admin:index")
        ):
            return bad_request(request, SuspiciousOperation("Admin date out of range"))
        return self.get_response(request)


class AdminLoneSurrogatesMiddleware:
    """In the admin, half of a UTF-16 surrogate pair in a posted field becomes
    U+FFFD, as a browser and Django's own decoding would have made it.

    Only a multipart post declaring a charset such as UTF-7 can carry one
    (tests/lone_surrogate.py). The site's own forms refuse it with a message
    (accounts.text); the admin's forms, the packages' included, show the
    value again, and a page holding one cannot be sent: a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path.startswith(reverse("admin:index")):
            posted = request.POST
            if any(
                displayable(key) != key or any(displayable(v) != v for v in values)
                for key, values in posted.lists()
            ):
                cleaned = QueryDict(mutable=True)
                for key, values in posted.lists():
                    cleaned.setlist(displayable(key), [displayable(v) for v in values])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)


# Pages a signed-in person reaches before passing their second factor: signing
# out, setting up or passing the factor itself. Pages anyone may see without
# signing in (password reset, health checks, the app's manifest and service
# worker) are open too: they show nothing about anyone.
_BEFORE_SECOND_FACTOR = {"logout", "factor-setup", "factor-verify"}


class SecondFactorRequiredMiddleware:
    """Clinic members and staff must set up and pass a second factor before
    any page that could show patient data, the Django admin included; a
    patient who turned one on must pass it too.

    Placed after OTPMiddleware (``request.user.is_verified()``) and after the
    sign-in check, so that visitors are sent to sign in first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The import waits for the apps: this module is loaded with the settings.
        from accounts import second_factor

        user = request.user
        if not user.is_authenticated or _open_before_second_factor(request, view_func):
            return None
        if user.is_verified():
            return None
        if _has_factor(request):
            target = _with_next(reverse("factor-verify"), request)
        elif second_factor.must_have_factor(user):
            target = _with_next(reverse("factor-setup"), request)
        else:
            return None
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


# A person without a factor is remembered as such in their session, so that a
# patient who never turned one on costs no query per page. The session that
# sets one up or turns it off forgets the answer at once
# (``second_factor.forget_factor_answer``); another session of the same
# person asks the database again within this many seconds.
NO_FACTOR_CHECKED = "_no_second_factor_checked"
NO_FACTOR_RECHECK_SECONDS = 300


def _has_factor(request) -> bool:
    user = request.user
    remembered = request.session.get(NO_FACTOR_CHECKED)
    if (
        isinstance(remembered, list)
        and len(remembered) == 2
        and remembered[0] == user.pk
        and 0 <= timezone.now().timestamp() - remembered[1] < NO_FACTOR_RECHECK_SECONDS
    ):
        return False
    return remember_factor_answer(request.session, user)


def remember_factor_answer(session, user) -> bool:
    """Ask whether ``user`` has a second factor and remember a "no" in the
    session. Also called at sign-in, whose session is being written anyway."""
    from accounts import second_factor

    if second_factor.has_factor(user):
        session.pop(NO_FACTOR_CHECKED, None)
        return True
    session[NO_FACTOR_CHECKED] = [user.pk, timezone.now().timestamp()]
    return False


def _open_before_second_factor(request, view_func) -> bool:
    match = request.resolver_match
    if match is not None and match.namespace == "admin":
        # The admin's own sign-in and sign-out pages; all else is behind the factor.
        return match.url_name in ("login", "logout")
    if match is not None and match.url_name in _BEFORE_SECOND_FACTOR:
        return True
    return not getattr(view_func, "login_required", True)


def _with_next(url: str, request) -> str:
    """Come back to the page asked for once the factor is passed: for htmx,
    the page the fragment was for; for a plain GET, the page itself. A form
    posted before the check is not posted again."""
    htmx = getattr(request, "htmx", False)
    if htmx:
        back = htmx.current_url_abs_path
    else:
        back = request.get_full_path() if request.method == "GET" else None
    return f"{url}?{urlencode({'next': back})}" if back else url
