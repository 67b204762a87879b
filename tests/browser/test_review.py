"""Before the next visit, on a laptop: the flagged patient comes first in the
list, the review shows how it went, the practitioner leaves feedback that
the patient then sees at home, and the pre-visit summary prints on one
A4 or Letter sheet."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Patient
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import screen
from tests.mats.factories import make_routine, make_safety_content
from tests.review.test_patient_review import _plan, _report, _tick

LAPTOP = {"width": 1280, "height": 800}
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.mark.browser
def test_a_flagged_patient_is_reviewed_given_feedback_and_summarised(
    page, site, alice, pat, staff, log_in_as
):
    make_safety_content()
    version = publish_safety_version(change_note="First.", published_by=staff)
    acknowledge_safety_version(pat, version)
    screen(pat)
    # Alphabetically first, but nothing to worry about: no plan.
    Patient.objects.create(
        clinic=alice.clinic, primary_practitioner=alice, full_name="Abe Early", email="a@x.example"
    )
    # Three weeks in: six sessions done with scores and notes, the last three missed.
    plan = _plan(pat, make_routine(), days_ago=20)
    sessions = list(plan.sessions.order_by("date"))
    for number, session in enumerate(sessions[:6]):
        _tick(
            session,
            before=6 - number // 2,
            after=4 - number // 3,
            relaxation=5 + number // 2,
            note=f"Session {number + 1}: warm after the first minute, and I slept well that night.",
        )
    _report(pat, details="A small bruise under the left shoulder blade.", day=sessions[5].date)

    page.set_viewport_size(LAPTOP)
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Pat Patient")
    expect(first_row).to_contain_text("Needs attention: side effects not seen yet")
    expect(first_row).to_contain_text("3 sessions missed in a row")
    expect(page.locator("tbody tr").nth(1)).to_contain_text("Abe Early")

    first_row.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Review: Pat Patient")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Pain before and after"))).to_be_visible()
    expect(page.get_by_text("67 % (6 of 9)").first).to_be_visible()
    page.get_by_text("Pain scores as a table").click()
    expect(page.get_by_role("cell", name="not scored")).to_have_count(0)

    page.get_by_label("Message to the patient").fill(
        "Good work in the first fortnight. Try to fit a short session in on busy days."
    )
    page.get_by_role("button", name="Send to the patient").click()
    expect(page.get_by_text("Sent. Pat Patient sees it on their Today page.")).to_be_visible()

    # The patient, at home, sees the message on their today page.
    patient_page = page.context.browser.new_context().new_page()
    log_in_as(patient_page, pat.user)
    patient_page.goto(f"{site}/home/")
    expect(
        patient_page.get_by_role("heading", name="A message from Alice Practitioner")
    ).to_be_visible()
    expect(patient_page.get_by_text("Try to fit a short session in on busy days.")).to_be_visible()

    # The summary to print before the visit.
    page.get_by_role("button", name="Pre-visit summary (printable)").click()
    expect(page.get_by_role("heading", name="Pre-visit summary: Pat Patient")).to_be_visible()
    expect(page.get_by_role("heading", name="Pain change")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    for paper in ("A4", "Letter"):
        assert len(PDF_PAGE.findall(page.pdf(format=paper))) == 1, paper


PHONE = {"width": 390, "height": 844}
CALENDAR = "Week-by-week calendar, scrolls sideways"


@pytest.mark.browser
def test_on_a_phone_the_week_by_week_calendar_is_reached_and_scrolled_by_keyboard(
    page, site, alice, pat, staff, log_in_as
):
    make_safety_content()
    publish_safety_version(change_note="First.", published_by=staff)
    screen(pat)
    plan = _plan(pat, make_routine(), days_ago=9)
    _tick(plan.sessions.order_by("date").first())

    page.set_viewport_size(PHONE)
    log_in_as(page, alice.user)
    page.goto(f"{site}/patients/{pat.pk}/review/")
    region = page.get_by_role("region", name=CALENDAR)
    # Wider than the screen: it scrolls sideways inside its box.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == CALENDAR:
            break
    expect(region).to_be_focused()
    assert region.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "label => document.querySelector(`[aria-label='${label}']`).scrollLeft > 0", arg=CALENDAR
    )
