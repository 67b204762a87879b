"""Fifteen taps on "Send my request" released together: one request, one
email, and fourteen refusals in words (clinic.patients.services.request_deletion),
never an error page. PostgreSQL only (see tests/concurrency.py); CI runs it
there."""

import pytest
from django.db import connection

from accounts.models import DeletionRequest
from clinic.notifications.models import OutgoingEmail, Purpose
from clinic.patients.services import PatientRefused, request_deletion
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

RACERS = 15


def test_many_requests_at_once_make_one(pat):
    results = at_once(RACERS, lambda _: request_deletion(pat))
    made = [result for result in results if isinstance(result, DeletionRequest)]
    refused = [result for result in results if isinstance(result, PatientRefused)]
    assert len(made) == 1, results
    assert len(refused) == RACERS - 1, results
    assert {error.code for error in refused} == {"patients.deletion_already_open"}
    assert DeletionRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(purpose=Purpose.DELETION_REQUEST).count() == 1
