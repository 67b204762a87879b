"""The patient sees the plan their practitioner set, day by day
(clinic/usage/views.py: patient_plan, with pages.plan_page and plan_calendar)."""

import re
from datetime import timedelta
from uuid import uuid4

from django.urls import reverse

from accounts.clock import patient_today
from clinic.plans.services import end_plan_early, pause_plan
from clinic.usage.services import check_off, report_side_effect
from mats.services import acknowledge_safety_version
from tests.factories import make_plan, screen


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
    last, after = plan.end_date, plan.end_date + timedelta(days=1)
    assert f"{last:%A} {last.day} {last:%B}" in html
    assert f"{after:%A} {after.day} {after:%B}" not in html


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_calendar_shows_done_missed_rest_upcoming_and_today(
    pat_client, screened_pat, safety, routine
):
    acknowledge_safety_version(screened_pat, safety)
    today = patient_today(screened_pat)
    start = today - timedelta(days=7)  # sessions on days 0, 2, 4; 7 (today), 9, 11
    plan = make_plan(screened_pat, routine, start=start, days=14, today=start)
    first = plan.sessions.get(date=start)
    log, _ = check_off(first, today=start)
    log.pain_before, log.pain_after = 6, 3
    log.save()
    check_off(plan.sessions.get(date=start + timedelta(days=4)), today=start + timedelta(days=4))
    report_side_effect(
        screened_pat, codes=["bruising"], details="", submission_key=uuid4(), session_log=log
    )
    html = _squash(pat_client.get(reverse("patient-plan")).text)
    assert html.count("✓</span> Done") == 2
    assert html.count("✗</span> Missed") == 1
    assert html.count("To do today") == 1
    assert html.count("Upcoming") == 2
    assert html.count("Rest day") == 8
    assert "Pain 6 before, 3 after" in html
    assert "Side effect reported: Bruising" in html
    assert "1 session in a row" in html
    assert "2 done · 1 missed · 3 to come" in html
    assert "2 of 2, week 2: Get used to it." in html
    # The missed session was four days ago: too late to tick off here.
    assert "I did it: tick it off" not in html
    # The days done and today's open their page; missed and upcoming ones do not.
    assert html.count("Details of ") == 3
    assert f'href="{reverse("session-day", args=[first.pk])}"' in html
    assert html.count("(today)") == html.count(" plan-today") == 1


def test_a_plan_with_nothing_done_yet_invites_the_first_tick(
    pat_client, screened_pat, safety, routine
):
    acknowledge_safety_version(screened_pat, safety)
    make_plan(screened_pat, routine, days=14)
    html = _squash(pat_client.get(reverse("patient-plan")).text)
    assert "Tick off your next session to start one" in html
    assert "6 sessions in all." in html


def test_a_missed_session_can_be_ticked_off_from_the_calendar(
    pat_client, screened_pat, safety, routine
):
    acknowledge_safety_version(screened_pat, safety)
    today = patient_today(screened_pat)
    start = today - timedelta(days=2)
    plan = make_plan(screened_pat, routine, start=start, days=7, today=start)
    missed = plan.sessions.get(date=start)
    html = pat_client.get(reverse("patient-plan")).text
    assert reverse("session-check-off", args=[missed.pk]) in html
    response = pat_client.post(reverse("session-check-off", args=[missed.pk]), follow=True)
    assert "Done" in response.text
    assert "✓</span> Done" in pat_client.get(reverse("patient-plan")).text


def test_a_paused_plan_shows_the_days_on_hold(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine, days=7)
    pause_plan(plan)
    html = pat_client.get(reverse("patient-plan")).text
    assert html.count("No session (plan paused)") == 7
    # A drawn icon beside the words: a pause symbol is a box where no emoji font is installed.
    assert "\u23f8" not in html
    assert html.count('<svg class="icon"') == 7


def test_an_ended_plan_stays_to_look_back_on(pat_client, screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    today = patient_today(screened_pat)
    start = today - timedelta(days=10)
    plan = make_plan(screened_pat, routine, start=start, days=14, today=start)
    end_plan_early(plan)
    html = pat_client.get(reverse("patient-plan")).text
    assert "Your last mat plan" in html
    assert "(ended)" in html
