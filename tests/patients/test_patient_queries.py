"""What the patient list and the patient page say, worked out below the views
(clinic.patients.queries): where a plan stands, which safety guidance a
patient read, whether an answer taken back was confirmed."""

from datetime import date

import pytest

from clinic.patients.queries import (
    ACTIVE,
    ACTIVE_PAST_END,
    CONFIRMED,
    NO_PLAN,
    NOT_READ,
    NOTHING_PUBLISHED,
    PAUSED,
    READ_CURRENT,
    READ_OLDER,
    SUPERSEDED,
    WAITING_FOR_CLEARANCE,
    WAITING_FOR_CONFIRMATION,
    WAITING_FOR_SCREENING,
    patient_page,
    plan_state,
    safety_read,
)
from clinic.plans.models import PlanStatus, ScreeningConfirmation
from mats.models import SafetyVersion
from tests.factories import screen

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("status", "last_day", "needs_clearance", "state"),
    [
        (PlanStatus.ACTIVE, date(2026, 3, 10), False, ACTIVE),
        (PlanStatus.ACTIVE, date(2026, 3, 9), False, ACTIVE_PAST_END),
        (PlanStatus.WAITING, date(2026, 4, 1), True, WAITING_FOR_CLEARANCE),
        (PlanStatus.WAITING, date(2026, 4, 1), False, WAITING_FOR_SCREENING),
        (PlanStatus.PAUSED, date(2026, 4, 1), False, PAUSED),
        (None, None, False, NO_PLAN),
    ],
)
def test_where_the_current_plan_stands(status, last_day, needs_clearance, state):
    assert plan_state(status, last_day, needs_clearance, TODAY) == state


@pytest.mark.parametrize(
    ("read", "current", "state"),
    [
        (None, None, NOTHING_PUBLISHED),
        (None, 2, NOT_READ),
        (1, 2, READ_OLDER),
        (2, 2, READ_CURRENT),
    ],
)
def test_which_safety_guidance_was_read(read, current, state):
    version = None if current is None else SafetyVersion(number=current)
    assert safety_read(read, version) == state


def _take_back(patient):
    screen(patient, yes=["open-wounds"], source="patient", recorded_by=patient.user)
    return screen(patient, source="patient", recorded_by=patient.user)


def test_an_answer_taken_back_waits_is_confirmed_or_is_superseded(pat, alice, safety):
    first = _take_back(pat)
    (row,) = [r for r in patient_page(pat, first.taken_at).history if r.took_back]
    assert row.confirmation == WAITING_FOR_CONFIRMATION
    second = _take_back(pat)
    rows = {r.screening: r.confirmation for r in patient_page(pat, second.taken_at).history}
    assert rows[first] == SUPERSEDED
    assert rows[second] == WAITING_FOR_CONFIRMATION
    ScreeningConfirmation.objects.create(screening=second, confirmed_by=alice.user)
    rows = {r.screening: r.confirmation for r in patient_page(pat, second.taken_at).history}
    assert (rows[first], rows[second]) == (SUPERSEDED, CONFIRMED)
