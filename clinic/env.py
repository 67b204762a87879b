"""Typed readers for settings that come from the environment.

Each reader fails loudly: a value that cannot be understood stops start-up
with a message that names the variable, instead of silently falling back.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; use one of 1, 0, true, false, yes, no, on, off."
    )


def env_str(name: str, *, default: str | None = None, required: bool = False) -> str:
    raw = os.environ.get(name, "").strip()
    if raw:
        return raw
    if required:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set.")
    return default


def env_list(name: str, *, default: list[str] | None = None, required: bool = False) -> list[str]:
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if items:
        return items
    if required:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (a comma-separated list of host names)."
        )
    return list(default or [])


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
