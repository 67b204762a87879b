"""A paused plan on the Today page says why and what to do next
(clinic/usage/pages.py: home and its Pause; usage/patient_home.html, partial
``pause-why``): after the patient's own report of a sign that stops the mat,
that report with its date and a link, the published advice for the sign, and
whom to contact; after a safety answer, that the practitioner's go-ahead is
needed; otherwise that the practitioner paused it and to wait for them."""

import re
from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.audit import Actor
from accounts.clock import patient_today
from clinic.plans.models import PlanStatus
from clinic.plans.services import pause_plan, resume_plan
from clinic.usage.models import SideEffectReport
from clinic.usage.services import check_off, report_side_effect
from mats.services import acknowledge_safety_version
from tests.factories import make_plan, screen

HOME = reverse("patient-home")
PRIVATE_REASON = "Waiting for the scan results"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def plan(screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    return make_plan(screened_pat, routine)


def report_dizziness(patient, **extra):
    return report_side_effect(
        patient,
        codes=["dizziness"],
        details="Dizzy when I stood up.",
        submission_key=uuid4(),
        actor=Actor(patient.user),
        **extra,
    ).report


def long_date(day) -> str:
    return date_format(day, "l j F")


def test_a_pause_after_the_patients_report_shows_it_and_whom_to_contact(pat_client, pat, plan):
    report = report_dizziness(pat)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    html = pat_client.get(HOME).text
    page = text_of(html)
    assert "Your plan is paused" in page
    assert (
        f"On {long_date(patient_today(pat))} you reported: Feeling dizzy . "
        "A sign like this stops the mat until your practitioner has checked how you are."
    ) in page
    detail = reverse("side-effect-detail", args=[report.pk])
    assert f'<a href="{detail}">See your report</a>' in html
    assert "Feeling dizzy: Stay still until it passes." in page
    assert (
        "What to do next: please do not use the mat for now, and get in touch with "
        "Alice Practitioner at Clinic A to talk it through."
    ) in page
    assert "Your practitioner paused your plan" not in page


def test_a_pause_by_the_practitioner_says_so_and_to_wait_for_them(pat_client, pat, alice, plan):
    pause_plan(plan, reason=PRIVATE_REASON, actor=Actor(alice.user))
    page = text_of(pat_client.get(HOME).text)
    assert (
        f"Your practitioner paused your plan on {long_date(patient_today(pat))}. "
        "Please do not use the mat until Alice Practitioner tells you it can go on."
    ) in page
    assert "you reported" not in page
    assert "See your report" not in page
    # The reason is the practitioner's own note, kept for them.
    assert PRIVATE_REASON not in page


def test_an_earlier_report_does_not_explain_a_later_pause_by_hand(pat_client, pat, alice, plan):
    report_dizziness(pat)
    plan.refresh_from_db()
    resume_plan(plan)
    SideEffectReport.objects.update(reported_at=timezone.now() - timedelta(days=2))
    pause_plan(plan, actor=Actor(alice.user))
    page = text_of(pat_client.get(HOME).text)
    assert "Your practitioner paused your plan" in page
    assert "you reported" not in page


def test_a_pause_for_a_safety_answer_says_the_practitioner_checks_it(pat_client, pat, plan):
    screen(pat, yes=["pregnancy"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    page = text_of(pat_client.get(HOME).text)
    assert "Your plan is paused" in page
    assert (
        "One of your answers to the safety questions needs Alice Practitioner's go-ahead "
        "before your plan goes on."
    ) in page
    assert "Your practitioner paused your plan" not in page


def test_the_notice_above_a_ticked_off_session_explains_the_pause_too(pat_client, pat, plan):
    session = plan.sessions.get(date=patient_today(pat))
    log, _ = check_off(session)
    report = report_dizziness(pat, session_log=log)
    html = pat_client.get(HOME).text
    notice = text_of(re.search(r'<div class="notice">.*?</div>', html, re.S).group())
    assert notice.startswith("Your plan is paused. On ")
    assert "you reported: Feeling dizzy" in notice
    assert "get in touch with Alice Practitioner at Clinic A" in notice
    assert reverse("side-effect-detail", args=[report.pk]) in html
    assert "Done for today" in text_of(html)


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_a_paused_today_costs_no_more_queries_than_a_session_day(pat_client, pat, plan):
    session_day = queries_for(pat_client)
    report_dizziness(pat)
    paused = queries_for(pat_client)
    for _ in range(3):
        report_dizziness(pat)
    # One more at most: the report that says why, where a day with a session
    # reads it with its position and nothing else.
    assert queries_for(pat_client) == paused <= session_day + 1
