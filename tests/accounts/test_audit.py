"""The audit trail (accounts.audit, accounts.models.AuditEvent): reads and writes of
patient data are recorded by ids only, and nobody edits the trail in the admin."""

from django.urls import reverse

from accounts.models import AuditEvent, Patient


def test_viewing_a_patient_is_recorded_without_their_data(alice_client, alice, pat):
    alice_client.get(reverse("patient-detail", args=[pat.pk]))
    event = AuditEvent.objects.get()
    assert (event.actor, event.clinic_id, event.action) == (alice.user, alice.clinic_id, "view")
    assert (event.object_type, event.object_id) == ("accounts.patient", pat.pk)
    recorded = " ".join(str(v) for v in event.__dict__.values())
    assert pat.full_name not in recorded
    assert pat.email not in recorded


def test_adding_and_inviting_are_recorded(alice_client, alice):
    alice_client.post(
        reverse("patient-add"),
        {"full_name": "Jo March", "email": "jo@x.example", "primary_practitioner": alice.pk},
    )
    patient = Patient.objects.get(full_name="Jo March")
    alice_client.post(reverse("patient-invite", args=[patient.pk]))
    actions = list(AuditEvent.objects.order_by("at", "pk").values_list("action", "object_id"))
    assert actions == [("create", patient.pk), ("invite", patient.pk)]


def test_another_clinics_patient_is_404_and_recorded_as_refused(bob_client, bob, pat):
    response = bob_client.get(reverse("patient-detail", args=[pat.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.get()
    assert (event.actor, event.clinic_id, event.action) == (bob.user, bob.clinic_id, "refuse")
    assert (event.object_type, event.object_id) == ("accounts.patient", pat.pk)


def test_asking_for_a_patient_that_does_not_exist_leaves_no_row(bob_client):
    response = bob_client.get(reverse("patient-detail", args=[987654]))
    assert response.status_code == 404
    assert AuditEvent.objects.count() == 0


def test_trail_cannot_be_edited_in_the_admin(staff_client, alice_client, pat):
    alice_client.get(reverse("patient-detail", args=[pat.pk]))
    event = AuditEvent.objects.get()
    url = reverse("admin:accounts_auditevent_change", args=[event.pk])
    response = staff_client.post(url, {"action": "create"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.action == "view"
    assert (
        staff_client.post(
            reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    # The row stays as written; each refused attempt adds a row of its own.
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "object_id")) == [
        ("view", pat.pk),
        ("refuse", event.pk),
        ("refuse", event.pk),
    ]
