"""A practitioner adds a passkey with Chromium's virtual authenticator (a
platform authenticator with a fingerprint, through the DevTools protocol),
names it, signs out, and signs in again with the password and the passkey,
then opens a patient's page and removes the passkey, confirming it is her
with the passkey itself; and with JavaScript off the sign-in step says
kindly that passkeys need it, the code form still works, and a passkey can
be renamed.

WebAuthn refuses an IP address as the relying party, so the live server is
opened as http://localhost:<port> (tests/browser/conftest.py's ``site``).
"""

from uuid import uuid4

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factors import fresh_code_for, give_authenticator

pytestmark = pytest.mark.browser


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_add_a_passkey_then_sign_in_with_it(page, site, log_in_as, alice, pat):
    assert site.startswith("http://localhost:")
    complaints = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    give_authenticator(alice.user)
    log_in_as(page, alice.user, confirmed=True)
    _virtual_authenticator(page)

    page.goto(f"{site}/account/security/")
    page.get_by_role("link", name="Add a passkey or security key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey or security key")
    page.get_by_role("button", name="Add a passkey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Name your passkey")
    page.get_by_label("Name this passkey").fill("Work laptop")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("status")).to_contain_text("Your passkey is saved as “Work laptop”.")
    expect(page.locator(".passkey-list")).to_contain_text("Work laptop")
    expect(page.locator(".passkey-list")).to_contain_text("Not used to sign in yet.")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")
    page.get_by_role("button", name="Use your passkey").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Patients")
    page.goto(f"{site}/patients/{pat.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat Patient")
    passkey = WebAuthnCredential.objects.get(user=alice.user)
    assert passkey.last_used_at is not None
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.FACTOR_PASSED, object_id=passkey.pk
    ).exists()

    # Removing it asks to confirm it is her: the passkey does that too.
    page.goto(f"{site}/account/security/")
    page.get_by_role("link", name="Remove Work laptop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_role("button", name="Confirm with your passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove “Work laptop”?")
    page.get_by_role("button", name="Remove this passkey").click()
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.FACTOR_REMOVED, object_id=passkey.pk
    ).exists()
    assert not complaints


def test_without_javascript_the_code_works_and_a_passkey_can_be_renamed(no_js_page, site, alice):
    device = give_authenticator(alice.user)
    WebAuthnCredential.objects.create(
        user=alice.user, name="Work laptop", credential_id=uuid4().bytes, public_key=b""
    )
    page = no_js_page
    page.goto(f"{site}/sign-in/")
    page.get_by_label("Email address").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Passkeys need JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Use your passkey")).to_have_count(0)
    page.get_by_label("Code", exact=True).fill(fresh_code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Patients")

    page.goto(f"{site}/account/security/")
    page.get_by_role("link", name="Rename Work laptop").click()
    page.get_by_label("Name this passkey").fill("")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("alert")).to_contain_text("Type a name")
    page.get_by_label("Name this passkey").fill("Blue security key")
    page.get_by_role("button", name="Save the name").click()
    expect(page.locator(".passkey-list")).to_contain_text("Blue security key")
