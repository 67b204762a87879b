"""Many requests counting against one limit at the same moment
(accounts.throttle.take): exactly the limit's number get through, whether the
window is new, open, or has just ended. PostgreSQL only (see
tests/concurrency.py); CI runs it there."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import SendingWindow
from accounts.throttle import RESET_PER_EMAIL, take
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def _allowed(results: list) -> int:
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    return sum(result is None for result in results)


def test_twenty_at_once_on_a_new_address_let_three_through():
    results = at_once(20, lambda _: take(RESET_PER_EMAIL, "ann@x.example"))
    assert _allowed(results) == 3
    assert SendingWindow.objects.get().count == 3


def test_twenty_at_once_after_a_window_ended_let_three_through():
    take(RESET_PER_EMAIL, "ann@x.example")
    SendingWindow.objects.update(started_at=timezone.now() - timedelta(hours=2), count=3)
    results = at_once(20, lambda _: take(RESET_PER_EMAIL, "ann@x.example"))
    assert _allowed(results) == 3
