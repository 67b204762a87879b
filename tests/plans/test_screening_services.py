"""clinic.plans.screening: storing answers, what they do to the patient's plan
(start the one waiting, hold the active one), and confirming an answer the
patient took back."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from accounts.audit import Actor
from accounts.models import AuditEvent
from clinic.plans.errors import ScreeningRefused
from clinic.plans.models import PlanStatus, ScreeningAnswer, ScreeningConfirmation
from clinic.plans.screening import confirm_withdrawal, record_screening
from mats.models import SafetyVersion
from mats.services import published_contraindications
from tests.factories import make_plan, screen

MONDAY = date(2026, 3, 2)


def test_nothing_is_asked_before_safety_guidance_is_published(pat):
    assert not SafetyVersion.objects.exists()
    with pytest.raises(ScreeningRefused) as refused:
        record_screening(pat, {}, source="patient", recorded_by=pat.user)
    assert refused.value.code == "screening.nothing_published"
    assert not pat.screenings.exists()


def test_every_current_question_needs_an_answer(pat, safety):
    with pytest.raises(ScreeningRefused) as refused:
        record_screening(pat, {"pregnancy": False}, source="patient", recorded_by=pat.user)
    assert refused.value.code == "screening.unanswered"
    assert refused.value.params == {"missing": "Open wounds"}
    assert not pat.screenings.exists()


def test_waiting_plan_becomes_active_on_a_clean_screening(pat, safety, routine):
    plan = make_plan(pat, routine, days=14)  # from today
    screen(pat)  # records the answers and calls activate_waiting_plans
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.sessions.count() == 6


def test_waiting_plan_stays_waiting_on_an_absolute_yes(pat, safety, routine):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    screen(pat, yes=["open-wounds"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    assert plan.sessions.count() == 0


def test_an_absolute_yes_later_holds_the_active_plan(screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    screen(screened_pat, yes=["open-wounds"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert "should not be used" in plan.pause_reason


def test_a_new_relative_yes_holds_the_active_plan_unless_cleared(screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    screen(screened_pat, yes=["pregnancy"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert "clearance" in plan.pause_reason


def test_a_relative_yes_already_cleared_keeps_the_plan_running(pat, safety, routine):
    screen(pat, yes=["pregnancy"])
    plan = make_plan(pat, routine, clearances={"pregnancy": "Second trimester, feet only."})
    assert plan.status == PlanStatus.ACTIVE
    screen(pat, yes=["pregnancy"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


# --- An absolute yes the patient takes back ---------------------------------------


def test_the_patients_no_after_an_absolute_yes_holds_the_plan_until_confirmed(
    pat, safety, routine, alice
):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    screen(pat, yes=["open-wounds"], source="patient", recorded_by=pat.user)
    taken_back = screen(pat, source="patient", recorded_by=pat.user)
    assert list(taken_back.answers.filter(withdraws_yes=True).values_list("code", flat=True)) == [
        "open-wounds"
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    confirmation, started = confirm_withdrawal(taken_back, confirmed_by=alice.user, today=MONDAY)
    assert started == plan
    assert (confirmation.screening, confirmation.confirmed_by) == (taken_back, alice.user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.screening == taken_back


def test_a_no_recorded_in_clinic_is_the_practitioners_judgement(pat, safety, routine, alice):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    screen(pat, yes=["open-wounds"], source="patient", recorded_by=pat.user)
    in_clinic = screen(pat, recorded_by=alice.user)
    assert not in_clinic.answers.filter(withdraws_yes=True).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_a_second_no_does_not_wash_out_the_first(pat, safety, routine):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    screen(pat, yes=["open-wounds"], source="patient")
    screen(pat, source="patient")
    again = screen(pat, source="patient")
    assert again.unconfirmed_withdrawals() == ("open-wounds",)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING


def test_after_a_confirmation_a_later_no_needs_none(pat, safety, routine, alice):
    screen(pat, yes=["open-wounds"], source="patient")
    confirm_withdrawal(screen(pat, source="patient"), confirmed_by=alice.user)
    later = screen(pat, source="patient")
    assert later.unconfirmed_withdrawals() == ()
    assert make_plan(pat, routine).status == PlanStatus.ACTIVE


def test_a_plan_assigned_while_a_change_waits_is_saved_waiting(pat, safety, routine, alice):
    screen(pat, yes=["open-wounds"], source="patient")
    taken_back = screen(pat, source="patient")
    plan = make_plan(pat, routine)
    assert plan.status == PlanStatus.WAITING
    _, started = confirm_withdrawal(taken_back, confirmed_by=alice.user)
    assert started == plan


def test_only_the_latest_screening_waiting_for_it_can_be_confirmed(pat, safety, alice):
    with pytest.raises(ScreeningRefused) as refused:
        confirm_withdrawal(screen(pat, source="patient"), confirmed_by=alice.user)
    assert refused.value.code == "screening.nothing_to_confirm"
    screen(pat, yes=["open-wounds"], source="patient")
    taken_back = screen(pat, source="patient")
    confirm_withdrawal(taken_back, confirmed_by=alice.user)
    with pytest.raises(ScreeningRefused) as refused:
        confirm_withdrawal(taken_back, confirmed_by=alice.user)  # twice
    assert refused.value.code == "screening.nothing_to_confirm"
    screen(pat, yes=["open-wounds"], source="patient")
    stale = screen(pat, source="patient")
    screen(pat, yes=["open-wounds"], source="patient")
    with pytest.raises(ScreeningRefused) as refused:
        confirm_withdrawal(stale, confirmed_by=alice.user)
    assert refused.value.code == "screening.answers_changed"
    assert ScreeningConfirmation.objects.count() == 1


def test_the_database_keeps_one_confirmation_per_screening(pat, safety, alice):
    screen(pat, yes=["open-wounds"], source="patient")
    taken_back = screen(pat, source="patient")
    ScreeningConfirmation.objects.create(screening=taken_back, confirmed_by=alice.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningConfirmation.objects.create(screening=taken_back, confirmed_by=alice.user)


def test_the_database_refuses_a_yes_marked_as_taken_back(pat, safety):
    answer = screen(pat).answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningAnswer.objects.filter(pk=answer.pk).update(answer=True, withdraws_yes=True)


# --- The audit trail ---------------------------------------------------------------


def actions(obj) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk)
        .order_by("pk")
        .values_list("action", "actor", "path")
    )


def _answers(yes=()) -> dict[str, bool]:
    return {entry.code: entry.code in yes for entry in published_contraindications()}


def test_a_screening_and_the_plan_it_starts_are_audited_for_the_actor(pat, safety, routine):
    plan = make_plan(pat, routine)
    actor = Actor(user=pat.user, path="/home/safety-questions/")
    screening, started = record_screening(
        pat, _answers(), source="patient", recorded_by=pat.user, actor=actor
    )
    assert started == plan
    assert actions(screening) == [("create", pat.user.pk, actor.path)]
    assert actions(plan)[1:] == [("update", pat.user.pk, actor.path)]


def test_a_plan_held_by_new_answers_is_audited(screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    actor = Actor(user=screened_pat.user, path="/home/safety-questions/")
    record_screening(
        screened_pat,
        _answers(yes=["open-wounds"]),
        source="patient",
        recorded_by=screened_pat.user,
        actor=actor,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert actions(plan)[1:] == [("update", screened_pat.user.pk, actor.path)]


def test_a_confirmation_is_audited_with_the_plan_it_starts(pat, safety, routine, alice):
    plan = make_plan(pat, routine)
    screen(pat, yes=["open-wounds"], source="patient")
    taken_back = screen(pat, source="patient")
    actor = Actor(user=alice.user, path="/confirm/")
    confirmation, started = confirm_withdrawal(taken_back, confirmed_by=alice.user, actor=actor)
    assert started == plan
    assert actions(confirmation) == [("create", alice.user.pk, "/confirm/")]
    assert actions(plan)[1:] == [("update", alice.user.pk, "/confirm/")]
