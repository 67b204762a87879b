"""Sign-ins refused at the same moment from one address all count in the
one audit row for that minute (accounts.audit.count_refused_sign_in).
PostgreSQL only (see tests/concurrency.py); CI runs it there."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from accounts.audit import count_refused_sign_in
from accounts.models import AuditEvent
from accounts.sign_in_limits import PER_ADDRESS
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

ADDRESS = "198.51.100.30"


def _rows():
    return AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_REFUSED)


def test_simultaneous_counts_for_a_new_minute_make_one_row_counting_all():
    now = timezone.now()
    results = at_once(12, lambda n: count_refused_sign_in(ADDRESS, "/sign-in/", now))
    assert results == [None] * 12
    (row,) = _rows()
    assert row.count == 12


def test_simultaneous_refused_sign_ins_all_count(settings):
    # Each is refused for the pause, none for the machine being busy.
    settings.SIGN_IN_CHECKS_AT_ONCE = 0
    for _ in range(PER_ADDRESS.allowed):
        throttle.take(PER_ADDRESS, ADDRESS)

    def refused(number: int) -> int:
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS)
        answer = client.post(reverse("login"), {"username": f"p{number}@x.example"})
        return answer.status_code

    assert at_once(8, refused) == [429] * 8
    # Every refusal happened within a second, so within at most two minutes.
    assert sum(row.count for row in _rows()) == 8
    assert _rows().count() <= 2
