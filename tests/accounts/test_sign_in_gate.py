"""The sign-in gate (accounts.sign_in_limits.SignInGateMiddleware): a paused
address or a busy machine is refused before sessions, CSRF and the user are
loaded, with every header other pages carry, Retry-After, and a count in the
audit trail (one row per address a minute)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts import throttle
from accounts.audit import count_refused_sign_in
from accounts.models import AuditEvent, UserSession
from accounts.sign_in_limits import PER_ADDRESS, password_check_slot
from tests.conftest import make_user

ADDRESS = "198.51.100.20"
T0 = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)


def _pause(identity: str = ADDRESS) -> None:
    for _ in range(PER_ADDRESS.allowed):
        assert throttle.take(PER_ADDRESS, identity) is None


def _post(client: Client, **extra):
    # No CSRF token and no page fetched first: a refusal must not need either.
    return client.post(
        reverse("login"), {"username": "pat@x.example", "password": "guess"}, **extra
    )


def _refused_rows():
    return AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_REFUSED)


@pytest.fixture
def web(db) -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def _assert_page_headers(answer):
    policy = answer["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert "frame-ancestors 'none'" in policy
    # The page's one script carries the policy's nonce.
    scripts = re.findall(r"<script[^>]*>", answer.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in answer["Cache-Control"]


def test_a_paused_address_gets_429_with_every_header_and_when_to_retry(web, clock):
    _pause()
    answer = _post(web)
    assert answer.status_code == 429
    assert answer["Retry-After"] == "900"
    assert "paused for 15 more minutes" in answer.text
    _assert_page_headers(answer)
    # Each answer has a nonce of its own, and the minutes left count down.
    clock.move_to(T0 + timedelta(minutes=6))
    later = _post(web)
    _assert_page_headers(later)
    assert later["Content-Security-Policy"] != answer["Content-Security-Policy"]
    assert later["Retry-After"] == "540"
    assert "paused for 9 more minutes" in later.text


def test_a_busy_machine_gets_503_with_every_header_and_a_few_seconds(web, settings):
    settings.SIGN_IN_CHECKS_AT_ONCE = 1
    with password_check_slot() as held:
        assert held
        answer = _post(web)
    assert answer.status_code == 503
    assert answer["Retry-After"] == "5"
    assert "Please wait a few seconds and sign in again" in answer.text
    _assert_page_headers(answer)


def test_under_production_settings_the_refusal_carries_hsts(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    _pause()
    # Made after the settings change: the middleware reads them when built.
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS)
    answer = _post(client, secure=True)
    assert answer.status_code == 429
    assert answer["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_a_refusal_reads_no_session_and_checks_no_csrf(web, django_assert_num_queries):
    user = make_user("pat@x.example")
    web.force_login(user)
    _pause()
    # A session cookie is sent: had sessions or the user been loaded (as
    # they were when the gate stood after them), the session would be read.
    with django_assert_num_queries(2) as queries:  # the pause, the audit count
        answer = _post(web)
    assert answer.status_code == 429
    table = UserSession._meta.db_table
    assert not any(table in query["sql"] for query in queries.captured_queries)
    assert "csrftoken" not in answer.cookies
    assert "sessionid" not in answer.cookies


def test_a_busy_refusal_costs_one_statement(web, settings, django_assert_num_queries):
    settings.SIGN_IN_CHECKS_AT_ONCE = 1
    with password_check_slot(), django_assert_num_queries(1):
        assert _post(web).status_code == 503


def test_a_pause_once_read_is_answered_from_memory_until_it_ends(
    web, clock, django_assert_num_queries
):
    make_user("pat@x.example")
    _pause()
    assert _post(web).status_code == 429
    with django_assert_num_queries(1):  # the audit count alone
        assert _post(web).status_code == 429
    # The window's end lifts it; the next sign-in is checked as usual.
    clock.move_to(T0 + PER_ADDRESS.per)
    assert _post(web).status_code == 403  # (no CSRF token: it reached the form)


def test_an_allowed_sign_in_still_needs_its_csrf_token(web):
    make_user("pat@x.example")
    assert _post(web).status_code == 403
    assert not _refused_rows().exists()


def test_refusals_from_one_address_in_one_minute_share_a_row(web, clock):
    _pause()
    for _ in range(3):
        _post(web)
    clock.move_to(T0 + timedelta(seconds=45))
    _post(web)
    (row,) = _refused_rows()
    assert row.count == 4
    assert row.at == T0.replace(second=0)
    assert row.address == ADDRESS
    assert row.actor is None and row.clinic is None and row.object_id is None
    assert row.path == reverse("login")


def test_the_next_minute_and_another_address_get_rows_of_their_own(web, clock):
    _pause()
    _pause("203.0.113.5")
    _post(web)
    _post(web, REMOTE_ADDR="203.0.113.5")
    clock.move_to(T0 + timedelta(minutes=1))
    _post(web)
    _post(web)
    counts = {(row.address, row.at.minute, row.count) for row in _refused_rows()}
    assert counts == {(ADDRESS, 0, 1), ("203.0.113.5", 0, 1), (ADDRESS, 1, 2)}


def test_an_ipv6_64_is_counted_as_one_address(web, clock):
    _pause("2001:db8:1:2::/64")
    _post(web, REMOTE_ADDR="2001:db8:1:2::1")
    _post(web, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    (row,) = _refused_rows()
    assert (row.address, row.count) == ("2001:db8:1:2::", 2)


def test_the_row_holds_no_email(web, clock):
    make_user("pat@x.example")
    _pause()
    _post(web)
    row = _refused_rows().get()
    assert "x.example" not in str(row.__dict__)
    assert row.object_type == "accounts.user"


def test_the_request_log_names_the_sign_in_route(web, caplog):
    _pause()
    with caplog.at_level("INFO", logger="clinic.request"):
        _post(web)
    (line,) = [r for r in caplog.records if r.name == "clinic.request"]
    assert (line.route, line.status) == ("login", 429)


def test_a_failed_password_is_still_its_own_row(db, clock):
    count_refused_sign_in(ADDRESS, "/sign-in/")
    AuditEvent.objects.create(
        action=AuditEvent.Action.SIGN_IN_FAILED, object_type="accounts.user", address=ADDRESS
    )
    count_refused_sign_in(ADDRESS, "/sign-in/")
    assert _refused_rows().get().count == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED).count() == 1


def _multithread_post(client: Client):
    return _post(client, **{"wsgi.multithread": True})


def test_a_refusal_is_held_back_where_the_server_has_threads(web, settings, monkeypatch):
    from accounts import sign_in_limits

    slept = []
    monkeypatch.setattr(sign_in_limits.time, "sleep", slept.append)
    settings.SIGN_IN_REFUSAL_HOLD_MS = 750
    _pause()
    assert _multithread_post(web).status_code == 429
    assert slept == [0.75]
    # A one-thread server (or the test client) is never held: holding would
    # stop its only thread.
    assert _post(web).status_code == 429
    assert slept == [0.75]


def test_holds_are_bounded_so_pages_keep_their_threads(web, settings, monkeypatch):
    from accounts import sign_in_limits

    settings.SIGN_IN_HOLDS_AT_ONCE = 2
    monkeypatch.setattr(sign_in_limits, "_holds", None)
    slept = []
    monkeypatch.setattr(sign_in_limits.time, "sleep", slept.append)
    slots = sign_in_limits._hold_slots()
    # Two holds already sleeping in this process: the third is answered at once.
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)
    try:
        _pause()
        assert _multithread_post(web).status_code == 429
        assert slept == []
    finally:
        slots.release()
        slots.release()
    assert _multithread_post(web).status_code == 429
    assert slept == [1.0]


def test_holding_can_be_turned_off(web, settings, monkeypatch):
    from accounts import sign_in_limits

    slept = []
    monkeypatch.setattr(sign_in_limits.time, "sleep", slept.append)
    settings.SIGN_IN_REFUSAL_HOLD_MS = 0
    _pause()
    assert _multithread_post(web).status_code == 429
    assert slept == []


def test_a_busy_refusal_is_held_too(web, monkeypatch):
    from accounts import sign_in_limits

    slept = []
    monkeypatch.setattr(sign_in_limits.time, "sleep", slept.append)
    with password_check_slot() as free:
        assert free
        answer = _multithread_post(web)
    assert answer.status_code == 503
    assert slept == [1.0]
