"""The visit form's date and time fields (accounts.bounds) take only 1900 to
2100 on the clinic's own clock, in every zone: year 1 in Tokyo would be
stored before year 1 in UTC and could never be read back."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.bounds import DATETIME_OUT_OF_RANGE
from clinic.visits.models import Appointment
from tests.html_forms import post_forms_in

ZONES = ["Europe/London", "Asia/Tokyo"]
HOSTILE = ["0001-01-01T00:00", "1899-12-31T23:59", "2101-01-01T00:00", "9999-12-31T23:59"]


@pytest.fixture(params=ZONES)
def practitioner(request, alice, pat) -> Client:
    alice.clinic.time_zone = request.param
    alice.clinic.save(update_fields=["time_zone"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    return client


def _submit(client: Client, patient, **changes):
    page = reverse("patient-visit-add", args=[patient.pk])
    (form,) = [f for f in post_forms_in(client.get(page).text) if "visited_at" in f.fields]
    return client.post(form.action or page, form.data(**changes))


def _recently() -> str:
    return (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("value", HOSTILE)
def test_a_visit_outside_1900_to_2100_is_refused(practitioner, pat, value):
    response = _submit(practitioner, pat, visited_at=value)
    assert response.status_code == 200
    assert DATETIME_OUT_OF_RANGE in response.text
    assert not Appointment.objects.exists()
    assert practitioner.get(reverse("patient-detail", args=[pat.pk])).status_code == 200


@pytest.mark.parametrize("value", HOSTILE)
def test_a_next_visit_outside_1900_to_2100_is_refused(practitioner, pat, value):
    response = _submit(practitioner, pat, visited_at=_recently(), next_visit_at=value)
    assert response.status_code == 200
    assert DATETIME_OUT_OF_RANGE in response.text
    assert not Appointment.objects.exists()


def test_both_times_hostile_at_once_are_both_refused(practitioner, pat):
    response = _submit(
        practitioner, pat, visited_at="0001-01-01T00:00", next_visit_at="9999-12-31T23:59"
    )
    assert response.status_code == 200
    assert "2 things need fixing" in response.text
    assert f"Visit date and time: {DATETIME_OUT_OF_RANGE}" in response.text
    assert f"Next booked visit: {DATETIME_OUT_OF_RANGE}" in response.text
    assert not Appointment.objects.exists()


def test_the_earliest_allowed_visit_is_stored_and_read_back(practitioner, pat):
    response = _submit(practitioner, pat, visited_at="1900-01-01T00:00")
    assert response.status_code == 302
    visit = Appointment.objects.get()
    assert timezone.localtime(visit.starts_at).year == 1900
    assert practitioner.get(reverse("patient-detail", args=[pat.pk])).status_code == 200


def test_the_browser_is_told_the_range(practitioner, pat):
    html = practitioner.get(reverse("patient-visit-add", args=[pat.pk])).text
    assert 'min="1900-01-01T00:00"' in html
    assert 'max="2100-12-31T23:59"' in html
