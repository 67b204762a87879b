"""axe-core, the engine behind Lighthouse's accessibility score, finds
nothing wrong on any page a patient reaches, in each state of Today, on a
phone (tests/browser/pages.py names the pages and builds their data). The
practitioner's pages are checked the same way."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import PATIENT_PAGES, PRACTITIONER_PAGES, People

PHONE = {"width": 390, "height": 844}
AXE = Axe()


def _violations(name, page, site, log_in_as, people: People, pages) -> None:
    visit = pages[name](people)
    page.set_viewport_size(PHONE)
    log_in_as(page, visit.user, confirmed=visit.confirmed)
    response = page.goto(f"{site}{visit.path}")
    assert response.status == 200, f"{name}: {visit.path} answered {response.status}"
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, f"{name} ({visit.path}): {results.generate_report()}"


@pytest.mark.browser
@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_axe_finds_nothing_on_the_patients_pages(name, page, site, log_in_as, pat, alice):
    _violations(name, page, site, log_in_as, People(pat=pat, alice=alice), PATIENT_PAGES)


@pytest.mark.browser
@pytest.mark.parametrize("name", PRACTITIONER_PAGES)
def test_axe_finds_nothing_on_the_practitioners_pages(name, page, site, log_in_as, pat, alice):
    _violations(name, page, site, log_in_as, People(pat=pat, alice=alice), PRACTITIONER_PAGES)
