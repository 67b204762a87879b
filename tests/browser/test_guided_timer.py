"""The guided timer on a phone: counts down from the start time (so a
reload or a locked screen loses nothing), paces the breath, keeps the
screen awake, and offers the check-off at the end. Playwright's clock
stands in for the real minutes."""

import pytest
from playwright.sync_api import expect

from accounts.clock import patient_today
from clinic.usage.models import SessionLog
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen
from tests.mats.factories import make_routine, make_safety_content

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

# Records wake-lock requests: headless Chromium has no screen to keep awake.
FAKE_WAKE_LOCK = """
Object.defineProperty(navigator, "wakeLock", {
  value: {
    request(kind) {
      window.wakeLockRequests = (window.wakeLockRequests || []).concat([kind]);
      return Promise.resolve({ release() { return Promise.resolve(); }, addEventListener() {} });
    },
  },
});
"""


@pytest.fixture
def plan(pat, staff):
    """Pat has read the guidance, answered the questions, and has a plan from today."""
    make_safety_content()
    acknowledge_safety_version(
        pat, publish_safety_version(change_note="First.", published_by=staff)
    )
    screen(pat)
    return make_plan(pat, make_routine())


@pytest.mark.browser
def test_the_timer_counts_down_paces_the_breath_and_offers_the_check_off(
    page, site, log_in_as, pat, plan
):
    session = plan.sessions.get(date=patient_today(pat))
    page.set_viewport_size(PHONE)
    page.add_init_script(FAKE_WAKE_LOCK)
    page.clock.install()
    log_in_as(page, pat.user)
    page.goto(f"{site}/home/")
    page.get_by_role("button", name="Start the guided timer").click()

    clock = page.get_by_role("timer")
    expect(clock).to_have_text("5:00")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Breathe in")).to_be_visible()
    assert page.evaluate("window.wakeLockRequests") == ["screen"]
    page.clock.run_for(5000)  # four seconds in, then the longer breath out
    expect(page.get_by_text("Breathe out, slowly")).to_be_visible()
    expect(page.locator("[data-pacer]")).to_have_class("pacer breathe-out")

    page.clock.fast_forward("01:00")
    expect(clock).to_have_text("3:55")

    # The phone locks for two minutes: no timer fires, yet on waking the
    # clock is right, because it counts from the start time.
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 120)  # seconds, in Python
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(clock).to_have_text("1:55")
    assert page.evaluate("window.wakeLockRequests.length") >= 1

    # A reload (the clock still held, so the test need not race it) carries on
    # from the same start.
    page.reload()
    expect(page.get_by_role("button", name="Stop early")).to_be_visible()
    expect(clock).to_have_text("1:55")

    page.clock.fast_forward("02:00")
    expect(page.get_by_text("Time is up.")).to_be_visible()
    expect(page.get_by_label("Minutes you did")).to_have_value("5")
    page.get_by_role("button", name="Done: tick off today's session").click()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    assert SessionLog.objects.get(planned_session=session).minutes_done == 5


@pytest.mark.browser
def test_stopping_early_offers_the_minutes_done(page, site, log_in_as, pat, plan):
    page.set_viewport_size(PHONE)
    page.clock.install()
    log_in_as(page, pat.user)
    page.goto(f"{site}/home/timer/")
    page.get_by_role("button", name="Start").click()
    page.clock.fast_forward("03:10")
    page.get_by_role("button", name="Stop early").click()
    expect(page.get_by_label("Minutes you did")).to_have_value("3")
    expect(page.get_by_role("button", name="Start")).to_be_visible()


# The sum of the page's layout shifts so far (Lighthouse's cumulative layout
# shift for a page nobody has touched yet), read once the timer has shown.
LAYOUT_SHIFT = """
() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) total += entry.value;
    }
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(total), 300)));
})
"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_nothing_moves_when_the_timer_appears(page, site, log_in_as, pat, plan, viewport):
    page.set_viewport_size(viewport)
    log_in_as(page, pat.user)
    page.goto(f"{site}/home/timer/")
    # The script has run: the clock shows and the start button is there.
    expect(page.get_by_role("button", name="Start")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text("5:00")
    shift = page.evaluate(LAYOUT_SHIFT)
    assert shift < 0.05, f"cumulative layout shift {shift:.3f} at {viewport}"


@pytest.mark.browser
def test_without_javascript_the_timer_takes_no_room(phone_without_js, site, log_in_as, pat, plan):
    log_in_as(phone_without_js, pat.user)
    phone_without_js.goto(f"{site}/home/timer/")
    expect(phone_without_js.locator("#guided-timer")).to_be_hidden()
    assert phone_without_js.locator("#guided-timer").bounding_box() is None
