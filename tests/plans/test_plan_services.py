"""clinic.plans.services: a plan's life (assign, activate, clear, replace,
pause, resume, extend, end), never rewriting a past session, refusing with a
code, and writing its own audit rows."""

from datetime import date, timedelta
from uuid import uuid4

import pytest

from accounts.audit import Actor
from accounts.errors import Refusals
from accounts.models import AuditEvent
from clinic.plans.errors import GateRefused, PlanRefused
from clinic.plans.models import (
    Clearance,
    Plan,
    PlannedSession,
    PlanStatus,
)
from clinic.plans.schedule import adjust, build_schedule
from clinic.plans.screening import confirm_withdrawal
from clinic.plans.services import (
    activate_waiting_plans,
    assign_plan,
    clear_waiting_plan,
    end_plan_early,
    extend_plan,
    pause_plan,
    resume_plan,
)
from mats.models import Position, RoutineStage
from tests.factories import make_plan, screen, stages_of

MONDAY = date(2026, 3, 2)


def snapshot(plan: Plan) -> list[tuple]:
    return list(
        plan.sessions.order_by("date").values_list(
            "pk", "date", "week", "stage_order", "minutes", "position", "surface", "clothing"
        )
    )


def test_a_clean_screening_gives_an_active_plan_with_its_sessions(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=14, today=MONDAY)
    assert plan.status == PlanStatus.ACTIVE
    expected = [d.day for d in build_schedule(stages_of(routine), MONDAY, MONDAY + timedelta(13))]
    assert [s.date for s in plan.sessions.all()] == [
        d for d in expected if d in {s.date for s in plan.sessions.all()}
    ]
    assert plan.sessions.count() == 6  # 3 a week for two weeks
    assert plan.screening is not None


def test_sessions_are_exactly_the_schedules_session_days(screened_pat, routine):
    stages = stages_of(routine)
    plan = make_plan(screened_pat, routine, start=MONDAY, days=20, today=MONDAY)
    schedule = build_schedule(stages, MONDAY, MONDAY + timedelta(days=19))
    assert [(s.date, s.minutes, s.position) for s in plan.sessions.all()] == [
        (d.day, d.minutes, d.position) for d in schedule if d.is_session
    ]


def test_no_screening_saves_the_plan_as_waiting_without_sessions(pat, safety, routine):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    assert plan.status == PlanStatus.WAITING
    assert plan.sessions.count() == 0


def test_waiting_plan_activated_late_only_gets_sessions_from_that_day(pat, safety, routine):
    plan = make_plan(pat, routine, start=MONDAY, days=14, today=MONDAY)
    screen(pat)
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.WAITING)
    PlannedSession.objects.all().delete()
    activate_waiting_plans(pat, today=MONDAY + timedelta(days=7))
    assert {s.date for s in plan.sessions.all()} == {
        MONDAY + timedelta(days=7),
        MONDAY + timedelta(days=9),
        MONDAY + timedelta(days=11),
    }


def test_waiting_plan_with_a_relative_yes_starts_once_cleared(pat, safety, routine, alice):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    screen(pat, yes=["pregnancy"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    with pytest.raises(GateRefused) as refused:
        clear_waiting_plan(plan, {"pregnancy": "  "}, cleared_by=alice.user, today=MONDAY)
    assert refused.value.code == "plan.needs_clearance"
    started = clear_waiting_plan(
        plan, {"pregnancy": "Second trimester, sitting only."}, cleared_by=alice.user, today=MONDAY
    )
    assert started == plan
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    clearance = plan.clearances.get()
    assert (clearance.code, clearance.cleared_by, clearance.safety_version_number) == (
        "pregnancy",
        alice.user,
        safety.number,
    )


def test_absolute_yes_refuses_to_assign(pat, safety, routine):
    screen(pat, yes=["open-wounds"])
    with pytest.raises(GateRefused) as refused:
        make_plan(pat, routine, start=MONDAY, today=MONDAY)
    assert refused.value.code == "plan.blocked_by_contraindication"
    assert [entry.name for entry in refused.value.outcome.blocking] == ["Open wounds"]
    assert Plan.objects.count() == 0


def test_relative_yes_needs_a_reason_and_keeps_who_when_and_version(pat, safety, routine, alice):
    screen(pat, yes=["pregnancy"])
    with pytest.raises(GateRefused) as refused:
        make_plan(pat, routine, start=MONDAY, today=MONDAY)
    assert refused.value.code == "plan.needs_clearance"
    assert [entry.code for entry in refused.value.outcome.to_clear] == ["pregnancy"]
    plan = make_plan(
        pat,
        routine,
        start=MONDAY,
        today=MONDAY,
        clearances={"pregnancy": "Sitting positions only."},
        created_by=alice.user,
    )
    assert plan.status == PlanStatus.ACTIVE
    clearance = Clearance.objects.get()
    assert clearance.plan == plan
    assert clearance.reason == "Sitting positions only."
    assert clearance.cleared_by == alice.user
    assert clearance.safety_version_number == safety.number
    assert clearance.cleared_at is not None


def test_a_new_plan_ends_the_current_one_the_day_before(screened_pat, routine):
    first = make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)
    before = [s for s in snapshot(first) if s[1] < MONDAY + timedelta(days=10)]
    second = make_plan(
        screened_pat, routine, start=MONDAY + timedelta(days=10), today=MONDAY + timedelta(days=9)
    )
    first.refresh_from_db()
    assert first.status == PlanStatus.ENDED
    assert first.ended_on == MONDAY + timedelta(days=9)
    assert first.end_date == MONDAY + timedelta(days=27)  # what was prescribed stays visible
    assert snapshot(first) == before  # earlier sessions untouched, same rows
    assert second.status == PlanStatus.ACTIVE
    assert Plan.objects.current().get() == second


def test_replacing_a_plan_that_has_not_started_withdraws_it(screened_pat, routine):
    tomorrow = MONDAY + timedelta(days=1)
    first = make_plan(screened_pat, routine, start=tomorrow, today=MONDAY)
    second = make_plan(screened_pat, routine, start=tomorrow, today=MONDAY)
    first.refresh_from_db()
    assert first.status == PlanStatus.ENDED
    assert first.never_started
    assert first.sessions.count() == 0
    assert second.sessions.count() > 0


def test_at_most_one_current_plan_per_patient(pat, safety, routine):
    make_plan(pat, routine, start=MONDAY, today=MONDAY)  # waiting
    make_plan(pat, routine, start=MONDAY + timedelta(days=3), today=MONDAY)
    assert Plan.objects.current().count() == 1


def test_a_plan_overlapping_an_earlier_one_still_in_force_is_refused(screened_pat, routine):
    make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    # Replaced from day 10: the first plan runs until day 9.
    make_plan(screened_pat, routine, start=MONDAY + timedelta(days=10), today=MONDAY)
    # A third from day 5 would overlap the first plan's days 5 to 9.
    with pytest.raises(Refusals) as refused:
        make_plan(screened_pat, routine, start=MONDAY + timedelta(days=5), today=MONDAY)
    [error] = refused.value.errors
    assert (error.code, error.field) == ("plan.overlaps_an_earlier_plan", "start_date")
    assert (error.params["until"], error.params["first_free"]) == (
        MONDAY + timedelta(days=9),
        MONDAY + timedelta(days=10),
    )
    assert Plan.objects.count() == 2


def test_the_same_submission_key_makes_one_plan(screened_pat, routine):
    key = uuid4()
    kwargs = {
        "patient": screened_pat,
        "template": routine,
        "stages": stages_of(routine),
        "start_date": MONDAY,
        "end_date": MONDAY + timedelta(days=13),
        "note_for_patient": "",
        "created_by": None,
        "submission_key": key,
        "today": MONDAY,
    }
    first, created = assign_plan(**kwargs)
    again, created_again = assign_plan(**kwargs)
    assert (created, created_again) == (True, False)
    assert again == first
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "field", "code"),
    [
        (MONDAY, MONDAY - timedelta(days=1), "end_date", "plan.ends_before_it_starts"),
        (MONDAY, MONDAY + timedelta(days=182), "end_date", "plan.too_long"),
        (
            MONDAY - timedelta(days=1),
            MONDAY + timedelta(days=5),
            "start_date",
            "plan.starts_in_the_past",
        ),
        (
            MONDAY + timedelta(days=367),
            MONDAY + timedelta(days=370),
            "start_date",
            "plan.starts_too_far_ahead",
        ),
    ],
)
def test_bad_dates_are_refused_by_field(screened_pat, routine, start, end, field, code):
    with pytest.raises(Refusals) as refused:
        assign_plan(
            patient=screened_pat,
            template=routine,
            stages=stages_of(routine),
            start_date=start,
            end_date=end,
            note_for_patient="",
            created_by=None,
            submission_key=uuid4(),
            today=MONDAY,
        )
    assert [(error.code, error.field) for error in refused.value.errors] == [(code, field)]
    assert Plan.objects.count() == 0


def test_twenty_six_weeks_exactly_is_allowed(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=182, today=MONDAY)
    assert plan.length_in_days == 182


def test_stages_outside_the_safe_bounds_are_refused(screened_pat, routine):
    stages = stages_of(routine)
    for bad, code in (
        (adjust(stages[0], minutes_max=91), "plan.stage_minutes_out_of_bounds"),
        (adjust(stages[0], minutes_min=0), "plan.stage_minutes_out_of_bounds"),
        (adjust(stages[0], minutes_min=20, minutes_max=10), "plan.stage_minutes_out_of_bounds"),
        (adjust(stages[0], sessions_per_week=8), "plan.stage_sessions_out_of_bounds"),
        (adjust(stages[0], positions=()), "plan.stage_without_positions"),
        (adjust(stages[0], surface="sand"), "plan.stage_surface_not_listed"),
    ):
        with pytest.raises(Refusals) as refused:
            make_plan(screened_pat, routine, stages=[bad, stages[1]], today=MONDAY, start=MONDAY)
        assert [(error.code, error.params["stage"]) for error in refused.value.errors] == [
            (code, 1)
        ]
    assert Plan.objects.count() == 0


def test_a_form_used_for_another_patient_is_refused(screened_pat, quinn, routine):
    key = uuid4()
    assign_plan(
        patient=screened_pat,
        template=routine,
        stages=stages_of(routine),
        start_date=MONDAY,
        end_date=MONDAY + timedelta(days=13),
        note_for_patient="",
        created_by=None,
        submission_key=key,
        today=MONDAY,
    )
    with pytest.raises(PlanRefused) as refused:
        assign_plan(
            patient=quinn,
            template=routine,
            stages=stages_of(routine),
            start_date=MONDAY,
            end_date=MONDAY + timedelta(days=13),
            note_for_patient="",
            created_by=None,
            submission_key=key,
            today=MONDAY,
        )
    assert refused.value.code == "plan.form_used_twice"
    assert not quinn.plans.exists()


def test_editing_the_template_later_changes_nothing_in_the_plan(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    stages_before = list(plan.stages.values())
    sessions_before = snapshot(plan)
    RoutineStage.objects.filter(template=routine).update(minutes_min=30, minutes_max=60)
    Position.objects.update(name="Renamed position")
    routine.name = "Renamed routine"
    routine.save()
    plan.refresh_from_db()
    assert list(plan.stages.values()) == stages_before
    assert snapshot(plan) == sessions_before
    assert plan.template_name == "Gentle"
    assert plan.stages.first().positions == ["Low back, lying"]


def test_deleting_the_template_keeps_the_plan(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    routine.delete()
    plan.refresh_from_db()
    assert plan.template is None
    assert plan.stages.count() == 2
    assert plan.sessions.count() > 0


def test_pausing_keeps_past_sessions_and_removes_the_rest(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)
    pause_day = MONDAY + timedelta(days=9)
    past = [s for s in snapshot(plan) if s[1] < pause_day]
    pause_plan(plan, reason="Bruising", today=pause_day)
    plan.refresh_from_db()
    assert (plan.status, plan.paused_on, plan.pause_reason) == (
        PlanStatus.PAUSED,
        pause_day,
        "Bruising",
    )
    assert snapshot(plan) == past


def test_resuming_adds_sessions_from_that_day_on_the_calendar(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)
    full = {s[1]: s[2:] for s in snapshot(plan)}
    pause_plan(plan, today=MONDAY + timedelta(days=3))
    kept = snapshot(plan)
    resume_plan(plan, today=MONDAY + timedelta(days=14))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    after = snapshot(plan)
    assert after[: len(kept)] == kept  # the same rows, unchanged
    resumed = {s[1]: s[2:] for s in after[len(kept) :]}
    assert min(resumed) >= MONDAY + timedelta(days=14)
    assert resumed == {day: rest for day, rest in full.items() if day >= MONDAY + timedelta(14)}


def test_extending_adds_days_after_the_old_end_only(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=14, today=MONDAY)
    before = snapshot(plan)
    extend_plan(plan, MONDAY + timedelta(days=27), today=MONDAY + timedelta(days=5))
    plan.refresh_from_db()
    after = snapshot(plan)
    assert after[: len(before)] == before
    assert all(s[1] > MONDAY + timedelta(days=13) for s in after[len(before) :])
    assert len(after) == 12


def test_extending_must_move_the_end_later_and_stay_within_26_weeks(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=14, today=MONDAY)
    with pytest.raises(PlanRefused) as refused:
        extend_plan(plan, MONDAY + timedelta(days=13), today=MONDAY)
    assert (refused.value.code, refused.value.field) == ("plan.extension_not_later", "new_end")
    with pytest.raises(PlanRefused) as refused:
        extend_plan(plan, MONDAY + timedelta(days=182), today=MONDAY)
    assert (refused.value.code, refused.value.field) == ("plan.extension_too_long", "new_end")
    assert refused.value.params["latest"] == MONDAY + timedelta(days=181)
    assert extend_plan(plan, MONDAY + timedelta(days=181), today=MONDAY).length_in_days == 182


def test_ending_early_keeps_the_past_and_removes_today_on(screened_pat, routine):
    plan = make_plan(screened_pat, routine, start=MONDAY, days=28, today=MONDAY)
    today = MONDAY + timedelta(days=9)
    past = [s for s in snapshot(plan) if s[1] < today]
    end_plan_early(plan, reason="Moving away", today=today)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
    assert plan.ended_on == today - timedelta(days=1)
    assert plan.ended_reason == "Moving away"
    assert snapshot(plan) == past
    with pytest.raises(PlanRefused) as refused:
        end_plan_early(plan, today=today)
    assert refused.value.code == "plan.already_ended"
    with pytest.raises(PlanRefused) as refused:
        extend_plan(plan, MONDAY + timedelta(days=40), today=today)
    assert refused.value.code == "plan.ended_cannot_be_extended"


def test_only_an_active_plan_pauses_and_only_a_paused_one_resumes(pat, safety, routine):
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)  # waiting
    with pytest.raises(PlanRefused) as refused:
        pause_plan(plan, today=MONDAY)
    assert refused.value.code == "plan.not_active"
    with pytest.raises(PlanRefused) as refused:
        resume_plan(plan, today=MONDAY)
    assert refused.value.code == "plan.not_paused"


def test_only_a_waiting_plan_is_cleared(screened_pat, routine, alice):
    plan = make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    with pytest.raises(PlanRefused) as refused:
        clear_waiting_plan(plan, {"pregnancy": "Sitting only."}, cleared_by=alice.user)
    assert refused.value.code == "plan.not_waiting"
    assert not plan.clearances.exists()


def test_a_plan_held_by_an_absolute_yes_cannot_resume_until_it_is_cleared_up(
    screened_pat, routine, alice
):
    plan = make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    screen(screened_pat, yes=["open-wounds"], source="patient")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    with pytest.raises(GateRefused) as refused:
        resume_plan(plan, today=MONDAY)
    assert refused.value.code == "plan.resume_blocked_by_contraindication"
    taken_back = screen(screened_pat, source="patient")
    with pytest.raises(GateRefused) as refused:
        resume_plan(plan, today=MONDAY)
    assert refused.value.code == "plan.resume_needs_confirmation"
    confirm_withdrawal(taken_back, confirmed_by=alice.user, today=MONDAY)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED  # the practitioner resumes it
    assert resume_plan(plan, today=MONDAY).status == PlanStatus.ACTIVE


# --- The audit trail ---------------------------------------------------------------


def trail(obj) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk)
        .order_by("pk")
        .values_list("action", "actor", "path", "clinic")
    )


def test_each_change_to_a_plan_writes_its_audit_row_for_the_actor(screened_pat, routine, alice):
    actor = Actor(user=alice.user, path="/patients/1/plans/")
    row = (alice.user.pk, actor.path, screened_pat.clinic_id)
    first = make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    assert trail(first) == [("create", None, "", screened_pat.clinic_id)]  # SYSTEM by default
    plan, _ = assign_plan(
        patient=screened_pat,
        template=routine,
        stages=stages_of(routine),
        start_date=MONDAY + timedelta(days=1),
        end_date=MONDAY + timedelta(days=14),
        note_for_patient="",
        created_by=alice.user,
        submission_key=uuid4(),
        today=MONDAY,
        actor=actor,
    )
    assert trail(first)[1:] == [("update", *row)]  # replaced: it ended
    pause_plan(plan, today=MONDAY + timedelta(days=2), actor=actor)
    resume_plan(plan, today=MONDAY + timedelta(days=3), actor=actor)
    extend_plan(plan, MONDAY + timedelta(days=20), today=MONDAY + timedelta(days=3), actor=actor)
    end_plan_early(plan, today=MONDAY + timedelta(days=4), actor=actor)
    assert trail(plan) == [("create", *row)] + [("update", *row)] * 4


def test_a_refused_change_writes_no_audit_row(screened_pat, routine, alice):
    plan = make_plan(screened_pat, routine, start=MONDAY, today=MONDAY)
    with pytest.raises(PlanRefused):
        resume_plan(plan, today=MONDAY, actor=Actor(user=alice.user))
    assert [action for action, *_ in trail(plan)] == ["create"]


def test_clearances_are_audited_and_so_is_the_plan_they_start(pat, safety, routine, alice):
    actor = Actor(user=alice.user, path="/clear/")
    row = (alice.user.pk, actor.path, pat.clinic_id)
    plan = make_plan(pat, routine, start=MONDAY, today=MONDAY)
    screen(pat, yes=["pregnancy"])
    clear_waiting_plan(
        plan, {"pregnancy": "Sitting only."}, cleared_by=alice.user, today=MONDAY, actor=actor
    )
    assert trail(plan.clearances.get()) == [("create", *row)]
    assert trail(plan)[1:] == [("update", *row)]


def test_clearances_given_when_assigning_are_audited(pat, safety, routine, alice):
    screen(pat, yes=["pregnancy"])
    plan, _ = assign_plan(
        patient=pat,
        template=routine,
        stages=stages_of(routine),
        start_date=MONDAY,
        end_date=MONDAY + timedelta(days=13),
        note_for_patient="",
        created_by=alice.user,
        submission_key=uuid4(),
        clearance_reasons={"pregnancy": "Sitting only."},
        today=MONDAY,
        actor=Actor(user=alice.user, path="/new/"),
    )
    assert trail(plan.clearances.get()) == [("create", alice.user.pk, "/new/", pat.clinic_id)]


def test_the_current_plan_comes_with_its_cleared_codes(pat, safety, routine):
    from clinic.plans.queries import current_plan_and_clearances

    assert current_plan_and_clearances(pat) == (None, [])
    screen(pat, yes=["pregnancy"])
    plan = make_plan(
        pat, routine, start=MONDAY, today=MONDAY, clearances={"pregnancy": "Feet only."}
    )
    assert current_plan_and_clearances(pat) == (plan, ["pregnancy"])
    Clearance.objects.all().delete()
    assert current_plan_and_clearances(pat) == (plan, [])


def test_the_latest_screening_comes_with_its_answers_in_one_query(
    pat, safety, django_assert_num_queries
):
    from clinic.plans.models import Screening
    from clinic.plans.queries import latest_screening

    with django_assert_num_queries(1):
        assert latest_screening(pat) is None
    screen(pat)
    latest = screen(pat, yes=["pregnancy"])
    with django_assert_num_queries(1):
        read = latest_screening(pat)
        answers = [(answer.pk, answer.code, answer.answer) for answer in read.answers.all()]
        assert read == latest and not read.is_confirmed
    expected = [(answer.pk, answer.code, answer.answer) for answer in latest.answers.all()]
    assert answers == expected and ("pregnancy", True) in [a[1:] for a in answers]
    # Answers to questions no longer published, or none at all: the screening still comes.
    bare = Screening.objects.create(patient=pat, source="clinic", safety_version_number=1)
    with django_assert_num_queries(1):
        read = latest_screening(pat)
        assert read == bare and list(read.answers.all()) == []
