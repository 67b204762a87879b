"""The Today page greets the patient and names their practitioner
(clinic/usage/views.py: patient_home)."""

from django.urls import reverse


def test_patient_home_greets_and_names_the_practitioner(pat_client):
    html = pat_client.get(reverse("patient-home")).text
    assert "Hello, Pat Patient" in html
    assert "Alice Practitioner has not set a mat routine for you yet." in html
