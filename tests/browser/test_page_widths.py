"""No page of any role is wider than a phone: at 390x844 the document never
scrolls sideways (a wide table scrolls inside its own box instead), in the
state that makes each page longest or widest (tests/browser/pages.py)."""

import pytest

from tests.browser.pages import PAGES, People

PHONE = {"width": 390, "height": 844}

# What sticks out past the right edge of the screen, to name in a failure.
WIDER_THAN_THE_SCREEN = """
() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter(el => {
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return false;
    }
    return true;
  })
  .slice(0, 5)
  .map(el => {
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}.${el.className} (${right} px)`;
  })
"""


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(name, page, site, log_in_as, pat, alice):
    visit = PAGES[name](People(pat=pat, alice=alice))
    page.set_viewport_size(PHONE)
    log_in_as(page, visit.user, confirmed=visit.confirmed)
    response = page.goto(f"{site}{visit.path}")
    assert response.status == 200, f"{name}: {visit.path} answered {response.status}"
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{name} ({visit.path}) is {width} px wide on a 390 px screen; "
        f"sticking out: {page.evaluate(WIDER_THAN_THE_SCREEN)}"
    )
