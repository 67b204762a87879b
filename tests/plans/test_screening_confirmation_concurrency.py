"""Several practitioners confirming the same taken-back answer at the same
moment: one confirmation, and everyone else is told there is nothing left to
confirm (clinic.plans.screening.confirm_withdrawal locks the patient row),
never an error page. PostgreSQL only (see tests/concurrency.py); CI runs it
there."""

import pytest
from django.db import connection

from clinic.plans.errors import ScreeningRefused
from clinic.plans.models import ScreeningConfirmation
from clinic.plans.screening import confirm_withdrawal
from tests.concurrency import at_once
from tests.factories import screen

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

RACERS = 15


def test_many_confirming_one_taken_back_answer_at_once_make_one_confirmation(pat, safety, alice):
    screen(pat, yes=["open-wounds"], source="patient")
    taken_back = screen(pat, source="patient")
    results = at_once(RACERS, lambda _: confirm_withdrawal(taken_back, confirmed_by=alice.user))
    confirmed = [result for result in results if isinstance(result, tuple)]
    refused = [result for result in results if isinstance(result, ScreeningRefused)]
    assert len(confirmed) == 1, results
    assert len(refused) == RACERS - 1, results
    assert {error.code for error in refused} == {"screening.nothing_to_confirm"}
    assert ScreeningConfirmation.objects.filter(screening=taken_back).count() == 1
