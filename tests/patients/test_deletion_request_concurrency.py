"""Two taps on "Send my request" at the same moment make one request and one
email (clinic.patients.services.request_deletion locks the patient row).
PostgreSQL only (see tests/concurrency.py); CI runs it there."""

import pytest
from django.db import connection, transaction

from accounts.models import DeletionRequest, Patient
from clinic.notifications.models import OutgoingEmail, Purpose
from clinic.patients.services import PatientRefused, request_deletion
from tests.concurrency import start_together, wait_until_blocked

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def test_two_requests_at_once_make_one(pat):
    # The patient row held locked makes both racers wait, then go one after the other.
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=pat.pk)
        finish = start_together(2, lambda _index: request_deletion(pat))
        wait_until_blocked(2)
    results = finish()

    made = [result for result in results if isinstance(result, DeletionRequest)]
    refused = [result for result in results if isinstance(result, PatientRefused)]
    assert len(made) == 1
    assert [error.code for error in refused] == ["patients.deletion_already_open"]
    assert DeletionRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(purpose=Purpose.DELETION_REQUEST).count() == 1
