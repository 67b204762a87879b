"""Editors building a routine in the admin get a clear message for each bad ladder."""

import pytest
from django.urls import reverse

from mats.models import RoutineTemplate
from tests.mats.factories import make_position

ADD_URL = reverse("admin:mats_routinetemplate_add")


@pytest.fixture
def position(db):
    return make_position()


def stage_data(position, **overrides) -> dict:
    values = {
        "week_from": "1",
        "week_to": "1",
        "surface": "bed",
        "clothing": "thin",
        "minutes_min": "5",
        "minutes_max": "10",
        "sessions_per_week": "3",
        "positions": [str(position.pk)],
        "goal": "Get used to it.",
    }
    return {**values, **overrides}


def routine_post(*stages: dict) -> dict:
    data = {
        "name": "Gentle start",
        "slug": "gentle-start",
        "summary": "For tests.",
        "is_published": "on",
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }
    for index, stage in enumerate(stages):
        data.update({f"stages-{index}-{key}": value for key, value in stage.items()})
    return data


def test_editor_saves_a_good_ladder(staff_client, position):
    response = staff_client.post(
        ADD_URL,
        routine_post(
            stage_data(position),
            stage_data(position, week_from="2", week_to="", minutes_min="10", minutes_max="30"),
        ),
    )
    assert response.status_code == 302
    template = RoutineTemplate.objects.get(slug="gentle-start")
    assert template.ladder_problems() == []
    assert [s.week_range.describe() for s in template.stages.all()] == [
        "week 1",
        "week 2 onwards",
    ]


def assert_refused_with(response, message):
    assert response.status_code == 200, "the admin should show the form again"
    assert message in response.content.decode()
    assert not RoutineTemplate.objects.filter(slug="gentle-start").exists()


def test_empty_ladder_is_refused(staff_client, position):
    response = staff_client.post(ADD_URL, routine_post())
    assert_refused_with(response, "A routine needs at least one stage")


def test_overlapping_weeks_are_refused(staff_client, position):
    response = staff_client.post(
        ADD_URL,
        routine_post(
            stage_data(position, week_to="2"),
            stage_data(position, week_from="2", week_to=""),
        ),
    )
    assert_refused_with(response, "overlap. Each week belongs to exactly one stage.")


def test_gapped_weeks_are_refused(staff_client, position):
    response = staff_client.post(
        ADD_URL,
        routine_post(stage_data(position), stage_data(position, week_from="3", week_to="")),
    )
    assert_refused_with(response, "No stage covers week 2.")


def test_maximum_below_minimum_is_refused(staff_client, position):
    response = staff_client.post(
        ADD_URL, routine_post(stage_data(position, minutes_min="20", minutes_max="10"))
    )
    assert_refused_with(response, "cannot be shorter than the shortest (20 min)")


def test_more_than_ninety_minutes_is_refused(staff_client, position):
    response = staff_client.post(
        ADD_URL, routine_post(stage_data(position, minutes_min="60", minutes_max="95"))
    )
    assert_refused_with(response, "A session can last at most 90 minutes.")


def test_more_than_seven_sessions_a_week_is_refused(staff_client, position):
    response = staff_client.post(ADD_URL, routine_post(stage_data(position, sessions_per_week="8")))
    assert_refused_with(response, "plan at most one session a day")


def test_stage_without_positions_is_refused(staff_client, position):
    response = staff_client.post(ADD_URL, routine_post(stage_data(position, positions=[])))
    assert_refused_with(response, "Choose at least one position for this stage.")


def test_deleting_the_only_stage_of_a_saved_routine_is_refused(staff_client, position):
    staff_client.post(ADD_URL, routine_post(stage_data(position, week_to="")))
    template = RoutineTemplate.objects.get(slug="gentle-start")
    (stage,) = template.stages.all()
    data = routine_post(stage_data(position, week_to="", id=str(stage.pk), DELETE="on"))
    data["stages-INITIAL_FORMS"] = "1"
    data["stages-0-template"] = str(template.pk)
    response = staff_client.post(
        reverse("admin:mats_routinetemplate_change", args=[template.pk]), data
    )
    assert response.status_code == 200
    assert "A routine needs at least one stage" in response.content.decode()
    assert template.stages.count() == 1
