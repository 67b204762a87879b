"""The printable pre-visit summary: the period, adherence and dose, the pain
change (first 3 scored sessions against the last 3), side effects, the
patient's notes and the plan's next stage."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from clinic.visits.models import Appointment
from tests.review.test_patient_review import _plan, _report, _tick, two_minute_session_logged_as_ten


def _summary(client, patient) -> str:
    response = client.get(reverse("patient-summary", args=[patient.pk]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text)


def _daily(patient, routine, days_ago=9):
    return list(_plan(patient, routine, days_ago=days_ago).sessions.order_by("date"))


def test_patient_from_other_clinic_is_404(bob_client, pat):
    assert bob_client.get(reverse("patient-summary", args=[pat.pk])).status_code == 404


def test_the_summary_has_the_period_adherence_and_next_visit(alice_client, screened_pat, routine):
    sessions = _daily(screened_pat, routine, days_ago=8)
    for session in sessions[:3]:
        _tick(session)
    visit = Appointment.objects.create(
        patient=screened_pat, starts_at=timezone.now() + timedelta(days=3)
    )
    html = _summary(alice_client, screened_pat)
    assert "Pre-visit summary: Pat Patient" in html
    plan = sessions[0].plan
    assert f"{plan.start_date:%A} {plan.start_date.day} {plan.start_date:%B}" in html
    assert "75 % <small>(3 of 4) · under 80 %</small>" in html
    assert f"{visit.starts_at.astimezone(screened_pat.zone):%A}" in html
    assert "(in 3 days)" in html
    assert AuditEvent.objects.filter(action="view", object_id=screened_pat.pk).exists()


def test_a_session_much_longer_than_prescribed_is_flagged_and_capped(
    alice_client, screened_pat, routine
):
    two_minute_session_logged_as_ten(screened_pat, routine)
    html = _summary(alice_client, screened_pat)
    assert "500 %" not in html
    assert "100 % <small>(2 of 2 min) · 1 session much longer than prescribed</small>" in html
    assert (
        "Needs attention:</strong> 1 session much longer than prescribed in the last 7 days" in html
    )
    assert "A session counts for its prescribed minutes at most" in html


def test_pain_change_compares_the_first_three_with_the_last_three(
    alice_client, screened_pat, routine
):
    sessions = _plan(screened_pat, routine, days_ago=20).sessions.order_by("date")
    scores = [(7, 6), (6, 5), (6, 4), (5, 4), (4, 3), (4, 2), (3, 2), (3, 1)]
    for session, (before, after) in zip(sessions, scores, strict=False):
        _tick(session, before=before, after=after)
    html = _summary(alice_client, screened_pat)
    # Before: (7 + 6 + 6) / 3 = 6.3 against (4 + 3 + 3) / 3 = 3.3.
    assert "<td>6.3</td> <td>3.3</td> <td> -3.0 (less pain)" in html
    # After: (6 + 5 + 4) / 3 = 5.0 against (2 + 2 + 1) / 3 = 1.7.
    assert "<td>5.0</td> <td>1.7</td> <td> -3.3 (less pain)" in html
    assert "The mean of the first 3 scored sessions against the mean of the last 3" in html


def test_pain_change_needs_two_scored_sessions(alice_client, screened_pat, routine):
    sessions = _daily(screened_pat, routine)
    _tick(sessions[0], before=5, after=4)
    assert "Not enough pain scores yet" in _summary(alice_client, screened_pat)


def test_side_effects_and_notes_are_listed(alice_client, screened_pat, routine):
    sessions = _daily(screened_pat, routine)
    _tick(sessions[0], note="Warm and sleepy afterwards.")
    _report(screened_pat, details="A small bruise.", day=sessions[0].date)
    html = _summary(alice_client, screened_pat)
    assert "Warm and sleepy afterwards." in html
    assert "Bruising — “A small bruise.”" in html
    assert "(not seen yet)" in html


def test_only_the_latest_notes_fit_on_the_sheet(alice_client, screened_pat, routine):
    sessions = _plan(screened_pat, routine, days_ago=20).sessions.order_by("date")
    for number, session in enumerate(list(sessions)[:8]):
        _tick(session, note=f"Note number {number}.")
    html = _summary(alice_client, screened_pat)
    assert "Note number 7." in html
    assert "Note number 2." not in html
    assert "And 3 earlier, on the review page." in html


def test_the_next_stage_is_named(alice_client, screened_pat, routine):
    _daily(screened_pat, routine, days_ago=2)  # in week 1 of 4
    html = _summary(alice_client, screened_pat)
    assert "The plan's next stage" in html
    assert "Stage 2, weeks 2 to 4" in html


def test_on_the_last_stage_it_says_so(alice_client, screened_pat, routine):
    _daily(screened_pat, routine, days_ago=10)  # week 2: the last stage
    html = _summary(alice_client, screened_pat)
    assert "The plan stays on its last stage, stage 2" in html


def test_the_page_prints_without_menus(alice_client, screened_pat, routine):
    _daily(screened_pat, routine)
    html = _summary(alice_client, screened_pat)
    assert 'class="no-print"' in html
    assert "fits on one A4 or Letter sheet" in html


def test_no_plan_yet(alice_client, pat):
    html = _summary(alice_client, pat)
    assert "No plan has run yet." in html
    assert "None reported." in html
