"""What the Today page says about the day (clinic/usage/pages.py: home and
card, shown by usage/patient_home.html): the safety gate first, then today's
session, or why there is none; and what the session card offers."""

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from clinic.usage.services import check_off, report_side_effect
from mats.services import acknowledge_safety_version
from tests.factories import make_plan, screen

HOME = reverse("patient-home")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def ready_pat(pat, safety):
    acknowledge_safety_version(pat, safety)
    return pat


def test_an_answer_that_rules_the_mat_out_comes_first_and_hides_the_plans_note(
    pat_client, ready_pat, routine
):
    screen(ready_pat)
    plan = make_plan(ready_pat, routine)
    plan.note_for_patient = "Keep the T-shirt on this week."
    plan.save()
    screen(ready_pat, yes=["open-wounds"])
    html = text_of(pat_client.get(HOME).text)
    assert "Please speak to your practitioner first" in html
    assert "until you have talked with Alice Practitioner" in html
    assert "Today's session" not in html
    assert "Keep the T-shirt on this week." not in html


def test_an_answer_taken_back_waits_for_the_practitioner(pat_client, ready_pat, routine):
    make_plan(ready_pat, routine)
    questions = reverse("safety-questions")
    answers = {"version": "1", "answer_pregnancy": "no", "answer_open-wounds": "yes"}
    pat_client.post(questions, answers)
    pat_client.post(questions, {**answers, "answer_open-wounds": "no"})
    html = text_of(pat_client.get(HOME).text)
    assert "Your practitioner will check your changed answer" in html
    assert "Alice Practitioner will check the change with you" in html


def test_a_plan_waiting_for_a_clearance_says_so(pat_client, ready_pat, routine):
    make_plan(ready_pat, routine)  # set before the questions were answered
    screen(ready_pat, yes=["pregnancy"])
    html = text_of(pat_client.get(HOME).text)
    assert "Waiting for your practitioner's go-ahead" in html
    assert "See your whole plan" in html


def test_a_plan_whose_days_are_over_says_there_are_no_more_sessions(pat_client, ready_pat, routine):
    screen(ready_pat)
    today = patient_today(ready_pat)
    start = today - timedelta(days=14)
    make_plan(ready_pat, routine, start=start, days=14, today=start)
    html = text_of(pat_client.get(HOME).text)
    assert "No more sessions in this plan" in html
    assert "Coming up" not in html


# --- The session card ----------------------------------------------------------------


@pytest.fixture
def plan(ready_pat, routine):
    screen(ready_pat)
    return make_plan(ready_pat, routine)


def test_the_card_links_the_side_effects_reported_with_the_session(pat_client, plan):
    session = plan.sessions.get(date=patient_today(plan.patient))
    log, _ = check_off(session)
    words = report_side_effect(
        plan.patient, codes=[], details="Itchy.", submission_key=uuid4(), session_log=log
    )
    signs = report_side_effect(
        plan.patient, codes=["bruising"], details="", submission_key=uuid4(), session_log=log
    )
    html = pat_client.get(HOME).text
    assert "Side effects you reported with this session:" in html
    for reported, label in ((words, "in your own words"), (signs, "Bruising")):
        link = reverse("side-effect-detail", args=[reported.report.pk])
        assert f'<a href="{link}">{label}</a>' in html


def test_undo_is_offered_only_on_the_day_of_the_check_off(pat_client, ready_pat, routine):
    screen(ready_pat)
    today = patient_today(ready_pat)
    start = today - timedelta(days=2)
    plan = make_plan(ready_pat, routine, start=start, today=start)
    session = plan.sessions.get(date=start)
    page = reverse("session-day", args=[session.pk])
    check_off(session, today=start, now=timezone.now() - timedelta(days=2))
    html = pat_client.get(page).text
    assert "Done" in html and "Undo: I have not done it" not in html
    session.log.delete()
    check_off(session)
    assert "Undo: I have not done it" in pat_client.get(page).text


def test_a_missed_day_offers_the_check_off_without_the_timer(pat_client, ready_pat, routine):
    screen(ready_pat)
    today = patient_today(ready_pat)
    start = today - timedelta(days=2)
    plan = make_plan(ready_pat, routine, start=start, today=start)
    html = text_of(pat_client.get(reverse("session-day", args=[plan.sessions.first().pk])).text)
    assert "Session of" in html
    assert "Done: tick off this session" in html
    assert "Start the guided timer" not in html


def test_the_card_of_a_day_ticked_off_says_when(pat_client, plan):
    session = plan.sessions.get(date=patient_today(plan.patient))
    check_off(session, now=datetime.now(UTC))
    html = text_of(pat_client.get(reverse("session-day", args=[session.pk])).text)
    assert "Done for today" in html
    assert "How did it go? (optional)" in html


def test_today_lists_the_next_three_sessions_of_a_long_plan(ready_pat, routine):
    from clinic.usage import pages

    screen(ready_pat)
    today = patient_today(ready_pat)
    start = today - timedelta(days=7)
    plan = make_plan(ready_pat, routine, start=start, days=90, today=start)
    home = pages.home(ready_pat)
    later = list(plan.sessions.filter(date__gt=today).order_by("date")[:3])
    assert len(later) == 3
    assert list(home.upcoming) == later
    todays = plan.sessions.filter(date=today).first()
    assert (home.card.session if home.card else None) == todays
