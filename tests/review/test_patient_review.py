"""The review page: the calendar of planned against done, adherence and dose,
charts with their tables, side effects and notes in order (marked seen from
here), the plan's stages and feedback the patient then sees."""

import re
from datetime import datetime, time, timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import AuditEvent
from clinic.plans.schedule import adjust
from clinic.plans.services import end_plan_early, pause_plan, resume_plan
from clinic.review.services import ReviewError
from clinic.usage.models import Feedback
from clinic.usage.services import LogDetails, check_off, report_side_effect, save_details
from mats.services import acknowledge_safety_version
from tests.factories import bulk_patients_with_plans, make_plan, stages_of


def _review(client, patient) -> str:
    response = client.get(reverse("patient-review", args=[patient.pk]))
    assert response.status_code == 200
    return response.text


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _plan(patient, routine, *, days_ago: int, days: int = 28):
    start = patient_today(patient) - timedelta(days=days_ago)
    return make_plan(patient, routine, start=start, days=days, today=start)


def _tick(session, *, before=None, after=None, relaxation=None, note=""):
    noon = datetime.combine(session.date, time(12), tzinfo=session.patient.zone)
    log, _ = check_off(session, today=session.date, now=noon)
    save_details(
        log,
        LogDetails(pain_before=before, pain_after=after, relaxation=relaxation, note=note),
    )
    return log


def two_minute_session_logged_as_ten(patient, routine):
    """A plan of 2-minute sessions that began yesterday; yesterday's was logged as 10 minutes."""
    start = patient_today(patient) - timedelta(days=1)
    stages = [adjust(stage, minutes_min=2, minutes_max=2) for stage in stages_of(routine)]
    plan = make_plan(patient, routine, start=start, today=start, stages=stages)
    session = plan.sessions.get(date=start)
    noon = datetime.combine(session.date, time(12), tzinfo=patient.zone)
    check_off(session, minutes_done=10, today=session.date, now=noon)
    return session


def _report(patient, details="Purple marks.", day=None):
    return report_side_effect(
        patient, codes=["bruising"], details=details, submission_key=uuid4(), today=day
    ).report


@pytest.fixture
def history(screened_pat, routine):
    """Pat on day 9 of a plan of three sessions a week (days 1, 3, 5 and 8 are
    due): the first three done with scores and notes, the fourth (yesterday)
    missed, and a side effect reported on the third."""
    plan = _plan(screened_pat, routine, days_ago=8)
    sessions = list(plan.sessions.order_by("date"))
    _tick(sessions[0], before=6, after=4, relaxation=5, note="Sharp at first, then warm.")
    _tick(sessions[1], before=5, after=4, relaxation=6)
    _tick(sessions[2], before=5, after=3, relaxation=8, note="Slept well after.")
    _report(screened_pat, day=sessions[2].date)
    return plan, sessions


def test_patient_from_other_clinic_is_404(bob_client, pat):
    assert bob_client.get(reverse("patient-review", args=[pat.pk])).status_code == 404


def test_the_page_is_for_practitioners(pat_client, pat):
    assert pat_client.get(reverse("patient-review", args=[pat.pk])).status_code == 403


def test_adherence_and_dose_for_the_plan_and_the_last_seven_days(alice_client, history):
    plan, sessions = history
    html = _flat(_review(alice_client, plan.patient))
    # Four sessions due (days 1, 3, 5 and 8 of the plan), three done.
    assert "75 % <small>(3 of 4) · under 80 %</small>" in html
    # Planned minutes climb from 5 to 10 over the plan's weeks; done = planned.
    done = sum(s.minutes for s in sessions[:3])
    due = sum(s.minutes for s in sessions[:4])
    assert f"<small>({done} of {due} min)" in html
    assert "Missed in a row up to today: 1" in html
    assert "How these are worked out" in html
    assert "80 % or more counts as adherent" in html


def test_the_calendar_shows_planned_against_done_week_by_week(alice_client, history):
    plan, _ = history
    html = _flat(_review(alice_client, plan.patient))
    assert html.count("✓</span> Done") == 3
    assert html.count("✗</span> Missed") == 1
    assert "Rest day" in html
    assert "Week 1" in html
    assert "Week 2" in html
    assert "Side effect</small>" in html


def test_paused_days_show_as_paused_and_are_not_counted(alice_client, screened_pat, routine):
    today = patient_today(screened_pat)
    plan = _plan(screened_pat, routine, days_ago=10)
    for session in plan.sessions.filter(date__lt=today - timedelta(days=5)):
        _tick(session)
    pause_plan(plan, today=today - timedelta(days=5))
    resume_plan(plan, today=today)
    html = _flat(_review(alice_client, screened_pat))
    # In words, with a drawn icon: no font lacks it, and screen readers skip it.
    assert re.search(r'<svg class="icon"[^>]*aria-hidden="true"[^>]*>.*?</svg> Paused', html)
    assert "\u23f8" not in html
    assert "✗</span> Missed" not in html
    assert "100 % <small>(3 of 3) · adherent</small>" in html


def test_a_session_much_longer_than_prescribed_is_said_plainly_and_capped(
    alice_client, screened_pat, routine
):
    session = two_minute_session_logged_as_ten(screened_pat, routine)
    html = _flat(_review(alice_client, screened_pat))
    assert "500 %" not in html
    assert "100 % <small>(2 of 2 min) · 1 session much longer than prescribed</small>" in html
    assert "(2 of 2 min) · adherent" not in html
    # The session itself was done.
    assert "100 % <small>(1 of 1) · adherent</small>" in html
    assert "<li>1 session much longer than prescribed in the last 7 days</li>" in html
    assert (
        f"{session.date:%A} {session.date.day} {session.date:%B}: 10 minutes logged, 2 prescribed"
        in html
    )
    assert "more than half as long again as prescribed" in html


def scroll_boxes(html: str) -> list[str]:
    """The attributes of each box a wide table scrolls sideways in."""
    return re.findall(r'<div ([^>]*class="[^"]*overflow-auto[^>]*)>', html)


def assert_reachable_by_keyboard(attributes: str) -> None:
    assert 'tabindex="0"' in attributes
    assert 'role="region"' in attributes
    assert re.search(r'aria-label="[^"]+"', attributes)
    assert "scroll-region" in attributes  # its focus ring, in app.css


def test_the_week_by_week_calendar_can_be_scrolled_from_the_keyboard(alice_client, history):
    plan, _ = history
    html = _review(alice_client, plan.patient)
    calendar = re.search(r'<div ([^>]*)>\s*<table class="review-calendar"', html).group(1)
    assert 'aria-label="Week-by-week calendar, scrolls sideways"' in calendar
    boxes = scroll_boxes(html)
    assert len(boxes) == 2  # adherence and dose, and the calendar
    for attributes in boxes:
        assert_reachable_by_keyboard(attributes)


def test_charts_are_svg_with_markers_line_styles_and_a_table(alice_client, history):
    plan, _ = history
    html = _review(alice_client, plan.patient)
    assert html.count('<svg class="chart"') == 2
    assert '<title id="pain-chart-title">' in html
    assert 'class="series series-before"' in html
    assert 'class="series series-after"' in html
    assert 'stroke-dasharray="6 4"' in html  # pain after: dashed
    assert html.count("<rect") >= 3  # pain after: squares (and its legend)
    assert "Pain scores as a table" in html
    assert "Relaxation scores as a table" in html
    # No style attributes anywhere: the strict CSP would block them.
    assert "style=" not in html


def test_side_effects_and_notes_in_date_order(alice_client, history):
    plan, _ = history
    html = _review(alice_client, plan.patient)
    first_note = html.index("Sharp at first, then warm.")
    report = html.index("Purple marks.")
    last_note = html.index("Slept well after.")
    assert first_note < last_note
    assert first_note < report
    assert "not seen yet" in html


def test_the_plans_stages_with_the_current_one_marked(alice_client, history):
    plan, _ = history
    html = _flat(_review(alice_client, plan.patient))
    assert "Stage 1, week 1" in html
    assert "Stage 2, weeks 2 to 4 (now)" in html


def test_flags_are_listed_in_words(alice_client, history):
    plan, _ = history
    html = _review(alice_client, plan.patient)
    assert "Side effects not seen yet" in html


def test_marking_seen_clears_the_flag_and_is_audited(alice_client, alice, history):
    plan, _ = history
    patient = plan.patient
    report = patient.side_effect_reports.get()
    response = alice_client.post(
        reverse("review-mark-seen", args=[patient.pk]), {"reports": [report.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-review", args=[patient.pk])
    report.refresh_from_db()
    assert report.seen_by == alice.user
    assert AuditEvent.objects.filter(
        action="update", object_type="usage.sideeffectreport", object_id=report.pk
    ).exists()
    html = alice_client.get(response["Location"]).text
    assert "Marked as seen. The flag is cleared." in html
    assert "Side effects not seen yet" not in html
    assert "Needs attention" not in alice_client.get(reverse("patient-list")).text


def test_marking_seen_leaves_a_report_that_arrived_since_the_page_loaded(alice_client, history):
    plan, _ = history
    patient = plan.patient
    shown = patient.side_effect_reports.get()
    newer = _report(patient, details="A second bruise.")
    alice_client.post(reverse("review-mark-seen", args=[patient.pk]), {"reports": [shown.pk]})
    newer.refresh_from_db()
    assert not newer.is_seen
    assert "Side effects not seen yet" in _review(alice_client, patient)


def test_marking_seen_twice_says_they_were_seen_already(alice_client, history):
    plan, _ = history
    patient = plan.patient
    url = reverse("review-mark-seen", args=[patient.pk])
    report = patient.side_effect_reports.get()
    first = alice_client.post(url, {"reports": [report.pk]}, follow=True)
    assert "Marked as seen. The flag is cleared." in first.text
    response = alice_client.post(url, {"reports": [report.pk]}, follow=True)
    assert "Those reports were already marked as seen." in response.text
    assert "Marked as seen. The flag is cleared." not in response.text
    assert (
        AuditEvent.objects.filter(
            action="update", object_type="usage.sideeffectreport", object_id=report.pk
        ).count()
        == 1
    )


def test_another_patients_report_cannot_be_marked_from_here(
    alice_client, history, clinic_a, alice, routine
):
    plan, _ = history
    from accounts.models import Patient

    other = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Other", email="o@x.example"
    )
    report = _report(other)
    response = alice_client.post(
        reverse("review-mark-seen", args=[plan.patient.pk]), {"reports": [report.pk]}
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert not report.is_seen


def test_feedback_is_saved_audited_and_shown_on_the_patients_today_page(
    alice_client, pat_client, alice, history, safety
):
    plan, _ = history
    patient = plan.patient
    acknowledge_safety_version(patient, safety)
    response = alice_client.post(
        reverse("review-feedback", args=[patient.pk]),
        {"message": "  Lovely steady start. Try the yoga mat this week.  "},
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.message == "Lovely steady start. Try the yoga mat this week."
    assert (feedback.patient, feedback.plan, feedback.author) == (patient, plan, alice.user)
    assert AuditEvent.objects.filter(action="create", object_type="usage.feedback").exists()
    assert "Lovely steady start." in _review(alice_client, patient)
    home = pat_client.get(reverse("patient-home")).text
    assert "A message from Alice Practitioner" in home
    assert "Lovely steady start. Try the yoga mat this week." in home


def test_the_patient_sees_only_the_latest_feedback(alice_client, pat_client, history, safety):
    plan, _ = history
    acknowledge_safety_version(plan.patient, safety)
    url = reverse("review-feedback", args=[plan.patient.pk])
    alice_client.post(url, {"message": "First message."})
    alice_client.post(url, {"message": "Second message."})
    home = pat_client.get(reverse("patient-home")).text
    assert "Second message." in home
    assert "First message." not in home


@pytest.mark.parametrize(
    ("message", "error"),
    [("   ", "Write a message for the patient"), ("x" * 1001, "Keep it to 1000 characters")],
)
def test_empty_or_long_feedback_is_refused_kindly(alice_client, history, message, error):
    plan, _ = history
    response = alice_client.post(
        reverse("review-feedback", args=[plan.patient.pk]), {"message": message}
    )
    assert response.status_code == 200
    assert error in response.text
    assert not Feedback.objects.exists()


def test_a_refusal_from_the_service_is_shown_at_the_message(alice_client, history, monkeypatch):
    """Should the rules grow past what the form checks, the page still says why."""
    plan, _ = history

    def refuse(*args, **kwargs):
        raise ReviewError("review.feedback_too_long", field="message", limit=3)

    monkeypatch.setattr("clinic.review.views.leave_feedback", refuse)
    response = alice_client.post(
        reverse("review-feedback", args=[plan.patient.pk]), {"message": "Hello there."}
    )
    assert response.status_code == 200
    assert "Keep it to 3 characters, please." in response.text
    assert "Hello there." in response.text  # kept in the box to shorten
    assert not Feedback.objects.exists()


def test_feedback_for_another_clinics_patient_is_404(bob_client, pat):
    response = bob_client.post(reverse("review-feedback", args=[pat.pk]), {"message": "Hi"})
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_reading_the_review_is_audited(alice_client, history):
    plan, _ = history
    _review(alice_client, plan.patient)
    assert AuditEvent.objects.filter(
        action="view", object_type="accounts.patient", object_id=plan.patient.pk
    ).exists()


def test_no_plan_yet_still_shows_a_page(alice_client, pat):
    html = _review(alice_client, pat)
    assert "No plan has run yet" in html
    assert "Feedback for Pat Patient" in html


def test_a_plan_that_ended_is_reviewed_when_none_runs(alice_client, history):
    plan, _ = history
    end_plan_early(plan)
    html = _flat(_review(alice_client, plan.patient))
    assert "Ended" in html
    assert "75 % <small>(3 of 4)" in html


def test_a_plan_starting_today_has_nothing_to_judge_yet(alice_client, screened_pat, routine):
    make_plan(screened_pat, routine)
    html = _review(alice_client, screened_pat)
    assert "Nothing planned yet" in html
    assert "Nothing is flagged." in html
    assert "No pain scores yet." in html


# --- Queries -----------------------------------------------------------------------


def _queries(client, patient) -> int:
    with CaptureQueriesContext(connection) as context:
        _review(client, patient)
    return len(context.captured_queries)


def test_the_review_runs_the_same_queries_for_10_or_200_patients_and_any_history(
    alice_client, clinic_a, alice, safety
):
    (short,) = bulk_patients_with_plans(clinic_a, alice, 1, prefix="Short", days_so_far=10)
    bulk_patients_with_plans(clinic_a, alice, 9, prefix="Few")
    (long,) = bulk_patients_with_plans(
        clinic_a, alice, 1, prefix="Long", days_so_far=180, plan_days=182, done_every=1
    )
    assert long.planned_sessions.filter(log__isnull=False).count() == 180
    _report(short)
    _report(long)
    few = _queries(alice_client, short)
    bulk_patients_with_plans(clinic_a, alice, 189, prefix="Many")
    assert _queries(alice_client, short) == few
    # One of them reads the device that passed the session's second factor (django-otp);
    # the session, user, membership and clinic are one (accounts.session_store), the
    # patient's clinic is the membership's, the safety flags and the next
    # visit come with the patient, and the plan with its sessions.
    assert _queries(alice_client, long) == few == 9
