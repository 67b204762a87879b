"""The Today page's offer to switch reminders on (clinic/usage/pages.py decides
when it shows; clinic/reminders/views.py: reminder_offer takes the answer):
once, on a day with a session, until answered; "yes" or "not now"; with htmx
the card becomes one line in place, without JavaScript the page comes back."""

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from clinic.notifications.models import ReminderSettings
from mats.services import acknowledge_safety_version
from tests.factories import make_plan
from tests.html_forms import form_with_button

HOME = reverse("patient-home")
OFFER = reverse("patient-reminder-offer")
HEADING = "A reminder on session days?"


@pytest.fixture
def phone(pat) -> Client:
    """A client that checks CSRF as a browser without JavaScript is checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat.user)
    return client


@pytest.fixture
def session_today(screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine, days=14)
    return plan.sessions.get(date=patient_today(screened_pat))


def test_the_offer_shows_with_todays_session(pat_client, session_today):
    html = pat_client.get(HOME).text
    assert HEADING in html
    assert "We can email you at 08:00 your time on each day you have a session" in html
    # Below the session, which stays the page's first thing to do.
    assert html.index('id="session-card"') < html.index(HEADING)


def test_no_offer_without_a_session_to_remind_of(pat_client, pat):
    html = pat_client.get(HOME).text
    assert "has not set a mat routine for you yet" in html
    assert HEADING not in html


def test_no_offer_once_answered_or_chosen_in_settings(pat_client, pat, session_today):
    ReminderSettings.objects.create(patient=pat, offer_answered_at=timezone.now())
    assert HEADING not in pat_client.get(HOME).text


def test_a_row_without_an_answer_still_offers(pat_client, pat, session_today):
    ReminderSettings.objects.create(patient=pat, reminders_on=False)
    assert HEADING in pat_client.get(HOME).text


def test_yes_without_javascript_comes_back_to_today_and_never_asks_again(phone, pat, session_today):
    form = form_with_button(phone.get(HOME).text, "Yes, remind me")
    response = phone.post(form.action, form.data(answer="yes"), follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    assert (
        "Reminders are on: an email at 08:00 on each day you have a session. "
        "You can change the time in Settings." in response.text
    )
    assert HEADING not in response.text
    settings = ReminderSettings.objects.get(patient=pat)
    assert (settings.reminders_on, settings.remind_at, settings.nudge_on) == (True, time(8), True)
    assert HEADING not in phone.get(HOME).text


def test_not_now_without_javascript_says_where_to_switch_on_later(phone, pat, session_today):
    form = form_with_button(phone.get(HOME).text, "Not now")
    response = phone.post(form.action, form.data(answer="not-now"), follow=True)
    assert "No reminders for now. You can switch them on in Settings." in response.text
    assert HEADING not in response.text
    settings = ReminderSettings.objects.get(patient=pat)
    assert settings.reminders_on is False
    assert settings.offer_answered_at is not None


def test_yes_with_htmx_answers_with_one_line_in_place_of_the_card(pat_client, session_today):
    response = pat_client.post(OFFER, {"answer": "yes"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.text.strip()
    assert html.startswith('<p id="reminder-offer"')
    assert "<html" not in html
    assert "Reminders are on: an email at 08:00 on each day you have a session." in html
    assert f'<a href="{reverse("patient-settings")}">Change the time in Settings</a>' in html
    assert "HX-Request" in response["Vary"]


def test_not_now_with_htmx_answers_in_place(pat_client, session_today):
    response = pat_client.post(OFFER, {"answer": "not-now"}, headers={"HX-Request": "true"})
    assert "No reminders for now." in response.text
    assert "You can switch them on in Settings" in response.text
    assert ReminderSettings.objects.get().reminders_on is False


def test_a_second_tap_says_what_the_first_chose(pat_client, session_today):
    pat_client.post(OFFER, {"answer": "yes"})
    response = pat_client.post(OFFER, {"answer": "not-now"}, headers={"HX-Request": "true"})
    assert "Reminders are on" in response.text
    assert ReminderSettings.objects.get().reminders_on is True


@pytest.mark.parametrize("posted", [{}, {"answer": "maybe"}])
def test_a_malformed_answer_is_400_and_changes_nothing(pat_client, session_today, posted):
    response = pat_client.post(OFFER, posted)
    assert response.status_code == 400
    assert "We could not understand that request" in response.text
    assert not ReminderSettings.objects.exists()


def test_only_patients_answer_the_offer(alice_client, staff_client, visitor_client):
    assert alice_client.post(OFFER, {"answer": "yes"}).status_code == 403
    assert staff_client.post(OFFER, {"answer": "yes"}).status_code == 403
    assert visitor_client.post(OFFER, {"answer": "yes"}).status_code == 302
    assert not ReminderSettings.objects.exists()


def test_asking_for_the_offer_changes_nothing(pat_client, session_today):
    assert pat_client.get(OFFER).status_code == 405
    assert not ReminderSettings.objects.exists()


def test_the_offer_keeps_today_light(pat_client, pat, session_today):
    """The card adds little to the page's first visit (under 1.5 KB of HTML) and
    no script or style of its own."""
    with_offer = pat_client.get(HOME).content
    ReminderSettings.objects.create(patient=pat, offer_answered_at=timezone.now())
    without = pat_client.get(HOME).content
    assert 0 < len(with_offer) - len(without) < 1536
    assert with_offer.count(b"<script") == without.count(b"<script")
    assert with_offer.count(b"<link") == without.count(b"<link")
