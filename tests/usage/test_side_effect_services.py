"""Reporting side effects (clinic/usage/services.py): the stop rules as
published, a pause when a rule says so, one report per form, the refusals'
codes, the audit rows, and the practitioner's unseen list."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from django.db import IntegrityError

from accounts.audit import Actor
from clinic.plans.models import PlanStatus
from clinic.usage.models import SideEffectReport
from clinic.usage.rules import UsageRefused
from clinic.usage.services import (
    check_off,
    report_side_effect,
    side_effect_reports,
    undo_check_off,
)
from mats.models import StopRule
from mats.services import publish_safety_version
from tests.factories import audit_mark, audit_since, make_plan

MONDAY = date(2026, 3, 2)


@pytest.fixture
def plan(screened_pat, routine):
    return make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)


def test_a_rule_that_pauses_pauses_the_active_plan(plan):
    reported = report_side_effect(
        plan.patient,
        codes=["dizziness"],
        details="After getting up.",
        submission_key=uuid4(),
        today=MONDAY + timedelta(days=1),
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert plan.paused_on == MONDAY + timedelta(days=1)
    assert plan.pause_reason == "The patient reported: Feeling dizzy"
    assert reported.paused == plan
    report = reported.report
    assert report.pauses_plan and report.plan == plan
    assert report.symptoms == [
        {
            "code": "dizziness",
            "symptom": "Feeling dizzy",
            "what_to_do": "Stay still until it passes.",
            "pauses_plan": True,
        }
    ]
    assert report.safety_version_number == 1
    assert [rule.what_to_do for rule in reported.rules] == ["Stay still until it passes."]


def test_a_rule_that_does_not_pause_leaves_the_plan_running(plan):
    reported = report_side_effect(
        plan.patient, codes=["bruising"], details="", submission_key=uuid4(), today=MONDAY
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert reported.paused is None
    assert not reported.report.pauses_plan


def test_own_words_alone_are_a_report(plan):
    reported = report_side_effect(
        plan.patient, codes=[], details="Itchy shoulders.", submission_key=uuid4(), today=MONDAY
    )
    assert reported.report.symptoms == []
    assert reported.report.details == "Itchy shoulders."


@pytest.mark.parametrize(
    ("codes", "details", "code"),
    [
        ([], "   ", "usage.report_empty"),
        (["not-a-rule"], "", "usage.unknown_sign"),
        (["not-a-rule"], "Itchy.", "usage.unknown_sign"),
        ([], "x" * 1001, "usage.text_too_long"),
        ([], "bad \x00 text", "usage.control_character"),
        ([], "bad \udfff text", "usage.broken_character"),
    ],
)
def test_a_bad_report_is_refused_and_changes_nothing(plan, codes, details, code):
    mark = audit_mark()  # the fixtures' plan and screening write rows too
    with pytest.raises(UsageRefused) as refused:
        report_side_effect(
            plan.patient, codes=codes, details=details, submission_key=uuid4(), today=MONDAY
        )
    assert refused.value.code == code
    assert not SideEffectReport.objects.exists()
    assert not audit_since(mark).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_another_patients_form_key_is_refused(plan, quinn):
    key = uuid4()
    report_side_effect(quinn, codes=[], details="Theirs.", submission_key=key, today=MONDAY)
    with pytest.raises(UsageRefused) as refused:
        report_side_effect(plan.patient, codes=[], details="Mine.", submission_key=key)
    assert refused.value.code == "usage.form_used_twice"
    assert SideEffectReport.objects.get().patient == quinn


def test_a_report_and_the_pause_it_makes_are_audited_for_the_actor(plan, pat):
    mark = audit_mark()  # the fixtures' plan and screening write rows too
    actor = Actor(user=pat.user, path="/home/side-effects/new/")
    key = uuid4()
    reported = report_side_effect(
        plan.patient, codes=["dizziness"], details="", submission_key=key, actor=actor
    )
    report_side_effect(plan.patient, codes=["dizziness"], details="", submission_key=key)
    trail = (
        audit_since(mark)
        .order_by("pk")
        .values_list("actor", "clinic", "action", "object_type", "object_id", "path")
    )
    assert list(trail) == [
        (
            pat.user.pk,
            pat.clinic_id,
            "create",
            "usage.sideeffectreport",
            reported.report.pk,
            actor.path,
        ),
        (pat.user.pk, pat.clinic_id, "update", "plans.plan", plan.pk, actor.path),
    ]


def test_the_same_form_twice_makes_one_report(plan):
    key = uuid4()
    first = report_side_effect(
        plan.patient, codes=["dizziness"], details="", submission_key=key, today=MONDAY
    )
    second = report_side_effect(
        plan.patient, codes=["dizziness"], details="", submission_key=key, today=MONDAY
    )
    assert first.created and not second.created
    assert second.report.pk == first.report.pk
    assert SideEffectReport.objects.count() == 1


def test_a_report_keeps_the_rule_as_it_was_published(plan, staff):
    reported = report_side_effect(
        plan.patient, codes=["bruising"], details="", submission_key=uuid4(), today=MONDAY
    )
    StopRule.objects.filter(code="bruising").update(what_to_do="Something new.")
    publish_safety_version(change_note="Reworded.", published_by=staff)
    reported.report.refresh_from_db()
    assert reported.report.symptoms[0]["what_to_do"] == "Tell your practitioner."


def test_undoing_the_check_off_keeps_the_report(plan):
    log, _ = check_off(plan.sessions.get(date=MONDAY), now=datetime(2026, 3, 2, 9, tzinfo=UTC))
    reported = report_side_effect(
        plan.patient,
        codes=["bruising"],
        details="",
        submission_key=uuid4(),
        session_log=log,
        today=MONDAY,
    )
    assert reported.report.day == MONDAY
    undo_check_off(log, today=MONDAY)
    reported.report.refresh_from_db()
    assert reported.report.session_log is None


def test_the_practitioner_sees_unseen_reports(plan, quinn):
    # Marking them seen is the review's (tests/review/test_review_services.py).
    for _ in range(2):
        report_side_effect(
            plan.patient, codes=["bruising"], details="", submission_key=uuid4(), today=MONDAY
        )
    assert side_effect_reports(plan.patient).unseen().count() == 2
    assert not side_effect_reports(quinn).exists()


def test_the_database_refuses_an_empty_report(plan):
    with pytest.raises(IntegrityError):
        SideEffectReport.objects.create(
            patient=plan.patient, day=MONDAY, symptoms=[], details="", submission_key=uuid4()
        )


def test_the_database_refuses_seen_without_a_time(plan, alice):
    with pytest.raises(IntegrityError):
        SideEffectReport.objects.create(
            patient=plan.patient,
            day=MONDAY,
            details="x",
            submission_key=uuid4(),
            seen_by=alice.user,
        )
