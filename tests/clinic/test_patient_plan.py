"""The patient sees the plan their practitioner set, day by day."""

from datetime import timedelta

from django.urls import reverse

from clinic.services import pause_plan
from mats.services import acknowledge_safety_version
from tests.clinic.factories import make_plan, screen


def test_the_patient_sees_exactly_the_planned_days(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine, days=14)
    html = pat_client.get(reverse("patient-plan")).text
    for session in plan.sessions.all():
        assert f"{session.date:%A} {session.date.day} {session.date:%B}" in html
    assert html.count("Rest day") == 8
    assert html.count("minutes · Low back, lying") == 6


def test_home_shows_the_next_sessions(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    make_plan(screened_pat, routine, days=14)
    html = pat_client.get(reverse("patient-home")).text
    assert "Today's session" in html
    assert "Coming up" in html
    assert "5 minutes · Low back, lying" in html
    assert reverse("patient-plan") in html


def test_a_waiting_plan_tells_the_patient_what_comes_first(pat_client, pat, safety, routine):
    acknowledge_safety_version(pat, safety)
    make_plan(pat, routine)
    assert pat_client.get(reverse("patient-home"))["Location"] == reverse("safety-questions")
    html = pat_client.get(reverse("patient-plan")).text
    assert "It starts once you have answered" in html
    assert reverse("safety-questions") in html


def test_a_paused_plan_asks_the_patient_to_wait(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    pause_plan(plan)
    assert "Your plan is paused" in pat_client.get(reverse("patient-home")).text
    html = pat_client.get(reverse("patient-plan")).text
    assert "Your plan is paused." in html
    assert "No session" in html


def test_the_note_for_the_patient_is_shown(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine)
    plan.note_for_patient = "Breathe out slowly."
    plan.save()
    assert "Breathe out slowly." in pat_client.get(reverse("patient-plan")).text


def test_unread_safety_guidance_comes_first(pat_client, screened_pat, routine):
    make_plan(screened_pat, routine)
    response = pat_client.get(reverse("patient-plan"))
    assert response["Location"] == reverse("safety-acknowledge")


def test_no_plan_yet(pat_client, pat):
    assert "No mat plan yet" in pat_client.get(reverse("patient-plan")).text


def test_only_the_patients_own_plan(pat_client, pat, quinn, safety, routine):
    acknowledge_safety_version(pat, safety)
    screen(quinn)
    make_plan(quinn, routine, days=10)
    assert "No mat plan yet" in pat_client.get(reverse("patient-plan")).text


def test_a_finished_day_list_stops_at_the_plans_last_day(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine, days=3)
    html = pat_client.get(reverse("patient-plan")).text
    after = plan.end_date + timedelta(days=1)
    assert f"{after:%A} {after.day} {after:%B}" not in html
