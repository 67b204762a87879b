"""One log line per request (clinic/request_log.py and LOGGING in settings):
its fields, the request id, and that nothing personal gets into the log."""

import json
import logging
import os
import re
import subprocess
import sys
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.models import Invitation
from clinic.request_log import ContextFilter, bound_fields, log_context
from tests.conftest import PASSWORD
from tests.test_error_pages import django_error
from tests.test_settings import ROOT


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "clinic.request"]


def formatter(name: str) -> logging.Formatter:
    spec = dict(settings.LOGGING["formatters"][name])
    factory = spec.pop("()", None)
    if factory:
        return import_string(factory)(**spec)
    return logging.Formatter(spec["format"])


def written(caplog) -> str:
    """Every record captured, as both formats would write it."""
    context = ContextFilter()
    lines = []
    for record in caplog.records:
        context.filter(record)
        lines += [formatter("json").format(record), formatter("text").format(record)]
    return "\n".join(lines)


def test_line_has_the_fields(pat, pat_client, log):
    response = pat_client.get(reverse("patient-home"))
    assert response.status_code == 200
    [line] = request_lines(log)
    assert re.fullmatch(r"[0-9a-f]{32}", line.request_id)
    assert response["X-Request-ID"] == line.request_id
    assert (line.user_id, line.method, line.route, line.path, line.status) == (
        pat.user.pk,
        "GET",
        "patient-home",
        "/home/",
        200,
    )
    assert isinstance(line.duration_ms, float)
    assert line.duration_ms >= 0
    assert line.levelno == logging.INFO


def test_route_is_the_pattern_not_the_path(pat, alice_client, log):
    alice_client.get(reverse("patient-detail", kwargs={"pk": pat.pk}))
    [line] = request_lines(log)
    assert (line.route, line.path) == ("patient-detail", "/patients/<int:pk>/")


def test_each_request_gets_its_own_id(visitor_client):
    first = visitor_client.get(reverse("login"))["X-Request-ID"]
    assert visitor_client.get(reverse("login"))["X-Request-ID"] != first


@pytest.mark.parametrize("incoming", ["abc123", "3f2b1c9e-1d2a-4a57-9a0b-7b7f2e6f4c11", "a" * 64])
def test_a_short_safe_incoming_id_is_kept(visitor_client, log, incoming):
    response = visitor_client.get(reverse("login"), HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming
    assert request_lines(log)[0].request_id == incoming


@pytest.mark.parametrize("incoming", ["", "a" * 65, "two words", "x\ny", "<script>", "ü"])
def test_any_other_incoming_id_is_replaced(visitor_client, incoming):
    response = visitor_client.get(reverse("login"), HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_nothing_personal_reaches_the_log(pat, alice, log):
    """Sign in with the form as a patient with a known name and email, use the
    site with a query string, open an invitation link: none of it is logged."""
    client = Client()
    client.post(reverse("login"), {"username": pat.user.email, "password": PASSWORD})
    client.get(reverse("patient-home") + "?q=Searched+Surname")
    client.get(reverse("patient-plan"))
    client.post(reverse("logout"))
    _, token = Invitation.issue(pat, created_by=alice.user)
    Client().get(reverse("invitation-accept", kwargs={"token": token}))

    lines = request_lines(log)
    assert [line.route for line in lines] == [
        "login",
        "patient-home",
        "patient-plan",
        "logout",
        "invitation-accept",
    ]
    # The user is who the answer went to: nobody once signed out.
    assert [line.user_id for line in lines] == [pat.user.pk] * 3 + [None, None]
    text = written(log)
    for private in (
        pat.user.email,
        "pat@",
        pat.full_name,
        "Pat",
        PASSWORD,
        "Searched",
        "q=",
        token,
        client.cookies["csrftoken"].value,
    ):
        assert private not in text


def test_json_lines_are_one_object_each_with_the_fields(pat_client, log):
    pat_client.get(reverse("patient-home"))
    [line] = request_lines(log)
    ContextFilter().filter(line)
    out = formatter("json").format(line)
    assert "\n" not in out
    data = json.loads(out)
    assert {"time", "level", "logger", "message", "request_id", "user_id", "method"} <= set(data)
    assert {"route", "path", "status", "duration_ms"} <= set(data)
    assert (data["level"], data["logger"], data["route"]) == (
        "INFO",
        "clinic.request",
        "patient-home",
    )


def test_djangos_request_object_is_left_out_of_json(rf):
    """Django's error records carry the request, whose repr has the query string."""
    request = rf.get("/patients/?q=Searched+Surname")
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Boom", (), None)
    record.request = request
    record.status_code = 500
    out = formatter("json").format(record)
    assert "Searched" not in out
    assert json.loads(out)["status_code"] == 500


def test_text_line_reads_as_a_sentence(pat, pat_client, log):
    response = pat_client.get(reverse("patient-home"))
    [line] = request_lines(log)
    assert line.getMessage() == (
        f"GET patient-home /home/ 200 in {line.duration_ms:.0f} ms "
        f"(user {pat.user.pk}, request {response['X-Request-ID']})"
    )


def test_a_static_file_logs_no_user_and_costs_no_query(pat_client, log, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = pat_client.get("/static/css/app.css")
    assert response.status_code == 200
    [line] = request_lines(log)
    assert (line.user_id, line.route, line.path, line.status) == (None, None, None, 200)


def test_a_lost_database_still_gets_its_line(pat, log):
    client = Client(raise_request_exception=False)
    client.force_login(pat.user)
    with (
        # As psycopg reports a refused connection (clinic.errors.database_unreachable).
        mock.patch.object(
            connection,
            "ensure_connection",
            side_effect=django_error(psycopg.OperationalError("connection failed")),
        ),
        mock.patch("django.conf.settings.DEBUG", False),
    ):
        response = client.get(reverse("patient-home"))
    assert response.status_code == 503
    [line] = request_lines(log)
    assert (line.status, line.user_id) == (503, None)
    assert line.request_id == response["X-Request-ID"]
    # Django's traceback is logged with the same request id.
    [error] = [r for r in log.records if r.name == "django.request"]
    ContextFilter().filter(error)
    assert error.request_id == line.request_id


def test_an_answered_503_is_not_logged_again_as_an_error(visitor_client, log):
    assert visitor_client.get(reverse("readyz")).status_code == 503  # no worker
    assert [r.name for r in log.records] == ["clinic.request"]


def test_bound_fields_reach_every_record_until_the_block_ends():
    record = logging.LogRecord("clinic.background", logging.INFO, __file__, 1, "task", (), None)
    with log_context(request_id="task-1", task="send"):
        with log_context(user_id=7):
            assert bound_fields() == {"request_id": "task-1", "task": "send", "user_id": 7}
        assert bound_fields() == {"request_id": "task-1", "task": "send"}
        ContextFilter().filter(record)
    assert bound_fields() == {}
    assert (record.request_id, record.task) == ("task-1", "send")
    assert not hasattr(record, "user_id")


def test_a_records_own_field_wins_over_the_bound_one():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    record.request_id = "own"
    with log_context(request_id="bound"):
        ContextFilter().filter(record)
    assert record.request_id == "own"


def chosen_format(env: dict) -> subprocess.CompletedProcess:
    """The formatter the real settings give the console handler, in a clean interpreter."""
    keep = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT", "SENTRY_DSN"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import clinic.settings as s; print(s.LOGGING['handlers']['console']['formatter'])",
        ],
        cwd=ROOT,
        env={**keep, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "chosen"),
    [
        ({"DEBUG": "1"}, "text"),
        (
            {
                "DEBUG": "0",
                "SECRET_KEY": "x" * 60,
                "ALLOWED_HOSTS": "clinic.example",
                "SITE_URL": "https://clinic.example",
            },
            "json",
        ),
        ({"DEBUG": "1", "LOG_FORMAT": "json"}, "json"),
    ],
)
def test_format_follows_debug_unless_log_format_says(env, chosen):
    result = chosen_format(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == chosen


def test_unknown_log_format_stops_start_up():
    result = chosen_format({"DEBUG": "1", "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' is not one of json, text" in result.stderr
