"""Where each person starts (clinic/patients/views.py: home), and the menu
each role sees."""

from django.urls import reverse

from tests.conftest import make_user


def test_each_role_starts_on_its_own_page(pat_client, alice_client, staff_client):
    assert pat_client.get(reverse("home"))["Location"] == reverse("patient-home")
    assert alice_client.get(reverse("home"))["Location"] == reverse("patient-list")
    assert staff_client.get(reverse("home"))["Location"] == reverse("admin:index")


def test_account_without_a_role_is_told_what_to_do(client, db):
    client.force_login(make_user("loose@x.example"))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "not linked to a clinic" in response.text


def test_menu_matches_the_role(pat_client, alice_client):
    patient_html = pat_client.get(reverse("patient-home")).text
    practitioner_html = alice_client.get(reverse("patient-list")).text
    assert 'href="/patients/"' not in patient_html
    assert 'href="/patients/add/"' in practitioner_html
