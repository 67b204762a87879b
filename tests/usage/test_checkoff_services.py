"""Ticking a session off, adding how it went and undoing it, in the service
layer (clinic/usage/services.py, with the rules of clinic/usage/rules.py):
the refusals' codes, the audit rows, and the plan services never deleting a
session that was ticked off."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from accounts.audit import Actor
from accounts.errors import Refusals, sentence
from accounts.models import AuditEvent
from clinic.plans.models import PlannedSession, PlanStatus
from clinic.plans.services import end_plan_early, pause_plan, resume_plan
from clinic.usage.models import SessionLog
from clinic.usage.rules import UsageRefused, can_undo
from clinic.usage.services import (
    LogDetails,
    Noticed,
    check_off,
    logs_for_plan,
    save_details,
    save_how_it_went,
    undo_check_off,
)
from tests.factories import make_plan

MONDAY = date(2026, 3, 2)  # the routine's sessions fall on Monday, Wednesday, Friday


@pytest.fixture
def plan(screened_pat, routine):
    return make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)


def session_on(plan, day: date) -> PlannedSession:
    return plan.sessions.get(date=day)


def test_ticking_off_todays_session_logs_it_once(plan):
    session = session_on(plan, MONDAY)
    log, created = check_off(session, today=MONDAY)
    again, created_again = check_off(session, today=MONDAY)
    assert created and not created_again
    assert again.pk == log.pk
    assert SessionLog.objects.count() == 1
    assert list(logs_for_plan(plan)) == [log]


def test_the_log_counts_the_prescribed_minutes_unless_told_otherwise(plan):
    session = session_on(plan, MONDAY)
    log, _ = check_off(session, today=MONDAY)
    assert log.minutes == session.minutes
    log, _ = check_off(
        session_on(plan, MONDAY + timedelta(2)), minutes_done=3, today=MONDAY + timedelta(2)
    )
    assert log.minutes == 3


def test_a_future_session_cannot_be_ticked_off(plan):
    with pytest.raises(UsageRefused) as refused:
        check_off(session_on(plan, MONDAY + timedelta(days=2)), today=MONDAY)
    assert refused.value.code == "usage.future_day"
    assert sentence(refused.value) == (
        "This session is on Wednesday 4 March. You can tick it off on the day, not before."
    )
    assert not SessionLog.objects.exists()


def test_a_missed_session_can_be_logged_up_to_three_days_later(plan):
    wednesday = MONDAY + timedelta(days=2)
    _, created = check_off(session_on(plan, MONDAY), today=MONDAY + timedelta(days=3))
    assert created
    with pytest.raises(UsageRefused) as refused:
        check_off(session_on(plan, wednesday), today=wednesday + timedelta(days=4))
    assert refused.value.code == "usage.too_far_back"
    assert refused.value.params == {"days": 3, "day": "Wednesday 4 March"}


def test_a_session_removed_from_the_plan_cannot_be_ticked_off(plan):
    wednesday = session_on(plan, MONDAY + timedelta(days=2))
    pause_plan(plan, today=MONDAY + timedelta(days=1))
    with pytest.raises(UsageRefused) as refused:
        check_off(wednesday, today=MONDAY + timedelta(days=2))
    assert refused.value.code == "usage.session_gone"


@pytest.mark.parametrize("minutes", [0, 91])
def test_minutes_out_of_range_are_refused(plan, minutes):
    with pytest.raises(UsageRefused) as refused:
        check_off(session_on(plan, MONDAY), minutes_done=minutes, today=MONDAY)
    assert (refused.value.code, refused.value.field) == (
        "usage.minutes_out_of_range",
        "minutes_done",
    )
    assert not SessionLog.objects.exists()


def test_a_check_off_made_at_ten_to_midnight_counts_for_that_day(plan):
    session = session_on(plan, MONDAY)
    ten_to_midnight = datetime(2026, 3, 2, 23, 50, tzinfo=UTC)  # London is on GMT in March
    log, _ = check_off(session, now=ten_to_midnight)
    assert log.day == MONDAY
    assert can_undo(log, MONDAY)
    assert not can_undo(log, MONDAY + timedelta(days=1))


def test_undo_is_only_for_the_same_day(plan):
    log, _ = check_off(
        session_on(plan, MONDAY), today=MONDAY, now=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )
    with pytest.raises(UsageRefused) as refused:
        undo_check_off(log, today=MONDAY + timedelta(days=1))
    assert refused.value.code == "usage.undo_too_late"
    assert undo_check_off(log, today=MONDAY) is True
    assert not SessionLog.objects.exists()
    # Undoing twice (two tabs) is harmless, and says there was nothing to undo.
    assert undo_check_off(log, today=MONDAY) is False


def test_details_replace_what_was_said_and_are_checked(plan):
    log, _ = check_off(session_on(plan, MONDAY), today=MONDAY)
    save_details(
        log,
        LogDetails(
            minutes_done=7,
            pain_before=6,
            pain_after=3,
            relaxation=8,
            sensations=["tingling", "stinging"],
            note="  Warm after a minute. ",
        ),
    )
    log.refresh_from_db()
    assert (log.minutes_done, log.pain_before, log.pain_after, log.relaxation) == (7, 6, 3, 8)
    assert log.sensations == ["stinging", "tingling"]  # in the order offered
    assert log.note == "Warm after a minute."
    save_details(log, LogDetails(pain_before=5))
    log.refresh_from_db()
    assert (log.minutes_done, log.pain_after, log.sensations, log.note) == (None, None, [], "")


@pytest.mark.parametrize(
    ("details", "field", "code"),
    [
        (LogDetails(pain_before=11), "pain_before", "usage.score_out_of_range"),
        (LogDetails(relaxation=-1), "relaxation", "usage.score_out_of_range"),
        (LogDetails(minutes_done=0), "minutes_done", "usage.minutes_out_of_range"),
        (LogDetails(minutes_done=91), "minutes_done", "usage.minutes_out_of_range"),
        (LogDetails(sensations=["itchy"]), "sensations", "usage.unknown_sensation"),
        (LogDetails(note="x" * 501), "note", "usage.text_too_long"),
        (LogDetails(note="null \x00 character"), "note", "usage.control_character"),
        (LogDetails(note="lone \ud800 surrogate"), "note", "usage.broken_character"),
    ],
)
def test_bad_details_are_refused_and_change_nothing(plan, details, field, code):
    log, _ = check_off(session_on(plan, MONDAY), today=MONDAY)
    with pytest.raises(Refusals) as refused:
        save_details(log, details)
    assert [(error.field, error.code) for error in refused.value.errors] == [(field, code)]
    log.refresh_from_db()
    assert (log.pain_before, log.relaxation, log.minutes_done, log.note) == (None, None, None, "")


def test_every_bad_part_of_the_details_is_named_at_once(plan):
    log, _ = check_off(session_on(plan, MONDAY), today=MONDAY)
    with pytest.raises(Refusals) as refused:
        save_details(log, LogDetails(pain_before=11, pain_after=-1, note="x" * 501))
    assert [error.field for error in refused.value.errors] == ["pain_before", "pain_after", "note"]
    assert sentence(refused.value.errors[2]) == (
        "Please keep it to 500 characters or fewer (it has 501)."
    )


def test_a_score_of_zero_is_kept(plan):
    log, _ = check_off(session_on(plan, MONDAY), today=MONDAY)
    save_details(log, LogDetails(pain_before=0, relaxation=0))
    log.refresh_from_db()
    assert (log.pain_before, log.relaxation, log.has_scores) == (0, 0, True)


# --- The audit rows the services write --------------------------------------------------


def trail():
    """The rows about the patient's log; the fixtures' plan and screening write their own."""
    return list(
        AuditEvent.objects.filter(object_type__startswith="usage.")
        .order_by("pk")
        .values_list("actor", "action", "object_type", "path")
    )


def test_each_change_writes_its_audit_row_for_the_actor(plan, pat):
    actor = Actor(user=pat.user, path="/home/")
    morning = datetime(2026, 3, 2, 9, tzinfo=UTC)
    log, _ = check_off(session_on(plan, MONDAY), today=MONDAY, now=morning, actor=actor)
    check_off(session_on(plan, MONDAY), today=MONDAY, actor=actor)  # already done: no row
    save_details(log, LogDetails(pain_before=2), actor=actor)
    undo_check_off(log, today=MONDAY, actor=actor)
    undo_check_off(log, today=MONDAY, actor=actor)  # nothing left to undo: no row
    me = pat.user.pk
    assert trail() == [
        (me, "create", "usage.sessionlog", "/home/"),
        (me, "update", "usage.sessionlog", "/home/"),
        (me, "delete", "usage.sessionlog", "/home/"),
    ]
    assert set(
        AuditEvent.objects.filter(object_type__startswith="usage.").values_list(
            "object_id", "clinic"
        )
    ) == {(log.pk, pat.clinic_id)}


def test_without_an_actor_the_system_acted(plan):
    check_off(session_on(plan, MONDAY), today=MONDAY)
    assert trail() == [(None, "create", "usage.sessionlog", "")]


def test_a_refusal_writes_no_audit_row(plan):
    with pytest.raises(UsageRefused):
        check_off(session_on(plan, MONDAY + timedelta(days=2)), today=MONDAY)
    assert trail() == []


# --- How it went, from the card: details and side effects in one step -----------------------


def test_details_for_a_session_not_ticked_off_tick_it_off_with_one_audit_row(plan):
    log, reported = save_how_it_went(
        session_on(plan, MONDAY), LogDetails(pain_before=4), today=MONDAY
    )
    assert (log.pain_before, reported) == (4, None)
    assert trail() == [(None, "create", "usage.sessionlog", "")]
    save_how_it_went(session_on(plan, MONDAY), LogDetails(pain_before=5), today=MONDAY)
    assert trail()[-1] == (None, "update", "usage.sessionlog", "")
    assert len(trail()) == 2


def test_details_with_a_side_effect_report_it_with_the_log(plan):
    log, reported = save_how_it_went(
        session_on(plan, MONDAY),
        LogDetails(),
        noticed=Noticed(["bruising"], "", uuid4()),
        today=MONDAY,
    )
    assert reported.report.session_log == log
    assert [row[2] for row in trail()] == ["usage.sessionlog", "usage.sideeffectreport"]


def test_a_refused_report_keeps_nothing_of_the_step(plan):
    with pytest.raises(UsageRefused) as refused:
        save_how_it_went(
            session_on(plan, MONDAY),
            LogDetails(pain_before=3),
            noticed=Noticed(["not-a-rule"], "", uuid4()),
            today=MONDAY,
        )
    assert refused.value.code == "usage.unknown_sign"
    assert not SessionLog.objects.exists()
    assert trail() == []


@pytest.mark.parametrize(
    "field", [{"pain_before": 11}, {"pain_after": -1}, {"relaxation": 99}, {"minutes_done": 0}]
)
def test_the_database_keeps_scores_and_minutes_in_range(plan, field):
    with pytest.raises(IntegrityError):
        SessionLog.objects.create(planned_session=session_on(plan, MONDAY), **field)


def test_the_database_allows_one_log_per_session(plan):
    session = session_on(plan, MONDAY)
    SessionLog.objects.create(planned_session=session)
    with pytest.raises(IntegrityError):
        SessionLog.objects.create(planned_session=session)


def test_a_logged_session_cannot_be_deleted(plan):
    session = session_on(plan, MONDAY)
    SessionLog.objects.create(planned_session=session)
    with pytest.raises(ProtectedError):
        session.delete()


def test_pausing_on_the_day_keeps_a_session_already_ticked_off(plan):
    check_off(session_on(plan, MONDAY), today=MONDAY)
    pause_plan(plan, today=MONDAY)
    assert list(plan.sessions.values_list("date", flat=True)) == [MONDAY]
    assert SessionLog.objects.count() == 1
    resume_plan(plan, today=MONDAY)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.sessions.filter(date=MONDAY).count() == 1


def test_ending_on_the_day_keeps_a_session_already_ticked_off(plan):
    wednesday = MONDAY + timedelta(days=2)
    check_off(session_on(plan, wednesday), today=wednesday)
    end_plan_early(plan, today=wednesday)
    assert plan.sessions.filter(date=wednesday).exists()
    assert not plan.sessions.filter(date__gt=wednesday).exists()


def test_a_new_plan_from_today_leaves_todays_ticked_off_session_alone(plan, routine):
    wednesday = MONDAY + timedelta(days=2)
    log, _ = check_off(session_on(plan, wednesday), today=wednesday)
    new = make_plan(plan.patient, routine, start=wednesday, days=14, today=wednesday)
    log.refresh_from_db()
    assert log.planned_session.plan_id == plan.pk
    assert not new.sessions.filter(date=wednesday).exists()
    assert new.sessions.filter(date__gt=wednesday).exists()


def test_a_refusal_inside_a_callers_transaction_leaves_it_usable(plan):
    """check_off's block keeps no savepoint of its own, so a refusal must leave
    it normally: the caller's transaction carries on."""
    with transaction.atomic():
        with pytest.raises(UsageRefused):
            check_off(session_on(plan, MONDAY + timedelta(days=2)), today=MONDAY)
        assert not SessionLog.objects.exists()
        _, created = check_off(session_on(plan, MONDAY), today=MONDAY)
    assert created
