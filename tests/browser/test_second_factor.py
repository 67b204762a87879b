"""A practitioner sets up their authenticator from the QR page's key, keeps
the recovery codes, signs out, and signs in again with a code: with
JavaScript on (and no CSP complaint) and off."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.second_factor import authenticator
from tests.conftest import PASSWORD
from tests.factors import fresh_code_for

pytestmark = [pytest.mark.browser, pytest.mark.second_factor_enforced]


def _code_from_key(text: str) -> str:
    """What a phone shows after the key on the page was typed into it."""
    key = b32decode(text.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def _walk_the_loop(page, site, alice) -> None:
    page.goto(f"{site}/sign-in/")
    page.get_by_label("Email address").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.locator(".qr-box svg")).to_be_visible()
    page.get_by_text("Cannot scan it? Type this key instead").click()
    key = page.locator(".otp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill("123")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    TOTPDevice.objects.filter(user=alice.user).update(throttling_failure_timestamp=None)
    page.get_by_label("Code from your authenticator app").fill(_code_from_key(key))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"\w{4} \w{4}", c) for c in codes)
    page.get_by_role("button", name="I have kept them, continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Patients")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")
    field = page.get_by_label("Code", exact=True)
    assert field.get_attribute("inputmode") == "numeric"
    assert field.get_attribute("autocomplete") == "one-time-code"
    field.fill(fresh_code_for(authenticator(alice.user)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Patients")

    # A lost phone: a recovery code lets the practitioner in once.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("You used a recovery code; 9 left.")


def test_set_up_and_sign_in_with_javascript(page, site, alice):
    complaints = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    _walk_the_loop(page, site, alice)
    assert not complaints


def test_set_up_and_sign_in_without_javascript(no_js_page, site, alice):
    _walk_the_loop(no_js_page, site, alice)
