"""Practitioners recording the same visit for one patient at the same moment
(two tabs, a double click): one appointment, and everyone else is told the
time is taken (clinic.visits.services.record_visit), never an error page.
PostgreSQL only (see tests/concurrency.py); CI runs it there."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from accounts.errors import Refusals
from clinic.visits.models import Appointment
from clinic.visits.services import record_visit
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RACERS = 15


def test_one_visit_recorded_at_once_from_many_tabs_is_kept_once(pat):
    results = at_once(RACERS, lambda _: record_visit(pat, visited_at=NOW, now=NOW))
    kept = [result for result in results if isinstance(result, tuple)]
    refused = [result for result in results if isinstance(result, Refusals)]
    assert len(kept) == 1, results
    assert len(refused) == RACERS - 1, results
    assert {tuple(error.code for error in refusal.errors) for refusal in refused} == {
        ("visits.time_taken",)
    }
    assert Appointment.objects.filter(patient=pat).count() == 1
