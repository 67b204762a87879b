"""The Django admin's user pages: editing a user (their email) and setting
their password ask staff for the sudo moment first, and staff reset a
person's lost second factor from the user's page (accounts.admin)."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from tests.conftest import PASSWORD, make_user
from tests.factories import audit_mark, audit_since
from tests.otp_devices import recovery_codes, totp_device
from tests.sudo import confirmed

CONFIRM = reverse("confirm-identity")


def _asks_to_confirm(response, url) -> bool:
    return response.status_code == 302 and response["Location"] == (
        f"{CONFIRM}?next={quote(url, safe='')}"
    )


def _change(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _password(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def _reset(user) -> str:
    return reverse("admin:accounts_user_reset_factor", args=[user.pk])


def test_the_users_page_asks_first_and_a_changed_email_waits(staff_client, pat):
    url = _change(pat.user)
    assert _asks_to_confirm(staff_client.get(url), url)
    response = staff_client.post(
        url,
        {"email": "someone-else@x.example", "full_name": "Pat Patient", "is_active": "on"},
        headers={"referer": f"http://testserver{url}"},
    )
    assert _asks_to_confirm(response, url)
    pat.user.refresh_from_db()
    assert pat.user.email == "pat@patients.example"


def test_once_confirmed_staff_change_the_email(staff_client, pat):
    url = _change(pat.user)
    response = staff_client.post(CONFIRM, {"next": url, "way": "password", "password": PASSWORD})
    assert response["Location"] == url
    assert "Reset second factor" in staff_client.get(url).text
    response = staff_client.post(
        url, {"email": "pat.new@patients.example", "full_name": "Pat Patient", "is_active": "on"}
    )
    assert response.status_code == 302
    pat.user.refresh_from_db()
    assert pat.user.email == "pat.new@patients.example"


def test_setting_a_users_password_asks_first_and_changes_nothing(staff_client, pat):
    url = _password(pat.user)
    assert _asks_to_confirm(staff_client.get(url), url)
    staff_client.post(
        url,
        {"password1": "an-admin-chosen-pass", "password2": "an-admin-chosen-pass"},
        headers={"referer": f"http://testserver{url}"},
    )
    pat.user.refresh_from_db()
    assert pat.user.check_password(PASSWORD)

    confirmed(staff_client)
    response = staff_client.post(
        url,
        {
            "password1": "an-admin-chosen-pass",
            "password2": "an-admin-chosen-pass",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    pat.user.refresh_from_db()
    assert pat.user.check_password("an-admin-chosen-pass")


def test_the_reset_asks_first(staff_client, alice):
    totp_device(alice.user)
    url = _reset(alice.user)
    assert _asks_to_confirm(staff_client.get(url), url)
    staff_client.post(url, headers={"referer": f"http://testserver{url}"})
    assert alice.user.totpdevice_set.count() == 1


def test_staff_reset_anyones_second_factor(
    staff_client, staff, alice, django_capture_on_commit_callbacks
):
    totp_device(alice.user)
    recovery_codes(alice.user)
    confirmed(staff_client)
    page = staff_client.get(_reset(alice.user)).text
    assert "Resetting removes every second factor of <strong>Alice Practitioner</strong>" in page
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(_reset(alice.user))
    assert response["Location"] == _change(alice.user)
    assert not alice.user.totpdevice_set.exists()
    assert not alice.user.staticdevice_set.exists()
    (row,) = audit_since(mark)
    assert (row.action, row.actor, row.object_id, row.clinic_id, row.count) == (
        AuditEvent.Action.FACTOR_RESET,
        staff,
        alice.user.pk,
        alice.clinic_id,
        2,
    )
    (message,) = mail.outbox
    assert message.to == [alice.user.email]
    assert "reset by a member of the Mat companion staff" in message.body
    assert "Sam" not in message.body


def test_staff_without_the_right_to_change_users_are_refused(alice):
    totp_device(alice.user)
    helper = make_user("helper@clinic.example", "Helen Helper", is_staff=True)
    helper.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = confirmed(_signed_in(helper))
    assert client.post(_reset(alice.user)).status_code == 403
    assert alice.user.totpdevice_set.count() == 1


def test_a_user_with_no_second_factor_has_nothing_to_reset(staff_client, pat):
    confirmed(staff_client)
    assert "has no second factor, so there is nothing to reset" in (
        staff_client.get(_reset(pat.user)).text
    )


@pytest.mark.parametrize("persona", ["pat_client", "alice_client"])
def test_the_admins_user_pages_are_for_staff(request, persona, pat):
    client = request.getfixturevalue(persona)
    response = client.get(_reset(pat.user))
    assert response["Location"].startswith(reverse("admin:login"))


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_user_list_shows_who_has_a_second_factor(staff_client, alice, pat):
    totp_device(alice.user)
    page = staff_client.get(reverse("admin:accounts_user_changelist")).text
    rows = {
        user.email: next(row for row in page.split("<tr") if user.email in row)
        for user in (alice.user, pat.user)
    }
    assert 'alt="True"' in rows[alice.user.email]
    assert 'alt="False"' in rows[pat.user.email]
