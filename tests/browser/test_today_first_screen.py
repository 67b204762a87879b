"""The Today page on a phone (usage/patient_home.html, the session card):
the position's drawing, the position, the minutes and the tick-off sit in
the first 390 x 844 screen without scrolling, with and without JavaScript,
for today's session and a missed day's; how to do it is one tap away; the
site's header stays short with every link a 44 px target; a tick-off in
flight shows it is busy and takes one tap only; and the page still works on
a laptop."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from accounts.clock import patient_today
from clinic.usage.models import SessionLog
from mats.models.library import Illustration
from mats.services import acknowledge_safety_version
from tests.factories import make_plan, screen
from tests.mats.factories import make_position, make_routine

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

# As long as a position's name may be (80 characters), and a long how-to.
LONG_NAME = "Upper back and shoulders, lying on the neck pillow under the neck, arms by sides"
LONG_HOW_TO = " ".join(
    ["Sit on the edge of the mat, then lower yourself slowly onto your elbows."] * 8
)
TICK_OFF = "Done: tick off today's session"


@pytest.fixture
def patient(pat, safety):
    acknowledge_safety_version(pat, safety)
    screen(pat)
    return pat


@pytest.fixture
def position():
    assert len(LONG_NAME) == 80
    return make_position(
        LONG_NAME,
        getting_on=LONG_HOW_TO,
        getting_off="Roll onto your side, then push yourself up with your arms.",
        illustration=Illustration.NECK_PILLOW,
    )


@pytest.fixture
def plan(patient, position):
    plan = make_plan(patient, make_routine(positions=[position]), days=14)
    plan.note_for_patient = "Keep the T-shirt on this week."
    plan.save()
    return plan


def at(site: str, name: str, *args) -> str:
    return site + reverse(name, args=args)


def assert_in_first_screen(page, button_name: str) -> None:
    """The position, the minutes and the button lie wholly inside the first
    screen, the page not scrolled, with the picture beside the facts."""
    assert page.evaluate("window.scrollY") == 0
    height = page.viewport_size["height"]
    for locator in (
        page.locator("#session-card .position-picture-small"),
        page.locator(".fact-position dd"),
        page.locator(".fact-minutes dd"),
        page.get_by_role("button", name=button_name),
    ):
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= height, (locator, box)
    # The how-to is folded away, one tap from the facts.
    expect(page.get_by_text("Sit on the edge of the mat").first).to_be_hidden()


def test_todays_tick_off_is_in_the_first_screen_and_swaps_the_card(page, site, log_in_as, plan):
    page.set_viewport_size(PHONE)
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    expect(page.locator(".fact-position dd")).to_have_text(LONG_NAME)
    expect(page.locator(".fact-minutes dd")).to_have_text("5 minutes")
    assert_in_first_screen(page, TICK_OFF)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_role("button", name=TICK_OFF).click()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert SessionLog.objects.get().planned_session.position == LONG_NAME


def test_todays_tick_off_is_in_the_first_screen_without_javascript(
    phone_without_js, site, log_in_as, plan
):
    phone = phone_without_js
    log_in_as(phone, plan.patient.user)
    phone.goto(at(site, "patient-home"))
    assert_in_first_screen(phone, TICK_OFF)

    phone.get_by_role("button", name=TICK_OFF).click()
    expect(phone).to_have_url(at(site, "patient-home"))
    expect(phone.get_by_text("Done. Well done for today.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Done for today")).to_be_visible()
    assert SessionLog.objects.count() == 1


def test_a_missed_days_tick_off_is_in_the_first_screen(
    phone_without_js, site, log_in_as, patient, position
):
    today = patient_today(patient)
    start = today - timedelta(days=2)
    plan = make_plan(patient, make_routine(positions=[position]), start=start, today=start)
    missed = plan.sessions.get(date=start)
    log_in_as(phone_without_js, patient.user)
    phone_without_js.goto(at(site, "session-day", missed.pk))
    assert_in_first_screen(phone_without_js, "Done: tick off this session")

    phone_without_js.get_by_role("button", name="Done: tick off this session").click()
    expect(phone_without_js.get_by_role("heading", name="Done")).to_be_visible()
    assert SessionLog.objects.get().planned_session == missed


def test_how_to_do_it_opens_with_one_tap_without_javascript(
    phone_without_js, site, log_in_as, plan
):
    log_in_as(phone_without_js, plan.patient.user)
    phone_without_js.goto(at(site, "patient-home"))
    breathing = phone_without_js.get_by_text("about five breaths a minute")
    expect(breathing).to_be_hidden()
    phone_without_js.get_by_text("How to get on and off the mat, and how to breathe").click()
    expect(breathing).to_be_visible()
    expect(phone_without_js.get_by_text("Sit on the edge of the mat").first).to_be_visible()
    expect(phone_without_js.get_by_text("Roll onto your side")).to_be_visible()


def test_the_header_is_short_and_every_link_a_44px_target_on_a_phone(page, site, log_in_as, plan):
    page.set_viewport_size(PHONE)
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 110, header
    menu = page.get_by_role("navigation", name="Main")
    targets = [
        menu.get_by_role("link", name="Mat companion"),
        menu.get_by_role("link", name="Today"),
        menu.get_by_role("link", name="Library"),
        menu.get_by_role("link", name="Settings"),
        menu.get_by_role("button", name="Sign out"),
    ]
    for target in targets:
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (target, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (target, box)
        assert box["y"] + box["height"] <= header["y"] + header["height"], (target, box)

    # A keyboard user sees where they are in the menu.
    menu.get_by_role("link", name="Today").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_phone_layout_passes_axes_contrast_and_target_checks(
    page, site, log_in_as, plan, theme
):
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme=theme)
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    page.get_by_text("How to get on and off the mat, and how to breathe").click()
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag22aa"]}},
    )
    assert results.violations_count == 0, results.generate_report()


def test_a_tick_off_in_flight_is_busy_and_two_quick_taps_send_it_once(page, site, log_in_as, plan):
    page.set_viewport_size(PHONE)
    session = plan.sessions.get(date=patient_today(plan.patient))
    check_off_url = at(site, "session-check-off", session.pk)
    held = []
    page.route(check_off_url, lambda route: held.append(route))  # held until let go
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))

    button = page.get_by_role("button", name=TICK_OFF)
    button.dblclick()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    assert len(held) == 1
    assert not SessionLog.objects.exists()

    held[0].continue_()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    assert len(held) == 1
    assert SessionLog.objects.count() == 1


def test_a_failed_tick_off_gives_the_button_back(page, site, log_in_as, plan):
    """A lost connection leaves the button usable, and no longer busy."""
    page.set_viewport_size(PHONE)
    session = plan.sessions.get(date=patient_today(plan.patient))
    page.route(at(site, "session-check-off", session.pk), lambda route: route.abort())
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    button = page.get_by_role("button", name=TICK_OFF)
    button.click()
    expect(button).to_be_enabled()
    expect(button).not_to_have_attribute("aria-busy", "true")


def test_the_reminder_offer_is_busy_while_it_is_answered(page, site, log_in_as, plan):
    page.set_viewport_size(PHONE)
    held = []
    page.route(at(site, "patient-reminder-offer"), lambda route: held.append(route))
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    yes = page.get_by_role("button", name="Yes, remind me")
    yes.click()
    expect(yes).to_have_attribute("aria-busy", "true")
    expect(yes).to_be_disabled()
    expect(page.get_by_role("button", name="Not now")).to_be_disabled()
    held[0].continue_()
    expect(page.get_by_text("Reminders are on")).to_be_visible()


def test_today_works_on_a_laptop(page, site, log_in_as, plan):
    page.set_viewport_size(LAPTOP)
    log_in_as(page, plan.patient.user)
    page.goto(at(site, "patient-home"))
    menu = page.get_by_role("navigation", name="Main")
    assert menu.bounding_box()["height"] <= 100
    assert_in_first_screen(page, TICK_OFF)
    expect(page.get_by_role("heading", name="From your practitioner")).to_be_visible()
    page.get_by_role("button", name=TICK_OFF).click()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    page.get_by_label("How relaxed you felt").select_option("7")
    page.get_by_role("button", name="Save how it went").click()
    expect(page.get_by_text("Thank you. Saved.")).to_be_visible()
    assert SessionLog.objects.get().relaxation == 7
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
