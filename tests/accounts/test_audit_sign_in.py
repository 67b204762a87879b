"""Sign-in, failed sign-in and sign-out each leave one audit row
(accounts.signals), naming the account but never what was typed."""

from django.contrib.auth.signals import user_logged_out
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AuditEvent
from tests.conftest import PASSWORD

ADDRESS = "203.0.113.40"


def _sign_in(client, email, password=PASSWORD):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ADDRESS
    )


def _text_of(event: AuditEvent) -> str:
    return " ".join(str(value) for value in event.__dict__.values())


def test_signing_in_is_recorded_with_the_clinic_and_address(visitor_client, alice):
    assert _sign_in(visitor_client, alice.user.email).status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.clinic_id) == ("sign_in", alice.user, alice.clinic_id)
    assert (event.object_type, event.object_id) == ("accounts.user", alice.user.pk)
    assert (event.address, event.path) == (ADDRESS, "/sign-in/")


def test_a_patient_signing_in_is_recorded_under_their_clinic(visitor_client, pat):
    _sign_in(visitor_client, pat.email)
    assert AuditEvent.objects.get().clinic_id == pat.clinic_id


def test_a_wrong_password_names_the_account_but_not_what_was_typed(visitor_client, pat):
    typed = "Pat@Patients.example"  # normalised to pat's account
    _sign_in(visitor_client, typed, "hunter2-wrong")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.clinic_id) == ("sign_in_failed", None, pat.clinic_id)
    assert (event.object_type, event.object_id) == ("accounts.user", pat.user.pk)
    assert event.address == ADDRESS
    text = _text_of(event).lower()
    assert "hunter2" not in text
    assert typed.lower() not in text


def test_an_address_with_no_account_is_recorded_as_the_user_type_alone(visitor_client, db):
    _sign_in(visitor_client, "nobody@nowhere.example", "guess")
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "sign_in_failed",
        "accounts.user",
        None,
    )
    assert event.clinic_id is None
    assert "nobody" not in _text_of(event)


def test_a_locked_out_attempt_is_recorded_once(visitor_client, pat):
    for _ in range(5):
        _sign_in(visitor_client, pat.email, "wrong")
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 5
    # Locked out: even the right password is refused, and recorded once.
    assert _sign_in(visitor_client, pat.email).status_code == 429
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 6
    assert not AuditEvent.objects.filter(action="sign_in").exists()


def test_signing_out_is_recorded(visitor_client, alice):
    _sign_in(visitor_client, alice.user.email)
    visitor_client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    event = AuditEvent.objects.get(action="sign_out")
    assert (event.actor, event.clinic_id, event.object_id) == (
        alice.user,
        alice.clinic_id,
        alice.user.pk,
    )
    assert event.address == ADDRESS


def test_signing_out_when_nobody_is_signed_in_leaves_no_row(visitor_client, db):
    visitor_client.post(reverse("logout"))
    request = RequestFactory().post("/sign-out/")
    user_logged_out.send(sender=None, request=request, user=None)
    assert AuditEvent.objects.count() == 0


def test_the_staff_sign_in_page_of_the_admin_is_recorded_too(visitor_client, staff):
    response = visitor_client.post(
        reverse("admin:login"), {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="sign_in")
    assert (event.actor, event.clinic_id) == (staff, None)
