"""The admin for appointments (clinic.visits.admin): staff read them by id,
without the patient's name or the note, and change nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.visits.models import Appointment


@pytest.fixture
def visit(pat, alice):
    return Appointment.objects.create(
        patient=pat,
        starts_at=timezone.now() - timedelta(days=1),
        note="Neck and shoulders",
        recorded_by=alice.user,
    )


def test_staff_can_list_and_open_appointments_by_id(staff_client, visit, pat):
    listing = staff_client.get(reverse("admin:visits_appointment_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:visits_appointment_change", args=[visit.pk]) in listing.text
    assert f'<td class="field-patient_id">{pat.pk}</td>' in listing.text
    page = staff_client.get(reverse("admin:visits_appointment_change", args=[visit.pk]))
    assert page.status_code == 200
    for response in (listing, page):
        assert "Neck and shoulders" not in response.text
        assert pat.full_name not in response.text
    assert 'name="starts_at"' not in page.text  # shown, not editable


def test_staff_cannot_add_change_or_delete_appointments(staff_client, visit):
    starts_at = visit.starts_at
    assert staff_client.get(reverse("admin:visits_appointment_add")).status_code == 403
    change = reverse("admin:visits_appointment_change", args=[visit.pk])
    assert staff_client.post(change, {"starts_at": "2020-01-01T10:00"}).status_code == 403
    delete = reverse("admin:visits_appointment_delete", args=[visit.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    listing = staff_client.get(reverse("admin:visits_appointment_changelist")).text
    assert "delete_selected" not in listing
    visit.refresh_from_db()
    assert visit.starts_at == starts_at


def test_practitioners_do_not_reach_the_admin(alice_client, visit):
    response = alice_client.get(reverse("admin:visits_appointment_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
