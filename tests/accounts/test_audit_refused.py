"""Asking for a record that exists but is not yours is a 404, as for one that
does not exist, and leaves a REFUSE row naming who asked and what
(accounts.access.clinic_patient, scoped_or_404)."""

from uuid import uuid4

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from clinic.usage.services import report_side_effect
from tests.factories import make_plan, screen


def _refusal() -> AuditEvent:
    return AuditEvent.objects.get(action="refuse")


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("patient-detail", "get"),
        ("patient-review", "get"),
        ("patient-summary", "get"),
        ("patient-export", "get"),
        ("patient-screening", "get"),
        ("patient-visit-add", "get"),
        ("plan-assign", "get"),
        ("patient-invite", "post"),
        ("review-feedback", "post"),
    ],
)
def test_another_clinics_patient_is_refused_and_recorded(name, method, bob_client, bob, pat):
    response = getattr(bob_client, method)(reverse(name, args=[pat.pk]), REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 404
    event = _refusal()
    assert (event.actor, event.clinic_id) == (bob.user, bob.clinic_id)
    assert (event.object_type, event.object_id) == ("accounts.patient", pat.pk)
    assert event.address == "192.0.2.8"
    assert AuditEvent.objects.count() == 1


def test_a_patient_that_does_not_exist_is_404_with_no_row(bob_client, db):
    assert bob_client.get(reverse("patient-review", args=[424242])).status_code == 404
    assert not AuditEvent.objects.exists()


def test_another_patients_plan_under_your_own_patient_is_refused(
    alice_client, alice, pat, quinn, routine
):
    theirs = make_plan(quinn, routine)
    before = AuditEvent.objects.count()
    response = alice_client.get(reverse("plan-detail", args=[pat.pk, theirs.pk]))
    assert response.status_code == 404
    event = _refusal()
    assert (event.actor, event.clinic_id) == (alice.user, alice.clinic_id)
    assert (event.object_type, event.object_id) == ("plans.plan", theirs.pk)
    assert AuditEvent.objects.count() == before + 1


def test_another_patients_session_and_report_are_refused(pat_client, pat, quinn, routine, safety):
    screen(quinn)
    plan = make_plan(quinn, routine)
    session = plan.sessions.first()
    report = report_side_effect(
        quinn, codes=["bruising"], details="sore", submission_key=uuid4()
    ).report
    assert pat_client.get(reverse("session-day", args=[session.pk])).status_code == 404
    assert pat_client.get(reverse("side-effect-detail", args=[report.pk])).status_code == 404
    refused = list(
        AuditEvent.objects.filter(action="refuse")
        .order_by("pk")
        .values_list("actor", "clinic", "object_type", "object_id")
    )
    assert refused == [
        (pat.user.pk, pat.clinic_id, "plans.plannedsession", session.pk),
        (pat.user.pk, pat.clinic_id, "usage.sideeffectreport", report.pk),
    ]


def test_own_records_are_not_refused(pat_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    session = plan.sessions.first()
    assert pat_client.get(reverse("session-day", args=[session.pk])).status_code == 200
    assert not AuditEvent.objects.filter(action="refuse").exists()
