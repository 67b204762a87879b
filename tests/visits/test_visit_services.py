"""Recording a visit (clinic.visits.services.record_visit): the appointments
it adds, their audit rows, and what it refuses, with codes."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.audit import Actor
from accounts.errors import Refusals, sentence
from accounts.models import AuditEvent
from clinic.visits.models import Appointment
from clinic.visits.services import record_visit

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _codes(refused: pytest.ExceptionInfo[Refusals]) -> list[tuple[str, str | None]]:
    return [(error.code, error.field) for error in refused.value.errors]


def test_the_visit_and_the_booking_are_added_and_audited(pat, alice):
    actor = Actor(alice.user, "/patients/1/visits/add/")
    visit, booked = record_visit(
        pat,
        visited_at=NOW - timedelta(hours=2),
        note="Neck and shoulders",
        next_visit_at=NOW + timedelta(days=14),
        actor=actor,
        now=NOW,
    )
    assert (visit.note, visit.recorded_by, booked.note, booked.recorded_by) == (
        "Neck and shoulders",
        alice.user,
        "",
        alice.user,
    )
    for appointment in (visit, booked):
        event = AuditEvent.objects.get(object_type="visits.appointment", object_id=appointment.pk)
        assert (event.action, event.actor, event.path, event.clinic_id) == (
            "create",
            alice.user,
            "/patients/1/visits/add/",
            pat.clinic_id,
        )


def test_without_a_booking_only_the_visit_is_added(pat):
    visit, booked = record_visit(pat, visited_at=NOW, now=NOW)
    assert booked is None
    assert list(Appointment.objects.all()) == [visit]


def test_an_hours_leeway_for_clocks_then_a_future_visit_is_refused(pat):
    record_visit(pat, visited_at=NOW + timedelta(hours=1), now=NOW)
    with pytest.raises(Refusals) as refused:
        record_visit(pat, visited_at=NOW + timedelta(hours=1, minutes=1), now=NOW)
    assert _codes(refused) == [("visits.in_future", "visited_at")]
    assert sentence(refused.value.errors[0]).startswith("A visit is recorded once it has happened.")


def test_every_broken_rule_is_said_at_once(pat):
    with pytest.raises(Refusals) as refused:
        record_visit(
            pat,
            visited_at=NOW + timedelta(days=2),
            next_visit_at=NOW + timedelta(days=1),
            now=NOW,
        )
    assert _codes(refused) == [
        ("visits.in_future", "visited_at"),
        ("visits.next_before_visit", "next_visit_at"),
    ]
    assert not Appointment.objects.exists()


def test_the_next_visit_must_be_within_a_year(pat):
    record_visit(pat, visited_at=NOW, next_visit_at=NOW + timedelta(days=366), now=NOW)
    with pytest.raises(Refusals) as refused:
        record_visit(
            pat,
            visited_at=NOW - timedelta(days=1),
            next_visit_at=NOW + timedelta(days=367),
            now=NOW,
        )
    assert _codes(refused) == [("visits.next_too_far", "next_visit_at")]


def test_a_time_the_patient_already_has_is_refused(pat, quinn):
    record_visit(pat, visited_at=NOW, now=NOW)
    with pytest.raises(Refusals) as refused:
        record_visit(pat, visited_at=NOW - timedelta(days=7), next_visit_at=NOW, now=NOW)
    assert _codes(refused) == [("visits.time_taken", None)]
    assert sentence(refused.value.errors[0]) == (
        "This patient already has an appointment at that time."
    )
    assert Appointment.objects.filter(patient=pat).count() == 1
    # Another patient may have the same time.
    record_visit(quinn, visited_at=NOW, now=NOW)


def test_the_database_refuses_a_time_taken_meanwhile(pat, monkeypatch):
    """Two tabs at once: the check passes in both, the unique constraint decides."""
    record_visit(pat, visited_at=NOW, now=NOW)
    monkeypatch.setattr(
        "clinic.visits.models.AppointmentQuerySet.exists", lambda self: False, raising=False
    )
    with pytest.raises(Refusals) as refused:
        record_visit(pat, visited_at=NOW, now=NOW)
    assert _codes(refused) == [("visits.time_taken", None)]
    assert Appointment.objects.count() == 1
