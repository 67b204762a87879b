"""Passkeys and security keys (accounts.passkeys, the passkey pages in
accounts.factor_views): adding one, passing the sign-in step and the sudo
moment with one, renaming and removing one, and the audit trail.

The WebAuthn answers come from a software passkey (tests/passkey_authenticator.py),
so py_webauthn checks real signatures. Marked ``second_factor_enforced``:
``force_login`` signs in with a password only, as a real sign-in does; the
helpers below pass the factor where a test needs it.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential

from accounts.audit import SYSTEM
from accounts.factor_reset import reset_second_factor, with_second_factor
from accounts.models import AuditEvent, User
from accounts.second_factor import has_factor
from tests.factors import code_for, give_authenticator
from tests.passkey_authenticator import HOST, SoftPasskey, b64, unb64
from tests.sudo import confirmed

pytestmark = pytest.mark.second_factor_enforced
Action = AuditEvent.Action

CEREMONY = "otp_webauthn:credential-{}"


def _url(step: str) -> str:
    return reverse(CEREMONY.format(step))


def _client(user, *, passed: bool = True, sure: bool = False) -> Client:
    """Signed in with the password; ``passed``: and past the second factor
    with their authenticator; ``sure``: and past the sudo moment too."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    if passed:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = give_authenticator(user).persistent_id
        session.save()
    if sure:
        confirmed(client)
    return client


def _post_json(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _register(client: Client, passkey: SoftPasskey):
    options = _post_json(client, _url("registration-begin"))
    assert options.status_code == 200, options.text
    return _post_json(client, _url("registration-complete"), passkey.register(options.json()))


def _passkey_for(user) -> tuple[SoftPasskey, WebAuthnCredential]:
    """``user`` with an authenticator and a passkey added through the endpoints."""
    soft = SoftPasskey()
    response = _register(_client(user, sure=True), soft)
    assert response.status_code == 200, response.text
    return soft, WebAuthnCredential.objects.get(pk=response.json()["id"])


def _use(client: Client, soft: SoftPasskey, *, next_url: str = "", tamper: bool = False):
    options = _post_json(client, _url("authentication-begin"))
    assert options.status_code == 200, options.text
    answer = soft.authenticate(options.json())
    if tamper:
        signature = bytearray(unb64(answer["response"]["signature"]))
        signature[-1] ^= 1
        answer["response"]["signature"] = b64(bytes(signature))
    url = _url("authentication-complete") + (f"?next={next_url}" if next_url else "")
    return _post_json(client, url, answer)


def _actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor=user).order_by("pk").values_list("action", flat=True)
    )


# --- adding one -----------------------------------------------------------


def test_member_adds_a_passkey_named_passkey_and_it_is_audited(alice):
    soft = SoftPasskey()
    response = _register(_client(alice.user, sure=True), soft)

    assert response.status_code == 200, response.text
    passkey = WebAuthnCredential.objects.get(user=alice.user)
    assert passkey.pk == response.json()["id"]
    assert passkey.name == "Passkey" and passkey.confirmed
    added = AuditEvent.objects.get(action=Action.FACTOR_ADDED)
    assert (added.actor, added.object_type, added.object_id) == (
        alice.user,
        "django_otp_webauthn.webauthncredential",
        passkey.pk,
    )
    assert added.clinic_id == alice.clinic_id


def test_adding_a_passkey_asks_to_confirm_it_is_you_first(alice):
    response = _post_json(_client(alice.user), _url("registration-begin"))

    assert response.status_code == 403
    assert response.json()["code"] == "confirm_first"
    assert "confirm it is you" in response.json()["detail"]
    assert not WebAuthnCredential.objects.exists()


def test_the_add_page_asks_to_confirm_first_then_shows_the_button(alice):
    client = _client(alice.user)
    response = client.get(reverse("passkey-add"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("confirm-identity"))

    confirmed(client)
    page = client.get(reverse("passkey-add"))
    assert 'id="passkey-register-button"' in page.text
    assert 'data-name-url="/account/security/passkeys/0/"' in page.text


def test_a_passkey_needs_an_authenticator_app_first(pat):
    client = _client(pat.user, passed=False, sure=True)

    response = _post_json(client, _url("registration-begin"))
    assert response.status_code == 403
    assert response.json()["code"] == "no_authenticator"
    page = client.get(reverse("passkey-add"))
    assert page["Location"] == reverse("account-security")
    assert not WebAuthnCredential.objects.exists()


def test_no_passkey_can_be_added_before_the_second_factor_is_passed(alice):
    give_authenticator(alice.user)
    client = _client(alice.user, passed=False, sure=True)

    response = _post_json(client, _url("registration-begin"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("factor-verify"))
    assert not WebAuthnCredential.objects.exists()


# --- passing the sign-in step ---------------------------------------------


def test_a_passkey_passes_the_sign_in_step_and_is_audited(alice):
    soft, passkey = _passkey_for(alice.user)
    client = _client(alice.user, passed=False)
    patients = reverse("patient-list")
    assert client.get(patients)["Location"].startswith(reverse("factor-verify"))

    page = client.get(reverse("factor-verify"), {"next": patients})
    assert "Use your passkey" in page.text
    assert "Passkeys need JavaScript" in page.text
    response = _use(client, soft, next_url=patients)

    assert response.status_code == 200, response.text
    assert response.json()["redirect_url"] == patients
    assert client.get(patients).status_code == 200
    passed = AuditEvent.objects.filter(action=Action.FACTOR_PASSED).get()
    assert (passed.object_type, passed.object_id) == (
        "django_otp_webauthn.webauthncredential",
        passkey.pk,
    )
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


def test_a_wrong_signature_is_refused_audited_and_lets_no_one_in(alice):
    soft, _ = _passkey_for(alice.user)
    client = _client(alice.user, passed=False)

    response = _use(client, soft, tamper=True)

    assert response.status_code == 422
    assert Action.FACTOR_FAILED in _actions(alice.user)
    assert Action.FACTOR_PASSED not in _actions(alice.user)
    assert client.get(reverse("patient-list"))["Location"].startswith(reverse("factor-verify"))


def test_someone_elses_passkey_does_not_pass_your_step(alice, bob):
    bobs, _ = _passkey_for(bob.user)
    _passkey_for(alice.user)
    client = _client(alice.user, passed=False)

    response = _use(client, bobs)

    assert response.status_code == 403
    assert client.get(reverse("patient-list"))["Location"].startswith(reverse("factor-verify"))


def test_a_challenge_is_used_once(alice):
    soft, _ = _passkey_for(alice.user)
    client = _client(alice.user, passed=False)
    options = _post_json(client, _url("authentication-begin")).json()
    answer = soft.authenticate(options)
    assert _post_json(client, _url("authentication-complete"), answer).status_code == 200

    again = _post_json(_client(alice.user, passed=False), _url("authentication-complete"), answer)
    assert again.status_code == 400


def test_visitors_cannot_use_the_passkey_endpoints(db):
    client = Client(HTTP_HOST=HOST)
    for step in ("authentication-begin", "authentication-complete"):
        response = _post_json(client, _url(step))
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"


def test_the_code_still_works_for_someone_with_a_passkey(alice):
    _passkey_for(alice.user)
    client = _client(alice.user, passed=False)
    device = give_authenticator(alice.user)

    response = client.post(reverse("factor-verify"), {"code": code_for(device)})

    assert response.status_code == 302
    assert client.get(reverse("patient-list")).status_code == 200


def test_a_passkey_later_in_the_session_confirms_it_is_you(alice):
    soft, _ = _passkey_for(alice.user)
    client = _client(alice.user)
    assert client.get(reverse("passkey-add")).status_code == 302

    response = _use(client, soft, next_url=reverse("passkey-add"))

    assert response.json()["redirect_url"] == reverse("passkey-add")
    assert client.get(reverse("passkey-add")).status_code == 200
    assert Action.CONFIRMED in _actions(alice.user)


def test_the_confirm_page_offers_the_passkey(alice):
    _passkey_for(alice.user)
    page = _client(alice.user).get(reverse("confirm-identity"), {"next": "/"})
    assert "Confirm with your passkey" in page.text


# --- seeing, naming and removing ------------------------------------------


def test_account_security_lists_passkeys_with_their_dates(alice):
    soft, passkey = _passkey_for(alice.user)
    client = _client(alice.user)
    page = client.get(reverse("account-security")).text
    assert "Passkey" in page and "Not used to sign in yet." in page
    assert reverse("passkey-remove", args=[passkey.pk]) in page

    _use(_client(alice.user, passed=False), soft)
    assert "Last used" in client.get(reverse("account-security")).text


def test_a_passkey_is_renamed(alice):
    _, passkey = _passkey_for(alice.user)
    client = _client(alice.user)
    url = reverse("passkey-rename", args=[passkey.pk])

    response = client.post(url, {"name": "  Work   laptop "})

    assert response["Location"] == reverse("account-security")
    passkey.refresh_from_db()
    assert passkey.name == "Work laptop"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Type a name"),
        ("x" * 65, "64 characters or fewer"),
        ("Key\x00", "invisible control character"),
    ],
)
def test_a_bad_name_is_refused_with_a_message_and_changes_nothing(alice, name, message):
    _, passkey = _passkey_for(alice.user)

    response = _client(alice.user).post(
        reverse("passkey-rename", args=[passkey.pk]), {"name": name}
    )

    assert response.status_code == 200
    assert message in response.text
    passkey.refresh_from_db()
    assert passkey.name == "Passkey"


def test_someone_elses_passkey_pages_are_404(alice, bob):
    _, bobs = _passkey_for(bob.user)
    client = _client(alice.user, sure=True)
    for name in ("passkey-rename", "passkey-remove"):
        url = reverse(name, args=[bobs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mine"}).status_code == 404
    assert WebAuthnCredential.objects.get(pk=bobs.pk).name == "Passkey"


def test_removing_asks_to_confirm_then_removes_and_audits(alice):
    _, passkey = _passkey_for(alice.user)
    client = _client(alice.user)
    url = reverse("passkey-remove", args=[passkey.pk])

    first = client.post(url)
    assert first["Location"].startswith(reverse("confirm-identity"))
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()

    confirmed(client)
    assert "Remove “Passkey”?" in client.get(url).text
    response = client.post(url)

    assert response["Location"] == reverse("account-security")
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    removed = AuditEvent.objects.get(action=Action.FACTOR_REMOVED)
    assert removed.object_id == passkey.pk


# --- counting as a factor ---------------------------------------------------


def test_a_passkey_counts_as_a_factor_even_without_the_app(pat):
    assert not has_factor(pat.user)
    _passkey_for(pat.user)
    pat.user.totpdevice_set.all().delete()

    assert has_factor(pat.user)
    assert with_second_factor(User.objects.filter(pk=pat.user_id)).get().has_factor


def test_a_factor_reset_removes_passkeys_too(alice):
    _passkey_for(alice.user)

    removed = reset_second_factor(alice.user, actor=SYSTEM, by="a clinic admin at Clinic A")

    assert removed == 2  # the authenticator app and the passkey
    assert not WebAuthnCredential.objects.filter(user=alice.user).exists()


def test_turning_codes_off_removes_a_patients_passkeys(pat):
    _passkey_for(pat.user)
    client = _client(pat.user, sure=True)

    client.post(reverse("factor-remove"))

    assert not WebAuthnCredential.objects.filter(user=pat.user).exists()
    assert not has_factor(pat.user)
    assert _actions(pat.user).count(Action.FACTOR_REMOVED) == 2


def test_the_passkey_scripts_come_from_this_site_and_the_config_is_data(alice):
    _passkey_for(alice.user)
    page = _client(alice.user, passed=False).get(reverse("factor-verify"))
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"]).group(1)
    tags = re.findall(r"<script[^>]*>", page.text)

    config = [tag for tag in tags if 'id="otp_webauthn_config"' in tag]
    assert config == ['<script id="otp_webauthn_config" type="application/json">']
    for tag in tags:
        if tag not in config:
            assert f'nonce="{nonce}"' in tag and 'src="/static/' in tag, tag
    assert "/static/django_otp_webauthn/otp_webauthn_auth.js" in page.text


def test_removing_the_passkey_this_session_used_keeps_the_session_signed_in(alice):
    soft, passkey = _passkey_for(alice.user)
    client = _client(alice.user, passed=False)
    _use(client, soft)
    confirmed(client)

    client.post(reverse("passkey-remove", args=[passkey.pk]))

    assert client.get(reverse("patient-list")).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == give_authenticator(alice.user).persistent_id
