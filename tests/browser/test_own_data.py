"""The patient's own data in a real browser: both downloads from Settings and
a request to delete the account, on a phone with JavaScript off (plain links
and forms) and on a laptop with JavaScript on; the practitioner then marks
the request handled (clinic.patients.own_data_views, views.deletion_handled)."""

import csv
import io
import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import DeletionRequest
from tests.browser.conftest import LAPTOP, PHONE
from tests.patients.helpers import plant_history

pytestmark = pytest.mark.browser


@pytest.fixture
def history(pat, routine, safety):
    return plant_history(pat, routine, safety, mark="PAT", ask=False)


def at(site: str, name: str) -> str:
    return site + reverse(name)


def _download(page, link: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.get_by_role("button", name=link).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes().decode("utf-8")


def _downloads_both(page) -> None:
    name, text = _download(page, "Download as a spreadsheet (CSV)")
    assert name.startswith("my-mat-data-") and name.endswith(".csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ["Sessions"] in rows
    assert any(row and row[-1] == "PAT session note" for row in rows)
    name, text = _download(page, "Download as a data file (JSON)")
    assert name.startswith("my-mat-data-") and name.endswith(".json")
    document = json.loads(text)
    assert document["feedback"][0]["message"] == "PAT feedback"


def _no_accessibility_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_downloads_and_a_deletion_request_on_a_phone_without_javascript(
    phone_without_js, site, log_in_as, pat, history
):
    phone = phone_without_js
    phone.set_default_timeout(10_000)
    log_in_as(phone, pat.user, confirmed=True)
    phone.goto(at(site, "patient-settings"))
    expect(phone.get_by_role("heading", name="Your data")).to_be_visible()
    _fits(phone, PHONE["width"])
    _downloads_both(phone)

    phone.get_by_role("link", name="Ask your clinic to delete your account").click()
    expect(
        phone.get_by_role("heading", name="Ask your clinic to delete your account")
    ).to_be_visible()
    expect(phone.get_by_text("for as long as the law requires")).to_be_visible()
    _fits(phone, PHONE["width"])
    # The browser itself stops at the limit (the server's refusal is tested without one).
    message = phone.get_by_label("A message for your clinic (optional)")
    expect(message).to_have_attribute("maxlength", "500")
    phone.get_by_label("A message for your clinic (optional)").fill("Moving abroad.")
    phone.get_by_role("button", name="Send my request to the clinic").click()
    expect(phone).to_have_url(at(site, "patient-settings"))
    expect(phone.get_by_text("Your request is sent.")).to_be_visible()
    expect(phone.get_by_role("button", name="Withdraw my request")).to_be_visible()
    _fits(phone, PHONE["width"])
    asked = DeletionRequest.objects.get()
    assert (asked.message, asked.is_open) == ("Moving abroad.", True)


def test_downloads_a_request_and_its_withdrawal_on_a_laptop_with_javascript(
    page, site, log_in_as, pat, history
):
    page.set_viewport_size(LAPTOP)
    log_in_as(page, pat.user, confirmed=True)
    page.goto(at(site, "patient-settings"))
    _no_accessibility_violations(page)
    _downloads_both(page)

    page.get_by_role("link", name="Ask your clinic to delete your account").click()
    _no_accessibility_violations(page)
    page.get_by_role("button", name="Send my request to the clinic").click()
    expect(page.get_by_text("Your request is sent.")).to_be_visible()
    assert DeletionRequest.objects.get().is_open

    page.get_by_role("button", name="Withdraw my request").click()
    expect(page.get_by_text("Withdrawn. Your clinic will not delete your account.")).to_be_visible()
    expect(page.get_by_role("link", name="Ask your clinic to delete your account")).to_be_visible()
    assert not DeletionRequest.objects.get().is_open
    _fits(page, LAPTOP["width"])


def test_the_practitioner_marks_the_request_handled(page, site, log_in_as, pat, alice, history):
    DeletionRequest.objects.create(patient=pat, message="Moving abroad.")
    page.set_viewport_size(LAPTOP)
    log_in_as(page, alice.user)
    page.goto(site + reverse("patient-detail", args=[pat.pk]))
    notice = page.locator("#deletion-request")
    expect(notice.get_by_role("heading", name="Asked to delete their account")).to_be_visible()
    expect(notice.get_by_text("Moving abroad.")).to_be_visible()
    _no_accessibility_violations(page)
    notice.get_by_role("button", name="Mark as handled").click()
    expect(page.get_by_text("Marked as handled.")).to_be_visible()
    expect(page.locator("#deletion-request")).to_have_count(0)
    assert DeletionRequest.objects.get().handled_by == alice.user
