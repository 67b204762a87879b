"""The calendar feed from the patient's Settings page, on a phone with
JavaScript switched off: add the sessions to a calendar, see the address,
reset it, and the old address stops working. (clinic.reminders)"""

import re

import pytest
from django.urls import reverse
from icalendar import Calendar
from playwright.sync_api import expect

from mats.services import acknowledge_safety_version
from tests.factories import make_plan, screen

pytestmark = pytest.mark.browser


@pytest.fixture
def ready(pat, safety):
    """Pat has read the guidance, answered the questions and has a plan."""
    acknowledge_safety_version(pat, safety)
    screen(pat)
    make_plan(pat, days=14)
    return pat


@pytest.fixture
def phone(phone_without_js, site, settings):
    # The addresses the page shows point at this test's server.
    settings.SITE_URL = site
    phone_without_js.set_default_timeout(10_000)
    return phone_without_js


def test_adding_and_resetting_the_feed_without_javascript(phone, site, ready, log_in_as):
    log_in_as(phone, ready.user)
    phone.goto(site + reverse("patient-settings"))
    section = phone.locator("#calendar-feed")

    section.get_by_role("button", name="Add my sessions to my calendar").click()

    expect(phone.get_by_text("Your calendar address is ready.")).to_be_visible()
    field = section.get_by_label("Or copy your private calendar address")
    expect(field).to_have_attribute("readonly", "")
    old = field.input_value()
    assert old.startswith(site + "/calendar/") and old.endswith(".ics")
    add = section.get_by_role("button", name="Add to calendar")
    expect(add).to_have_attribute("href", "webcal://" + old.split("://", 1)[1])
    # Without JavaScript there is nothing to press: the address is text to select.
    expect(section.get_by_role("button", name="Copy the address")).to_be_hidden()
    calendar = phone.request.get(old)
    assert calendar.status == 200
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert len(Calendar.from_ical(calendar.body()).walk("VEVENT")) > 0

    section.get_by_role("button", name="Reset the address").click()

    expect(phone.get_by_text("The old one no longer works")).to_be_visible()
    new = phone.locator("#calendar-feed").get_by_label("Or copy your private calendar address")
    assert new.input_value() != old
    assert phone.request.get(old).status == 404
    assert phone.request.get(new.input_value()).status == 200


def test_the_copy_button_appears_with_javascript(page, site, ready, log_in_as, settings):
    settings.SITE_URL = site
    log_in_as(page, ready.user)
    page.goto(site + reverse("patient-settings"))
    page.get_by_role("button", name="Add my sessions to my calendar").click()

    copy = page.get_by_role("button", name="Copy the address")
    expect(copy).to_be_visible()
    copy.click()

    # Headless Chromium may refuse the clipboard; then the address is selected instead.
    expect(page.locator("[data-copy-status]")).to_have_text(
        re.compile(r"^(Copied\.|Selected: .+)$")
    )
