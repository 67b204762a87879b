"""The one-click unsubscribe in every reminder (clinic/reminders/views.py:
unsubscribe): no sign-in, no CSRF token (RFC 8058's one-click POST comes from
a mail provider with neither), GET changes nothing, POST switches reminders
off and touches nothing else; a tampered, expired or orphaned token changes
nothing and says why."""

from datetime import time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Patient
from clinic.notifications import unsubscribe
from clinic.notifications.models import ReminderSettings


@pytest.fixture
def reminded(pat) -> ReminderSettings:
    return ReminderSettings.objects.create(
        patient=pat,
        reminders_on=True,
        remind_at=time(7, 20),
        nudge_on=True,
        offer_answered_at=timezone.now() - timedelta(days=5),
    )


@pytest.fixture
def mail_app() -> Client:
    """What a mail provider's one-click sends with: no cookie, CSRF checked as for anyone."""
    return Client(enforce_csrf_checks=True)


def url(token: str) -> str:
    return reverse("unsubscribe", args=[token])


def test_opening_the_link_shows_a_button_and_changes_nothing(mail_app, pat, reminded):
    response = mail_app.get(url(unsubscribe.token_for(pat)))
    assert response.status_code == 200
    assert "Stop reminder emails?" in response.text
    assert '<button type="submit" class="big-action">Stop reminder emails</button>' in (
        response.text
    )
    reminded.refresh_from_db()
    assert reminded.reminders_on is True
    assert not AuditEvent.objects.filter(object_type="notifications.remindersettings").exists()


def test_the_button_switches_reminders_off_and_nothing_else(pat, reminded):
    browser = Client(enforce_csrf_checks=True)
    link = url(unsubscribe.token_for(pat))
    browser.get(link)
    response = browser.post(link, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert "Reminders are off" in response.text
    assert "switch them on again under Reminders in Settings" in response.text
    assert f'href="{reverse("login")}?next={reverse("patient-settings")}"' in response.text
    before = ReminderSettings(
        remind_at=reminded.remind_at,
        nudge_on=reminded.nudge_on,
        offer_answered_at=reminded.offer_answered_at,
    )
    reminded.refresh_from_db()
    assert reminded.reminders_on is False
    assert (reminded.remind_at, reminded.nudge_on, reminded.offer_answered_at) == (
        before.remind_at,
        before.nudge_on,
        before.offer_answered_at,
    )


def test_one_click_from_a_mail_app_needs_no_cookie_or_csrf_token(mail_app, pat, reminded):
    response = mail_app.post(
        url(unsubscribe.token_for(pat)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not response.cookies.get("sessionid")
    reminded.refresh_from_db()
    assert reminded.reminders_on is False


def test_it_is_audited_without_the_token(mail_app, pat, reminded):
    token = unsubscribe.token_for(pat)
    mail_app.post(url(token), {"List-Unsubscribe": "One-Click"})
    (event,) = AuditEvent.objects.filter(object_type="notifications.remindersettings")
    assert (event.action, event.object_id, event.actor, event.clinic_id) == (
        "update",
        reminded.pk,
        None,
        pat.clinic_id,
    )
    assert token not in event.path


def test_it_shows_no_name_or_health_data(mail_app, pat, reminded):
    for response in (
        mail_app.get(url(unsubscribe.token_for(pat))),
        mail_app.post(url(unsubscribe.token_for(pat))),
    ):
        assert pat.full_name not in response.text
        assert pat.email not in response.text
        assert "Clinic A" not in response.text


def test_it_reaches_only_the_tokens_patient(mail_app, pat, quinn, reminded):
    theirs = ReminderSettings.objects.create(patient=quinn, reminders_on=True)
    mail_app.post(url(unsubscribe.token_for(pat)))
    theirs.refresh_from_db()
    assert theirs.reminders_on is True


def test_a_signed_in_patient_may_use_it_too(pat_client, pat, reminded):
    assert pat_client.post(url(unsubscribe.token_for(pat))).status_code == 200
    reminded.refresh_from_db()
    assert reminded.reminders_on is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_is_400_and_changes_nothing(mail_app, pat, quinn, reminded, method):
    token = unsubscribe.token_for(pat)
    # Quinn's id under pat's signature.
    forged = f"{quinn.pk}:{token.split(':', 1)[1]}"
    for bad in (forged, token[:-2] + "xx", "not-a-token"):
        response = getattr(mail_app, method)(url(bad))
        assert response.status_code == 400
        assert "This link does not work" in response.text
        assert "Nothing has changed." in response.text
    reminded.refresh_from_db()
    assert reminded.reminders_on is True
    assert not AuditEvent.objects.filter(object_type="notifications.remindersettings").exists()


def test_an_expired_token_is_400_and_points_to_settings(mail_app, pat, reminded):
    with time_machine.travel(timezone.now() - unsubscribe.MAX_AGE - timedelta(hours=1)):
        old = unsubscribe.token_for(pat)
    response = mail_app.post(url(old))
    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert 'sign in and choose "Off" under Reminders in Settings' in response.text
    reminded.refresh_from_db()
    assert reminded.reminders_on is True


def test_a_token_still_works_just_before_it_expires(mail_app, pat, reminded):
    token = unsubscribe.token_for(pat)
    with time_machine.travel(timezone.now() + unsubscribe.MAX_AGE - timedelta(minutes=5)):
        assert mail_app.post(url(token)).status_code == 200
    reminded.refresh_from_db()
    assert reminded.reminders_on is False


def test_a_patient_gone_since_is_404(mail_app, clinic_a, alice):
    gone = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Gone", email="g@x.example"
    )
    token = unsubscribe.token_for(gone)
    gone.delete()
    response = mail_app.post(url(token))
    assert response.status_code == 404
    assert "There is nothing to stop" in response.text


def test_other_methods_are_refused(mail_app, pat):
    assert mail_app.put(url(unsubscribe.token_for(pat))).status_code == 405


def test_the_answer_is_never_cached(mail_app, pat):
    response = mail_app.get(url(unsubscribe.token_for(pat)))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
