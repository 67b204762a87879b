"""Sign-in limits (accounts.sign_in_limits, django-axes): twenty wrong
passwords from one address across any emails pause that address; five for
one email at one address lock that pair; neither refusal hashes a password;
a reset from the email link lifts that email's lock and nothing else."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import get_hashers
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import SendingWindow
from accounts.sign_in_limits import PER_ADDRESS, password_check_slot
from tests.conftest import PASSWORD, make_user
from tests.html_forms import post_forms_in

WRONG = "That email and password do not match an account"
PAUSED = "Too many sign-ins have failed from your network"
LOCKED = "Too many sign-in attempts"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def hashes():
    """How many times any configured hasher hashed or checked a password
    (a check that hashes inside counts once)."""
    calls = mock.Mock()
    inside = []
    patches = []
    for hasher in get_hashers():
        cls = type(hasher)
        for method in ("encode", "verify"):
            original = getattr(cls, method)

            def counted(self, *args, _original=original, **kwargs):
                if not inside:
                    calls()
                inside.append(True)
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    inside.pop()

            patches.append(mock.patch.object(cls, method, counted))
    for patch in patches:
        patch.start()
    yield calls
    for patch in patches:
        patch.stop()


def _sign_in(client: Client, email: str, password: str = "", **extra):
    """Post the sign-in form as a browser does: the page's CSRF token included.
    Without a password, a wrong one."""
    password = password or "not-" + PASSWORD
    page = client.get(reverse("login"), **extra)
    (form,) = post_forms_in(page.text)
    data = form.data(username=email, password=password)
    return client.post(reverse("login"), data, **extra)


@pytest.fixture
def web(db) -> Client:
    return Client(enforce_csrf_checks=True)


def _spray(client, count: int, **extra) -> list:
    return [_sign_in(client, f"person{n}@x.example", **extra) for n in range(count)]


def test_spraying_forty_emails_is_paused_after_twenty_without_hashing(web, hashes):
    people = [make_user(f"person{n}@x.example") for n in range(40)]
    hashes.reset_mock()
    answers = _spray(web, 20)
    assert all(WRONG in answer.text for answer in answers)
    assert hashes.call_count == 20

    hashes.reset_mock()
    answers = [_sign_in(web, person.email) for person in people[20:]]
    assert hashes.call_count == 0
    for answer in answers:
        assert answer.status_code == 429
        assert answer["Retry-After"] == "900"
        assert PAUSED in answer.text
        assert "paused for 15 more minutes" in answer.text
        assert WRONG not in answer.text
    assert "_auth_user_id" not in web.session


def test_the_right_password_is_paused_too_and_the_words_name_no_account(web, hashes):
    pat_user = make_user("pat@x.example")
    _spray(web, 20)
    hashes.reset_mock()
    right = _sign_in(web, pat_user.email, PASSWORD)
    unknown = _sign_in(web, "nobody@x.example")
    # Unknown emails are hashed once to take as long as known ones; not here.
    assert hashes.call_count == 0
    assert "_auth_user_id" not in web.session

    def message(answer):
        return re.search(r"Too many sign-ins[^<]*", answer.text)[0]

    assert message(right) == message(unknown)


def test_another_address_is_not_paused(web):
    pat_user = make_user("pat@x.example")
    _spray(web, 20)
    answer = _sign_in(web, pat_user.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert answer.status_code == 302
    assert web.session["_auth_user_id"] == str(pat_user.pk)


def test_addresses_in_one_ipv6_64_share_a_count(web):
    for n in range(20):
        _sign_in(web, f"p{n}@x.example", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
    same = _sign_in(web, "p@x.example", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    other = _sign_in(web, "p@x.example", REMOTE_ADDR="2001:db8:1:3::1")
    assert PAUSED in same.text
    assert WRONG in other.text


def test_behind_a_proxy_the_forwarded_client_address_counts(web, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    pat_user = make_user("pat@x.example")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # Whatever the client puts on the left is ignored: the proxy's entry counts.
    for n in range(20):
        forwarded = f"192.0.2.{n}, 198.51.100.7"
        _sign_in(web, f"p{n}@x.example", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
    paused = _sign_in(web, pat_user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert PAUSED in paused.text
    # Another client through the same proxy signs in.
    answer = _sign_in(web, pat_user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert answer.status_code == 302


def test_the_pause_ends_fifteen_minutes_after_the_first_failure(web, clock):
    pat_user = make_user("pat@x.example")
    _spray(web, 20)
    clock.move_to(T0 + timedelta(minutes=14, seconds=59))
    answer = _sign_in(web, pat_user.email, PASSWORD)
    assert "paused for 1 more minute." in answer.text
    clock.move_to(T0 + PER_ADDRESS.per + timedelta(seconds=1))
    assert WRONG in _sign_in(web, pat_user.email).text
    # A new window began with that failure: nineteen more before the next pause.
    assert SendingWindow.objects.get(scope=PER_ADDRESS.scope).count == 1
    _spray(web, 19)
    assert PAUSED in _sign_in(web, pat_user.email, PASSWORD).text


def test_a_successful_sign_in_does_not_clear_the_address_count(web):
    pat_user = make_user("pat@x.example")
    _spray(web, 19)
    assert _sign_in(web, pat_user.email, PASSWORD).status_code == 302
    web.post(reverse("logout"), HTTP_X_CSRFTOKEN=web.cookies["csrftoken"].value)
    _spray(web, 1)
    assert PAUSED in _sign_in(web, pat_user.email, PASSWORD).text


def test_a_locked_email_at_an_address_is_refused_without_hashing(web, hashes):
    pat_user = make_user("pat@x.example")
    for _ in range(5):
        _sign_in(web, pat_user.email)
    hashes.reset_mock()
    answer = _sign_in(web, pat_user.email.upper(), PASSWORD)
    assert answer.status_code == 429
    assert LOCKED in answer.text
    assert hashes.call_count == 0
    # The refusal wrote nothing: the cool-off still runs from the fifth failure.
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_attempts_refused_for_the_address_write_no_lockout_rows(web):
    _spray(web, 20)
    assert AccessAttempt.objects.count() == 20
    _sign_in(web, "someone.new@x.example")
    _sign_in(web, "person0@x.example")
    assert AccessAttempt.objects.count() == 20
    assert AccessAttempt.objects.get(username="person0@x.example").failures_since_start == 1


def test_attempts_refused_by_the_lock_do_not_use_up_the_address(web):
    pat_user = make_user("pat@x.example")
    other = make_user("other@x.example")
    for _ in range(30):
        _sign_in(web, pat_user.email)
    # Five passwords were checked; the other 25 were refused by the lock.
    assert SendingWindow.objects.get(scope=PER_ADDRESS.scope).count == 5
    assert _sign_in(web, other.email, PASSWORD).status_code == 302


def test_the_locked_out_page_offers_a_password_reset(web):
    make_user("pat@x.example")
    for _ in range(5):
        _sign_in(web, "pat@x.example")
    answer = _sign_in(web, "pat@x.example", PASSWORD)
    assert f'href="{reverse("password_reset")}"' in answer.text
    assert "once you have chosen a new password you can sign in straight away" in answer.text


def _reset_from_inbox(client: Client, email: str, new_password: str, capture) -> str:
    page = client.get(reverse("password_reset"))
    (form,) = post_forms_in(page.text)
    with capture(execute=True):
        client.post(reverse("password_reset"), form.data(email=email))
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body)[1]
    page = client.get(link, follow=True)
    (form,) = post_forms_in(page.text)
    answer = client.post(
        page.redirect_chain[-1][0],
        form.data(new_password1=new_password, new_password2=new_password),
        follow=True,
    )
    return answer.text


def test_a_reset_from_the_email_lifts_that_persons_lock_only(
    web, django_capture_on_commit_callbacks
):
    pat_user = make_user("pat@x.example")
    other = make_user("other@x.example")
    for _ in range(5):
        _sign_in(web, pat_user.email)
        _sign_in(web, other.email)
    assert _sign_in(web, pat_user.email, PASSWORD).status_code == 429

    done = _reset_from_inbox(
        Client(enforce_csrf_checks=True),
        pat_user.email,
        "fresh-mat-pass-9",
        django_capture_on_commit_callbacks,
    )
    assert "Your new password is saved" in done
    assert "You can sign in with it now" in done

    assert _sign_in(web, pat_user.email, "fresh-mat-pass-9").status_code == 302
    web.post(reverse("logout"), HTTP_X_CSRFTOKEN=web.cookies["csrftoken"].value)
    assert _sign_in(web, other.email, PASSWORD).status_code == 429


def test_a_reset_does_not_lift_the_address_pause(web, django_capture_on_commit_callbacks):
    pat_user = make_user("pat@x.example")
    _spray(web, 20)
    _reset_from_inbox(web, pat_user.email, "fresh-mat-pass-9", django_capture_on_commit_callbacks)
    assert PAUSED in _sign_in(web, pat_user.email, "fresh-mat-pass-9").text


def test_the_backend_stands_between_axes_and_the_password_check():
    backends = settings.AUTHENTICATION_BACKENDS
    assert backends.index("axes.backends.AxesStandaloneBackend") == 0
    assert backends.index("accounts.sign_in_limits.AddressLimitBackend") == 1
    assert backends[-1] == "django.contrib.auth.backends.ModelBackend"


def test_while_every_check_slot_is_taken_a_sign_in_is_asked_to_retry_unhashed(
    web, settings, hashes
):
    settings.SIGN_IN_CHECKS_AT_ONCE = 1
    pat_user = make_user("pat@x.example")
    with password_check_slot() as held:
        assert held
        hashes.reset_mock()
        answer = _sign_in(web, pat_user.email, PASSWORD)
    assert answer.status_code == 503
    assert answer["Retry-After"] == "5"
    assert "The site is busy checking other sign-ins" in answer.text
    assert hashes.call_count == 0
    # Nothing counted against the address or the email.
    assert not SendingWindow.objects.filter(scope=PER_ADDRESS.scope).exists()
    assert not AccessAttempt.objects.exists()
    # The slot is free again.
    assert _sign_in(web, pat_user.email, PASSWORD).status_code == 302


def test_check_slots_are_shared_and_given_back(settings):
    settings.SIGN_IN_CHECKS_AT_ONCE = 2
    with (
        password_check_slot() as first,
        password_check_slot() as second,
        password_check_slot() as third,
    ):
        assert (first, second, third) == (True, True, False)
    with password_check_slot() as again:
        assert again


def test_no_limit_on_checks_when_set_to_zero(settings):
    settings.SIGN_IN_CHECKS_AT_ONCE = 0
    with password_check_slot() as first, password_check_slot() as second:
        assert first and second


def test_the_backend_refuses_too_without_the_gate(db, settings, hashes):
    """authenticate() called outside a request to the sign-in page (another
    view, a script) meets the same two refusals, unhashed."""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    settings.SIGN_IN_CHECKS_AT_ONCE = 1
    pat_user = make_user("pat@x.example")

    def attempt(password, email=pat_user.email):
        request = RequestFactory().post("/elsewhere/", REMOTE_ADDR="198.51.100.7")
        return request, authenticate(request, username=email, password=password)

    hashes.reset_mock()
    with password_check_slot():
        request, user = attempt(PASSWORD)
    assert user is None
    assert request.sign_in_busy
    assert hashes.call_count == 0
    for n in range(20):
        attempt("wrong", f"person{n}@x.example")
    hashes.reset_mock()
    request, user = attempt(PASSWORD)
    assert user is None
    assert request.sign_in_address_refusal.window.count == 20
    assert hashes.call_count == 0
    assert attempt(PASSWORD)[1] is None
    other = RequestFactory().post("/elsewhere/", REMOTE_ADDR="203.0.113.9")
    assert authenticate(other, username=pat_user.email, password=PASSWORD) == pat_user
