"""clinic.plans.services.assign_plan in parallel: two practitioners (or two
tabs, or a retry) assigning a plan to one patient at the same moment leave
exactly one current plan.

Only PostgreSQL (what production runs) can really run two writing
transactions at once; SQLite serialises them, so these tests skip there.
CI runs them on PostgreSQL, and a skip there fails the run.
"""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection

from accounts.clock import patient_today
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.plans.services import assign_plan
from tests.concurrency import at_once
from tests.factories import stages_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def _assigner(patient, routine, *, days: int = 14):
    """A call of assign_plan as the plan form makes it, for ``at_once``."""
    today = patient_today(patient)
    stages = stages_of(routine)

    def assign(submission_key=None):
        return assign_plan(
            patient=patient,
            template=routine,
            stages=stages,
            start_date=today,
            end_date=today + timedelta(days=days - 1),
            note_for_patient="",
            created_by=patient.primary_practitioner.user,
            submission_key=submission_key or uuid4(),
            today=today,
        )

    return assign


def test_two_assigns_at_once_leave_one_current_plan(screened_pat, routine):
    assign = _assigner(screened_pat, routine)
    results = at_once(2, lambda _: assign())
    # Both succeed: the second one waits for the first and then replaces it.
    assert all(isinstance(result, tuple) for result in results), results
    assert [created for _, created in results] == [True, True]
    current = Plan.objects.current().filter(patient=screened_pat)
    assert current.count() == 1
    ended = Plan.objects.get(patient=screened_pat, status=PlanStatus.ENDED)
    assert ended.ended_reason == "Replaced by a new plan."
    # Only the current plan has sessions, one a day at most.
    sessions = PlannedSession.objects.filter(patient=screened_pat)
    assert set(sessions.values_list("plan", flat=True)) == {current.get().pk}
    assert sessions.count() == len(set(sessions.values_list("date", flat=True)))


def test_the_same_form_sent_twice_at_once_saves_one_plan(screened_pat, routine):
    assign = _assigner(screened_pat, routine)
    key = uuid4()
    results = at_once(2, lambda _: assign(key))
    assert all(isinstance(result, tuple) for result in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert len({plan.pk for plan, _ in results}) == 1
    plan = Plan.objects.get(patient=screened_pat)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.submission_key == key
