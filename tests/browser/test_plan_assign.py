"""A practitioner records a visit and assigns a plan with one stage changed,
watching the preview follow without a page load; the patient then sees
exactly those days. A contraindicated patient is stopped with the reason."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Patient
from clinic.plans.models import Plan, PlanStatus
from clinic.plans.schedule import adjust, build_schedule
from mats.services import acknowledge_safety_version, current_safety_version
from tests.factories import screen, stages_of


def _day(value) -> str:
    return f"{value:%A} {value.day} {value:%B}"


@pytest.mark.browser
def test_practitioner_assigns_a_plan_and_the_patient_sees_those_days(
    page, site, log_in_as, alice, pat
):
    call_command("seed_content", stdout=StringIO())
    screen(pat)
    acknowledge_safety_version(pat, current_safety_version())
    now = timezone.localtime()
    visited, booked = now - timedelta(minutes=5), now + timedelta(days=14)

    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{pat.pk}/")
    page.get_by_role("button", name="Record a visit").click()
    page.get_by_label("Visit date and time").fill(visited.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Short note").fill("Neck and upper back")
    page.get_by_label("Next booked visit").fill(booked.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("The visit is recorded.")).to_be_visible()

    page.get_by_role("button", name="Assign a plan").click()
    expect(page.get_by_role("heading", name="Assign a mat plan")).to_be_visible()
    # From here on, nothing may load a new page until the plan is saved.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    start = max(timezone.localdate(), visited.date() + timedelta(days=1))
    end = booked.date() - timedelta(days=1)
    expect(page.get_by_label("First day")).to_have_value(start.isoformat())
    expect(page.get_by_label("Last day")).to_have_value(end.isoformat())

    page.get_by_label("Routine").select_option(label="Standard three-stage ladder")
    stage_two = page.get_by_role("group", name="Stage 2, week 2")
    expect(stage_two.get_by_label("Sessions a week")).to_have_value("4")
    totals = page.locator("#preview .totals")
    template = Plan._meta.get_field("template").related_model.objects.get(
        slug="standard-three-stage"
    )
    stages = stages_of(template)
    planned = build_schedule(stages, start, end)
    expect(totals).to_contain_text(f"{sum(d.is_session for d in planned)} sessions")

    stage_two.get_by_label("Sessions a week").fill("6")
    changed = [stages[0], adjust(stages[1], sessions_per_week=6), *stages[2:]]
    expected = [d for d in build_schedule(changed, start, end) if d.is_session]
    expect(totals).to_contain_text(f"{len(expected)} sessions")
    assert len(expected) != sum(d.is_session for d in planned)
    assert page.evaluate("() => window.stillTheSamePage") is True

    page.get_by_label("Note for the patient").fill("Slow breaths; get up slowly.")
    page.get_by_role("button", name="Assign this plan").click()
    expect(page.get_by_text("The plan is saved and Pat Patient can see it.")).to_be_visible()
    plan = Plan.objects.get(patient=pat)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.stages.get(order=1).sessions_per_week == 6

    patient_page = page.context.browser.new_context().new_page()
    log_in_as(patient_page, pat.user)
    patient_page.goto(f"{site}/home/")
    patient_page.get_by_role("button", name="See your whole plan").click()
    expect(patient_page.get_by_text("Slow breaths; get up slowly.")).to_be_visible()
    shown = [
        re.sub(r"\s*\(today\)$", "", text.strip())
        for text in patient_page.locator(".plan-day-session strong").all_inner_texts()
    ]
    assert shown == [_day(d.day) for d in expected]


@pytest.mark.browser
def test_a_contraindicated_patient_is_stopped_with_the_reason(page, site, log_in_as, alice):
    call_command("seed_content", stdout=StringIO())
    patient = Patient.objects.create(
        clinic=alice.clinic, primary_practitioner=alice, full_name="Cleo Clot", email="c@x.example"
    )
    screen(patient, yes=["bleeding-disorder"])

    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{patient.pk}/")
    page.get_by_role("button", name="Assign a plan").click()
    expect(page.get_by_text("A plan cannot start.")).to_be_visible()
    expect(page.get_by_text("A bleeding disorder or blood thinners")).to_be_visible()
    expect(page.get_by_role("button", name="Assign this plan")).to_have_count(0)
    assert not Plan.objects.exists()
