"""One log line per request, and the fields that every log line carries.

Each request gets an id: the incoming ``X-Request-ID`` when a proxy sent a
short, safe one, else a new uuid4. It is sent back as ``X-Request-ID`` and
bound with ``log_context`` for as long as the request runs, so that every
line logged meanwhile (Django's own errors included) carries it as
``request_id``. Work outside a request binds its own fields the same way::

    with log_context(request_id=..., task=...):
        logger.info("...")

The request line itself holds ids and the route, never a person's name or
email, never the raw path (invitation and password-reset links carry their
secret token in it) and never the query string (searches may hold names).
"""

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

logger = logging.getLogger("clinic.request")

_fields: ContextVar[dict[str, Any] | None] = ContextVar("log_fields", default=None)
# What a proxy or balancer may hand on as the request id: a uuid, hex or a
# similar token. Anything else (long, spaces, newlines) is replaced.
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every log record written inside the block."""
    token = _fields.set({**(_fields.get() or {}), **fields})
    try:
        yield
    finally:
        _fields.reset(token)


def bound_fields() -> dict[str, Any]:
    """The fields bound by the enclosing ``log_context`` blocks."""
    return dict(_fields.get() or {})


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record (a record's own extras win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (_fields.get() or {}).items():
            if name not in record.__dict__:
                setattr(record, name, value)
        return True


class TracebacksOnly(logging.Filter):
    """For ``django.request``: keep the errors that carry a traceback.

    Django also logs every 5xx a view answers on purpose (``/readyz/``'s
    503, probed every few seconds); the request line already says those.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is not None


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter, minus the records' ``request``.

    Django puts the HttpRequest on its ``django.request`` records; written
    out it would be its repr, query string included.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)


class RequestLogMiddleware:
    """Writes the one line per request; goes first, so it times everything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _request_id(request)
        request.request_id = request_id
        started = time.perf_counter()
        with log_context(request_id=request_id):
            if sentry_sdk.get_client().is_active():
                sentry_sdk.set_tag("request_id", request_id)
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            match = getattr(request, "resolver_match", None)
            fields = {
                "user_id": _user_id(request),
                "method": request.method,
                "route": match.view_name if match else None,
                "path": f"/{match.route}" if match else None,
                "status": response.status_code,
                "duration_ms": duration_ms,
            }
            logger.info(
                "%s %s %s %s in %.0f ms (user %s, request %s)",
                request.method,
                fields["route"] or "-",
                fields["path"] or "-",
                response.status_code,
                duration_ms,
                fields["user_id"] or "-",
                request_id,
                extra=fields,
            )
        response["X-Request-ID"] = request_id
        return response


def _request_id(request: HttpRequest) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    if _SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id, if the request already looked them up.

    Looking them up here would cost a query on pages that never needed one
    (static files, the health checks) and would fail while the database is
    away, so a user that was never loaded counts as nobody.
    """
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user.pk if user.is_authenticated else None
