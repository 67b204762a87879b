"""A practitioner's (or clinic admin's) email settings (clinic/reminders/views.py:
practitioner_notifications): the side-effect alert, on by default, and the
daily digest with its time in the clinic's zone."""

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership
from clinic.notifications.models import PractitionerNotifications
from tests.conftest import make_user

URL = reverse("practitioner-notifications")
GOOD = {"report_alerts": "off", "digest_on": "on", "digest_at": "06:40"}


def test_the_page_explains_each_email_and_names_the_clinics_zone(alice_client):
    html = alice_client.get(URL).text
    assert "Email notifications" in html
    assert "alice@a.example" in html
    assert "Times are in the clinic's time zone, Europe/London." in html
    assert "The email names no patient and carries no health details" in html
    # The defaults: the alert on, no digest, 07:30.
    assert 'name="report_alerts" value="on" required id="id_report_alerts_0" checked' in html
    assert 'name="digest_on" value="off" required id="id_digest_on_1" checked' in html
    assert 'value="07:30"' in html


def test_the_zone_named_is_the_practitioners_clinics(bob_client):
    assert "the clinic's time zone, America/New_York." in bob_client.get(URL).text


def test_saving_keeps_the_choice_and_shows_it(alice_client, alice):
    response = alice_client.post(URL, GOOD, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Saved. Your email settings are as shown below." in response.text
    assert 'value="06:40"' in response.text
    chosen = PractitionerNotifications.objects.get(membership=alice)
    assert (chosen.report_alerts, chosen.digest_on, chosen.digest_at) == (False, True, time(6, 40))
    assert AuditEvent.objects.filter(
        action="create", object_type="notifications.practitionernotifications"
    ).exists()


@pytest.mark.parametrize(
    ("posted", "words"),
    [
        ({**GOOD, "digest_at": "24:30"}, "Enter a time between 00:00 and 23:59, such as 08:00."),
        ({"digest_on": "on", "digest_at": "06:40"}, "Choose on or off."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(alice_client, posted, words):
    response = alice_client.post(URL, posted)
    assert response.status_code == 200
    assert words in response.text
    assert not PractitionerNotifications.objects.exists()


def test_each_practitioner_sets_their_own(alice_client, bob, alice):
    alice_client.post(URL, GOOD)
    assert not PractitionerNotifications.objects.filter(membership=bob).exists()


def test_a_clinic_admin_has_the_page_too(clinic_a):
    admin = Membership.objects.create(
        user=make_user("carol@a.example", "Carol Admin"),
        clinic=clinic_a,
        role=Membership.Role.CLINIC_ADMIN,
    )
    client = Client()
    client.force_login(admin.user)
    assert client.get(URL).status_code == 200
    assert client.post(URL, GOOD).status_code == 302
    assert PractitionerNotifications.objects.get().membership == admin


def test_patients_and_staff_are_refused(pat_client, staff_client, visitor_client):
    for client in (pat_client, staff_client):
        assert client.get(URL).status_code == 403
        assert client.post(URL, GOOD).status_code == 403
    assert visitor_client.get(URL).status_code == 302
    assert not PractitionerNotifications.objects.exists()


def test_the_menu_links_to_it_for_practitioners_only(alice_client, pat_client):
    assert f'href="{URL}"' in alice_client.get(reverse("patient-list")).text
    assert f'href="{URL}"' not in pat_client.get(reverse("patient-home")).text
