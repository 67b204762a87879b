"""The sudo moment's confirm page and its window (accounts.sudo, accounts.sudo_views):
the password or a current code lets the person on for 15 minutes, a wrong
answer is refused with a message, tries are limited, ``next`` stays on the
site, and a confirmation never outlives its sign-in or passes to someone else."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, login
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from accounts import sudo
from accounts.models import AuditEvent
from accounts.recovery_codes import stored_form
from accounts.session_store import SessionStore
from accounts.sudo_forms import WRONG_PASSWORD, ConfirmPasswordForm
from tests.conftest import PASSWORD
from tests.factories import audit_mark, audit_since
from tests.otp_devices import current_code, recovery_codes, totp_device
from tests.sudo import confirmed

CONFIRM = reverse("confirm-identity")
PASSWORD_PAGE = reverse("password_change")


def _confirm(client, next_url=PASSWORD_PAGE, **data):
    return client.post(CONFIRM, {"next": next_url, **data})


def _is_confirmed(client) -> bool:
    """Does the next protected page let the person through?"""
    return client.get(PASSWORD_PAGE).status_code == 200


def _asks_to_confirm(response, next_url=PASSWORD_PAGE) -> bool:
    return response.status_code == 302 and response["Location"] == (
        f"{CONFIRM}?next={quote(next_url, safe='')}"
    )


# --- Ways in ---------------------------------------------------------------------------------


def test_the_password_lets_the_person_on_to_next(pat_client, pat):
    assert _asks_to_confirm(pat_client.get(PASSWORD_PAGE))
    response = _confirm(pat_client, way="password", password=PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_PAGE
    assert _is_confirmed(pat_client)


def test_a_current_app_code_lets_the_person_on(alice_client, alice):
    device = totp_device(alice.user)
    page = alice_client.get(CONFIRM, {"next": PASSWORD_PAGE}).text
    assert "Or with a code" in page
    response = _confirm(alice_client, way="code", code=current_code(device))
    assert response["Location"] == PASSWORD_PAGE
    assert _is_confirmed(alice_client)


def test_a_code_typed_with_a_space_in_the_middle_works(alice_client, alice):
    device = totp_device(alice.user)
    code = current_code(device)
    _confirm(alice_client, way="code", code=f" {code[:3]} {code[3:]} ")
    assert _is_confirmed(alice_client)


def test_a_recovery_code_works_once_and_is_audited(alice_client, alice):
    totp_device(alice.user)
    device = recovery_codes(alice.user)
    mark = audit_mark()
    _confirm(alice_client, way="code", code="abcd2345")
    assert _is_confirmed(alice_client)
    assert list(StaticToken.objects.filter(device=device).values_list("token", flat=True)) == [
        stored_form("efgh6789")
    ]
    used = audit_since(mark).get(action=AuditEvent.Action.RECOVERY_CODE_USED)
    assert (used.object_type, used.object_id, used.actor) == (
        "otp_static.staticdevice",
        device.pk,
        alice.user,
    )
    # Used up: a second time it is refused.
    fresh = Client()
    fresh.force_login(alice.user)
    response = _confirm(fresh, way="code", code="abcd2345")
    assert "That code did not work." in response.text
    assert not _is_confirmed(fresh)


def test_an_unconfirmed_device_gives_no_way_in(pat_client, pat):
    # A patient: members always have a confirmed authenticator by now.
    device = totp_device(pat.user, confirmed=False)
    assert "Or with a code" not in pat_client.get(CONFIRM).text
    response = _confirm(pat_client, way="code", code=current_code(device))
    assert response.status_code == 400
    assert not _is_confirmed(pat_client)


# --- Wrong answers ---------------------------------------------------------------------------


def test_a_wrong_password_is_refused_with_a_message_and_confirms_nothing(pat_client, pat):
    mark = audit_mark()
    response = _confirm(pat_client, way="password", password="not-my-password")
    assert response.status_code == 200
    assert "That is not your password. Check it and try again." in response.text
    assert not _is_confirmed(pat_client)
    assert not audit_since(mark).filter(action=AuditEvent.Action.CONFIRMED).exists()


def test_a_wrong_code_is_refused_with_a_message(alice_client, alice):
    device = totp_device(alice.user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = _confirm(alice_client, way="code", code=wrong)
    assert response.status_code == 200
    assert "That code did not work." in response.text
    assert not _is_confirmed(alice_client)


def test_someone_elses_password_is_refused(pat_client, alice):
    alice.user.set_password("alices-own-password")
    alice.user.save()
    response = _confirm(pat_client, way="password", password="alices-own-password")
    assert "That is not your password." in response.text
    assert not _is_confirmed(pat_client)


def test_after_five_tries_even_the_right_password_waits(pat_client, pat):
    for _ in range(sudo.TRIES_PER_USER.allowed):
        _confirm(pat_client, way="password", password="guess")
    response = _confirm(pat_client, way="password", password=PASSWORD)
    assert response.status_code == 429
    assert "Too many tries" in response.text
    assert "wait 15 minutes" in response.text
    assert not _is_confirmed(pat_client)


def test_tries_come_back_after_the_limits_window(pat_client, pat, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(sudo.TRIES_PER_USER.allowed):
        _confirm(pat_client, way="password", password="guess")
    time_machine.shift(sudo.TRIES_PER_USER.per + timedelta(seconds=1))
    _confirm(pat_client, way="password", password=PASSWORD)
    assert _is_confirmed(pat_client)


def test_a_post_choosing_neither_way_is_malformed(pat_client):
    assert pat_client.post(CONFIRM, {"way": "guess", "password": PASSWORD}).status_code == 400
    assert not _is_confirmed(pat_client)


# --- Where it goes next ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_next_never_leaves_the_site(pat_client, pat, next_url):
    page = pat_client.get(CONFIRM, {"next": next_url}).text
    assert "evil.example" not in page
    response = _confirm(pat_client, next_url, way="password", password=PASSWORD)
    assert response["Location"] == reverse("home")


def test_next_keeps_its_query(pat_client, pat):
    response = _confirm(pat_client, "/patients/?page=2", way="password", password=PASSWORD)
    assert response["Location"] == "/patients/?page=2"


def test_the_confirm_page_is_for_people_signed_in(visitor_client):
    response = visitor_client.get(CONFIRM)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The window ----------------------------------------------------------------------------


def test_not_asked_again_within_fifteen_minutes_then_asked(pat_client, pat, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _confirm(pat_client, way="password", password=PASSWORD)
    time_machine.shift(timedelta(minutes=14, seconds=59))
    assert pat_client.get(PASSWORD_PAGE).status_code == 200
    time_machine.shift(timedelta(seconds=1))
    assert _asks_to_confirm(pat_client.get(PASSWORD_PAGE))


def test_using_the_window_does_not_extend_it(pat_client, pat, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _confirm(pat_client, way="password", password=PASSWORD)
    for _ in range(3):
        time_machine.shift(timedelta(minutes=5))
        pat_client.get(PASSWORD_PAGE)
    assert _asks_to_confirm(pat_client.get(PASSWORD_PAGE))


def test_a_confirmation_dated_in_the_future_proves_nothing(pat_client, pat):
    session = pat_client.session
    session[sudo.SESSION_KEY] = {
        "user": pat.user.pk,
        "at": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    session.save()
    assert _asks_to_confirm(pat_client.get(PASSWORD_PAGE))


# --- Whose it is ------------------------------------------------------------------------------


def test_signing_out_clears_it(pat_client, pat):
    confirmed(pat_client)
    key = pat_client.session.session_key
    pat_client.post(reverse("logout"))
    assert sudo.SESSION_KEY not in SessionStore(session_key=key).load()
    assert sudo.SESSION_KEY not in pat_client.session.load()


def _sign_in_in_the_same_session(client, user) -> None:
    """``login()`` over the session ``client`` holds, as a sign-in form in the
    same browser would (the site's sign-in page sends a signed-in person on,
    so the form cannot be posted twice through it)."""
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = AnonymousUser()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key


def test_signing_in_again_as_the_same_person_asks_again(pat):
    client = Client()
    client.post(reverse("login"), {"username": pat.user.email, "password": PASSWORD})
    confirmed(client)
    # Django keeps the session's data when the same person signs in again;
    # the confirmation is dropped all the same.
    _sign_in_in_the_same_session(client, pat.user)
    assert int(client.session[SESSION_KEY]) == pat.user.pk
    assert _asks_to_confirm(client.get(PASSWORD_PAGE))


def test_a_confirmation_never_passes_to_someone_signing_in_after(pat, quinn):
    # Two patients: a member would first be sent to pass their second factor.
    client = Client()
    client.post(reverse("login"), {"username": pat.user.email, "password": PASSWORD})
    confirmed(client)
    _sign_in_in_the_same_session(client, quinn.user)
    assert int(client.session[SESSION_KEY]) == quinn.user.pk
    assert sudo.SESSION_KEY not in client.session
    assert _asks_to_confirm(client.get(PASSWORD_PAGE))


def test_a_confirmation_stamped_for_another_user_counts_for_nothing(pat_client, pat, alice):
    session = pat_client.session
    session[sudo.SESSION_KEY] = {"user": alice.user.pk, "at": timezone.now().isoformat()}
    session.save()
    assert _asks_to_confirm(pat_client.get(PASSWORD_PAGE))


def test_confirming_gives_the_session_a_new_key(pat_client, pat):
    before = pat_client.session.session_key
    _confirm(pat_client, way="password", password=PASSWORD)
    assert pat_client.session.session_key != before
    assert _is_confirmed(pat_client)


# --- The audit trail ---------------------------------------------------------------------------


def test_each_confirmation_writes_one_confirmed_row_with_ids_only(pat_client, pat):
    mark = audit_mark()
    _confirm(pat_client, way="password", password=PASSWORD)
    (row,) = audit_since(mark)
    assert (row.action, row.actor, row.object_type, row.object_id, row.clinic_id) == (
        AuditEvent.Action.CONFIRMED,
        pat.user,
        "accounts.user",
        pat.user.pk,
        pat.clinic_id,
    )
    assert row.path == CONFIRM
    assert row.address == "127.0.0.1"


def test_staff_confirmations_have_no_clinic(staff_client, staff):
    mark = audit_mark()
    _confirm(staff_client, way="password", password=PASSWORD)
    row = audit_since(mark).get(action=AuditEvent.Action.CONFIRMED)
    assert (row.actor, row.clinic_id) == (staff, None)


# --- htmx ----------------------------------------------------------------------------------


def test_an_htmx_request_is_told_to_load_the_confirm_page(pat_client, pat):
    response = pat_client.get(PASSWORD_PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{CONFIRM}?next={quote(PASSWORD_PAGE, safe='')}"


def test_half_a_surrogate_pair_in_the_password_is_a_wrong_password(pat):
    form = ConfirmPasswordForm({"password": "bad\udfffx"}, user=pat.user)
    assert not form.is_valid()
    assert form.errors["password"] == [WRONG_PASSWORD]


def test_half_a_surrogate_pair_in_next_is_no_next(rf):
    assert sudo.safe_next(rf.get("/"), "/account/\udfff") is None
    assert sudo.safe_next(rf.get("/"), "/account/") == "/account/"
