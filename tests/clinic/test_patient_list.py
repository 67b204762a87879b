import re

from django.urls import reverse

from accounts.models import Patient


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
    row_link = re.compile(r'href="/patients/\d+/"')
    assert len(row_link.findall(first)) == 25
    assert len(row_link.findall(second)) == 5
    assert "Page 2 of 2" in second


def test_list_query_count_does_not_grow_with_patients(
    alice_client, clinic_a, alice, django_assert_max_num_queries
):
    for i in range(20):
        _add(clinic_a, alice, f"Person{i:02d} Test")
    with django_assert_max_num_queries(8):
        alice_client.get(reverse("patient-list"))
