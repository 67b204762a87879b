"""The second factor (accounts.second_factor, accounts.factor_views and
SecondFactorRequiredMiddleware): who must have one, setting it up, passing it,
replays, throttling, recovery codes, a patient turning it on and off, and the
audit trail.

Every test here is marked ``second_factor_enforced``: ``force_login`` signs in
with a password only, as a real sign-in does before the code.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import factor_views, second_factor
from accounts.models import AuditEvent, Membership
from tests.conftest import make_user
from tests.factors import code_for, give_authenticator
from tests.sudo import confirmed

pytestmark = pytest.mark.second_factor_enforced
Action = AuditEvent.Action

SETUP = reverse("factor-setup")
VERIFY = reverse("factor-verify")


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post_with_csrf(client: Client, url: str, data: dict):
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture
def clinic_admin(clinic_a) -> Membership:
    user = make_user("carol@a.example", "Carol Admin")
    return Membership.objects.create(user=user, clinic=clinic_a, role=Membership.Role.CLINIC_ADMIN)


def _wait_over(user) -> None:
    """As if the person waited out the pause a wrong code earns (a second or more)."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=an_hour_ago)


def _set_up(client: Client) -> TOTPDevice:
    """Set up an authenticator through the pages, as a person would."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302, response.text
    return TOTPDevice.objects.get(pk=device.pk)


# --- who must have one ----------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "clinic_admin"])
def test_members_without_a_factor_are_sent_to_set_up(persona, request, pat):
    member = request.getfixturevalue(persona)
    client = _signed_in(member.user)
    response = client.get(reverse("patient-detail", args=[pat.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fpatients%2F{pat.pk}%2F"
    assert client.get(reverse("patient-list"))["Location"].startswith(SETUP)


def test_staff_are_sent_to_set_up_before_the_admin(staff):
    client = _signed_in(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/")["Location"].startswith(SETUP)


def test_a_member_with_a_factor_but_no_code_yet_is_asked_for_it(alice):
    give_authenticator(alice.user)
    client = _signed_in(alice.user)
    response = client.get(reverse("patient-list"))
    assert response["Location"] == f"{VERIFY}?next=%2Fpatients%2F"


def test_htmx_requests_are_told_to_load_the_page_whole(alice):
    client = _signed_in(alice.user)
    response = client.get(
        reverse("patient-list"),
        {"q": "ann"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/patients/?page=2"},
    )
    assert response.status_code == 200
    # Back to the page the fragment was for, not to the fragment.
    assert response["HX-Redirect"] == f"{SETUP}?next=%2Fpatients%2F%3Fpage%3D2"


def test_pages_before_the_factor_stay_open(alice):
    client = _signed_in(alice.user)
    assert client.get(SETUP).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("manifest")).status_code == 200
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_patients_are_not_made_to_set_one_up(pat, safety):
    client = _signed_in(pat.user)
    response = client.get(reverse("patient-home"))
    assert response.status_code in (200, 302)
    assert not response.get("Location", "").startswith(SETUP)
    assert "_auth_user_id" in client.session


# --- setting up -------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_key_then_confirms_with_a_code(alice, pat):
    client = _signed_in(alice.user)
    page = client.get(f"{SETUP}?next=/patients/")
    assert '<svg width="' in page.text and 'class="qr-code"' in page.text
    assert " style=" not in page.text.split('class="qr-code"')[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=alice.user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in page.text.replace(" ", "")
    assert 'inputmode="numeric"' in page.text and 'autocomplete="one-time-code"' in page.text

    response = client.post(SETUP, {"code": code_for(device), "next": "/patients/"})
    assert response["Location"] == f"{reverse('recovery-codes')}?next=%2Fpatients%2F"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert StaticToken.objects.filter(device__user=alice.user).count() == 10

    shown = client.get(response["Location"])
    codes = re.findall(r"<code>(\w{4} \w{4})</code>", shown.text)
    assert len(codes) == 10
    assert 'href="/patients/"' in shown.text
    # Shown once: the next visit offers new ones instead.
    again = client.get(reverse("recovery-codes"))
    assert not re.findall(r"<code>(\w{4} \w{4})</code>", again.text)
    assert client.get(reverse("patient-list")).status_code == 200


def test_reloading_set_up_keeps_the_same_key(alice):
    client = _signed_in(alice.user)
    first = client.get(SETUP).context["secret"]
    assert client.get(SETUP).context["secret"] == first
    assert TOTPDevice.objects.filter(user=alice.user).count() == 1


def test_a_wrong_code_at_set_up_changes_nothing(alice):
    client = _signed_in(alice.user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=alice.user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "That code did not work" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.exists()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_set_up_cannot_stand_in_for_passing_the_factor(alice):
    """Someone with only the password cannot replace the authenticator."""
    give_authenticator(alice.user)
    client = _signed_in(alice.user)
    response = client.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=alice.user).count() == 1


def test_replacing_the_authenticator_retires_the_old_one(alice):
    client = _signed_in(alice.user)
    old = _set_up(client)
    confirmed(client)  # replacing it asks the sudo moment first (accounts.sudo)
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=alice.user, confirmed=False)
    assert client.post(SETUP, {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=alice.user)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.session[DEVICE_ID_SESSION_KEY] == new.persistent_id


def test_replacing_and_turning_off_go_through_sudo():
    """sudo_required wraps them (accounts.sudo; the check itself is tested there)."""
    assert factor_views._replace.__wrapped__ is not None
    assert factor_views._turn_off.__wrapped__ is not None
    assert factor_views._renew.__wrapped__ is not None


# --- passing it -------------------------------------------------------------


def test_a_current_code_passes_and_goes_on_to_next(alice):
    device = give_authenticator(alice.user)
    client = _signed_in(alice.user)
    page = client.get(f"{VERIFY}?next=/patients/")
    assert 'autocomplete="one-time-code"' in page.text
    response = client.post(f"{VERIFY}?next=/patients/", {"code": code_for(device)})
    assert response["Location"] == "/patients/"
    assert client.get(reverse("patient-list")).status_code == 200


def test_the_check_works_as_a_plain_form_with_csrf(alice):
    device = give_authenticator(alice.user)
    client = _csrf_client(alice.user)
    response = _post_with_csrf(client, VERIFY, {"code": code_for(device)})
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_next_never_leads_off_the_site(alice, target):
    device = give_authenticator(alice.user)
    client = _signed_in(alice.user)
    response = client.post(VERIFY, {"code": code_for(device), "next": target})
    assert response["Location"] == reverse("home")


def test_a_used_code_is_refused_the_second_time(alice):
    device = give_authenticator(alice.user)
    code = code_for(device)
    assert _signed_in(alice.user).post(VERIFY, {"code": code}).status_code == 302
    other = _signed_in(alice.user)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert DEVICE_ID_SESSION_KEY not in other.session


def test_an_old_code_is_refused(alice):
    device = give_authenticator(alice.user)
    client = _signed_in(alice.user)
    response = client.post(VERIFY, {"code": code_for(device, steps=-3)})
    assert "That code did not work" in response.text
    _wait_over(alice.user)
    # The step just before now is still accepted: a phone's clock, typing time.
    assert client.post(VERIFY, {"code": code_for(device, steps=-1)}).status_code == 302


def _wrong_codes(client, device, times: int) -> None:
    """Wrong codes, each after the wait the one before it earned."""
    for _ in range(times):
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
        )
        response = client.post(VERIFY, {"code": "000000"})
        assert "That code did not work" in response.text


def test_wrong_codes_make_the_next_try_wait(alice):
    device = give_authenticator(alice.user)
    client = _signed_in(alice.user)
    _wrong_codes(client, device, 4)
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    # Even the right code is refused while the wait (8 seconds) lasts, and the page says so.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 200
    assert re.search(r"Too many wrong codes\. Wait [78] seconds, then try again\.", response.text)
    assert DEVICE_ID_SESSION_KEY not in client.session
    # Once the wait is over, the right code works and the count starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=9)
    )
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_wait_doubles_and_outlasts_a_new_session(alice):
    device = give_authenticator(alice.user)
    _wrong_codes(_signed_in(alice.user), device, 10)
    response = _signed_in(alice.user).post(VERIFY, {"code": code_for(device)})
    # 2 ** 9 seconds after the tenth wrong code.
    assert "Too many wrong codes. Wait 9 minutes, then try again." in response.text


def test_recovery_codes_wait_too(alice):
    client = _signed_in(alice.user)
    codes = _codes_after_set_up(client)
    other = _signed_in(alice.user)
    other.post(VERIFY, {"code": "aaaa aaaa"})
    response = other.post(VERIFY, {"code": codes[0]})
    assert "Too many wrong codes" in response.text
    assert StaticToken.objects.filter(device__user=alice.user).count() == 10


# --- recovery codes ---------------------------------------------------------


def _codes_after_set_up(client) -> list[str]:
    _set_up(client)
    page = client.get(reverse("recovery-codes"))
    return re.findall(r"<code>(\w{4} \w{4})</code>", page.text)


def test_a_recovery_code_lets_you_in_once(alice):
    codes = _codes_after_set_up(_signed_in(alice.user))
    client = _signed_in(alice.user)
    response = client.post(f"{VERIFY}?with=recovery", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=alice.user).count() == 9
    page = client.get(reverse("account-security")).text
    assert "You used a recovery code; 9 left." in page
    assert "You have 9 recovery codes left." in page
    again = _signed_in(alice.user).post(f"{VERIFY}?with=recovery", {"code": codes[0]})
    assert "That recovery code did not work" in again.text


def test_the_recovery_code_page_uses_the_full_keyboard(alice):
    give_authenticator(alice.user)
    page = _signed_in(alice.user).get(f"{VERIFY}?with=recovery&next=/patients/")
    assert 'inputmode="text"' in page.text
    assert "Use the code from my app" in page.text
    assert 'value="/patients/"' in page.text


def test_new_recovery_codes_replace_the_old_ones(alice):
    client = _signed_in(alice.user)
    old = _codes_after_set_up(client)
    confirmed(client)
    response = client.post(reverse("recovery-codes"))
    assert response["Location"] == reverse("recovery-codes")
    new = re.findall(r"<code>(\w{4} \w{4})</code>", client.get(response["Location"]).text)
    assert len(new) == 10 and not set(new) & set(old)
    refused = _signed_in(alice.user).post(VERIFY, {"code": old[1]})
    assert "did not work" in refused.text
    _wait_over(alice.user)
    assert _signed_in(alice.user).post(VERIFY, {"code": new[1]}).status_code == 302


# --- patients ---------------------------------------------------------------


def test_a_patient_turns_codes_on_then_is_asked_for_them_then_turns_them_off(pat, safety):
    client = _signed_in(pat.user)
    assert "Off." in client.get(reverse("account-security")).text
    device = _set_up(client)
    assert "On." in client.get(reverse("account-security")).text

    later = _signed_in(pat.user)
    assert later.get(reverse("patient-home"))["Location"].startswith(VERIFY)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a new code, a new step
    assert later.post(VERIFY, {"code": code_for(device, steps=1)}).status_code == 302

    confirmed(later)
    assert "Turn codes off" in later.get(reverse("factor-remove")).text
    response = later.post(reverse("factor-remove"))
    assert response["Location"] == reverse("account-security")
    assert not TOTPDevice.objects.filter(user=pat.user).exists()
    assert not StaticDevice.objects.filter(user=pat.user).exists()
    assert (
        not _signed_in(pat.user).get(reverse("patient-home")).get("Location", "").startswith(VERIFY)
    )


def test_members_cannot_turn_codes_off(alice):
    client = _signed_in(alice.user)
    _set_up(client)
    response = client.post(reverse("factor-remove"))
    assert response.status_code == 403
    assert "Sign-in codes stay on" in response.text
    assert TOTPDevice.objects.filter(user=alice.user, confirmed=True).exists()


def test_the_settings_pages_link_to_account_security(pat, alice, safety):
    link = f'href="{reverse("account-security")}"'
    assert link in _signed_in(pat.user).get(reverse("patient-settings")).text
    client = _signed_in(alice.user)
    _set_up(client)
    assert link in client.get(reverse("patient-list")).text


# --- the audit trail --------------------------------------------------------


def test_every_event_is_audited_without_codes(alice, pat):
    client = _signed_in(alice.user)
    device = _set_up(client)
    confirmed(client)
    codes = re.findall(r"<code>(\w{4} \w{4})</code>", client.get(reverse("recovery-codes")).text)
    client.post(reverse("recovery-codes"))
    new_codes = client.session[second_factor.CODES_TO_SHOW]
    other = _signed_in(alice.user)
    other.post(VERIFY, {"code": "000000"})
    _wait_over(alice.user)
    _signed_in(alice.user).post(VERIFY, {"code": new_codes[0]})

    rows = list(AuditEvent.objects.order_by("pk"))
    assert [row.action for row in rows] == [
        Action.FACTOR_ADDED,
        Action.RECOVERY_CODES_RENEWED,
        Action.RECOVERY_CODES_RENEWED,
        Action.FACTOR_FAILED,
        Action.FACTOR_PASSED,
        Action.RECOVERY_CODE_USED,
    ]
    assert {row.clinic_id for row in rows} == {alice.clinic_id}
    assert {row.actor_id for row in rows} == {alice.user_id}
    assert rows[0].object_type == "otp_totp.totpdevice" and rows[0].object_id == device.pk
    assert rows[-1].object_type == "otp_static.staticdevice" and rows[-1].count == 9
    text = repr([vars(row) for row in rows])
    for secret in [device.key, *codes, *new_codes, code_for(device)]:
        assert secret.replace(" ", "") not in text


def test_staff_events_belong_to_no_clinic(staff):
    _set_up(_signed_in(staff))
    assert set(AuditEvent.objects.values_list("clinic_id", flat=True)) == {None}


def test_a_patients_events_belong_to_their_clinic(pat):
    _set_up(_signed_in(pat.user))
    assert set(AuditEvent.objects.values_list("clinic_id", flat=True)) == {pat.clinic_id}


def test_next_after_set_up_query_is_read_safely(alice):
    client = _signed_in(alice.user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=alice.user)
    response = client.post(SETUP, {"code": code_for(device), "next": "https://evil.example/"})
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [reverse("home")]
