"""The Today page greets the patient and names their practitioner
(clinic/usage/views.py: patient_home); the home dispatcher and the menu
answer each role."""

from django.urls import reverse

from tests.conftest import make_user


def test_patient_home_greets_and_names_the_practitioner(pat_client):
    html = pat_client.get(reverse("patient-home")).text
    assert "Hello, Pat Patient" in html
    assert "Alice Practitioner has not set a mat routine for you yet." in html


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
