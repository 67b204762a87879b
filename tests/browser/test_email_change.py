"""Changing one's sign-in address in a real browser (accounts.email_change):
a patient with JavaScript off, from Settings, confirming it is them with the
password; a practitioner with JavaScript on, from Account security, who then
signs in with the new address."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import AuditEvent
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _sent_to(address: str) -> list:
    """What the worker delivered to ``address`` (the outbox keeps no body once sent)."""
    return [message for message in mail.outbox if message.to == [address]]


def _link_path(to: str) -> str:
    (message,) = [m for m in _sent_to(to) if m.subject.startswith("Confirm your new")]
    return re.search(r"https?://[^/\s]+(/account/email/confirm/\S+/)", message.body).group(1)


def _fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_patient_changes_their_address_with_javascript_off(phone_without_js, site, sign_in, pat):
    page = phone_without_js
    page.set_default_timeout(10_000)
    sign_in(page, pat.user.email, PASSWORD)
    page.goto(site + reverse("patient-settings"))
    page.get_by_role("link", name="Change your email address").click()

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm with my password").click()

    expect(page.get_by_role("heading", name="Change your email address")).to_be_visible()
    page.get_by_label("New email address").fill(pat.user.email.upper())
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("alert")).to_contain_text("That is already your sign-in address.")
    _fits(page)

    page.get_by_label("New email address").fill("Pat.Moved@Elsewhere.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your new inbox")).to_be_visible()
    expect(page.get_by_text("We sent a link to pat.moved@elsewhere.example")).to_be_visible()
    _fits(page)

    page.goto(site + _link_path("pat.moved@elsewhere.example"))
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"  # opening the link alone changes nothing
    page.get_by_role("button", name="Use pat.moved@elsewhere.example to sign in").click()
    expect(page.get_by_text("you now sign in with pat.moved@elsewhere.example")).to_be_visible()
    _fits(page)

    pat.user.refresh_from_db()
    pat.refresh_from_db()
    assert (pat.user.email, pat.email) == ("pat.moved@elsewhere.example",) * 2
    (notice,) = _sent_to("pat@patients.example")
    assert "elsewhere" not in notice.body
    assert "p***@e***.example" in notice.body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED).count() == 1


def test_a_practitioner_changes_theirs_with_javascript(page, site, log_in_as, sign_in, alice):
    page.set_default_timeout(10_000)
    log_in_as(page, alice.user, confirmed=True)
    page.goto(site + reverse("account-security"))
    page.get_by_role("link", name="Change your email address").click()
    page.get_by_label("New email address").fill("not an address")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("alert")).to_contain_text("does not look like an email address")

    page.get_by_label("New email address").fill("alice@moved.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("We sent a link to alice@moved.example")).to_be_visible()

    page.goto(site + _link_path("alice@moved.example"))
    page.get_by_role("button", name="Use alice@moved.example to sign in").click()
    expect(page.get_by_text("you now sign in with alice@moved.example")).to_be_visible()

    # The link works once.
    page.goto(site + _link_path("alice@moved.example"))
    expect(page.get_by_role("alert")).to_contain_text("This link has already been used")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "alice@moved.example", PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
