"""The patient's Today page on a first visit (nothing cached, JavaScript on)
stays within 30 KB as production sends it, and asks no other host for
anything.

Production compresses as follows: WhiteNoise serves each static file as the
Brotli copy collectstatic made (the `brotli` package is installed), so a
static file counts at Brotli's best quality. Django sends the HTML itself,
and it counts as sent: its Content-Length, gzipped by GZipMiddleware.
Whatever the page loads counts, pictures included.
"""

from urllib.parse import urlsplit

import brotli
import pytest

from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen
from tests.mats.factories import make_routine, make_safety_content

PHONE = {"width": 390, "height": 844}
BUDGET = 30 * 1024


def _as_sent(response) -> int:
    if 300 <= response.status < 400:
        return int(response.header_value("content-length") or 0)
    if urlsplit(response.url).path.startswith("/static/"):
        return len(brotli.compress(response.body(), quality=11))
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
    make_plan(pat, make_routine())

    context = browser.new_context(viewport=PHONE)  # a fresh one: nothing cached
    page = context.new_page()
    log_in_as(page, pat.user)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{site}/home/", wait_until="networkidle")

    here = urlsplit(site).netloc
    elsewhere = [r.url for r in responses if urlsplit(r.url).netloc != here]
    assert not elsewhere, f"Today asked other hosts: {elsewhere}"

    weights = {response.url: _as_sent(response) for response in responses}
    context.close()
    total = sum(weights.values())
    breakdown = "\n".join(f"{size:>7} B  {url}" for url, size in weights.items())
    print(f"Today's first visit: {total} B of {BUDGET}\n{breakdown}")
    assert total <= BUDGET, f"Today's first visit is {total} B, over {BUDGET} B:\n{breakdown}"
