"""The hostile harness itself can fail: it notices a server error, a row
written by a refusal, a value stored out of bounds, two clinics tied
together, and its strategies do change both dates at once."""

from datetime import date

import pytest
from django.db import DataError, connection, transaction
from django.http import HttpResponse
from hypothesis import find

from accounts.models import Patient
from clinic.plans.models import Plan
from tests.hostile.drive import check
from tests.hostile.rows import crossing_clinics, snapshot, stored_out_of_bounds, written
from tests.hostile.values import submission


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_fails_the_check(db, status):
    with pytest.raises(AssertionError, match=f"answered {status}"):
        check(HttpResponse(status=status), method="post", view_name="x", before=snapshot())


def test_a_row_written_by_a_refusal_fails_the_check(pat, clinic_a, alice):
    before = snapshot()
    Patient.objects.create(clinic=clinic_a, primary_practitioner=alice, full_name="New", email="")
    with pytest.raises(AssertionError, match="rows were written"):
        check(HttpResponse(status=200), method="post", view_name="x", before=before)


def test_a_row_changed_by_a_refusal_fails_the_check(pat):
    before = snapshot()
    # Same number of rows; one name differs.
    Patient.objects.filter(pk=pat.pk).update(full_name="Someone Else")
    with pytest.raises(
        AssertionError, match=r"rows were written: \{'accounts.Patient': 'rows changed'\}"
    ):
        check(HttpResponse(status=403), method="post", view_name="x", before=before)


def test_a_row_removed_and_another_added_is_noticed(pat, clinic_a, alice):
    before = snapshot()
    Patient.objects.create(clinic=clinic_a, primary_practitioner=alice, full_name="New", email="")
    Patient.objects.filter(pk=pat.pk).delete()
    assert written(before, snapshot()) == {"accounts.Patient": "rows changed"}


def test_a_value_set_to_null_is_noticed(pat):
    before = snapshot()
    Patient.objects.filter(pk=pat.pk).update(user=None)
    assert written(before, snapshot()) == {"accounts.Patient": "rows changed"}


def test_nothing_changed_is_nothing_written(world):
    assert written(snapshot(), snapshot()) == {}


def test_a_sign_in_time_and_a_devices_wait_are_not_writes(pat):
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=pat.user, name="Phone", confirmed=True)
    before = snapshot()
    type(pat.user).objects.filter(pk=pat.user.pk).update(last_login=timezone.now())
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )
    assert written(before, snapshot()) == {}
    TOTPDevice.objects.filter(pk=device.pk).update(name="Another phone")
    assert written(before, snapshot()) == {"otp_totp.TOTPDevice": "rows changed"}


def test_a_row_written_by_a_success_passes_the_check(pat, clinic_a, alice):
    before = snapshot()
    Patient.objects.create(clinic=clinic_a, primary_practitioner=alice, full_name="New", email="")
    check(HttpResponse(status=302), method="post", view_name="x", before=before)


def test_a_date_out_of_bounds_is_noticed(world):
    assert stored_out_of_bounds() == []
    # Both ends move, so the database's own 26-week rule still holds.
    Plan.objects.update(start_date=date(9999, 12, 1), end_date=date(9999, 12, 31))
    assert stored_out_of_bounds() == ["plans.Plan"]


def test_a_text_longer_than_its_column_is_noticed(pat):
    if connection.vendor == "postgresql":
        # PostgreSQL refuses it itself; SQLite would keep it, and the check says so.
        with pytest.raises(DataError), transaction.atomic():
            Patient.objects.filter(pk=pat.pk).update(full_name="x" * 1000)
        return
    Patient.objects.filter(pk=pat.pk).update(full_name="x" * 1000)
    assert stored_out_of_bounds() == ["accounts.Patient"]


def test_a_patient_of_one_clinic_with_another_clinics_practitioner_is_noticed(pat, bob):
    assert crossing_clinics() == []
    Patient.objects.filter(pk=pat.pk).update(primary_practitioner=bob)
    assert crossing_clinics() == [f"patient {pat.pk}"]


def test_both_dates_of_a_range_are_changed_together():
    fields = (("start_date", ("2026-03-01",)), ("end_date", ("2026-03-28",)), ("note", ("",)))
    kinds = {"start_date": "date", "end_date": "date", "note": "textarea"}
    strategy = submission(fields, kinds, {}, ["99"], date(2026, 3, 1))
    both = find(
        strategy,
        lambda data: (
            data.get("start_date") not in (None, ["2026-03-01"])
            and data.get("end_date") not in (None, ["2026-03-28"])
        ),
    )
    assert both["start_date"] != ["2026-03-01"] and both["end_date"] != ["2026-03-28"]


def test_fields_are_repeated_and_dropped_too():
    fields = (("a", ("1",)), ("b", ("2",)))
    strategy = submission(fields, {}, {}, ["99"], date(2026, 3, 1))
    assert len(find(strategy, lambda data: len(data.get("a", [])) > 1)["a"]) > 1
    assert "b" not in find(strategy, lambda data: "b" not in data)


def test_another_clinics_ids_are_among_the_values():
    strategy = submission((("patient", ("1",)),), {}, {}, ["4242"], date(2026, 3, 1))
    assert find(strategy, lambda data: any("4242" in values for values in data.values()))
