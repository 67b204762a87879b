"""Headers and error pages the whole site shares: CSP with nonces, no-store,
htmx settings, and the plain 500 and 503 pages (templates/500.html, 503.html)."""

import re
from unittest import mock

import psycopg
import pytest
from django.test import Client
from django.urls import reverse

from tests.test_error_pages import django_error


def test_pages_send_a_strict_csp_with_a_fresh_nonce(pat_client):
    response = pat_client.get(reverse("patient-home"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    # Every script tag on the page carries the nonce; none is inline.
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert pat_client.get(reverse("patient-home"))["Content-Security-Policy"] != policy


def test_no_inline_styles_anywhere(alice_client):
    for url, heading in ((reverse("patient-list"), "Patients"), (reverse("patient-add"), "Add")):
        html = alice_client.get(url).text
        assert f"<h1>{heading}" in html
        assert "style=" not in html
        assert "<style" not in html


def test_signed_in_pages_are_never_stored(alice_client):
    response = alice_client.get(reverse("patient-list"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_csrf_token_rides_on_body_for_htmx_and_history_cache_is_off(alice_client):
    html = alice_client.get(reverse("patient-list")).text
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'>", html)
    assert '"historyCacheSize": 0' in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    # Scripts and styles come from this site, never from another host.
    assert not re.search(r'<script[^>]+src="(https?:)?//', html)
    assert not re.search(r'<link[^>]+href="(https?:)?//', html)


@pytest.mark.django_db
def test_lost_database_answers_503_with_a_plain_page(pat):
    client = Client(raise_request_exception=False)
    client.force_login(pat.user)
    with (
        # As psycopg reports a server that went away (clinic.errors.database_unreachable).
        mock.patch(
            "clinic.usage.views.own_patient_record",
            side_effect=django_error(psycopg.OperationalError("gone")),
        ),
        mock.patch("django.conf.settings.DEBUG", False),
    ):
        response = client.get(reverse("patient-home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.text
    assert "Traceback" not in response.text
    assert "gone" not in response.text


@pytest.mark.django_db
def test_other_errors_answer_500_without_details(pat):
    client = Client(raise_request_exception=False)
    client.force_login(pat.user)
    with mock.patch(
        "clinic.usage.views.own_patient_record", side_effect=ValueError("secret detail")
    ):
        response = client.get(reverse("patient-home"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret detail" not in response.text
