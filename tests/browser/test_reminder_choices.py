"""A patient chooses reminder emails in a real browser: the Settings form and
the Today page's offer with JavaScript off (plain forms that post and come
back), and the offer with JavaScript on (the card answered in place)."""

from datetime import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.notifications.models import ReminderSettings
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen
from tests.mats.factories import make_routine, make_safety_content

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OFFER = "A reminder on session days?"


@pytest.fixture
def plan(pat, staff):
    """Pat is ready for today's session: guidance read, questions answered, a plan from today."""
    make_safety_content()
    acknowledge_safety_version(
        pat, publish_safety_version(change_note="First.", published_by=staff)
    )
    screen(pat)
    return make_plan(pat, make_routine(), days=14)


@pytest.fixture
def phone(phone_without_js):
    phone_without_js.set_default_timeout(10_000)
    return phone_without_js


def at(site: str, name: str) -> str:
    return site + reverse(name)


def test_choosing_reminders_in_settings_without_javascript(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    phone.get_by_role("link", name="Settings").click()
    expect(phone.get_by_role("heading", name="Reminders")).to_be_visible()
    expect(
        phone.get_by_text("You have not chosen yet, so we do not email you about your sessions.")
    ).to_be_visible()

    reminders = phone.get_by_role("group", name="Reminder emails")
    reminders.get_by_label("On: email me on each day I have a session").check()
    phone.get_by_label("Time of the reminder").fill("07:30")
    phone.get_by_label("Off: no nudge").check()
    phone.get_by_role("button", name="Set reminders").click()

    expect(phone).to_have_url(at(site, "patient-settings"))
    expect(
        phone.get_by_text(
            "Saved. Reminders are on: an email at 07:30 on each day you have a session."
        )
    ).to_be_visible()
    expect(phone.get_by_text("Reminders are on: an email at 07:30 (Europe/London)")).to_be_visible()
    settings = ReminderSettings.objects.get(patient=plan.patient)
    assert (settings.reminders_on, settings.remind_at, settings.nudge_on) == (
        True,
        time(7, 30),
        False,
    )
    # Fits a phone: nothing wider than the screen.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # Chosen in Settings, so Today does not ask.
    phone.get_by_role("link", name="Today", exact=True).click()
    expect(phone.get_by_role("heading", name="Today's session")).to_be_visible()
    expect(phone.get_by_text(OFFER)).to_have_count(0)


def test_the_offer_without_javascript_comes_back_to_today(phone, site, log_in_as, plan):
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    expect(phone.get_by_role("heading", name=OFFER)).to_be_visible()
    phone.get_by_role("button", name="Yes, remind me").click()

    expect(phone).to_have_url(at(site, "patient-home"))
    expect(
        phone.get_by_text("Reminders are on: an email at 08:00 on each day you have a session.")
    ).to_be_visible()
    expect(phone.get_by_role("heading", name=OFFER)).to_have_count(0)
    assert ReminderSettings.objects.get(patient=plan.patient).reminders_on is True


def test_the_offer_with_javascript_is_answered_in_place(page, site, log_in_as, plan):
    page.set_viewport_size(PHONE)
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    expect(page.get_by_role("heading", name=OFFER)).to_be_visible()
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.get_by_role("button", name="Not now").click()

    expect(page.get_by_text("No reminders for now.")).to_be_visible()
    expect(page.get_by_role("heading", name=OFFER)).to_have_count(0)
    expect(page.get_by_role("link", name="You can switch them on in Settings")).to_be_visible()
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert page.url == at(site, "patient-home")
    settings = ReminderSettings.objects.get(patient=plan.patient)
    assert settings.reminders_on is False
    assert settings.offer_answered_at is not None


def test_yes_with_javascript_is_answered_in_place(page, site, log_in_as, plan):
    page.set_viewport_size(PHONE)
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.get_by_role("button", name="Yes, remind me").click()

    expect(page.get_by_role("link", name="Change the time in Settings")).to_be_visible()
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert page.url == at(site, "patient-home")
    assert ReminderSettings.objects.get(patient=plan.patient).reminders_on is True
