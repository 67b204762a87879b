"""Reporting a side effect (clinic/usage/views.py): with the day's check-off
or on its own page; the patient sees at once what to do, the plan pauses when
a rule says so."""

import pytest
from django.urls import reverse

from accounts.clock import patient_today
from clinic.plans.models import PlanStatus
from clinic.usage.models import SessionLog, SideEffectReport
from clinic.usage.services import report_side_effect
from mats.services import acknowledge_safety_version
from tests import lone_surrogate
from tests.factories import audit_mark, audit_since, make_plan, screen

NEW = reverse("side-effect-report")
HTMX = {"HTTP_HX_REQUEST": "true"}
KEY = "0f0c6f9e-6f38-4a2b-9d71-5f0e1c2b3a44"


@pytest.fixture
def plan(screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    return make_plan(screened_pat, routine)


def _session(plan):
    return plan.sessions.get(date=patient_today(plan.patient))


def test_a_stop_sign_with_the_check_off_says_what_to_do_and_pauses(pat_client, plan):
    session = _session(plan)
    pat_client.post(reverse("session-check-off", args=[session.pk]))
    response = pat_client.post(
        reverse("session-details", args=[session.pk]),
        {"submission_key": KEY, "side_effects": ["dizziness"], "side_effect_details": "Briefly."},
        **HTMX,
    )
    assert "What to do now" in response.text
    assert "Feeling dizzy:</strong> Stay still until it passes." in response.text
    assert "Your plan is paused." in response.text
    report = SideEffectReport.objects.get()
    assert report.session_log.planned_session == session
    assert report.details == "Briefly."
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED


def test_without_javascript_the_stop_sign_leads_to_what_to_do(pat_client, plan):
    session = _session(plan)
    pat_client.post(reverse("session-check-off", args=[session.pk]))
    response = pat_client.post(
        reverse("session-details", args=[session.pk]),
        {"submission_key": KEY, "side_effects": ["bruising"]},
        follow=True,
    )
    report = SideEffectReport.objects.get()
    assert response.redirect_chain == [(reverse("side-effect-detail", args=[report.pk]), 302)]
    assert "Bruising:</strong> Tell your practitioner." in response.text
    assert "Your plan is paused." not in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_the_same_details_form_sent_twice_reports_once(pat_client, plan):
    session = _session(plan)
    data = {"submission_key": KEY, "side_effects": ["bruising"]}
    pat_client.post(reverse("session-details", args=[session.pk]), data, **HTMX)
    pat_client.post(reverse("session-details", args=[session.pk]), data, **HTMX)
    assert SideEffectReport.objects.count() == 1


def test_the_report_page_sends_and_shows_what_to_do(pat_client, plan, alice_client):
    html = pat_client.get(NEW).text
    assert "Feeling dizzy" in html and "Bruising" in html
    response = pat_client.post(
        NEW, {"submission_key": KEY, "side_effects": ["dizziness", "bruising"]}, follow=True
    )
    assert "Stay still until it passes." in response.text
    assert "Tell your practitioner." in response.text
    assert "Your plan is paused." in response.text
    assert "Needs attention: side effects" in alice_client.get(reverse("patient-list")).text


def test_own_words_alone_are_enough(pat_client, plan):
    response = pat_client.post(
        NEW, {"submission_key": KEY, "details": "Itchy shoulders."}, follow=True
    )
    assert "You wrote: “Itchy shoulders.”" in response.text
    assert "If it gets worse or does not go away" in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Tick what you noticed, or describe it in your own words."),
        ({"details": "   "}, "Tick what you noticed, or describe it in your own words."),
        ({"side_effects": ["made-up"]}, "Choose signs from the list."),
        ({"details": "x" * 1001}, "Please keep it to 1000 characters or fewer"),
        ({"details": "nul\x00"}, "invisible control character"),
        ({"submission_key": "nope", "details": "x"}, "This form is out of date."),
    ],
)
def test_a_bad_report_gets_a_clear_error_and_changes_nothing(pat_client, plan, data, message):
    response = pat_client.post(NEW, {"submission_key": KEY, **data})
    assert response.status_code == 200
    assert message in response.text
    assert not SideEffectReport.objects.exists()


def test_a_lone_surrogate_in_own_words_is_refused_kindly_and_changes_nothing(pat_client, plan):
    response = pat_client.post(
        NEW,
        lone_surrogate.multipart({"submission_key": KEY, "details": lone_surrogate.TEXT}),
        content_type=lone_surrogate.CONTENT_TYPE,
    )
    assert response.status_code == 200
    assert "This contains a character that cannot be saved" in response.text
    assert f"{lone_surrogate.SHOWN_AGAIN}</textarea>" in response.text
    assert not SideEffectReport.objects.exists()


def test_reporting_twice_from_one_form_makes_one_report(pat_client, plan):
    pat_client.post(NEW, {"submission_key": KEY, "details": "Red marks."})
    pat_client.post(NEW, {"submission_key": KEY, "details": "Red marks."})
    assert SideEffectReport.objects.count() == 1


def test_a_form_key_another_patient_used_is_refused_in_words(pat_client, plan, quinn):
    report_side_effect(quinn, codes=[], details="Theirs.", submission_key=KEY)
    response = pat_client.post(NEW, {"submission_key": KEY, "details": "Mine."})
    assert response.status_code == 200
    assert "This form was already used. Reload the page and try again." in response.text
    assert SideEffectReport.objects.get().patient == quinn
    session = _session(plan)
    for headers in ({}, HTMX):
        response = pat_client.post(
            reverse("session-details", args=[session.pk]),
            {"submission_key": KEY, "side_effects": ["bruising"], "pain_before": "3"},
            **headers,
        )
        assert response.status_code == 200
        assert "This form was already used. Reload the page and try again." in response.text
    assert SideEffectReport.objects.count() == 1
    assert not SessionLog.objects.exists()


def test_a_report_and_its_pause_are_audited_as_the_patient(pat_client, pat, plan):
    mark = audit_mark()  # the fixtures' plan and screening write rows too
    pat_client.post(NEW, {"submission_key": KEY, "side_effects": ["dizziness"]})
    trail = audit_since(mark).order_by("pk").values_list("actor", "action", "object_type", "path")
    assert list(trail) == [
        (pat.user.pk, "create", "usage.sideeffectreport", NEW),
        (pat.user.pk, "update", "plans.plan", NEW),
    ]


def test_another_patients_report_is_404(pat_client, quinn, safety, routine):
    screen(quinn)
    reported = report_side_effect(quinn, codes=[], details="Theirs.", submission_key=KEY)
    response = pat_client.get(reverse("side-effect-detail", args=[reported.report.pk]))
    assert response.status_code == 404
