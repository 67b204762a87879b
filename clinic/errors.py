"""The site's last answer to an unexpected error: 503 for a database that
cannot be reached, 500 for everything else; these and the 400, 403 and 404
pages with every header other pages carry.

Django calls ``handler500`` from whichever middleware layer the exception
left (``convert_exception_to_response`` wraps each one), and the answer then
goes out only through the layers outside it. When the database is away, the
first layer to read the session (``SessionLifetimeMiddleware``, through
``request.user``) raises, so the frame, CSP and no-store middleware further
in never see the answer: measured, the outage page went out with none of
their headers. The handler therefore adds them itself, by asking the same
middleware classes to finish the answer; each leaves a header that is
already there alone, so a page that did pass through them is unchanged.
"""

import sqlite3
import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.csp import LazyNonce
from django.views import defaults

try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installs
    psycopg = None

RETRY_AFTER_SECONDS = 30

# PostgreSQL's codes for "this server will not talk to you now": the
# connection-exception class 08, the server shutting down or starting up, and
# no connection slot left. A lock or statement timeout (55P03, 57014), a
# deadlock (40P01) or a serialisation failure (40001) are OperationalErrors
# too, but the database answered: those are server errors.
_PG_UNREACHABLE_STATES = {"57P01", "57P02", "57P03", "53300"}
# SQLite's primary codes for a database file that cannot be opened or read.
# "database is locked" (SQLITE_BUSY) and "no such table" (SQLITE_ERROR) are
# OperationalErrors with the file in reach.
_SQLITE_UNREACHABLE_CODES = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR}


def database_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached at all.

    Django wraps the driver's exception in its own (same class name, the
    driver's as ``__cause__``); only the driver's says why. psycopg 3 reports a
    refused or lost connection as an OperationalError with no SQLSTATE (the
    server never answered) and keeps InterfaceError for misuse such as a
    closed cursor, so an InterfaceError is a server error. A DataError,
    IntegrityError or ProgrammingError never means the database is away.
    """
    while error is not None:
        if psycopg is not None and isinstance(error, psycopg.OperationalError):
            state = error.sqlstate
            return state is None or state.startswith("08") or state in _PG_UNREACHABLE_STATES
        if isinstance(error, sqlite3.OperationalError):
            code = getattr(error, "sqlite_errorcode", None)
            return code is not None and code & 0xFF in _SQLITE_UNREACHABLE_CODES
        if not isinstance(error, DatabaseError):
            return False
        error = error.__cause__
    return False


def with_page_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give an error answer the headers every page carries, whatever the
    middleware saw: the nonce-based CSP, frame and sniffing refusals, the
    referrer and opener policies, and never stored."""
    if getattr(request, "_csp_nonce", None) is None:
        request._csp_nonce = LazyNonce()
    # Evaluated, so the policy names a nonce as every other page's does.
    str(request._csp_nonce)
    for middleware in (
        ContentSecurityPolicyMiddleware,
        XFrameOptionsMiddleware,
        SecurityMiddleware,
    ):
        middleware(_unused).process_response(request, response)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Plain error pages that need neither the database nor a request context.

    Only a database out of reach answers 503 with Retry-After, so that a load
    balancer and the person both know to try again shortly; bad input that
    slipped past a form or a lost race is a fault of ours, a 500.
    """
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(
            render_to_string("503.html"),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    else:
        response = HttpResponse(render_to_string("500.html"), status=500)
    return with_page_headers(request, response)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page with every header: a bad Host header is refused by
    CommonMiddleware, outside the frame and CSP middleware."""
    return with_page_headers(request, defaults.bad_request(request, exception))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return with_page_headers(request, defaults.permission_denied(request, exception))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return with_page_headers(request, defaults.page_not_found(request, exception))


def _unused(request):  # pragma: no cover - the middleware is only asked to finish answers
    raise AssertionError("not called")
