"""The Reminders section of the patient's Settings page (clinic/reminders/views.py:
patient_settings shows it, patient_reminders saves it): what it says, what it
saves, and that a bad time or a missing answer changes nothing."""

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from clinic.notifications.models import ReminderSettings
from tests.html_forms import form_with_button

SETTINGS = reverse("patient-settings")
SAVE = reverse("patient-reminders")
GOOD = {"reminders_on": "on", "remind_at": "07:45", "nudge_on": "off"}


def test_the_reminders_come_first_and_say_what_the_patient_gets_and_how_to_stop(pat_client):
    html = pat_client.get(SETTINGS).text
    assert html.index("Reminders") < html.index("Time zone") < html.index("Change your password")
    assert "You have not chosen yet, so we do not email you about your sessions." in html
    assert "an email on each day your plan has a session" in html
    assert "in your time zone (Europe/London)" in html
    assert "one email if you miss two sessions in a row" in html
    assert "the link at the foot of any reminder" in html
    assert 'type="time"' in html
    assert 'value="08:00"' in html


def test_the_form_shows_what_was_chosen(pat_client, pat):
    ReminderSettings.objects.create(
        patient=pat, reminders_on=True, remind_at=time(18, 30), nudge_on=False
    )
    html = pat_client.get(SETTINGS).text
    assert "Reminders are on: an email at 18:30 (Europe/London)" in html
    assert 'value="18:30"' in html
    assert 'name="nudge_on" value="off" required id="id_nudge_on_1" checked' in html
    assert "With the nudge: one email" not in html


def test_the_zone_named_is_the_patients_own(pat_client, pat):
    pat.time_zone = "America/New_York"
    pat.save()
    assert "in your time zone (America/New_York)" in pat_client.get(SETTINGS).text


def test_saving_switches_reminders_on_and_says_so(pat_client, pat):
    response = pat_client.post(SAVE, GOOD, follow=True)
    assert response.redirect_chain == [(SETTINGS, 302)]
    assert "Saved. Reminders are on: an email at 07:45 on each day you have a session." in (
        response.text
    )
    settings = ReminderSettings.objects.get(patient=pat)
    assert (settings.reminders_on, settings.remind_at, settings.nudge_on) == (
        True,
        time(7, 45),
        False,
    )
    assert settings.offer_answered_at is not None
    assert AuditEvent.objects.filter(
        action="create", object_type="notifications.remindersettings", object_id=settings.pk
    ).exists()


def test_saving_off_says_no_email_will_come(pat_client, pat):
    ReminderSettings.objects.create(patient=pat, reminders_on=True)
    response = pat_client.post(SAVE, {**GOOD, "reminders_on": "off"}, follow=True)
    assert "Saved. Reminders are off: we will not email you about sessions." in response.text
    assert ReminderSettings.objects.get().reminders_on is False


@pytest.mark.parametrize(
    ("posted", "words"),
    [
        ({**GOOD, "remind_at": "25:00"}, "Enter a time between 00:00 and 23:59, such as 08:00."),
        ({**GOOD, "remind_at": "eight"}, "Enter a time between 00:00 and 23:59, such as 08:00."),
        ({**GOOD, "remind_at": ""}, "Enter a time, such as 08:00."),
        ({"remind_at": "07:45", "nudge_on": "on"}, "Choose on or off."),
        ({**GOOD, "nudge_on": "maybe"}, "Choose on or off."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(pat_client, pat, posted, words):
    ReminderSettings.objects.create(patient=pat, reminders_on=False, remind_at=time(8))
    before = AuditEvent.objects.count()
    response = pat_client.post(SAVE, posted)
    assert response.status_code == 200
    assert "One thing needs fixing" in response.text
    assert words in response.text
    settings = ReminderSettings.objects.get()
    assert (settings.reminders_on, settings.remind_at, settings.offer_answered_at) == (
        False,
        time(8),
        None,
    )
    assert AuditEvent.objects.count() == before


def test_a_refused_form_keeps_the_time_zone_form_working(pat_client):
    html = pat_client.post(SAVE, {**GOOD, "remind_at": "25:00"}).text
    # The page is shown at the reminders' address: each form says where it posts.
    assert f'action="{SETTINGS}"' in html
    assert f'action="{SAVE}"' in html
    assert 'value="25:00"' in html


def test_the_form_posts_with_its_own_csrf_token(pat):
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(pat.user)
    form = form_with_button(phone.get(SETTINGS).text, "Set reminders")
    response = phone.post(form.action, form.data(reminders_on="on", remind_at="06:10"))
    assert response.status_code == 302
    assert ReminderSettings.objects.get().remind_at == time(6, 10)


def test_only_the_patient_reaches_their_reminders(alice_client, staff_client, visitor_client):
    for client in (alice_client, staff_client):
        assert client.post(SAVE, GOOD).status_code == 403
        assert client.get(SETTINGS).status_code == 403
    assert visitor_client.post(SAVE, GOOD).status_code == 302
    assert not ReminderSettings.objects.exists()


def test_the_page_fills_the_calendar_feeds_part(pat_client, monkeypatch):
    from clinic.reminders import feed

    monkeypatch.setattr(
        feed,
        "section",
        lambda patient: feed.FeedSection(https_url="https://feed.example/x", webcal_url=None),
    )
    response = pat_client.get(SETTINGS)
    assert response.context["page"].feed.https_url == "https://feed.example/x"
    assert "reminders/includes/calendar_feed.html" in [t.name for t in response.templates]
