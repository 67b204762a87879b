"""The plan's dates (accounts.bounds via clinic.plans.forms) take only 1900 to
2100: the assignment page, its htmx preview and the extend form refuse the
rest with a message and save nothing, where 9999-12-31 used to overflow while
working out the plan's last day."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.bounds import DATE_OUT_OF_RANGE, EARLIEST_DAY, LATEST_DAY
from clinic.plans.models import MAX_PLAN_DAYS, Plan, PlannedSession
from clinic.plans.rules import latest_day_for
from clinic.plans.schedule import build_schedule
from tests.factories import make_plan
from tests.html_forms import form_with_button, post_forms_in
from tests.plans.test_schedule import ladders

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE_PAIRS = [
    ("9999-12-31", "9999-12-31"),
    ("0001-01-01", "0001-01-01"),
    ("1899-12-31", "2101-01-01"),
    ("0001-01-01", "9999-12-31"),
]


@pytest.fixture
def practitioner(alice) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    return client


def _assign(practitioner: Client, patient, start: str, end: str, action: str, **extra):
    url = reverse("plan-assign", args=[patient.pk])
    form = form_with_button(practitioner.get(url, {"routine": "gentle"}).text, "Assign this plan")
    data = form.data(start_date=start, end_date=end, action=action)
    return practitioner.post(form.action, data, **extra)


@pytest.mark.parametrize(("start", "end"), HOSTILE_PAIRS)
def test_saving_outside_the_range_is_refused(practitioner, screened_pat, routine, start, end):
    response = _assign(practitioner, screened_pat, start, end, "save")
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert not PlannedSession.objects.exists()
    assert f"First day: {DATE_OUT_OF_RANGE}" in response.text
    assert f"Last day: {DATE_OUT_OF_RANGE}" in response.text


@pytest.mark.parametrize(("start", "end"), HOSTILE_PAIRS)
def test_the_preview_outside_the_range_says_what_to_fix(
    practitioner, screened_pat, routine, start, end
):
    response = _assign(practitioner, screened_pat, start, end, "preview", **HTMX)
    assert response.status_code == 200
    assert "Enter a first and last day that work together." in response.text
    assert not Plan.objects.exists()


def test_the_preview_without_htmx_shows_the_range_message(practitioner, screened_pat, routine):
    response = _assign(practitioner, screened_pat, "9999-12-31", "9999-12-31", "preview")
    assert response.status_code == 200
    assert DATE_OUT_OF_RANGE in response.text
    assert not Plan.objects.exists()


def test_a_date_picker_is_told_the_range(practitioner, screened_pat, routine):
    url = reverse("plan-assign", args=[screened_pat.pk])
    html = practitioner.get(url, {"routine": "gentle"}).text
    assert 'min="1900-01-01"' in html
    assert 'max="2100-12-31"' in html


@pytest.mark.parametrize("new_end", ["9999-12-31", "2101-01-01", "1899-12-31", "0001-01-01"])
def test_extending_outside_the_range_is_refused(practitioner, screened_pat, routine, new_end):
    plan = make_plan(screened_pat, routine, days=7)
    sessions = plan.sessions.count()
    page = reverse("plan-detail", args=[screened_pat.pk, plan.pk])
    (form,) = [f for f in post_forms_in(practitioner.get(page).text) if "new_end" in f.fields]
    response = practitioner.post(form.action, form.data(new_end=new_end))
    assert response.status_code == 200
    assert DATE_OUT_OF_RANGE in response.text
    plan.refresh_from_db()
    assert plan.length_in_days == 7
    assert plan.sessions.count() == sessions


@given(st.dates())
def test_the_latest_day_of_a_plan_never_overflows(start):
    last = latest_day_for(start)
    assert start <= last <= date.max


@given(st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY))
def test_any_day_the_form_accepts_has_its_full_plan_length(start):
    assert latest_day_for(start) - start == timedelta(days=MAX_PLAN_DAYS - 1)


@given(ladders(), st.dates(min_value=LATEST_DAY - timedelta(MAX_PLAN_DAYS), max_value=LATEST_DAY))
def test_a_schedule_ending_on_the_last_day_allowed_is_built(stages, start):
    days = build_schedule(stages, start, LATEST_DAY)
    assert days[0].day == start
    assert days[-1].day == LATEST_DAY
