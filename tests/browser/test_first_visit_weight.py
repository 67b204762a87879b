"""The patient's Today page on a first visit (nothing cached, JavaScript on)
stays within 30 KB as production sends it, and asks no other host for
anything. What comes after it once (the favicon.ico and the manifest the
browser asks for, the service worker and the offline page it keeps) is
counted apart and stays within 6 KB.

Production compresses as follows: WhiteNoise serves each static file as the
Brotli copy collectstatic made (the `brotli` package is installed), so a
static file counts at Brotli's best quality. Django sends the HTML itself,
and it counts as sent: its Content-Length, gzipped by GZipMiddleware.
Whatever the page loads counts, pictures included.
"""

from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from mats.models.library import Illustration, Position
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen
from tests.mats.factories import make_routine, make_safety_content

PHONE = {"width": 390, "height": 844}
BUDGET = 30 * 1024
# The favicon, the manifest, the worker and the offline page it keeps.
AFTER_LOAD = 6 * 1024


def _as_sent(response) -> int:
    if 300 <= response.status < 400:
        return int(response.header_value("content-length") or 0)
    path = urlsplit(response.url).path
    if path.startswith(settings.STATIC_URL):
        # From the file itself: a copy the browser took from its cache for
        # a second request has no body to measure.
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        return len(brotli.compress(Path(found).read_bytes(), quality=11))
    return int(response.header_value("content-length") or len(response.body()))


@pytest.mark.browser
def test_todays_first_visit_weighs_at_most_30_kb_from_this_site_alone(
    browser, site, log_in_as, pat, staff
):
    make_safety_content()
    acknowledge_safety_version(
        pat, publish_safety_version(change_note="First.", published_by=staff)
    )
    screen(pat)
    routine = make_routine()
    # Today's card shows the position's drawing: it counts too.
    Position.objects.update(illustration=Illustration.UPPER_BACK_LYING)
    make_plan(pat, routine)

    context = browser.new_context(viewport=PHONE)  # a fresh one: nothing cached
    page = context.new_page()
    log_in_as(page, pat.user)
    for_the_page, everything = [], []
    page.on("response", lambda response: for_the_page.append(response))
    # The context also sees the browser's own requests (/favicon.ico, the
    # manifest) and the service worker's: what it keeps for the offline page
    # is downloaded once, after the page has loaded.
    context.on("response", lambda response: everything.append(response))
    page.goto(f"{site}/home/", wait_until="networkidle")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")

    here = urlsplit(site).netloc
    elsewhere = [r.url for r in everything if urlsplit(r.url).netloc != here]
    assert not elsewhere, f"Today asked other hosts: {elsewhere}"

    # Each address counts once: a second request for it comes from the cache.
    page_weights = {r.url: _as_sent(r) for r in for_the_page}
    extra_weights = {r.url: _as_sent(r) for r in everything if r.url not in page_weights}
    context.close()
    page_total, extra_total = sum(page_weights.values()), sum(extra_weights.values())
    breakdown = "\n".join(
        f"{size:>7} B  {url}" for url, size in (page_weights | extra_weights).items()
    )
    print(
        f"Today's first visit: {page_total} B for the page of {BUDGET}; "
        f"then {extra_total} B for the browser and the service worker\n{breakdown}"
    )
    assert page_total <= BUDGET, f"Today's page weighs {page_total} B:\n{breakdown}"
    assert extra_total <= AFTER_LOAD, f"After the page: {extra_total} B:\n{breakdown}"
