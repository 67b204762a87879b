"""Recording a needling visit and the next booking, from the patient's page."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from clinic.visits.models import Appointment


def _local(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def _post(client, patient, **data):
    return client.post(reverse("patient-visit-add", args=[patient.pk]), data)


def test_recording_a_visit_and_the_next_booking(alice_client, pat):
    held = timezone.localtime() - timedelta(hours=2)
    booked = held + timedelta(days=14)
    response = _post(
        alice_client,
        pat,
        visited_at=_local(held),
        note="Neck and shoulders",
        next_visit_at=_local(booked),
    )
    assert response["Location"] == reverse("patient-detail", args=[pat.pk])
    past, upcoming = list(pat.appointments.past()), list(pat.appointments.upcoming())
    assert [a.note for a in past] == ["Neck and shoulders"]
    assert len(upcoming) == 1
    html = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "Neck and shoulders" in html
    assert "No visit is booked." not in html


def test_times_are_read_in_the_clinics_zone(bob_client, quinn):
    # Clinic B is in New York: 10:00 there on 2 March 2026 is 15:00 UTC.
    _post(bob_client, quinn, visited_at="2026-03-02T10:00")
    assert Appointment.objects.get().starts_at == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_a_visit_in_the_future_is_refused(alice_client, pat):
    later = timezone.localtime() + timedelta(days=2)
    response = _post(alice_client, pat, visited_at=_local(later))
    assert "A visit is recorded once it has happened." in response.text
    assert Appointment.objects.count() == 0


def test_next_visit_must_follow_this_one(alice_client, pat):
    held = timezone.localtime() - timedelta(days=1)
    response = _post(
        alice_client, pat, visited_at=_local(held), next_visit_at=_local(held - timedelta(days=1))
    )
    assert "The next visit must come after this one." in response.text
    assert Appointment.objects.count() == 0


def test_same_time_twice_is_refused(alice_client, pat):
    held = _local(timezone.localtime() - timedelta(days=1))
    _post(alice_client, pat, visited_at=held)
    response = _post(alice_client, pat, visited_at=held)
    assert "already has an appointment at that time" in response.text
    assert Appointment.objects.count() == 1


def test_note_with_a_nul_character_is_a_form_error(alice_client, pat):
    held = _local(timezone.localtime() - timedelta(days=1))
    response = _post(alice_client, pat, visited_at=held, note="bad\x00note")
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text
    assert Appointment.objects.count() == 0


def test_nonsense_date_is_a_form_error(alice_client, pat):
    response = _post(alice_client, pat, visited_at="yesterday-ish")
    assert "Enter a date and time" in response.text
    assert Appointment.objects.count() == 0


def test_other_clinics_patient_is_404(bob_client, pat):
    held = _local(timezone.localtime() - timedelta(days=1))
    assert _post(bob_client, pat, visited_at=held).status_code == 404
    assert Appointment.objects.count() == 0
