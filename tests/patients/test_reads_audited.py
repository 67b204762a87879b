"""Reads of patient data in the clinic's pages leave audit rows: the patient
list (and its search) one LIST row naming how many were shown, never who or
what was searched for; the in-clinic screening and the visit form a VIEW."""

from django.urls import reverse

from accounts.models import AuditEvent, Patient
from clinic.patients.queries import PATIENTS_PER_PAGE


def _add(clinic, practitioner, name: str) -> Patient:
    email = name.lower().replace(" ", ".") + "@patients.example"
    return Patient.objects.create(
        clinic=clinic, primary_practitioner=practitioner, full_name=name, email=email
    )


def test_the_list_records_how_many_patients_it_showed(alice_client, alice, pat, quinn):
    alice_client.get(reverse("patient-list"))
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.clinic_id, event.count) == (
        "list",
        alice.user,
        alice.clinic_id,
        1,  # pat; quinn is Clinic B's
    )
    assert (event.object_type, event.object_id) == ("accounts.clinic", alice.clinic_id)


def test_a_search_records_the_count_and_not_the_search(alice_client, clinic_a, alice, pat):
    _add(clinic_a, alice, "Rosalind Searchable")
    response = alice_client.get(reverse("patient-list"), {"q": "Rosalind", "page": "1"})
    assert "Rosalind Searchable" in response.text
    event = AuditEvent.objects.get()
    assert event.count == 1
    assert event.path == "/patients/"
    assert "Rosalind" not in " ".join(str(value) for value in event.__dict__.values())


def test_the_htmx_results_are_recorded_like_the_page(alice_client, pat):
    alice_client.get(reverse("patient-list"), {"q": "Pat"}, headers={"HX-Request": "true"})
    assert AuditEvent.objects.get().count == 1


def test_each_page_counts_only_its_own_rows(alice_client, clinic_a, alice):
    for number in range(PATIENTS_PER_PAGE + 3):
        _add(clinic_a, alice, f"Person {number:02d}")
    alice_client.get(reverse("patient-list"))
    alice_client.get(reverse("patient-list"), {"page": 2})
    counts = list(AuditEvent.objects.order_by("pk").values_list("count", flat=True))
    assert counts == [PATIENTS_PER_PAGE, 3]


def test_an_empty_search_is_recorded_as_zero(alice_client, pat):
    alice_client.get(reverse("patient-list"), {"q": "Nobody by this name"})
    assert AuditEvent.objects.get().count == 0


def test_the_in_clinic_screening_page_is_a_view(alice_client, alice, pat, safety):
    response = alice_client.get(reverse("patient-screening", args=[pat.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.clinic_id) == (
        "view",
        "accounts.patient",
        pat.pk,
        pat.clinic_id,
    )


def test_the_visit_form_is_a_view(alice_client, pat):
    alice_client.get(reverse("patient-visit-add", args=[pat.pk]))
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == ("view", pat.pk)
