"""The client's address behind trusted proxies (accounts.throttle.client_address),
and django-axes reading it for sign-in lock-outs."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.throttle import client_address
from tests.conftest import PASSWORD
from tests.test_settings import PRODUCTION, load_settings

PROXY = "10.0.0.5"


def _request(forwarded: str | None = None, remote: str = PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_with_no_trusted_proxy_the_header_is_ignored():
    assert client_address(_request("198.51.100.7")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_with_one_proxy_the_last_hop_is_the_client():
    assert client_address(_request("198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_hops_a_client_invents_on_the_left_are_ignored():
    assert client_address(_request("1.2.3.4, 5.6.7.8,198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_proxies_the_second_hop_from_the_right_is_the_client():
    forwarded = "1.2.3.4, 198.51.100.7, 10.0.0.9"
    assert client_address(_request(forwarded)) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_ipv6_is_read_and_written_in_its_short_form():
    assert client_address(_request("2001:DB8:0:0::1")) == "2001:db8::1"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    "forwarded",
    [
        "",
        "not-an-address",
        "198.51.100.7:443",
        "[2001:db8::1]",
        "fe80::1%eth0",
        "198.51.100.7, ",
        "x" * 10_000,
        "198.51.100.7\x00",
    ],
)
def test_garbage_falls_back_to_the_connecting_address(forwarded):
    assert client_address(_request(forwarded)) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_fewer_hops_than_proxies_falls_back_to_the_connecting_address():
    assert client_address(_request("198.51.100.7")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_no_header_behind_a_proxy_gives_the_connecting_address():
    assert client_address(_request()) == PROXY


def _sign_in(client, email, password, forwarded):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_a_lockout_stays_with_the_client_that_earned_it(visitor_client, pat):
    for _ in range(5):
        _sign_in(visitor_client, pat.email, "wrong", "198.51.100.7")
    locked = _sign_in(visitor_client, pat.email, "wrong", "198.51.100.7")
    assert locked.status_code == 429
    # The patient, arriving through the same proxy from home, still gets in.
    response = _sign_in(visitor_client, pat.email, PASSWORD, "203.0.113.20")
    assert response.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_an_invented_hop_does_not_escape_a_lockout(visitor_client, pat):
    for number in range(5):
        _sign_in(visitor_client, pat.email, "wrong", f"192.0.2.{number}, 198.51.100.7")
    locked = _sign_in(visitor_client, pat.email, "wrong", "192.0.2.99, 198.51.100.7")
    assert locked.status_code == 429


def test_no_proxy_is_trusted_unless_the_deployment_says_so():
    code = "import clinic.settings as s; print(s.TRUSTED_PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE)"
    result = load_settings(code, **PRODUCTION)
    assert result.stdout.split() == ["0", "accounts.throttle.client_address"]
    assert load_settings(code, **PRODUCTION, TRUSTED_PROXY_COUNT="1").stdout.startswith("1 ")


@pytest.mark.parametrize("value", ["-1", "one"])
def test_an_unreadable_proxy_count_stops_start_up(value):
    result = load_settings(**PRODUCTION, TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_the_deploy_check_asks_for_a_proxy_count_behind_the_proxy():
    check = "import django; django.setup(); from django.core.management import call_command; "
    check += "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    code = f"import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'clinic.settings'; {check}"
    production = {**PRODUCTION, "SECRET_KEY": "a-long-random-enough-key-" + "0123456789" * 4}
    behind = load_settings(code, **production, BEHIND_PROXY="1")
    assert behind.returncode != 0
    assert "accounts.W001" in behind.stderr
    assert "TRUSTED_PROXY_COUNT" in behind.stderr
    trusted = load_settings(code, **production, BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="1")
    assert trusted.returncode == 0, trusted.stderr
