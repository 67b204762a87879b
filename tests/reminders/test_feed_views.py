"""The feed's address (clinic.reminders.feed_views): opened without signing
in by whoever holds it; a reset, tampered or borrowed token finds nothing;
only the patient makes or resets their own."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import AuditEvent
from clinic.notifications import unsubscribe
from clinic.reminders import feed
from clinic.reminders.models import CalendarFeed
from clinic.reminders.services import create_or_reset_feed
from tests.factories import audit_mark, audit_since, make_plan

RESET = "calendar-feed-reset"


def path_of(made: CalendarFeed) -> str:
    return reverse("calendar-feed", args=[feed.token_for(made)])


@pytest.fixture
def pat_feed(screened_pat) -> CalendarFeed:
    make_plan(screened_pat, days=7)
    made, _ = create_or_reset_feed(screened_pat)
    return made


def test_the_feed_opens_without_signing_in_as_a_private_calendar(visitor_client, pat_feed):
    response = visitor_client.get(path_of(pat_feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == f"private, max-age={feed.CACHE_SECONDS}"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not response.cookies
    calendar = Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == pat_feed.patient.planned_sessions.count() > 0


def test_a_head_request_answers_too_and_a_post_does_not(visitor_client, pat_feed):
    assert visitor_client.head(path_of(pat_feed)).status_code == 200
    assert visitor_client.post(path_of(pat_feed)).status_code == 405


def test_resetting_makes_the_old_address_404_and_the_new_one_work(visitor_client, pat_feed):
    old = path_of(pat_feed)

    reset, created = create_or_reset_feed(pat_feed.patient)

    assert not created
    assert reset.pk == pat_feed.pk and reset.reset_at is not None
    assert path_of(reset) != old
    assert visitor_client.get(old).status_code == 404
    assert visitor_client.get(path_of(reset)).status_code == 200


def _tampered(token: str) -> list[str]:
    patient_id, _, signature = token.partition("-")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [
        f"{patient_id}-{flipped}",
        f"{patient_id}-{signature[:-1]}",
        f"{patient_id}-{signature}x",
        f"{patient_id}-",
        f"-{signature}",
        signature,
        f"0{patient_id}x-{signature}",
        f"0{patient_id}-{signature}",
        f"{'9' * 30}-{signature}",
        f"²-{signature}",
        "nothing",
    ]


def test_a_tampered_token_is_404(visitor_client, pat_feed):
    for token in _tampered(feed.token_for(pat_feed)):
        response = visitor_client.get(reverse("calendar-feed", args=[token]))
        assert response.status_code == 404, token


def test_another_patients_id_with_this_signature_is_404(visitor_client, pat_feed, quinn):
    create_or_reset_feed(quinn)
    signature = feed.token_for(pat_feed).partition("-")[2]

    response = visitor_client.get(reverse("calendar-feed", args=[f"{quinn.pk}-{signature}"]))

    assert response.status_code == 404


def test_a_patient_without_a_feed_is_404_like_any_other_miss(visitor_client, pat, quinn):
    made, _ = create_or_reset_feed(quinn)
    signature = feed.token_for(made).partition("-")[2]
    # Pat has no feed: the signature pat's secret would give does not exist.
    guessed = signing.Signer(salt=feed.SALT).signature(f"{pat.pk}:")

    for token in (f"{pat.pk}-{signature}", f"{pat.pk}-{guessed}"):
        assert visitor_client.get(reverse("calendar-feed", args=[token])).status_code == 404


def test_a_token_signed_for_something_else_is_404(visitor_client, pat_feed):
    other = unsubscribe.token_for(pat_feed.patient)

    assert visitor_client.get(reverse("calendar-feed", args=[other])).status_code == 404


def test_the_address_holds_no_secret_from_the_database(pat_feed):
    token = feed.token_for(pat_feed)

    assert pat_feed.secret not in token
    assert token.startswith(f"{pat_feed.patient_id}-")


def test_an_address_made_with_another_site_key_is_404(visitor_client, pat_feed, settings):
    settings.SECRET_KEY = "someone-elses-key-" + "x" * 40
    forged = feed.token_for(pat_feed)
    settings.SECRET_KEY = "test-secret-key-back-" + "y" * 40

    assert visitor_client.get(reverse("calendar-feed", args=[forged])).status_code == 404


def test_a_patient_whose_account_is_switched_off_gets_404(visitor_client, pat_feed):
    user = pat_feed.patient.user
    user.is_active = False
    user.save()

    assert visitor_client.get(path_of(pat_feed)).status_code == 404


def test_another_patients_feed_never_shows_this_patients_sessions(visitor_client, pat_feed, quinn):
    theirs, _ = create_or_reset_feed(quinn)

    body = visitor_client.get(path_of(theirs)).content

    assert Calendar.from_ical(body).walk("VEVENT") == []
    assert f"mat-{pat_feed.patient_id}-".encode() not in body


# --- Each fetch is a read, in the trail --------------------------------------------


def test_each_fetch_leaves_one_view_row_without_the_key(visitor_client, pat_feed):
    patient = pat_feed.patient
    token = feed.token_for(pat_feed)
    mark = audit_mark()

    visitor_client.get(path_of(pat_feed), REMOTE_ADDR="203.0.113.9")
    visitor_client.get(path_of(pat_feed), REMOTE_ADDR="203.0.113.9")

    rows = list(audit_since(mark).order_by("pk"))
    assert len(rows) == 2
    row = rows[0]
    assert (row.action, row.object_type, row.object_id) == (
        AuditEvent.Action.VIEW,
        "accounts.patient",
        patient.pk,
    )
    assert (row.actor, row.clinic_id, row.address) == (None, patient.clinic_id, "203.0.113.9")
    assert row.path == feed.audit_path()
    signature = token.partition("-")[2]
    assert signature not in " ".join(str(value) for value in row.__dict__.values())
    assert feed.is_fetch(row)


def test_a_miss_or_a_head_request_leaves_no_row(visitor_client, pat_feed):
    mark = audit_mark()

    visitor_client.get(reverse("calendar-feed", args=[f"{pat_feed.patient_id}-wrong"]))
    visitor_client.head(path_of(pat_feed))

    assert not audit_since(mark).exists()


def test_the_patient_sees_the_fetch_as_their_calendar_app(visitor_client, pat_client, pat_feed):
    visitor_client.get(path_of(pat_feed))

    response = pat_client.get(reverse("record-access"))

    first = response.context["lines"][0]
    assert (first.words, first.role) == ("Your calendar app fetched your planned sessions", "")
    assert "The site viewed" not in response.text


def test_the_clinic_admin_reads_it_as_a_calendar_app(visitor_client, carol_client, pat_feed):
    visitor_client.get(path_of(pat_feed))

    response = carol_client.get(reverse("clinic-audit"))

    assert response.context["lines"][0].words == (
        f"A calendar app fetched the planned sessions of patient #{pat_feed.patient_id}"
    )


# --- Making and resetting the address --------------------------------------------------


def test_the_patients_first_post_makes_the_feed_and_says_so(pat_client, pat):
    mark = audit_mark()

    response = pat_client.post(reverse(RESET))

    assert response.status_code == 302
    assert response["Location"] == reverse("patient-settings")
    made = CalendarFeed.objects.get(patient=pat)
    assert len(made.secret) >= 40 and made.reset_at is None
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Your calendar address is ready.")
    row = audit_since(mark).get()
    assert (row.action, row.object_type, row.object_id) == (
        AuditEvent.Action.CREATE,
        "reminders.calendarfeed",
        made.pk,
    )
    assert (row.actor, row.clinic_id, row.path) == (pat.user, pat.clinic_id, reverse(RESET))


def test_the_next_post_resets_it_and_the_old_address_stops(pat_client, pat, visitor_client):
    pat_client.post(reverse(RESET))
    old = path_of(CalendarFeed.objects.get(patient=pat))
    mark = audit_mark()

    response = pat_client.post(reverse(RESET))

    assert response.status_code == 302
    made = CalendarFeed.objects.get(patient=pat)
    assert made.reset_at is not None
    # The first post's message is still waiting: its redirect was not followed.
    *_, message = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The old one no longer works" in message
    assert visitor_client.get(old).status_code == 404
    assert visitor_client.get(path_of(made)).status_code == 200
    # The reset, then the new address's one fetch (the old one's 404 leaves none).
    row, fetched = audit_since(mark).order_by("pk")
    assert (row.action, row.object_id, row.actor) == (AuditEvent.Action.UPDATE, made.pk, pat.user)
    assert feed.is_fetch(fetched)
    assert CalendarFeed.objects.count() == 1


@pytest.mark.parametrize("persona", ["alice_client", "bob_client", "staff_client"])
def test_only_patients_have_a_feed(persona, request, pat):
    client = request.getfixturevalue(persona)

    assert client.post(reverse(RESET)).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_visitor_is_asked_to_sign_in(visitor_client):
    response = visitor_client.post(reverse(RESET))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not CalendarFeed.objects.exists()


def test_the_reset_is_a_post_with_its_csrf_token(pat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat.user)

    assert client.get(reverse(RESET)).status_code == 405
    assert client.post(reverse(RESET)).status_code == 403
    assert not CalendarFeed.objects.exists()


# --- The settings page's section -----------------------------------------------------


def test_the_section_offers_a_feed_until_there_is_one(pat, rf):
    section = feed.section(pat)
    html = render_to_string(
        "reminders/includes/calendar_feed.html", {"feed": section}, request=rf.get("/")
    )

    assert not section.exists and section.https_url is None
    assert "Add my sessions to my calendar" in html
    assert f'action="{reverse(RESET)}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "webcal://" not in html and "Reset" not in html


def test_the_section_shows_the_address_to_copy_add_or_reset(pat, rf, settings):
    settings.SITE_URL = "https://mat.example"
    made, _ = create_or_reset_feed(pat)

    section = feed.section(pat)
    html = render_to_string(
        "reminders/includes/calendar_feed.html", {"feed": section}, request=rf.get("/")
    )

    assert section.exists
    assert section.https_url == "https://mat.example" + path_of(made)
    assert section.webcal_url == "webcal://mat.example" + path_of(made)
    assert f'value="{section.https_url}"' in html and "readonly" in html
    assert f'href="{section.webcal_url}"' in html and "Add to calendar" in html
    assert "Reset the address" in html
    assert "The old address stops working at once" in html
    assert "Copy the address" in html and "js/copy_address.js" in html
    assert "Add my sessions to my calendar" not in html


def test_the_feed_refreshes_within_the_hour(visitor_client, pat_feed):
    body = visitor_client.get(path_of(pat_feed)).content

    assert Calendar.from_ical(body)["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
