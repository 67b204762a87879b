"""plan_assign (clinic/plans/views.py, its page in pages.py), the
practitioner's page for assigning a plan: defaults, the htmx stage swap and
preview, saving, the safety gate and every kind of bad input."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import AuditEvent
from clinic.plans.forms import stage_initial
from clinic.plans.models import Plan, PlanStatus
from clinic.plans.schedule import adjust, build_schedule
from clinic.visits.models import Appointment
from mats.services import published_routine_templates
from tests.factories import make_plan, screen, stages_of
from tests.mats.factories import make_position, make_routine

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(patient) -> str:
    return reverse("plan-assign", args=[patient.pk])


def form_data(template, start, end, *, changes=None, action="save", key=None, **extra) -> dict:
    """What the page posts: the plan fields and one stage form per routine stage."""
    stages = list(published_routine_templates().get(pk=template.pk).stages.all())
    data = {
        "routine": template.slug,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "note_for_patient": "",
        "submission_key": str(key or uuid4()),
        "action": action,
        "stage-TOTAL_FORMS": len(stages),
        "stage-INITIAL_FORMS": len(stages),
        "stage-MIN_NUM_FORMS": 0,
        "stage-MAX_NUM_FORMS": 1000,
    }
    for index, stage in enumerate(stages):
        values = {**stage_initial(stage), **(changes or {}).get(index, {})}
        for name, value in values.items():
            data[f"stage-{index}-{name}"] = value
    return {**data, **extra}


@pytest.fixture
def today(pat):
    return patient_today(pat)


# --- The page ----------------------------------------------------------------


def test_dates_default_to_the_days_between_the_visits(alice_client, screened_pat, routine, today):
    now = timezone.now()
    Appointment.objects.create(patient=screened_pat, starts_at=now - timedelta(days=1))
    Appointment.objects.create(patient=screened_pat, starts_at=now + timedelta(days=15))
    html = alice_client.get(url(screened_pat), {"routine": "gentle"}).text
    first_day = max(today, timezone.localdate(now - timedelta(days=1)) + timedelta(days=1))
    last_day = timezone.localdate(now + timedelta(days=15)) - timedelta(days=1)
    assert f'name="start_date" value="{first_day.isoformat()}"' in html
    assert f'name="end_date" value="{last_day.isoformat()}"' in html


def test_without_visits_a_plan_runs_four_weeks_from_today(alice_client, screened_pat, today):
    html = alice_client.get(url(screened_pat)).text
    assert f'name="start_date" value="{today.isoformat()}"' in html
    assert f'name="end_date" value="{(today + timedelta(days=27)).isoformat()}"' in html
    assert "Choose a routine above to see its stages." in html


def test_choosing_a_routine_shows_its_stages_and_a_preview(alice_client, screened_pat, routine):
    response = alice_client.get(url(screened_pat), {"routine": "gentle"})
    html = response.text
    assert "Stage 1, week 1" in html
    assert "Stage 2, week 2 onwards" in html
    assert 'name="stage-0-minutes_min" value="5"' in html
    assert "the routine suggests 5 to 10." in html
    assert "12 sessions, " in html  # 4 weeks of 3
    assert response["Vary"].count("HX-Request") == 1
    assert AuditEvent.objects.filter(action="view", object_id=screened_pat.pk).exists()


def test_htmx_routine_choice_swaps_in_the_stages_only(alice_client, screened_pat, routine):
    response = alice_client.get(url(screened_pat), {"routine": "gentle"}, **HTMX)
    html = response.text
    assert html.lstrip().startswith('<section id="stages"')
    assert "<html" not in html
    assert 'name="routine" value="gentle"' in html
    assert "stages-changed" in response["HX-Trigger-After-Settle"]
    assert "HX-Request" in response["Vary"]


def test_an_unknown_routine_in_the_address_is_a_400(alice_client, screened_pat):
    response = alice_client.get(url(screened_pat), {"routine": "no-such-routine"})
    assert response.status_code == 400
    assert response.text == "That routine could not be found."


def test_htmx_preview_follows_the_edited_values_and_saves_nothing(
    alice_client, screened_pat, routine, today
):
    data = form_data(
        routine,
        today,
        today + timedelta(days=13),
        action="preview",
        changes={1: {"sessions_per_week": 7}},
    )
    response = alice_client.post(url(screened_pat), data, **HTMX)
    html = response.text
    assert html.lstrip().startswith('<section id="preview"')
    assert "<html" not in html
    assert "10 sessions, " in html  # 3 in week 1, then 7 in week 2
    assert "HX-Request" in response["Vary"]
    assert Plan.objects.count() == 0


def test_preview_reads_the_same_whatever_the_number_of_stages(
    alice_client, screened_pat, routine, today
):
    longer = make_routine("longer", weeks=((1, 1), (2, 2), (3, 3), (4, None)))
    counts = []
    for template in (routine, longer):
        data = form_data(template, today, today + timedelta(days=27), action="preview")
        alice_client.get(reverse("home"))
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.post(url(screened_pat), data, **HTMX)
        assert "<table" in response.text
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_preview_names_what_stops_it(alice_client, screened_pat, routine, today):
    data = form_data(
        routine,
        today,
        today - timedelta(days=1),
        action="preview",
        changes={0: {"minutes_max": 95}},
    )
    html = alice_client.post(url(screened_pat), data, **HTMX).text
    assert "Enter a first and last day that work together." in html
    assert "Some stage values need fixing." in html


def test_preview_without_javascript_shows_the_whole_page(
    alice_client, screened_pat, routine, today
):
    data = form_data(routine, today, today + timedelta(days=6), action="preview")
    response = alice_client.post(url(screened_pat), data)
    assert "<html" in response.text
    assert "3 sessions, 15 minutes in all, 4 rest days" in response.text
    assert Plan.objects.count() == 0


# --- Saving ------------------------------------------------------------------


def test_saving_keeps_the_adjusted_stage_and_writes_those_days(
    alice_client, alice, screened_pat, routine, today
):
    end = today + timedelta(days=20)
    data = form_data(
        routine,
        today,
        end,
        changes={1: {"minutes_min": 8, "minutes_max": 12, "sessions_per_week": 4}},
        note_for_patient="Breathe out slowly.",
    )
    response = alice_client.post(url(screened_pat), data)
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plan-detail", args=[screened_pat.pk, plan.pk])
    assert (plan.status, plan.created_by, plan.note_for_patient) == (
        PlanStatus.ACTIVE,
        alice.user,
        "Breathe out slowly.",
    )
    second = plan.stages.get(order=1)
    assert (second.minutes_min, second.minutes_max, second.sessions_per_week) == (8, 12, 4)
    stages = stages_of(routine)
    expected = build_schedule(
        [stages[0], adjust(stages[1], minutes_min=8, minutes_max=12, sessions_per_week=4)],
        today,
        end,
    )
    assert [(s.date, s.minutes) for s in plan.sessions.all()] == [
        (d.day, d.minutes) for d in expected if d.is_session
    ]
    assert AuditEvent.objects.filter(action="create", object_id=plan.pk).exists()


def test_without_a_screening_the_plan_waits(alice_client, pat, safety, routine, today):
    response = alice_client.post(
        url(pat), form_data(routine, today, today + timedelta(days=6)), follow=True
    )
    assert "has not answered the safety questions yet" not in response.text
    assert "It starts once Pat Patient has answered the safety questions" in response.text
    assert Plan.objects.get().status == PlanStatus.WAITING


def test_page_warns_when_the_patient_has_not_been_screened(alice_client, pat, safety, routine):
    html = alice_client.get(url(pat), {"routine": "gentle"}).text
    assert "Pat Patient has not answered the safety questions yet." in html
    assert "waiting for screening" in html


def test_absolute_contraindication_stops_the_plan_and_says_why(
    alice_client, pat, safety, routine, today
):
    screen(pat, yes=["open-wounds"])
    html = alice_client.get(url(pat), {"routine": "gentle"}).text
    assert "A plan cannot start." in html
    assert "Open wounds" in html
    assert "Pressure worsens it." in html
    assert 'id="plan-form"' not in html
    response = alice_client.post(url(pat), form_data(routine, today, today + timedelta(days=6)))
    assert response.status_code == 200
    assert "A plan cannot start." in response.text
    assert Plan.objects.count() == 0


def test_relative_contraindication_needs_the_practitioners_reason(
    alice_client, alice, pat, safety, routine, today
):
    screen(pat, yes=["pregnancy"])
    data = form_data(routine, today, today + timedelta(days=6))
    response = alice_client.post(url(pat), data)
    assert "Give your reason for clearing this" in response.text
    assert Plan.objects.count() == 0
    data["clearance-pregnancy"] = "Sitting positions only; reviewed with her midwife."
    alice_client.post(url(pat), data)
    plan = Plan.objects.get()
    assert plan.status == PlanStatus.ACTIVE
    clearance = plan.clearances.get()
    assert (clearance.code, clearance.cleared_by, clearance.safety_version_number) == (
        "pregnancy",
        alice.user,
        safety.number,
    )


def test_a_double_submitted_form_makes_one_plan(alice_client, screened_pat, routine, today):
    data = form_data(routine, today, today + timedelta(days=6))
    first = alice_client.post(url(screened_pat), data)
    second = alice_client.post(url(screened_pat), data, follow=True)
    plan = Plan.objects.get()
    assert first["Location"] == reverse("plan-detail", args=[screened_pat.pk, plan.pk])
    assert second.redirect_chain[0][0] == first["Location"]
    assert "This plan was already saved." in second.text


def test_a_new_plan_replaces_the_current_one(alice_client, screened_pat, routine, today):
    old = make_plan(screened_pat, routine)
    html = alice_client.get(url(screened_pat), {"routine": "gentle"}).text
    assert "This replaces the current plan" in html
    start = today + timedelta(days=3)
    alice_client.post(url(screened_pat), form_data(routine, start, start + timedelta(days=6)))
    old.refresh_from_db()
    assert old.status == PlanStatus.ENDED
    assert old.ended_on == start - timedelta(days=1)
    assert Plan.objects.current().count() == 1


# --- Bad input: a clear field error, nothing saved ---------------------------


@pytest.mark.parametrize(
    ("changes", "extra", "message"),
    [
        ({}, {"end_date": "PAST"}, "The last day must be on or after the first day"),
        ({}, {"end_date": "LONG"}, "A plan can last at most 26 weeks"),
        ({}, {"start_date": "YESTERDAY"}, "A plan cannot start in the past"),
        ({}, {"start_date": "not a date"}, "Enter a date, for example"),
        ({0: {"minutes_max": 91}}, {}, "At most 90: that is the safe upper bound."),
        ({0: {"minutes_min": 0}}, {}, "At least 1, at most 90."),
        ({0: {"minutes_min": 9, "minutes_max": 6}}, {}, "cannot be shorter than the shortest"),
        ({1: {"sessions_per_week": 8}}, {}, "At most 7: that is the safe upper bound."),
        ({1: {"sessions_per_week": "often"}}, {}, "Enter a whole number."),
        ({1: {"positions": []}}, {}, "Choose at least one position."),
        ({1: {"positions": [999999]}}, {}, "Choose positions from the list."),
        ({0: {"surface": "sand"}}, {}, "Select a valid choice."),
        ({}, {"routine": "no-such-routine"}, "That routine is no longer published."),
        ({}, {"submission_key": "tampered"}, "Enter a valid UUID."),
    ],
)
def test_bad_input_shows_a_field_error_and_saves_nothing(
    alice_client, screened_pat, routine, today, changes, extra, message
):
    dates = {
        "PAST": (today - timedelta(days=1)).isoformat(),
        "LONG": (today + timedelta(days=182)).isoformat(),
        "YESTERDAY": (today - timedelta(days=1)).isoformat(),
    }
    extra = {name: dates.get(value, value) for name, value in extra.items()}
    data = form_data(routine, today, today + timedelta(days=13), changes=changes, **extra)
    response = alice_client.post(url(screened_pat), data)
    assert response.status_code == 200
    assert message in response.text
    assert "things need fixing" in response.text or "One thing needs fixing" in response.text
    assert Plan.objects.count() == 0


def test_a_routine_unpublished_meanwhile_is_refused(alice_client, screened_pat, routine, today):
    data = form_data(routine, today, today + timedelta(days=6))
    routine.is_published = False
    routine.save()
    response = alice_client.post(url(screened_pat), data)
    assert "That routine is no longer published. Choose another routine." in response.text
    assert Plan.objects.count() == 0


def test_an_unpublished_position_is_refused(alice_client, screened_pat, routine, today):
    hidden = make_position("Hidden", is_published=False)
    data = form_data(
        routine, today, today + timedelta(days=6), changes={0: {"positions": [hidden.pk]}}
    )
    assert "Choose positions from the list." in alice_client.post(url(screened_pat), data).text
    assert Plan.objects.count() == 0


def test_overlapping_an_earlier_plan_is_refused(alice_client, screened_pat, routine, today):
    make_plan(screened_pat, routine)
    make_plan(screened_pat, routine, start=today + timedelta(days=10))  # the first runs to day 9
    data = form_data(routine, today + timedelta(days=5), today + timedelta(days=20))
    response = alice_client.post(url(screened_pat), data)
    assert "so the plans would overlap" in response.text
    assert Plan.objects.count() == 2


def test_the_routine_decides_how_many_stages_there_are(alice_client, screened_pat, routine, today):
    data = form_data(routine, today, today + timedelta(days=6), **{"stage-TOTAL_FORMS": 5})
    alice_client.post(url(screened_pat), data)
    assert Plan.objects.get().stages.count() == 2


def test_a_routine_with_more_stages_than_posted_asks_for_the_missing_ones(
    alice_client, screened_pat, today
):
    three = make_routine("three", weeks=((1, 1), (2, 2), (3, None)))
    data = form_data(three, today, today + timedelta(days=6))
    for name in [key for key in data if key.startswith("stage-2-")]:
        del data[name]
    response = alice_client.post(url(screened_pat), data)
    assert "Stage 3, Shortest session (minutes): Enter the shortest session." in response.text
    assert Plan.objects.count() == 0


# --- Who may ------------------------------------------------------------------


def test_another_clinics_patient_is_404_and_nothing_is_saved(
    bob_client, screened_pat, routine, today
):
    assert bob_client.get(url(screened_pat)).status_code == 404
    data = form_data(routine, today, today + timedelta(days=6))
    assert bob_client.post(url(screened_pat), data).status_code == 404
    assert Plan.objects.count() == 0


def test_a_patient_id_slipped_into_the_form_is_ignored(
    alice_client, screened_pat, quinn, routine, today
):
    data = form_data(routine, today, today + timedelta(days=6), patient=quinn.pk)
    alice_client.post(url(screened_pat), data)
    assert Plan.objects.get().patient == screened_pat
    assert not quinn.plans.exists()


def test_patients_cannot_assign_plans(pat_client, pat, routine):
    assert pat_client.get(url(pat)).status_code == 403
