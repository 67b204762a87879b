"""seed_content fills a fresh install and can run on every start."""

import html
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from mats import seed as seed_data
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


def _page(client, name: str, *args: str) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return html.unescape(response.text)


def test_seeded_pages_show_the_content_to_a_patient(pat_client):
    seed()
    library = _page(pat_client, "library")
    for page in seed_data.GUIDANCE_PAGES:
        assert page["title"] in library
    guide = _page(pat_client, "guidance-page", "how-to-use-the-mat")
    assert "<h1>How to use the mat</h1>" in guide
    assert "<h2>Before you start</h2>" in guide  # the Markdown body, rendered
    positions = _page(pat_client, "position-list")
    for position in seed_data.POSITIONS:
        assert position["name"] in positions
    routines = _page(pat_client, "routine-list")
    for routine in seed_data.ROUTINES:
        assert routine["name"] in routines
    feet_first = _page(pat_client, "routine-detail", "feet-and-sitting-first")
    assert "<h1>Feet and sitting first</h1>" in feet_first
    assert seed_data.FEET in feet_first and seed_data.SITTING in feet_first
    evidence = _page(pat_client, "evidence")
    for summary in seed_data.EVIDENCE:
        assert summary["short_name"] in evidence
    for name in ("safety", "safety-acknowledge"):
        safety = _page(pat_client, name)
        assert "Part of your care, not a replacement" in safety
        for contraindication in seed_data.CONTRAINDICATIONS:
            question = contraindication["screening_question"]
            assert question in safety, (name, question)
        for rule in seed_data.STOP_RULES:
            assert rule["symptom"] in safety, (name, rule["symptom"])
    assert "I have read this" in safety
