"""The patient's "Who has looked at your record" page, from Settings
(clinic.patients.trail_views.record_access)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent
from clinic.patients.trail import PATIENT_ROWS_PER_PAGE
from tests.factories import make_plan

URL = reverse("record-access")


def _row(actor, action, obj, *, at=None) -> AuditEvent:
    event = audit.write(audit.Actor(user=actor), action, obj, clinic_id=audit.clinic_of(obj))
    if at is not None:
        AuditEvent._base_manager.filter(pk=event.pk).update(at=at)
    return event


def _lines(response) -> list[tuple[str, str]]:
    return [(line.words, line.role) for line in response.context["lines"]]


def test_only_the_patient_reaches_it(
    pat_client, alice_client, carol_client, staff_client, visitor_client
):
    assert pat_client.get(URL).status_code == 200
    for client in (alice_client, carol_client, staff_client):
        assert client.get(URL).status_code == 403
    assert visitor_client.get(URL)["Location"].startswith(reverse("login"))


def test_it_says_who_looked_and_when_in_the_patients_zone(pat_client, pat, alice):
    pat.time_zone = "Asia/Tokyo"
    pat.save()
    _row(alice.user, "view", pat, at=datetime(2026, 5, 4, 23, 15, tzinfo=ZoneInfo("UTC")))
    response = pat_client.get(URL)
    assert _lines(response) == [("Alice Practitioner viewed your record", "practitioner")]
    assert "Tuesday 5 May 2026, 08:15" in response.text
    assert "Asia/Tokyo" in response.text


def test_rows_about_their_plans_count_and_other_patients_do_not(
    pat_client, screened_pat, quinn, alice, bob, carol, routine
):
    plan = make_plan(screened_pat, routine)
    mark = AuditEvent.objects.count()
    _row(carol.user, "export", plan)
    _row(bob.user, "view", quinn)
    _row(alice.user, "list", alice.clinic)
    lines = _lines(pat_client.get(URL))
    assert lines[0] == ("Carol Clinic-Admin exported a mat plan", "clinic admin")
    assert len(lines) == mark + 1
    assert all("Bob" not in words for words, _ in lines)


def test_their_own_actions_say_you(pat_client, pat):
    _row(pat.user, "export", pat)
    assert _lines(pat_client.get(URL)) == [("You exported your record", "")]


def test_it_is_paginated_in_a_fixed_number_of_queries(pat_client, pat, alice):
    for _ in range(3):
        _row(alice.user, "view", pat)
    with CaptureQueriesContext(connection) as few:
        pat_client.get(URL)
    for _ in range(PATIENT_ROWS_PER_PAGE * 2):
        _row(alice.user, "view", pat)
    with CaptureQueriesContext(connection) as many:
        response = pat_client.get(URL)
    assert len(response.context["lines"]) == PATIENT_ROWS_PER_PAGE
    assert len(few.captured_queries) == len(many.captured_queries)
    last = pat_client.get(URL, {"page": 3})
    assert len(last.context["lines"]) == 3
    assert "Page 3 of 3" in last.text
    # The shared pager (includes/pager.html) names the way back in time.
    assert '<a href="?page=2">Newer</a>' in last.text
    assert "Older" not in last.text


def test_a_bad_page_number_is_a_400(pat_client):
    assert pat_client.get(URL, {"page": "-1"}).status_code == 400
    assert pat_client.get(URL, {"page": "99999999999"}).status_code == 400


def test_settings_links_to_it(pat_client):
    assert f'href="{URL}"' in pat_client.get(reverse("patient-settings")).text


def test_with_nothing_yet_it_says_so(pat_client):
    assert "Nobody has opened your record yet." in pat_client.get(URL).text


def test_the_patients_own_page_reads_are_not_rows_and_the_page_says_so(pat_client, pat):
    mark = AuditEvent.objects.count()
    for name in ("patient-home", "patient-plan", "patient-settings"):
        assert pat_client.get(reverse(name)).status_code == 200
    assert AuditEvent.objects.count() == mark
    response = pat_client.get(URL)
    assert "Your own visits to your pages are not listed one by one." in response.text
