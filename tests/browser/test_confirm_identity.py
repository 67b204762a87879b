"""The sudo moment in a real browser (accounts.sudo): a patient's download
asks for a code first with JavaScript on, and a clinic admin resets a
practitioner's lost second factor with JavaScript off, confirming with the
password after a wrong one."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import AuditEvent, Membership
from tests.browser.conftest import LAPTOP, PHONE
from tests.conftest import PASSWORD, make_user
from tests.otp_devices import current_code, totp_device
from tests.patients.helpers import plant_history

pytestmark = pytest.mark.browser


def _no_accessibility_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_download_asks_for_a_code_first_with_javascript(
    page, site, log_in_as, pat, routine, safety
):
    plant_history(pat, routine, safety, mark="PAT", ask=False)
    device = totp_device(pat.user)
    page.set_viewport_size(PHONE)
    log_in_as(page, pat.user)
    page.goto(site + reverse("patient-settings"))
    page.get_by_role("button", name="Download as a spreadsheet (CSV)").click()

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    _no_accessibility_violations(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    code = page.get_by_label("A code from your authenticator app, or a recovery code")
    code.fill("000000" if current_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Confirm with this code").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work.")
    _no_accessibility_violations(page)

    # Each wrong code makes the next try wait (1 s after the first: django-otp's
    # throttle, OTP_TOTP_THROTTLE_FACTOR); a person reading the message takes longer.
    page.wait_for_timeout(1500)
    code.fill(current_code(device))
    with page.expect_download() as info:
        page.get_by_role("button", name="Confirm with this code").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    assert "PAT session note" in Path(download.path()).read_text(encoding="utf-8-sig")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONFIRMED, actor=pat.user).exists()

    # Within the window the other download needs no question.
    with page.expect_download() as info:
        page.goto(site + reverse("patient-settings"))
        page.get_by_role("button", name="Download as a data file (JSON)").click()
    assert info.value.suggested_filename.endswith(".json")


def test_a_clinic_admin_resets_a_lost_factor_without_javascript(
    no_js_page, site, log_in_as, alice, clinic_a
):
    page = no_js_page
    page.set_viewport_size(LAPTOP)
    totp_device(alice.user)
    carol = Membership.objects.create(
        user=make_user("carol@a.example", "Carol Clinic-Admin"),
        clinic=clinic_a,
        role=Membership.Role.CLINIC_ADMIN,
    )
    log_in_as(page, carol.user)
    page.goto(site + reverse("patient-list"))
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People in Clinic A")).to_be_visible()
    page.get_by_role("link", name="Reset second factor of Alice Practitioner").click()

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Confirm with my password").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not your password.")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm with my password").click()

    expect(
        page.get_by_role("heading", name="Reset the second factor of Alice Practitioner?")
    ).to_be_visible()
    page.get_by_role("button", name="Reset the second factor").click()
    expect(page.get_by_text("Done. Alice Practitioner has no second factor now")).to_be_visible()
    assert not alice.user.totpdevice_set.exists()
    row = page.get_by_role("row").filter(has_text=alice.user.email)
    expect(row).to_contain_text("Not set up")
    assert [message.to for message in mail.outbox] == [[alice.user.email]]
