"""The clinic admin's audit trail in a real browser, with JavaScript on and
off: the filters are a plain GET form, and the pages keep them."""

import pytest
from playwright.sync_api import expect

from accounts import audit
from clinic.patients.trail import ROWS_PER_PAGE

pytestmark = pytest.mark.browser


@pytest.fixture
def trail(alice, carol, pat):
    actor = audit.Actor(user=alice.user, address="192.0.2.44")
    for _ in range(ROWS_PER_PAGE + 4):
        audit.write(actor, "view", pat, clinic_id=pat.clinic_id)
    audit.write(actor, "export", pat, clinic_id=pat.clinic_id)
    audit.write(audit.Actor(user=carol.user), "export", pat, clinic_id=pat.clinic_id)
    return pat


def _filter_and_page(page, site, pat):
    page.goto(f"{site}/patients/")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    # The rows above, and carol's own visit to the patient list just now.
    expect(page.get_by_text(f"{ROWS_PER_PAGE + 7} events found")).to_be_visible()

    page.get_by_label("Person").select_option(label="Alice Practitioner (practitioner)")
    page.get_by_label("What they did").select_option(label="Exported")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 event found")).to_be_visible()
    rows = page.locator("table.trail-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Alice Practitioner exported patient #{pat.pk}")
    expect(rows.first).to_contain_text("192.0.2.44")

    page.get_by_label("What they did").select_option(label="Viewed")
    page.get_by_label("About patient").select_option(label=f"Pat Patient (#{pat.pk})")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"{ROWS_PER_PAGE + 4} events found")).to_be_visible()
    expect(rows).to_have_count(ROWS_PER_PAGE)
    page.get_by_role("link", name="Older").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(rows).to_have_count(4)
    # The second page kept every filter.
    expect(page.get_by_label("What they did")).to_have_value("view")
    assert "action=view" in page.url and f"patient={pat.pk}" in page.url

    page.get_by_label("From").fill("2030-01-02")
    page.get_by_label("To").fill("2030-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The end date is before the start date")


def test_filters_with_javascript_on(page, site, log_in_as, carol, trail):
    log_in_as(page, carol.user)
    _filter_and_page(page, site, trail)


def test_filters_with_javascript_off(no_js_page, site, log_in_as, carol, trail):
    log_in_as(no_js_page, carol.user)
    _filter_and_page(no_js_page, site, trail)
