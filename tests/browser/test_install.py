"""The site installs like an app (clinic/pwa.py): Chromium's own
installability check passes on Today, the service worker registers, keeps
nothing but static files, the offline page and the icons, and shows the
offline page with a working timer when the phone has no connection; no page
of the patient's logs a console error or asks for a file that is not there."""

import pytest
from playwright.sync_api import expect

from mats.services import acknowledge_safety_version, publish_safety_version
from tests.browser.conftest import LAPTOP, PHONE
from tests.factories import make_plan, screen
from tests.mats.factories import make_routine, make_safety_content

PATIENT_PAGES = ("/home/", "/home/plan/", "/home/timer/", "/home/settings/", "/library/")

CACHED_ENTRIES = """
async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      urls.push(new URL(request.url).pathname);
    }
  }
  return {names: await caches.keys(), urls};
}
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


@pytest.fixture
def profile_page(playwright, browser_type_launch_args, tmp_path):
    """A page in a browser with a profile on disk: Playwright's usual contexts
    are incognito ones, which Chromium never offers to install."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, viewport=PHONE
    )
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def _worker_active(page) -> str:
    return page.evaluate(
        "() => navigator.serviceWorker.ready.then((registration) => "
        "registration.active.state === 'activated' ? 'activated' : "
        "new Promise((done) => registration.active.addEventListener("
        "'statechange', (event) => event.target.state === 'activated' && done('activated'))))"
    )


@pytest.mark.browser
def test_today_is_installable_by_chromiums_own_check(profile_page, site, log_in_as, pat, plan):
    page = profile_page
    log_in_as(page, pat.user)
    page.goto(f"{site}/home/")
    assert _worker_active(page) == "activated"
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{site}/manifest.webmanifest"
    assert not manifest["errors"]
    assert '"start_url": "/"' in manifest["data"]
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []


@pytest.mark.browser
def test_the_worker_keeps_only_static_files_the_offline_page_and_icons(
    page, site, log_in_as, pat, plan
):
    log_in_as(page, pat.user)
    for path in PATIENT_PAGES:
        page.goto(f"{site}{path}")
    assert _worker_active(page) == "activated"
    cached = page.evaluate(CACHED_ENTRIES)
    assert len(cached["names"]) == 1
    assert cached["names"][0].startswith("mat-companion-")
    assert "/offline/" in cached["urls"]
    allowed = ("/static/", "/offline/", "/manifest.webmanifest", "/favicon.ico")
    assert all(url.startswith(allowed) for url in cached["urls"]), cached["urls"]
    # Every patient page was visited while the worker ran; none was kept.
    assert not set(PATIENT_PAGES) & set(cached["urls"])


@pytest.mark.browser
def test_offline_today_shows_the_offline_page_and_its_timer_runs(page, site, log_in_as, pat, plan):
    page.set_viewport_size(PHONE)
    page.clock.install()
    log_in_as(page, pat.user)
    page.goto(f"{site}/home/")
    assert _worker_active(page) == "activated"
    page.context.set_offline(True)
    page.goto(f"{site}/home/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(page.get_by_text("Once you are back online, open Today and tick it off")).to_be_visible()
    assert pat.full_name not in page.content()

    page.get_by_label("Minutes").fill("1")
    clock = page.get_by_role("timer")
    expect(clock).to_have_text("1:00")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Breathe in")).to_be_visible()
    page.clock.run_for(30_000)
    expect(clock).to_have_text("0:30")
    page.clock.run_for(31_000)
    expect(clock).to_have_text("0:00")
    expect(page.get_by_role("status")).to_contain_text("Time is up")
    expect(page.get_by_role("button", name="Start again")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_no_patient_page_logs_an_error_or_a_missing_file(
    page, site, log_in_as, pat, plan, viewport
):
    page.set_viewport_size(viewport)
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.type}: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    log_in_as(page, pat.user)
    for path in PATIENT_PAGES:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
    assert _worker_active(page) == "activated"
    assert errors == []
