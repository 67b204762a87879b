"""accounts.middleware: idle and total session lifetime, background polls, and
the sign-in redirect an htmx request gets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED


def _set_clock(client, *, started_ago, last_seen_ago):
    session = client.session
    now = timezone.now()
    session[SESSION_STARTED] = (now - started_ago).isoformat()
    session[SESSION_LAST_SEEN] = (now - last_seen_ago).isoformat()
    session.save()


def _is_signed_in(client) -> bool:
    return client.get(reverse("patient-home")).status_code == 200


def test_recent_activity_keeps_the_session(pat_client):
    _set_clock(pat_client, started_ago=timedelta(hours=2), last_seen_ago=timedelta(minutes=29))
    assert _is_signed_in(pat_client)


def test_thirty_idle_minutes_sign_out(pat_client):
    _set_clock(pat_client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=31))
    response = pat_client.get(reverse("patient-home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "You were signed out to keep your records private." in response.text


def test_twelve_hours_in_all_sign_out_even_when_active(pat_client):
    _set_clock(pat_client, started_ago=timedelta(hours=12, minutes=1), last_seen_ago=timedelta(0))
    assert not _is_signed_in(pat_client)


def test_background_polls_do_not_count_as_activity(pat_client):
    _set_clock(pat_client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=20))
    before = pat_client.session[SESSION_LAST_SEEN]
    pat_client.get(reverse("patient-home"), headers={"X-Background-Poll": "1"})
    assert pat_client.session[SESSION_LAST_SEEN] == before
    pat_client.get(reverse("patient-home"))
    assert pat_client.session[SESSION_LAST_SEEN] > before


def test_polling_cannot_outlive_the_idle_limit(pat_client):
    _set_clock(pat_client, started_ago=timedelta(hours=1), last_seen_ago=timedelta(minutes=31))
    response = pat_client.get(
        reverse("patient-home"), headers={"X-Background-Poll": "1", "HX-Request": "true"}
    )
    # htmx is told to load the sign-in page as a whole page, not into a fragment.
    assert response["HX-Redirect"].startswith(reverse("login"))


@pytest.mark.django_db
def test_htmx_request_from_a_visitor_redirects_the_whole_page(visitor_client):
    response = visitor_client.get(reverse("patient-list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/patients/"
