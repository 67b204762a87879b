"""A patient's first day, on a phone: from the invitation through the safety
guidance and questions to ticking off today's session with scores, reporting
a side effect, and seeing both on the plan's calendar."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Invitation, Patient
from clinic.plans.models import PlanStatus
from clinic.usage.models import SessionLog, SideEffectReport
from mats.services import publish_safety_version
from tests.factories import make_plan
from tests.mats.factories import make_routine, make_safety_content

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_new_patient_gets_from_the_invitation_to_a_logged_session(
    page, site, alice, staff, log_in_as
):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    patient = Patient.objects.create(
        clinic=alice.clinic,
        primary_practitioner=alice,
        full_name="Jo March",
        email="jo@patients.example",
    )
    plan = make_plan(patient, make_routine(), days=14)
    plan.note_for_patient = "Slow breaths; get up slowly."
    plan.save()
    assert plan.status == PlanStatus.WAITING
    _, token = Invitation.issue(patient, created_by=alice.user)

    page.set_viewport_size(PHONE)
    page.goto(f"{site}/invitation/{token}/")
    page.get_by_label("Choose a password").fill("a-long-mat-password")
    page.get_by_label("Type it again").fill("a-long-mat-password")
    page.get_by_role("button", name="Set password and continue").click()

    # The safety guidance comes first ...
    expect(page).to_have_url(f"{site}/safety/read/")
    expect(
        page.get_by_role("heading", name="Please read this before your first session")
    ).to_be_visible()
    page.get_by_role("button", name="I have read this").click()

    # ... then the safety questions.
    expect(page).to_have_url(f"{site}/home/safety-questions/")
    for question in (
        "Are you pregnant, or could you be?",
        "Do you have an open wound where you would lie?",
    ):
        page.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_role("button", name="Save my answers").click()

    # Today's session, with everything needed to do it.
    expect(page).to_have_url(f"{site}/home/")
    expect(page.get_by_text("Thank you. Your plan is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name="Today's session")).to_be_visible()
    expect(page.get_by_text("Slow breaths; get up slowly.")).to_be_visible()
    # How to do it is one tap away, below the tick-off.
    page.get_by_text("How to get on and off the mat, and how to breathe").click()
    expect(page.get_by_text("about five breaths a minute")).to_be_visible()

    # One tap swaps the card in place: no page load.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_role("button", name="Done: tick off today's session").click()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    assert page.evaluate("() => window.stillTheSamePage") is True
    page.get_by_label("Pain before the session").select_option("6")
    page.get_by_label("Pain after the session").select_option("3")
    page.get_by_label("How relaxed you felt").select_option("8")
    page.get_by_label("Warm").check()
    page.get_by_label("Tingling").check()
    page.get_by_role("button", name="Save how it went").click()
    expect(page.get_by_text("Thank you. Saved.")).to_be_visible()
    assert page.evaluate("() => window.stillTheSamePage") is True
    log = SessionLog.objects.get(planned_session__patient=patient)
    assert (log.pain_before, log.pain_after, log.relaxation) == (6, 3, 8)
    assert log.sensations == ["warm", "tingling"]

    # Later that day: a side effect, and at once what to do about it.
    page.get_by_role("button", name="Report a side effect").click()
    page.get_by_label("Bruising").check()
    page.get_by_label("In your own words").fill("A small bruise on the left shoulder blade.")
    page.get_by_role("button", name="Send to my practitioner").click()
    expect(page.get_by_role("heading", name="What to do now")).to_be_visible()
    expect(page.get_by_text("Tell your practitioner.")).to_be_visible()
    report = SideEffectReport.objects.get(patient=patient)
    assert report.symptom_names == ["Bruising"]

    # The calendar shows both.
    page.get_by_role("link", name="Today").first.click()
    page.get_by_role("button", name="See your whole plan").click()
    today_row = page.locator(".plan-today")
    expect(today_row).to_contain_text("Done")
    expect(today_row).to_contain_text("Pain 6 before, 3 after")
    expect(today_row).to_contain_text("Side effect reported: Bruising")
    expect(page.get_by_text(re.compile(r"1 session in a row"))).to_be_visible()
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The practitioner sees the patient flagged.
    practitioner = page.context.browser.new_context().new_page()
    log_in_as(practitioner, alice.user)
    practitioner.goto(f"{site}/patients/")
    expect(practitioner.get_by_text("Needs attention: side effects")).to_be_visible()
