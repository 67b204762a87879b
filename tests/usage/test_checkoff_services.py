"""Ticking a session off, adding how it went and undoing it, in the service
layer; and the plan services never deleting a session that was ticked off."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError

from clinic.plans.models import PlannedSession, PlanStatus
from clinic.plans.services import end_plan_early, pause_plan, resume_plan
from clinic.usage.models import SessionLog
from clinic.usage.services import (
    LogDetails,
    can_undo,
    check_off,
    logs_for_plan,
    save_details,
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
    with pytest.raises(ValidationError, match="not before"):
        check_off(session_on(plan, MONDAY + timedelta(days=2)), today=MONDAY)
    assert not SessionLog.objects.exists()


def test_a_missed_session_can_be_logged_up_to_three_days_later(plan):
    wednesday = MONDAY + timedelta(days=2)
    _, created = check_off(session_on(plan, MONDAY), today=MONDAY + timedelta(days=3))
    assert created
    with pytest.raises(ValidationError, match="up to 3 days later"):
        check_off(session_on(plan, wednesday), today=wednesday + timedelta(days=4))


def test_a_session_removed_from_the_plan_cannot_be_ticked_off(plan):
    wednesday = session_on(plan, MONDAY + timedelta(days=2))
    pause_plan(plan, today=MONDAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="no longer in your plan"):
        check_off(wednesday, today=MONDAY + timedelta(days=2))


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
    with pytest.raises(ValidationError, match="only on the day"):
        undo_check_off(log, today=MONDAY + timedelta(days=1))
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
    "details",
    [
        LogDetails(pain_before=11),
        LogDetails(relaxation=-1),
        LogDetails(minutes_done=0),
        LogDetails(minutes_done=91),
        LogDetails(sensations=["itchy"]),
        LogDetails(note="x" * 501),
        LogDetails(note="null \x00 character"),
        LogDetails(note="lone \ud800 surrogate"),
    ],
)
def test_bad_details_are_refused_and_change_nothing(plan, details):
    log, _ = check_off(session_on(plan, MONDAY), today=MONDAY)
    with pytest.raises(ValidationError):
        save_details(log, details)
    log.refresh_from_db()
    assert (log.pain_before, log.relaxation, log.minutes_done, log.note) == (None, None, None, "")


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
