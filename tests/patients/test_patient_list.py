"""The practitioner's patient list: this clinic's patients only, search,
plan filters, pages of 25, htmx results and a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans.services import pause_plan
from tests.factories import make_plan, screen

# One per listed patient: the link on their name.
PATIENT_LINK = re.compile(r'href="/patients/\d+/"')


def _add(clinic, practitioner, name):
    return Patient.objects.create(
        clinic=clinic,
        primary_practitioner=practitioner,
        full_name=name,
        email=f"{name.split()[0].lower()}@p.example",
    )


def test_lists_only_this_clinics_patients(alice_client, pat, quinn):
    html = alice_client.get(reverse("patient-list")).text
    assert "Pat Patient" in html
    assert "Quinn Patient" not in html


def test_search_by_part_of_a_name(alice_client, clinic_a, alice, pat):
    _add(clinic_a, alice, "Rosa Lind")
    html = alice_client.get(reverse("patient-list"), {"q": "ros"}).text
    assert "Rosa Lind" in html
    assert "Pat Patient" not in html


def test_search_with_no_match_says_so(alice_client, pat):
    html = alice_client.get(reverse("patient-list"), {"q": "zzz"}).text
    assert "No patient's name contains “zzz”." in html


def test_bad_page_number_is_a_400_not_a_500(alice_client):
    response = alice_client.get(reverse("patient-list"), {"page": "two"})
    assert response.status_code == 400
    assert "could not be understood" in response.text


def test_pages_of_twenty_five(alice_client, clinic_a, alice):
    for i in range(30):
        _add(clinic_a, alice, f"Person{i:02d} Test")
    first = alice_client.get(reverse("patient-list")).text
    second = alice_client.get(reverse("patient-list"), {"page": 2}).text
    assert len(PATIENT_LINK.findall(first)) == 25
    assert len(PATIENT_LINK.findall(second)) == 5
    assert "Page 2 of 2" in second


def test_list_query_count_does_not_grow_with_patients(
    alice_client, clinic_a, alice, django_assert_max_num_queries
):
    for i in range(20):
        _add(clinic_a, alice, f"Person{i:02d} Test")
    with django_assert_max_num_queries(9):
        html = alice_client.get(reverse("patient-list")).text
    assert len(PATIENT_LINK.findall(html)) == 20


# --- Plan status, htmx search ------------------------------------------------


def _with_plans(clinic, practitioner, count: int, name: str = "Crowd") -> None:
    """``count`` patients: a third with an active plan, a third waiting, the rest none."""
    for i in range(count):
        patient = _add(clinic, practitioner, f"{name}{i:03d} Member")
        if i % 3 == 0:
            screen(patient)
            make_plan(patient)
        elif i % 3 == 1:
            make_plan(patient)


def test_shows_each_patients_plan(alice_client, clinic_a, alice, screened_pat, routine):
    make_plan(screened_pat, routine)
    waiting = _add(clinic_a, alice, "Wanda Waiting")
    make_plan(waiting, routine)
    _add(clinic_a, alice, "Nora None")
    html = alice_client.get(reverse("patient-list")).text
    assert "Active until" in html
    assert "Waiting for screening" in html


def test_an_active_plan_past_its_last_day_says_so(alice_client, screened_pat, routine):
    start = patient_today(screened_pat) - timedelta(days=10)
    plan = make_plan(screened_pat, routine, start=start, days=5, today=start)
    html = alice_client.get(reverse("patient-list")).text
    assert f"Active, last day was {plan.end_date:%-d %b}" in html
    assert "Active until" not in html


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("active", {"Pat Patient"}),
        ("waiting_for_screening", {"Wanda Waiting"}),
        ("paused", {"Paula Paused"}),
        ("none", {"Nora None"}),
        ("", {"Pat Patient", "Wanda Waiting", "Paula Paused", "Nora None"}),
    ],
)
def test_filter_by_plan_status(alice_client, clinic_a, alice, screened_pat, routine, status, shown):
    make_plan(screened_pat, routine)
    make_plan(_add(clinic_a, alice, "Wanda Waiting"), routine)
    paused = _add(clinic_a, alice, "Paula Paused")
    screen(paused)
    pause_plan(make_plan(paused, routine))
    _add(clinic_a, alice, "Nora None")
    html = alice_client.get(reverse("patient-list"), {"status": status}).text
    names = {"Pat Patient", "Wanda Waiting", "Paula Paused", "Nora None"}
    assert {name for name in names if f">{name}</a>" in html} == shown


def test_unknown_status_is_a_400(alice_client):
    response = alice_client.get(reverse("patient-list"), {"status": "happy"})
    assert response.status_code == 400
    assert response.text == "That search could not be understood."


def test_filter_with_no_match_says_so(alice_client, pat):
    assert (
        "No patient has that plan status."
        in alice_client.get(reverse("patient-list"), {"status": "paused"}).text
    )


def test_search_as_you_type_returns_the_results_only(alice_client, clinic_a, alice, pat):
    _add(clinic_a, alice, "Rosa Lind")
    response = alice_client.get(reverse("patient-list"), {"q": "ros"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="patient-results"')
    assert "<html" not in response.text
    assert "Rosa Lind" in response.text
    assert "Pat Patient" not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_search_form_works_without_javascript(alice_client, pat):
    html = alice_client.get(reverse("patient-list")).text
    assert 'method="get"' in html
    assert 'action="/patients/"' in html
    assert '<button type="submit">Search</button>' in html
    assert 'hx-trigger="input changed delay:300ms from:#patient-search' in html


def test_pages_keep_the_search_and_filter(alice_client, clinic_a, alice):
    for i in range(30):
        _add(clinic_a, alice, f"Person{i:02d} Test")
    html = alice_client.get(reverse("patient-list"), {"q": "person", "status": "none"}).text
    assert "?q=person&amp;status=none&amp;page=2" in html


def _queries(client, **params) -> tuple[int, int]:
    """The queries one page of the list runs, and how many patients it lists."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("patient-list"), params)
    assert response.status_code == 200
    return len(context.captured_queries), len(PATIENT_LINK.findall(response.text))


def test_query_count_is_the_same_for_ten_and_for_fifty_five_patients(
    alice_client, clinic_a, alice, safety, routine
):
    _with_plans(clinic_a, alice, 10)
    # The first request stores the new patients' flags: one statement more.
    ten_new, _ = _queries(alice_client)
    ten, listed = _queries(alice_client)
    assert listed == 10
    _with_plans(clinic_a, alice, 45, name="More")
    fifty_five_new, _ = _queries(alice_client)
    fifty_five, listed = _queries(alice_client)
    assert listed == 25  # the first page
    assert ten == fifty_five
    assert ten_new == fifty_five_new == ten + 1
    # Eight to read the page, and one INSERT for its audit row (how many were listed).
    # One of them reads the device that passed the session's second factor (django-otp).
    assert ten <= 10
    assert ten_new <= 10
    # Every third of the ten "Crowd" patients has an active plan.
    assert _queries(alice_client, status="active", q="crowd") == (ten, 4)
