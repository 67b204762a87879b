"""Twenty wrong passwords from one address at the same moment count twenty
(accounts.sign_in_limits): simultaneous failures never overwrite each
other's count. PostgreSQL only (see tests/concurrency.py); CI runs it there."""

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import RequestFactory

from accounts.models import SendingWindow
from accounts.sign_in_limits import PER_ADDRESS
from tests.concurrency import at_once
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def _fail(number: int):
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="198.51.100.7")
    return authenticate(request, username=f"person{number}@x.example", password="wrong")


def test_twenty_simultaneous_failures_count_twenty(settings):
    # Every one of them is checked: no cap on checks at once here.
    settings.SIGN_IN_CHECKS_AT_ONCE = 0
    for number in range(20):
        make_user(f"person{number}@x.example")
    results = at_once(20, _fail)
    assert results == [None] * 20
    assert SendingWindow.objects.get(scope=PER_ADDRESS.scope).count == 20
    # The twenty-first is refused.
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="198.51.100.7")
    assert authenticate(request, username="person0@x.example", password="wrong") is None
    assert request.sign_in_address_refusal.window.count == 20
