"""Error reports (clinic/sentry.py): only with SENTRY_DSN, and nothing personal in them.

The reports go to a transport that keeps them in a list instead of sending
them; the request goes through the real WSGI entry point, as gunicorn's does.
"""

import io
import json
import os
import subprocess
import sys
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from clinic.sentry import _traces_sample_rate, init_sentry, scrub
from clinic.urls import urlpatterns as site_urlpatterns
from tests.test_settings import ROOT


@csrf_exempt
@login_not_required
def boom(request, pk):
    shouted = request.POST["notes"].upper()  # only in this frame's variables
    raise RuntimeError(f"boom on record {pk} ({len(shouted)} characters)")


urlpatterns = [path("boom/<int:pk>/", boom, name="boom"), *site_urlpatterns]


class KeptTransport(Transport):
    def __init__(self):
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [
            item.payload.json
            for envelope in self.envelopes
            for item in envelope.items
            if item.type == "event"
        ]


@pytest.fixture
def reports(monkeypatch):
    monkeypatch.setenv("SENTRY_DSN", "https://public@sentry.invalid/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")
    transport = KeptTransport()
    assert init_sentry(transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def wsgi_post(path: str, *, query: str, body: dict, cookies: dict, headers: dict) -> tuple:
    from clinic.wsgi import application

    payload = urlencode(body).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(payload)),
        "wsgi.input": io.BytesIO(payload),
        "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        **headers,
    }
    setup_testing_defaults(environ)
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    # As Django's test client does: the test's transaction holds the
    # connection, which the request's start and end would otherwise close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"]


@pytest.mark.urls(__name__)
def test_unhandled_error_is_reported_without_anything_personal(pat, reports, settings):
    settings.DEBUG = False
    signed_in = Client()
    signed_in.force_login(pat.user)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    status, headers = wsgi_post(
        f"/boom/{pat.pk}/",
        query="q=Searched+Surname",
        body={"notes": "typed by the patient", "email": pat.user.email},
        cookies={settings.SESSION_COOKIE_NAME: session, "tracker": "cookie-value"},
        headers={"HTTP_AUTHORIZATION": "Bearer secret-header", "HTTP_X_REAL_IP": "203.0.113.9"},
    )

    assert status.startswith("500")
    [event] = reports.events()
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["environment"] == "staging"
    assert event["tags"]["request_id"] == headers["X-Request-ID"]
    assert event["request"]["url"] == "/boom/{pk}/"
    assert "user" not in event
    sent = json.dumps(event)
    for private in (
        "typed by the patient",
        pat.user.email,
        pat.full_name,
        session,
        "cookie-value",
        "Searched",
        "secret-header",
        "203.0.113.9",
        "TYPED BY THE PATIENT",
        f"/boom/{pat.pk}/",
    ):
        assert private not in sent, private


@pytest.mark.urls(__name__)
def test_a_page_that_works_sends_nothing(reports, visitor_client):
    assert visitor_client.get("/sign-in/").status_code == 200
    assert reports.events() == []


def test_nothing_starts_without_a_dsn(monkeypatch):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    assert init_sentry(transport=KeptTransport()) is False
    assert not sentry_sdk.get_client().is_active()


def _settings_start_sentry(**env) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    code = (
        "import sentry_sdk, clinic.settings;"
        "client = sentry_sdk.get_client();"
        "print(client.is_active(), client.options.get('send_default_pii'),"
        " client.options.get('max_request_body_size'), client.options.get('traces_sample_rate'),"
        " client.options.get('include_local_variables'), client.options.get('environment'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**keep, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_leave_sentry_alone_without_the_variable():
    result = _settings_start_sentry()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_settings_start_sentry_with_the_variable_and_safe_options():
    result = _settings_start_sentry(SENTRY_DSN="https://public@sentry.invalid/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "never", "None", "False", "production"]


@pytest.mark.parametrize(("raw", "rate"), [(None, None), ("0", None), ("0.25", 0.25), ("1", 1.0)])
def test_tracing_is_off_unless_a_rate_is_given(monkeypatch, raw, rate):
    if raw is None:
        monkeypatch.delenv("SENTRY_TRACES_SAMPLE_RATE", raising=False)
    else:
        monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", raw)
    assert _traces_sample_rate() == rate


@pytest.mark.parametrize("raw", ["lots", "2", "-0.5"])
def test_an_unreadable_trace_rate_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match=f"SENTRY_TRACES_SAMPLE_RATE='{raw}'"):
        _traces_sample_rate()


def test_an_event_without_a_route_loses_its_url():
    event = {"request": {"url": "https://clinic.example/invitation/secret/", "cookies": {"a": "b"}}}
    assert scrub(event, {}) == {"request": {}}
