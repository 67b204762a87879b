"""The Today page's forms post as a phone without JavaScript posts them:
CSRF is checked, and the token comes from the form itself, never from
htmx's header (which is missing with JavaScript off or before htmx has
loaded on a slow phone)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.clock import patient_today
from clinic.usage.models import SessionLog
from mats.services import acknowledge_safety_version
from tests.factories import make_plan
from tests.html_forms import form_with_button

HOME = reverse("patient-home")


@pytest.fixture
def phone(pat) -> Client:
    """A client that checks CSRF as Django does for a real browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat.user)
    return client


@pytest.fixture
def session(screened_pat, safety, routine):
    acknowledge_safety_version(screened_pat, safety)
    plan = make_plan(screened_pat, routine, days=14)
    return plan.sessions.get(date=patient_today(screened_pat))


def submit(phone: Client, page_url: str, button: str, **changes):
    """Open the page, find the form behind ``button`` and send it as it stands."""
    form = form_with_button(phone.get(page_url).text, button)
    return phone.post(form.action, form.data(**changes), follow=True)


def test_ticking_off_today_without_javascript_passes_the_csrf_check(phone, session):
    response = submit(phone, HOME, "Done: tick off today's session")
    assert response.status_code == 200
    assert "Done. Well done for today." in response.text
    assert SessionLog.objects.get().planned_session == session


def test_saving_how_it_went_without_javascript_passes_the_csrf_check(phone, session):
    submit(phone, HOME, "Done: tick off today's session")
    response = submit(
        phone, HOME, "Save how it went", pain_before="0", pain_after="2", relaxation="7"
    )
    assert response.status_code == 200
    assert "Thank you. Saved." in response.text
    log = SessionLog.objects.get()
    assert (log.pain_before, log.pain_after, log.relaxation) == (0, 2, 7)


def test_undoing_without_javascript_passes_the_csrf_check(phone, session):
    submit(phone, HOME, "Done: tick off today's session")
    response = submit(phone, HOME, "Undo: I have not done it")
    assert response.status_code == 200
    assert "Un-ticked." in response.text
    assert not SessionLog.objects.exists()


def test_a_post_without_the_token_is_refused(phone, session):
    response = phone.post(reverse("session-check-off", args=[session.pk]))
    assert response.status_code == 403
    assert not SessionLog.objects.exists()
