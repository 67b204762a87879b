"""The database refuses a stage that breaks a per-row rule, even past the forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mats.models import RoutineStage, RoutineTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    return RoutineTemplate.objects.create(name="T", slug="t", summary="For tests.")


def stage(template, **overrides) -> RoutineStage:
    values = {
        "template": template,
        "week_from": 1,
        "week_to": 1,
        "surface": "bed",
        "clothing": "thin",
        "minutes_min": 5,
        "minutes_max": 10,
        "sessions_per_week": 3,
        "goal": "Get used to it.",
    }
    return RoutineStage(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"minutes_min": 20, "minutes_max": 10}, "stage_minutes_min_not_above_max"),
        ({"minutes_max": 91}, "stage_minutes_at_most_90"),
        ({"sessions_per_week": 8}, "stage_sessions_one_to_seven"),
        ({"sessions_per_week": 0}, "stage_sessions_one_to_seven"),
        ({"week_from": 0, "week_to": None}, "stage_starts_in_week_one_or_later"),
        ({"week_from": 3, "week_to": 2}, "stage_ends_after_it_starts"),
        ({"surface": "trampoline"}, "stage_surface_valid"),
    ],
)
def test_database_refuses_a_bad_stage(template, overrides, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        stage(template, **overrides).save()


def test_database_refuses_two_stages_starting_the_same_week(template):
    stage(template).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        stage(template, week_to=None).save()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes_min": 20, "minutes_max": 10}, "minutes_max", "cannot be shorter than"),
        ({"minutes_max": 91}, "minutes_max", "at most 90 minutes"),
        ({"sessions_per_week": 8}, "sessions_per_week", "at most one session a day"),
        ({"sessions_per_week": 0}, "sessions_per_week", "at least 1 session"),
        ({"week_from": 3, "week_to": 2}, "week_to", "cannot end before it starts"),
    ],
)
def test_full_clean_explains_each_rule_on_its_field(template, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        stage(template, **overrides).full_clean(exclude=["positions"])
    assert message in " ".join(error.value.message_dict[field])


def test_ninety_minutes_seven_days_a_week_is_allowed(template):
    built = stage(template, minutes_min=60, minutes_max=90, sessions_per_week=7)
    built.full_clean()
    built.save()
