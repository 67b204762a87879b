"""clinic/plans/models: the database's own guarantees behind the plan rules
(on SQLite and PostgreSQL)."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.plans.models import Clearance, Plan, PlannedSession, PlanStage, PlanStatus

START = date(2026, 3, 2)


def plan(patient, **fields) -> Plan:
    values = {
        "patient": patient,
        "template_name": "Gentle",
        "template_slug": "gentle",
        "start_date": START,
        "end_date": START + timedelta(days=27),
        "status": PlanStatus.ACTIVE,
        "submission_key": uuid4(),
        **fields,
    }
    return Plan.objects.create(**values)


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_two_current_plans_for_one_patient_are_refused(pat):
    plan(pat, status=PlanStatus.ACTIVE)
    for status in (PlanStatus.ACTIVE, PlanStatus.WAITING):
        assert refused(lambda status=status: plan(pat, status=status))
    assert refused(lambda: plan(pat, status=PlanStatus.PAUSED, paused_on=START))


def test_ended_plans_do_not_count_as_current(pat, quinn):
    ended = {"status": PlanStatus.ENDED, "ended_at": timezone.now(), "ended_on": START}
    plan(pat, **ended)
    plan(pat, **ended)
    plan(pat, status=PlanStatus.ACTIVE)
    plan(quinn, status=PlanStatus.ACTIVE)
    assert Plan.objects.count() == 4


def test_a_plan_cannot_end_before_it_starts(pat):
    assert refused(lambda: plan(pat, end_date=START - timedelta(days=1)))
    plan(pat, end_date=START)


def test_a_plan_lasts_at_most_26_weeks(pat):
    assert refused(lambda: plan(pat, end_date=START + timedelta(days=182)))
    plan(pat, end_date=START + timedelta(days=181))


def test_an_ended_plan_says_when_it_ended(pat):
    assert refused(lambda: plan(pat, status=PlanStatus.ENDED))
    assert refused(lambda: plan(pat, status=PlanStatus.ACTIVE, ended_on=START))
    assert refused(
        lambda: plan(
            pat,
            status=PlanStatus.ENDED,
            ended_at=timezone.now(),
            ended_on=START + timedelta(days=40),
        )
    )


def test_a_paused_plan_says_since_when(pat):
    assert refused(lambda: plan(pat, status=PlanStatus.PAUSED))


def test_one_plan_per_submission_key(pat):
    key = uuid4()
    plan(pat, submission_key=key, status=PlanStatus.ENDED, ended_at=timezone.now(), ended_on=START)
    assert refused(lambda: plan(pat, submission_key=key))


@pytest.mark.parametrize(
    "values",
    [
        {"minutes_min": 0},
        {"minutes_max": 91},
        {"minutes_min": 20, "minutes_max": 10},
        {"sessions_per_week": 0},
        {"sessions_per_week": 8},
        {"surface": "sand"},
        {"clothing": "armour"},
        {"week_from": 3, "week_to": 2},
    ],
)
def test_stage_values_outside_the_safe_bounds_are_refused(pat, values):
    the_plan = plan(pat)
    stage = {
        "plan": the_plan,
        "order": 0,
        "week_from": 1,
        "week_to": None,
        "surface": "bed",
        "clothing": "thin",
        "minutes_min": 5,
        "minutes_max": 10,
        "sessions_per_week": 3,
        "positions": ["Sitting"],
    }
    PlanStage.objects.create(**{**stage, "order": 9, "week_from": 9})
    assert refused(lambda: PlanStage.objects.create(**{**stage, **values}))


def test_one_session_a_day_per_patient_across_plans(pat):
    first = plan(pat, status=PlanStatus.ENDED, ended_at=timezone.now(), ended_on=START)
    second = plan(pat)
    session = {
        "patient": pat,
        "date": START,
        "week": 1,
        "stage_order": 0,
        "minutes": 5,
        "surface": "bed",
        "clothing": "thin",
    }
    PlannedSession.objects.create(plan=first, **session)
    assert refused(lambda: PlannedSession.objects.create(plan=second, **session))
    assert refused(lambda: PlannedSession.objects.create(plan=first, **session))
    assert refused(
        lambda: PlannedSession.objects.create(
            plan=second, **{**session, "date": START + timedelta(days=1), "minutes": 91}
        )
    )


def test_a_clearance_needs_a_reason(pat):
    the_plan = plan(pat)
    values = {
        "plan": the_plan,
        "code": "pregnancy",
        "name": "Pregnancy",
        "safety_version_number": 1,
    }
    assert refused(lambda: Clearance.objects.create(reason="   ", **values))
    Clearance.objects.create(reason="Sitting only.", **values)
    assert refused(lambda: Clearance.objects.create(reason="Again.", **values))
