"""Error reports to Sentry, only when ``SENTRY_DSN`` is set.

What leaves the site is the error, its stack without local variables and
the route it happened on: never request bodies, cookies, query strings,
the raw path (invitation and password-reset links hold their token) or who
was signed in. The request id tag finds the matching log line.
"""

from typing import Any

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.transport import Transport

from clinic.env import env_str

_DROPPED_REQUEST_KEYS = ("data", "cookies", "query_string", "env")


def init_sentry(*, transport: Transport | None = None) -> bool:
    """Start reporting errors if ``SENTRY_DSN`` is set; say whether it did."""
    dsn = env_str("SENTRY_DSN", default="")
    if not dsn:
        return False
    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": env_str("SENTRY_ENVIRONMENT", default="production"),
        "integrations": [DjangoIntegration(transaction_style="url")],
        "send_default_pii": False,
        "max_request_body_size": "never",
        # Frames' local variables would carry forms, notes and patients.
        "include_local_variables": False,
        "traces_sample_rate": _traces_sample_rate(),
        "before_send": scrub,
        "before_send_transaction": scrub,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True


def _traces_sample_rate() -> float | None:
    """Performance tracing stays off unless ``SENTRY_TRACES_SAMPLE_RATE`` asks."""
    raw = env_str("SENTRY_TRACES_SAMPLE_RATE", default="0")
    try:
        rate = float(raw)
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE={raw!r} is not a number from 0 to 1."
        )
    return rate or None


def scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Keep the route, drop what a person typed or carries."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in _DROPPED_REQUEST_KEYS:
            request.pop(key, None)
        # The transaction is the route pattern ("/invitation/{token}/").
        route = event.get("transaction")
        if route:
            request["url"] = route
        else:
            request.pop("url", None)
    event.pop("user", None)
    return event
