"""The review's services (clinic.review.services): marking side-effect
reports seen and leaving feedback, each with its audit row."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from accounts.audit import Actor
from accounts.errors import sentence
from accounts.models import AuditEvent
from clinic.plans.services import end_plan_early
from clinic.review.services import ReviewError, leave_feedback, mark_reports_seen
from clinic.usage.models import FEEDBACK_MAX_LENGTH, Feedback
from clinic.usage.services import report_side_effect
from tests.factories import make_plan

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _report(patient):
    return report_side_effect(
        patient, codes=["bruising"], details="", submission_key=uuid4()
    ).report


def _audited(action: str, obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=obj.pk
        )
    )


# --- mark_reports_seen -----------------------------------------------------------------


def test_marking_seen_records_who_and_when_with_an_audit_row_each(screened_pat, alice, quinn):
    first, second = _report(screened_pat), _report(screened_pat)
    actor = Actor(alice.user, "/patients/1/review/seen/")
    newly_seen = mark_reports_seen(screened_pat, actor=actor, now=NOON)
    assert {report.pk for report in newly_seen} == {first.pk, second.pk}
    for report in (first, second):
        report.refresh_from_db()
        assert (report.seen_by, report.seen_at) == (alice.user, NOON)
        (event,) = _audited("update", report)
        assert (event.actor, event.path, event.clinic_id) == (
            alice.user,
            "/patients/1/review/seen/",
            screened_pat.clinic_id,
        )
    assert not screened_pat.side_effect_reports.unseen().exists()


def test_only_the_reports_shown_are_marked(screened_pat, alice):
    shown, newer = _report(screened_pat), _report(screened_pat)
    assert mark_reports_seen(screened_pat, [shown.pk], actor=Actor(alice.user)) == [shown]
    newer.refresh_from_db()
    assert not newer.is_seen
    assert not _audited("update", newer)


def test_a_report_seen_before_keeps_who_saw_it_first(screened_pat, alice, clinic_a):
    report = _report(screened_pat)
    mark_reports_seen(screened_pat, actor=Actor(alice.user), now=NOON)
    assert mark_reports_seen(screened_pat, [report.pk], actor=Actor(None)) == []
    report.refresh_from_db()
    assert (report.seen_by, report.seen_at) == (alice.user, NOON)
    assert len(_audited("update", report)) == 1


def test_another_patients_report_is_left_alone(screened_pat, quinn, alice):
    theirs = _report(quinn)
    assert mark_reports_seen(screened_pat, [theirs.pk], actor=Actor(alice.user)) == []
    theirs.refresh_from_db()
    assert not theirs.is_seen


# --- leave_feedback --------------------------------------------------------------------


def test_feedback_is_trimmed_signed_tied_to_the_current_plan_and_audited(
    screened_pat, routine, alice
):
    plan = make_plan(screened_pat, routine)
    feedback = leave_feedback(screened_pat, "  Well done.  ", actor=Actor(alice.user, "/r/"))
    assert (feedback.message, feedback.patient, feedback.plan, feedback.author) == (
        "Well done.",
        screened_pat,
        plan,
        alice.user,
    )
    (event,) = _audited("create", feedback)
    assert (event.actor, event.path, event.clinic_id) == (
        alice.user,
        "/r/",
        screened_pat.clinic_id,
    )


def test_feedback_after_the_plan_ended_belongs_to_the_latest_plan(screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    end_plan_early(plan)
    assert leave_feedback(screened_pat, "See you soon.").plan == plan


def test_feedback_without_any_plan_belongs_to_none(pat):
    feedback = leave_feedback(pat, "Welcome.")
    assert feedback.plan is None
    assert feedback.author is None  # the system acted


@pytest.mark.parametrize(
    ("message", "code", "words"),
    [
        (" \n ", "review.feedback_empty", "Write a message for the patient"),
        (
            "x" * (FEEDBACK_MAX_LENGTH + 1),
            "review.feedback_too_long",
            f"Keep it to {FEEDBACK_MAX_LENGTH} characters, please.",
        ),
    ],
)
def test_empty_or_long_feedback_is_refused_with_a_code(pat, message, code, words):
    with pytest.raises(ReviewError) as refused:
        leave_feedback(pat, message)
    assert (refused.value.code, refused.value.field) == (code, "message")
    assert words in sentence(refused.value)
    assert not Feedback.objects.exists()
    assert not AuditEvent.objects.filter(object_type="usage.feedback").exists()
