"""seed_content fills a fresh install and can run on every start."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from mats.markdown import markdown_problems
from mats.models import (
    Contraindication,
    EvidenceSummary,
    GuidancePage,
    Position,
    RoutineTemplate,
    SafetySection,
    SafetyVersion,
    StopRule,
)
from mats.services import current_safety_version, needs_acknowledgement

pytestmark = pytest.mark.django_db

MODELS = [
    Position,
    RoutineTemplate,
    Contraindication,
    StopRule,
    SafetySection,
    GuidancePage,
    EvidenceSummary,
    SafetyVersion,
]


def seed() -> str:
    out = StringIO()
    call_command("seed_content", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_fresh_install_gets_the_content_and_safety_version_one():
    output = seed()
    assert "Published safety version 1." in output
    assert counts() == {
        "Position": 7,
        "RoutineTemplate": 3,
        "Contraindication": 8,
        "StopRule": 6,
        "SafetySection": 2,
        "GuidancePage": 4,
        "EvidenceSummary": 5,
        "SafetyVersion": 1,
    }
    assert current_safety_version().snapshot.contraindications[0].name == "Pregnancy"


def test_running_twice_changes_nothing():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "Added: nothing." in output


def test_editors_changes_survive_a_rerun():
    seed()
    Position.objects.filter(name="Low back, lying").update(cautions="Edited by the clinic.")
    seed()
    assert Position.objects.get(name="Low back, lying").cautions == "Edited by the clinic."


def test_seeded_ladders_pass_the_admin_rules():
    seed()
    for template in RoutineTemplate.objects.all():
        assert template.ladder_problems() == [], template.name
        for stage in template.stages.all():
            stage.full_clean()


def test_seeded_ladders_include_the_daily_hour_alongside_rehabilitation():
    seed()
    last = RoutineTemplate.objects.get(slug="low-back-with-rehabilitation").stages.last()
    assert (last.minutes_max, last.sessions_per_week) == (60, 7)


def test_seeded_markdown_and_rows_pass_validation():
    seed()
    for model in (Position, Contraindication, StopRule, SafetySection, GuidancePage):
        for row in model.objects.all():
            row.full_clean()
    for page in GuidancePage.objects.all():
        assert markdown_problems(page.body) == []


def test_every_domain_position_and_safety_item_is_seeded():
    seed()
    assert set(Position.objects.values_list("name", flat=True)) >= {
        "Upper back and neck, lying",
        "Low back, lying",
        "Buttocks and thighs, sitting",
        "Feet, standing lightly",
        "Face down, at the end of the day",
        "Barefoot stand, in the morning",
        "Neck on the pillow",
    }
    assert set(Contraindication.objects.values_list("code", flat=True)) == {
        "pregnancy",
        "blood-pressure-medication",
        "bleeding-disorder",
        "reduced-sensation",
        "fragile-skin",
        "broken-or-inflamed-skin",
        "active-infection",
        "recent-surgery",
    }
    assert set(StopRule.objects.values_list("code", flat=True)) == {
        "broken-skin",
        "bruising",
        "growing-pain",
        "lasting-numbness",
        "dizziness",
        "lasting-rash",
    }


def test_fresh_install_asks_patients_to_acknowledge(pat, pat_client):
    seed()
    assert needs_acknowledgement(pat)
    assert pat_client.get(reverse("patient-home"))["Location"] == reverse("safety-acknowledge")


def test_seeded_pages_render_for_a_patient(pat_client):
    seed()
    for name, args in [
        ("library", []),
        ("guidance-page", ["how-to-use-the-mat"]),
        ("position-list", []),
        ("routine-list", []),
        ("routine-detail", ["feet-and-sitting-first"]),
        ("evidence", []),
        ("safety", []),
        ("safety-acknowledge", []),
    ]:
        assert pat_client.get(reverse(name, args=args)).status_code == 200, name
