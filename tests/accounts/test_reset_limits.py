"""How often a password-reset email may go (accounts.forms.ResetPasswordForm,
accounts.throttle): a few per address and per client address each hour, with
the same answer whether an email went, the address is unknown, or a limit
was reached."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import AuditEvent, SendingWindow
from accounts.throttle import forget_ended_windows
from clinic.notifications.models import OutgoingEmail, Purpose

T0 = datetime.fromisoformat("2026-03-02T10:00:00+00:00")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def _ask(client, email, address="198.51.100.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _page(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    page = client.get(response["Location"]).text
    # Each page carries its own CSP nonce and CSRF token; nothing else may differ.
    page = re.sub(r'(nonce|value)="[^"]*"', r'\1=""', page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', page)


def test_thirty_requests_for_one_address_send_three_emails(
    visitor_client, pat, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            # From 30 client addresses, so only the address's own limit applies.
            _ask(visitor_client, pat.email, f"198.51.100.{number}")
    assert [message.to for message in mail.outbox] == [[pat.email]] * 3
    assert OutgoingEmail.objects.filter(purpose=Purpose.PASSWORD_RESET).count() == 3


def test_the_letter_case_of_the_address_does_not_buy_more_emails(visitor_client, pat, clock):
    for spelling in [pat.email, pat.email.upper(), pat.email.title(), pat.email]:
        _ask(visitor_client, spelling, "203.0.113.1")
    assert OutgoingEmail.objects.count() == 3


def test_the_page_is_the_same_for_known_unknown_and_limited_addresses(visitor_client, pat, clock):
    for _ in range(3):
        _ask(visitor_client, pat.email)
    known_but_limited = _ask(visitor_client, pat.email)
    unknown = _ask(visitor_client, "nobody@x.example")
    assert OutgoingEmail.objects.count() == 3
    texts = [_page(visitor_client, answer) for answer in (known_but_limited, unknown)]
    first = _ask(visitor_client, "alice@a.example", "203.0.113.50")
    texts.append(_page(visitor_client, first))
    assert texts[0] == texts[1] == texts[2]
    assert "Check your email" in texts[0]
    assert known_but_limited["Location"] == unknown["Location"] == first["Location"]


def test_eleven_requests_from_one_client_address_send_ten_emails(
    visitor_client, clinic_a, clock, django_capture_on_commit_callbacks
):
    from tests.conftest import make_user

    people = [make_user(f"person{number}@x.example") for number in range(11)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            _ask(visitor_client, person.email)
    assert len(mail.outbox) == 10
    assert people[-1].email not in {message.to[0] for message in mail.outbox}
    # Another client address is not held back by that one.
    _ask(visitor_client, people[-1].email, "203.0.113.9")
    assert OutgoingEmail.objects.count() == 11


TEXT_FIELDS = ("action", "object_type", "path")


def test_a_refused_reset_is_audited_without_the_address(visitor_client, pat, clock):
    for _ in range(4):
        _ask(visitor_client, pat.email)
    event = AuditEvent.objects.get(action="refuse")
    window = SendingWindow.objects.get(scope="reset.email")
    assert (event.object_type, event.object_id) == ("accounts.sendingwindow", window.pk)
    assert (event.actor, event.clinic, event.path) == (None, None, "/password-reset/")
    windows = " ".join(f"{row.scope} {row.key}" for row in SendingWindow.objects.all())
    assert pat.email not in windows + str(AuditEvent.objects.values_list())
    assert "198.51.100.7" not in windows
    # The audit row says where the request came from, in its address field only.
    assert event.address == "198.51.100.7"
    assert "198.51.100.7" not in str(AuditEvent.objects.values_list(*TEXT_FIELDS))


def test_the_limits_lift_an_hour_after_the_first_email(visitor_client, pat, clock):
    for _ in range(3):
        _ask(visitor_client, pat.email)
    clock.move_to(T0 + timedelta(minutes=59), tick=False)
    _ask(visitor_client, pat.email)
    assert OutgoingEmail.objects.count() == 3
    clock.move_to(T0 + timedelta(hours=1), tick=False)
    for _ in range(4):
        _ask(visitor_client, pat.email)
    assert OutgoingEmail.objects.count() == 6


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_has_its_own_allowance(visitor_client, clinic_a, clock):
    from tests.conftest import make_user

    people = [make_user(f"person{number}@x.example") for number in range(12)]
    for number, person in enumerate(people):
        visitor_client.post(
            reverse("password_reset"),
            {"email": person.email},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number % 2}",
        )
    assert OutgoingEmail.objects.count() == 12


def test_windows_a_day_old_are_forgotten(visitor_client, pat, clock):
    _ask(visitor_client, pat.email)
    assert forget_ended_windows(T0 + timedelta(hours=23)) == 0
    assert forget_ended_windows(T0 + timedelta(days=1, seconds=1)) == 2
    assert not SendingWindow.objects.exists()
