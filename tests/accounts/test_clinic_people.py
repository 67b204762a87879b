"""The clinic admin's "People in your clinic" and resetting a lost second
factor there (accounts.people_views, accounts.factor_reset): own clinic only,
practitioners 403, another clinic's people 404, never their own; devices
gone, one FACTOR_RESET audit row, and an email that says who (by role) and
what to do, with no secret in it."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Membership
from clinic.notifications.models import OutgoingEmail
from tests.conftest import make_user
from tests.factories import audit_mark, audit_since
from tests.otp_devices import recovery_codes, totp_device
from tests.sudo import confirmed

PEOPLE = reverse("clinic-people")


def _reset_url(user) -> str:
    return reverse("clinic-person-factor-reset", args=[user.pk])


@pytest.fixture
def carol(clinic_a) -> Membership:
    """Clinic A's clinic admin."""
    user = make_user("carol@a.example", "Carol Clinic-Admin")
    return Membership.objects.create(user=user, clinic=clinic_a, role=Membership.Role.CLINIC_ADMIN)


@pytest.fixture
def carol_client(carol) -> Client:
    client = Client()
    client.force_login(carol.user)
    return confirmed(client)


def _devices(user) -> int:
    return (
        TOTPDevice.objects.filter(user=user).count()
        + StaticDevice.objects.filter(user=user).count()
    )


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_the_clinics_people_and_who_has_a_second_factor(
    carol_client, carol, alice, pat, bob, quinn
):
    totp_device(alice.user)
    mark = audit_mark()
    page = carol_client.get(PEOPLE).text
    for person in (carol.user, alice.user, pat.user):
        assert person.email in page
    for outsider in (bob.user, quinn.user):
        assert outsider.email not in page
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    alice_row = next(row for row in rows if alice.user.email in row)
    pat_row = next(row for row in rows if pat.user.email in row)
    assert "Set up" in alice_row and _reset_url(alice.user) in alice_row
    assert "Not set up" in pat_row and "Reset second factor" not in pat_row
    listed = audit_since(mark).get()
    assert (listed.action, listed.object_type, listed.count, listed.clinic_id) == (
        AuditEvent.Action.LIST,
        "accounts.clinic",
        3,
        carol.clinic_id,
    )


def test_the_list_does_not_ask_for_the_sudo_moment(carol):
    client = Client()
    client.force_login(carol.user)
    assert client.get(PEOPLE).status_code == 200


def test_the_list_is_paged_in_the_database(carol_client, carol, alice, clinic_a):
    for number in range(60):
        Membership.objects.create(
            user=make_user(f"p{number:02d}@a.example", f"Practitioner {number:02d}"),
            clinic=clinic_a,
        )
    first = carol_client.get(PEOPLE)
    assert "Page 1 of 2" in first.text
    assert first.text.count("<tr>") == 51  # the header and fifty people
    second = carol_client.get(PEOPLE, {"page": 2}).text
    assert "Page 2 of 2" in second
    assert "p59@a.example" in second and "p59@a.example" not in first.text
    # The shared pager (includes/pager.html) links each way.
    assert '<a href="?page=2">Next</a>' in first.text
    assert '<a href="?page=1">Previous</a>' in second


@pytest.mark.parametrize("page", ["x", "0", "-1", "1e9"])
def test_a_bad_page_number_is_400(carol_client, page):
    assert carol_client.get(PEOPLE, {"page": page}).status_code == 400


def test_practitioners_patients_and_staff_get_403(alice_client, pat_client, staff_client):
    for client in (alice_client, pat_client, staff_client):
        assert client.get(PEOPLE).status_code == 403


def test_the_clinic_admin_menu_links_to_the_page(carol_client, alice_client):
    assert f'href="{PEOPLE}"' in carol_client.get(reverse("patient-list")).text
    assert f'href="{PEOPLE}"' not in alice_client.get(reverse("patient-list")).text


# --- Resetting ---------------------------------------------------------------------------------


def test_the_reset_asks_are_you_sure_first(carol_client, alice):
    totp_device(alice.user)
    page = carol_client.get(_reset_url(alice.user)).text
    assert "Reset the second factor of Alice Practitioner?" in page
    assert _devices(alice.user) == 1


def test_a_clinic_admin_resets_a_practitioners_factor(
    carol_client, carol, alice, django_capture_on_commit_callbacks
):
    totp_device(alice.user)
    recovery_codes(alice.user)
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        response = carol_client.post(_reset_url(alice.user))
    assert response["Location"] == PEOPLE
    assert _devices(alice.user) == 0
    assert not StaticToken.objects.exists()
    (row,) = audit_since(mark)
    assert (row.action, row.actor, row.object_type, row.object_id, row.clinic_id, row.count) == (
        AuditEvent.Action.FACTOR_RESET,
        carol.user,
        "accounts.user",
        alice.user.pk,
        carol.clinic_id,
        2,
    )
    (message,) = mail.outbox
    assert message.to == [alice.user.email]
    assert message.subject == "Your second factor on Mat companion was reset"
    assert "reset by a clinic admin at Clinic A" in message.body
    assert "If you did not ask for this" in message.body
    assert "/password-reset/" in message.body
    assert "Carol" not in message.body
    # No secret: no recovery code and no device key.
    assert "abcd2345" not in message.body and "efgh6789" not in message.body
    assert OutgoingEmail.objects.get().to == [alice.user.email]
    page = carol_client.get(PEOPLE).text
    assert "has no second factor now and has been sent an email" in page


def test_a_clinic_admin_resets_a_patients_factor(
    carol_client, carol, pat, django_capture_on_commit_callbacks
):
    totp_device(pat.user)
    with django_capture_on_commit_callbacks(execute=True):
        carol_client.post(_reset_url(pat.user))
    assert _devices(pat.user) == 0
    event = AuditEvent.objects.get(action=AuditEvent.Action.FACTOR_RESET)
    assert (event.object_id, event.clinic_id) == (pat.user.pk, pat.clinic_id)
    (message,) = mail.outbox
    assert message.to == [pat.user.email]


def test_another_clinics_person_is_404_and_keeps_their_factor(carol_client, bob, quinn):
    for person in (bob.user, quinn.user):
        totp_device(person)
        assert carol_client.get(_reset_url(person)).status_code == 404
        assert carol_client.post(_reset_url(person)).status_code == 404
        assert _devices(person) == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FACTOR_RESET).exists()


def test_a_practitioner_gets_403(alice_client, alice, pat):
    totp_device(pat.user)
    assert confirmed(alice_client).post(_reset_url(pat.user)).status_code == 403
    assert _devices(pat.user) == 1


def test_a_clinic_admin_cannot_reset_their_own(carol_client, carol):
    totp_device(carol.user)
    before = _devices(carol.user)
    response = carol_client.post(_reset_url(carol.user), follow=True)
    assert "You cannot reset your own second factor here." in response.text
    assert before >= 1
    assert _devices(carol.user) == before
    assert _reset_url(carol.user) not in carol_client.get(PEOPLE).text


def test_another_clinic_admin_or_staff_member_is_for_staff_to_reset(
    carol_client, clinic_a, django_capture_on_commit_callbacks
):
    dave = Membership.objects.create(
        user=make_user("dave@a.example", "Dave Admin"),
        clinic=clinic_a,
        role=Membership.Role.CLINIC_ADMIN,
    )
    ed = Membership.objects.create(
        user=make_user("ed@a.example", "Ed Staff", is_staff=True), clinic=clinic_a
    )
    for person in (dave.user, ed.user):
        totp_device(person)
        with django_capture_on_commit_callbacks(execute=True):
            response = carol_client.post(_reset_url(person), follow=True)
        assert "Only the site&#x27;s staff can reset the second factor of a clinic admin" in (
            response.text
        )
        assert _devices(person) == 1
    assert not mail.outbox


def test_the_reset_asks_for_the_sudo_moment_after_the_access_check(carol, alice):
    totp_device(alice.user)
    client = Client()
    client.force_login(carol.user)
    url = _reset_url(alice.user)
    response = client.get(url)
    assert response["Location"].startswith(reverse("confirm-identity"))
    # A POST after the window ran out comes back to the "are you sure?" page.
    response = client.post(url, headers={"referer": f"http://testserver{url}"})
    assert response["Location"].endswith(f"next={url.replace('/', '%2F')}")
    assert _devices(alice.user) == 1


def test_nothing_to_reset_sends_nothing(carol_client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = carol_client.post(_reset_url(alice.user), follow=True)
    assert "has no second factor, so there was nothing to reset" in response.text
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FACTOR_RESET).exists()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PEOPLE).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_people(carol_client, carol, clinic_a, alice):
    few = _queries(carol_client)
    for number in range(20):
        member = Membership.objects.create(
            user=make_user(f"p{number:02d}@a.example", f"Practitioner {number:02d}"),
            clinic=clinic_a,
        )
        totp_device(member.user)
    assert _queries(carol_client) == few
