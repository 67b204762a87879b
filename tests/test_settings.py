"""Settings come from the environment and fail loudly when they make no sense."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "clinic.example",
    "SITE_URL": "https://clinic.example",
}


# What the tests set themselves, never taken from the machine running them.
OWN_VARIABLES = {
    # Set by the browser tests' conftest for Playwright's thread; a process
    # sharing the files with them (make test runs two) would hand it on.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "MEDIA_URL",
    "MEDIA_ROOT",
    "MEDIA_STORAGE_BACKEND",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_PREPARED_STATEMENTS",
    "EMAIL_BACKEND",
    "SITE_URL",
}
SUMMARY = (
    "import clinic.settings as s;"
    "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)"
)


def load_settings(code: str = SUMMARY, **env) -> subprocess.CompletedProcess:
    """Import the real settings module in a clean interpreter with ``env``; run ``code``."""
    base = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_debug_is_off_unless_set():
    result = load_settings(**{k: v for k, v in PRODUCTION.items() if k != "DEBUG"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ")


def test_unreadable_debug_stops_start_up():
    result = load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a yes/no value" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_without_a_required_value_names_it(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = load_settings(**env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_production_defaults_are_the_safe_ones():
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    debug, _engine, ssl_redirect, hosts = result.stdout.split(" ", 3)
    assert (debug, ssl_redirect) == ("False", "True")
    assert hosts.strip() == "['clinic.example']"


def test_sqlite_is_the_embedded_default():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.sqlite3" in result.stdout


def test_postgres_url_selects_postgresql():
    result = load_settings(DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/clinic")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


DATABASE_OPTIONS = (
    "import clinic.settings as s; print(sorted(s.DATABASES['default']['OPTIONS'].items()))"
)


def test_postgresql_prepares_statements_on_the_server_by_default():
    result = load_settings(
        DATABASE_OPTIONS, DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/clinic"
    )
    assert result.returncode == 0, result.stderr
    assert "('prepare_threshold', 2)" in result.stdout
    assert "('server_side_binding', True)" in result.stdout
    assert "-c jit=off" in result.stdout


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    result = load_settings(
        DATABASE_OPTIONS,
        DEBUG="1",
        DATABASE_URL="postgres://u@127.0.0.1:5432/clinic",
        DATABASE_PREPARED_STATEMENTS="0",
    )
    assert result.returncode == 0, result.stderr
    assert "prepare_threshold" not in result.stdout
    assert "server_side_binding" not in result.stdout
    assert "-c jit=off" in result.stdout


def test_unreadable_prepared_statements_switch_stops_start_up():
    result = load_settings(
        DEBUG="1",
        DATABASE_URL="postgres://u@127.0.0.1:5432/clinic",
        DATABASE_PREPARED_STATEMENTS="sometimes",
    )
    assert result.returncode != 0
    assert "DATABASE_PREPARED_STATEMENTS" in result.stderr


def test_unknown_database_url_names_the_variable():
    result = load_settings(DEBUG="1", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL could not be read" in result.stderr


MAIL = (
    "import clinic.settings as s;"
    "print(s.SITE_URL, s.MAILERS['default']['BACKEND'], s.MAILERS['outbound']['BACKEND'])"
)


def test_every_email_is_queued_and_sent_through_the_chosen_backend():
    result = load_settings(MAIL, **{**PRODUCTION, "SITE_URL": "https://clinic.example/"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "https://clinic.example",
        "clinic.notifications.backends.QueuedEmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
    ]
    development = load_settings(MAIL, DEBUG="1")
    assert development.stdout.split() == [
        "http://127.0.0.1:8000",
        "clinic.notifications.backends.QueuedEmailBackend",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_a_site_url_that_is_not_a_web_address_stops_start_up():
    result = load_settings(MAIL, **{**PRODUCTION, "SITE_URL": "clinic.example"})
    assert result.returncode != 0
    assert "SITE_URL='clinic.example' must start with https://" in result.stderr


def test_pictures_stored_on_another_host_are_allowed_by_the_csp():
    code = "import clinic.settings as s; print(s.MEDIA_URL, s.SECURE_CSP['img-src'][-1])"
    result = load_settings(code, **PRODUCTION, MEDIA_URL="https://pictures.example.net/clinic/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "https://pictures.example.net/clinic/",
        "https://pictures.example.net",
    ]


def test_pictures_on_this_site_add_no_host_to_the_csp():
    code = "import clinic.settings as s; print(s.MEDIA_URL, s.MEDIA_ROOT, *s.SECURE_CSP['img-src'])"
    result = load_settings(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/media/", str(ROOT / "var" / "media"), "'self'", "data:"]


def test_pictures_go_to_the_storage_backend_the_deployment_names():
    code = "import clinic.settings as s; print(s.STORAGES['default']['BACKEND'])"
    default = load_settings(code, **PRODUCTION)
    assert default.stdout.split() == ["django.core.files.storage.FileSystemStorage"]
    other = load_settings(
        code, **PRODUCTION, MEDIA_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage"
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout.split() == ["django.core.files.storage.InMemoryStorage"]


def test_media_url_without_a_slash_stops_start_up():
    result = load_settings(**PRODUCTION, MEDIA_URL="https://pictures.example.net")
    assert result.returncode != 0
    assert "MEDIA_URL='https://pictures.example.net' must be a path" in result.stderr
