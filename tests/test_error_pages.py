"""The site's answer to an unexpected error (clinic/errors.py): the outage
page (503, Retry-After) only for a database that cannot be reached, the plain
500 page for every other error, database errors included, and both with the
same security headers as every other page, signed in or not, whether the
error left a view or a middleware that reads the session.

The real outage, PostgreSQL behind a proxy that is stopped, is in
tests/test_serving.py."""

import re
import sqlite3
from unittest import mock

import psycopg
import psycopg.errors
import pytest
from django.contrib.auth.views import LoginView
from django.db import DatabaseError
from django.db import utils as db_utils
from django.test import Client
from django.urls import reverse

from clinic.errors import database_unreachable


def django_error(driver_error: Exception) -> DatabaseError:
    """The driver's exception as Django raises it (django.db.utils'
    DatabaseErrorWrapper): Django's class of the same name, with the driver's
    as the cause, whichever database this run uses."""
    django_class = next(
        getattr(db_utils, cls.__name__)
        for cls in type(driver_error).__mro__
        if isinstance(getattr(db_utils, cls.__name__, None), type)
    )
    error = django_class(*driver_error.args)
    error.__cause__ = driver_error
    return error


def sqlite_error(sql: str, path: str = ":memory:") -> sqlite3.Error:
    try:
        sqlite3.connect(path).executescript(sql)
    except sqlite3.Error as error:
        return error
    raise AssertionError("no error")


def sqlite_locked(tmp_path) -> sqlite3.Error:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sqlite3.connect(path, timeout=0).execute("SELECT * FROM t")
    except sqlite3.Error as error:
        return error
    finally:
        holder.execute("ROLLBACK")
    raise AssertionError("not locked")


UNREACHABLE = {
    "PostgreSQL refuses the connection": lambda _: psycopg.OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        "Connection refused"
    ),
    "the connection drops mid-query": lambda _: psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly"
    ),
    "connecting times out": lambda _: psycopg.errors.ConnectionTimeout("connection timeout"),
    "PostgreSQL shuts down": lambda _: psycopg.errors.AdminShutdown("terminating connection"),
    "PostgreSQL is starting up": lambda _: psycopg.errors.CannotConnectNow("starting up"),
    "no connection slot left": lambda _: psycopg.errors.TooManyConnections("too many clients"),
    "a connection exception": lambda _: psycopg.errors.ConnectionFailure("gone"),
    "the SQLite file cannot be opened": lambda _: sqlite_error(
        "SELECT 1", "/nonexistent-directory/db.sqlite3"
    ),
}

SERVER_ERRORS = {
    "a lock timeout": lambda _: psycopg.errors.LockNotAvailable("lock timeout"),
    "a statement timeout": lambda _: psycopg.errors.QueryCanceled("statement timeout"),
    "a deadlock": lambda _: psycopg.errors.DeadlockDetected("deadlock detected"),
    "a serialisation failure": lambda _: psycopg.errors.SerializationFailure("could not"),
    "a value too long": lambda _: psycopg.errors.StringDataRightTruncation("too long"),
    "a NUL byte": lambda _: psycopg.DataError("PostgreSQL text fields cannot contain NUL"),
    "a duplicate": lambda _: psycopg.errors.UniqueViolation("duplicate key"),
    "a missing table": lambda _: psycopg.errors.UndefinedTable("relation does not exist"),
    "a closed cursor": lambda _: psycopg.InterfaceError("the cursor is closed"),
    "SQLite is locked": sqlite_locked,
    "SQLite has no such table": lambda _: sqlite_error("SELECT * FROM missing"),
    "SQLite refuses a duplicate": lambda _: sqlite_error(
        "CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)"
    ),
}


@pytest.mark.parametrize("make", UNREACHABLE.values(), ids=UNREACHABLE.keys())
def test_a_database_out_of_reach_is_unreachable(make, tmp_path):
    assert database_unreachable(django_error(make(tmp_path)))


@pytest.mark.parametrize("make", SERVER_ERRORS.values(), ids=SERVER_ERRORS.keys())
def test_a_database_that_answered_is_not_unreachable(make, tmp_path):
    assert not database_unreachable(django_error(make(tmp_path)))


def test_errors_that_are_not_the_databases_are_not_unreachable():
    assert not database_unreachable(ValueError("no"))
    assert not database_unreachable(None)
    # Without the driver's exception nothing says the database is away.
    assert not database_unreachable(DatabaseError("gone"))


# --- the pages -------------------------------------------------------------

# Headers that describe one answer rather than the site's rules.
_PER_ANSWER = {
    "Content-Type",
    "Content-Length",
    "Vary",
    "Set-Cookie",
    "X-Request-ID",
    "Retry-After",
}


def page_headers(response) -> dict[str, str]:
    """The headers a page shares with every other, the nonce and the
    expiry time written out as placeholders."""
    return page_headers_of(response.headers)


def page_headers_of(headers) -> dict[str, str]:
    shared = {name: value for name, value in headers.items() if name not in _PER_ANSWER}
    if "Content-Security-Policy" in shared:
        shared["Content-Security-Policy"] = re.sub(
            r"'nonce-[^']+'", "'nonce-N'", shared["Content-Security-Policy"]
        )
    if "Expires" in shared:
        shared["Expires"] = "a date"
    return shared


def assert_same_headers_as_a_normal_page(response, normal) -> None:
    expected = page_headers(normal)
    # Checked by name too, so that a header added later to every page must
    # reach the error pages as well.
    assert {
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Cache-Control",
    } <= expected.keys()
    assert page_headers(response) == expected
    assert "'nonce-" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def unreachable_error() -> DatabaseError:
    return django_error(
        psycopg.OperationalError("consuming input failed: server closed the connection")
    )


def refused_duplicate() -> DatabaseError:
    return django_error(psycopg.errors.UniqueViolation("duplicate key value"))


@pytest.fixture
def signed_in(pat) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(pat.user)
    return client


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_lost_database_in_a_view_answers_503_with_every_header(signed_in, production):
    normal = signed_in.get(reverse("patient-home"))
    with mock.patch("clinic.usage.views.own_patient_record", side_effect=unreachable_error()):
        response = signed_in.get(reverse("patient-home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Mat companion is briefly unavailable" in response.text
    assert "consuming input" not in response.text
    assert_same_headers_as_a_normal_page(response, normal)


def test_a_database_error_that_is_not_an_outage_answers_500(signed_in, production):
    normal = signed_in.get(reverse("patient-home"))
    with mock.patch("clinic.usage.views.own_patient_record", side_effect=refused_duplicate()):
        response = signed_in.get(reverse("patient-home"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.text
    assert "briefly unavailable" not in response.text
    assert "duplicate" not in response.text
    assert_same_headers_as_a_normal_page(response, normal)


def test_lost_session_table_for_a_signed_in_person_answers_503_with_every_header(
    signed_in, production
):
    """The shape of a real outage: the first middleware that reads the
    session raises, and the frame, CSP and no-store middleware never run."""
    normal = signed_in.get(reverse("patient-home"))
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=unreachable_error()
    ):
        response = signed_in.get(reverse("patient-home"))
    assert response.status_code == 503
    assert "Mat companion is briefly unavailable" in response.text
    assert_same_headers_as_a_normal_page(response, normal)


def test_a_failing_session_read_that_is_not_an_outage_answers_500_with_every_header(
    signed_in, production
):
    normal = signed_in.get(reverse("patient-home"))
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=refused_duplicate()
    ):
        response = signed_in.get(reverse("patient-home"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert_same_headers_as_a_normal_page(response, normal)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (unreachable_error, 503, "Mat companion is briefly unavailable"),
        (refused_duplicate, 500, "Something went wrong on our side"),
        (lambda: ValueError("secret detail"), 500, "Something went wrong on our side"),
    ],
    ids=["outage", "database error", "other error"],
)
def test_errors_for_someone_not_signed_in_carry_every_header(error, status, words, production):
    client = Client(raise_request_exception=False)
    normal = client.get(reverse("login"))
    with mock.patch.object(LoginView, "get_context_data", side_effect=error()):
        response = client.get(reverse("login"))
    assert response.status_code == status
    assert words in response.text
    assert "secret detail" not in response.text
    assert_same_headers_as_a_normal_page(response, normal)


@pytest.mark.django_db
def test_a_refused_host_answers_400_with_every_header(production):
    """CommonMiddleware refuses the Host before the frame and CSP middleware
    are reached."""
    client = Client(raise_request_exception=False)
    normal = client.get(reverse("login"))
    response = client.get(reverse("login"), HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    assert_same_headers_as_a_normal_page(response, normal)


def test_not_found_and_forbidden_pages_carry_every_header(signed_in, production):
    normal = signed_in.get(reverse("patient-home"))
    missing = signed_in.get("/no-such-page/")
    assert missing.status_code == 404
    assert_same_headers_as_a_normal_page(missing, normal)
    forbidden = signed_in.get(reverse("patient-list"))  # a patient on a practitioner's page
    assert forbidden.status_code == 403
    assert_same_headers_as_a_normal_page(forbidden, normal)
