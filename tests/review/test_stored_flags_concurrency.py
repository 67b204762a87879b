"""A care write or a change of zone committed while a refresh of the stored
flags waits for the patient's row: the refresh read the older rows, so it
stores nothing and the flag stays out of date (``clinic.review.flags``: the
UPDATE compares the care version and zone again on the newest row).
PostgreSQL only (see tests/concurrency.py); CI runs it there."""

from uuid import uuid4

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.care import changing_care_of
from accounts.clock import patient_today
from accounts.models import FLAG_OUT_OF_DATE, Patient
from clinic.review.flags import out_of_date, refresh_stale, store_flags
from clinic.usage.models import SideEffectReport
from clinic.usage.services import set_time_zone
from tests.concurrency import start_together, wait_until_blocked

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def _row(pat) -> Patient:
    return Patient.objects.get(pk=pat.pk)


def test_a_care_write_committed_during_a_refresh_leaves_the_flag_out_of_date(pat, safety):
    now = timezone.now()
    refresh_stale(pat.clinic, now)
    assert _row(pat).flagged is False
    with transaction.atomic():
        with changing_care_of(pat.pk):  # holds the patient's row
            SideEffectReport.objects.create(
                patient=pat, day=patient_today(pat), details="A bruise", submission_key=uuid4()
            )
        # The refresh reads before this commits: no report, the older version.
        finish = start_together(1, lambda _: store_flags(pat.clinic, [(pat.pk, "")], now))
        wait_until_blocked(1)
    assert finish() == [0]
    row = _row(pat)
    assert row.flag_until == FLAG_OUT_OF_DATE
    assert row.flagged is False
    assert [pk for pk, _ in out_of_date(pat.clinic, now)] == [pat.pk]
    assert refresh_stale(pat.clinic, now) == 1
    assert _row(pat).flagged is True


def test_a_change_of_zone_committed_during_a_refresh_leaves_the_flag_out_of_date(pat, safety):
    now = timezone.now()
    refresh_stale(pat.clinic, now)
    with transaction.atomic():
        set_time_zone(_row(pat), "Pacific/Kiritimati")
        finish = start_together(1, lambda _: store_flags(pat.clinic, [(pat.pk, "")], now))
        wait_until_blocked(1)
    assert finish() == [0]
    assert _row(pat).flag_until == FLAG_OUT_OF_DATE
    assert refresh_stale(pat.clinic, now) == 1
    assert _row(pat).flag_until > now
