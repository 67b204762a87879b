"""The clinic admin's audit page (clinic.patients.trail_views.clinic_audit):
their clinic's rows only, in words, filtered by person, patient, action and
dates, paginated by the database."""

import re
from datetime import datetime
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent, Patient
from clinic.patients.trail import ROWS_PER_PAGE
from tests.factories import make_plan

URL = reverse("clinic-audit")
LONDON = ZoneInfo("Europe/London")


def _row(actor, action, obj, *, at=None, count=None) -> AuditEvent:
    event = audit.write(
        audit.Actor(user=actor, address="192.0.2.1"),
        action,
        obj,
        clinic_id=audit.clinic_of(obj),
        count=count,
    )
    if at is not None:
        # The trail is permanent through the site's manager; a test may still
        # date a row it has just written, through the base manager.
        AuditEvent._base_manager.filter(pk=event.pk).update(at=at)
    return event


def _listed(response) -> list[str]:
    return [line.words for line in response.context["lines"]]


def test_who_may_see_the_page(carol_client, alice_client, pat_client, staff_client, visitor_client):
    assert carol_client.get(URL).status_code == 200
    for client in (alice_client, pat_client, staff_client):
        assert client.get(URL).status_code == 403
    assert visitor_client.get(URL)["Location"].startswith(reverse("login"))


def test_only_the_clinics_own_rows_are_shown(carol_client, alice, bob, pat, quinn):
    _row(alice.user, "view", pat)
    _row(bob.user, "view", quinn)
    response = carol_client.get(URL)
    assert _listed(response) == [f"Alice Practitioner viewed patient #{pat.pk}"]
    assert "Bob" not in response.text


def test_rows_are_in_words_with_role_time_and_address(carol_client, alice, pat):
    _row(alice.user, "view", pat, at=datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("UTC")))
    _row(alice.user, "list", alice.clinic, count=7)
    html = carol_client.get(URL).text
    assert f"Alice Practitioner viewed patient #{pat.pk}" in html
    assert "Alice Practitioner listed 7 patients on the patient list" in html
    assert "practitioner" in html
    assert "1 Jul 2026, 10:30:00" in html  # London summer time
    assert "192.0.2.1" in html


def test_no_health_data_reaches_the_page(carol_client, alice, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    plan.note_for_patient = "Careful with the sore lower back"
    _row(alice.user, "update", plan)
    html = carol_client.get(URL).text
    assert f"Alice Practitioner changed plan #{plan.pk}" in html
    assert "sore lower back" not in html


def test_filter_by_person(carol_client, alice, carol, pat):
    _row(alice.user, "view", pat)
    _row(carol.user, "export", pat)
    # A failed sign-in names the account, not an actor: it is about alice too.
    _row(None, "sign_in_failed", alice.user)
    response = carol_client.get(URL, {"person": alice.user.pk})
    assert _listed(response) == [
        f"A sign-in to account #{alice.user.pk} failed",
        f"Alice Practitioner viewed patient #{pat.pk}",
    ]


def test_the_person_list_holds_only_this_clinics_people(carol_client, alice, pat, bob, quinn):
    field = carol_client.get(URL).context["form"].fields["person"]
    assert set(field.queryset) == {
        alice.user,
        pat.user,
        field.queryset.get(email="carol@a.example"),
    }
    assert carol_client.get(URL, {"person": bob.user.pk}).status_code == 400


def test_filter_by_patient_includes_their_plans(carol_client, alice, screened_pat, routine):
    other = Patient.objects.create(
        clinic=screened_pat.clinic,
        primary_practitioner=alice,
        full_name="Other Person",
        email="other@patients.example",
    )
    plan = make_plan(screened_pat, routine)
    _row(alice.user, "view", screened_pat)
    _row(alice.user, "view", plan)
    _row(alice.user, "view", other)
    _row(alice.user, "list", alice.clinic, count=2)
    response = carol_client.get(URL, {"patient": screened_pat.pk, "action": "view"})
    assert _listed(response) == [
        f"Alice Practitioner viewed plan #{plan.pk}",
        f"Alice Practitioner viewed patient #{screened_pat.pk}",
    ]


def test_filter_by_action_and_dates(carol_client, alice, pat):
    # Late on 1 March in London is already 2 March nowhere; early 3 March in
    # London is 3 March: the days are the clinic's.
    _row(alice.user, "view", pat, at=datetime(2026, 3, 1, 23, 30, tzinfo=LONDON))
    _row(alice.user, "export", pat, at=datetime(2026, 3, 2, 12, 0, tzinfo=LONDON))
    _row(alice.user, "view", pat, at=datetime(2026, 3, 3, 0, 30, tzinfo=LONDON))
    _row(alice.user, "view", pat, at=datetime(2026, 3, 4, 0, 30, tzinfo=LONDON))
    between = carol_client.get(URL, {"since": "2026-03-01", "until": "2026-03-03"})
    assert len(_listed(between)) == 3
    views = carol_client.get(URL, {"action": "view", "since": "2026-03-02", "until": "2026-03-03"})
    assert _listed(views) == [f"Alice Practitioner viewed patient #{pat.pk}"]


def test_dates_the_wrong_way_round_are_explained(carol_client):
    response = carol_client.get(URL, {"since": "2026-03-05", "until": "2026-03-01"})
    assert response.status_code == 400
    assert "The end date is before the start date" in response.text


@pytest.mark.parametrize(
    "query",
    [{"action": "drop table"}, {"since": "1066-10-14"}, {"page": "x"}, {"patient": "abc"}],
)
def test_filters_that_make_no_sense_are_a_400(carol_client, query):
    assert carol_client.get(URL, query).status_code == 400


def test_another_clinics_patient_cannot_be_a_filter(carol_client, quinn):
    assert carol_client.get(URL, {"patient": quinn.pk}).status_code == 400


def _queries(client, query) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.context["lines"])


def test_pages_are_cut_by_the_database_in_a_fixed_number_of_queries(carol_client, alice, pat):
    for _ in range(5):
        _row(alice.user, "view", pat)
    query = {"person": alice.user.pk, "patient": pat.pk, "action": "view"}
    five, shown = _queries(carol_client, query)
    assert shown == 5
    for _ in range(ROWS_PER_PAGE + 15):
        _row(alice.user, "view", pat)
    many, shown = _queries(carol_client, query)
    assert shown == ROWS_PER_PAGE
    assert five == many
    second = carol_client.get(URL, {**query, "page": 2})
    assert len(second.context["lines"]) == 20
    assert "Page 2 of 2" in second.text
    # The links to other pages keep the filters.
    assert f"person={alice.user.pk}" in second.text
    assert "page=1" in second.text


def test_the_form_is_a_plain_get_form(carol_client):
    html = carol_client.get(URL).text
    assert f'<form method="get" action="{URL}"' in html
    assert 'type="date"' in html


def test_clinic_admins_find_it_in_their_menu(carol_client, alice_client):
    assert f'href="{URL}"' in carol_client.get(reverse("practitioner-notifications")).text
    assert f'href="{URL}"' not in alice_client.get(reverse("practitioner-notifications")).text


def test_reading_the_trail_writes_no_rows(carol_client, alice, pat):
    _row(alice.user, "view", pat)
    carol_client.get(URL, {"patient": pat.pk})
    assert AuditEvent.objects.count() == 1


def test_refused_attempts_show_who_tried(carol_client, alice, pat, quinn):
    _row(alice.user, "refuse", quinn)
    # The row is alice's clinic's: she asked for Clinic B's patient.
    AuditEvent._base_manager.filter(action="refuse").update(clinic=alice.clinic)
    assert _listed(carol_client.get(URL)) == [f"Alice Practitioner was refused patient #{quinn.pk}"]


def test_every_filter_survives_paging_both_ways(carol_client, alice, pat):
    for _ in range(2 * ROWS_PER_PAGE + 1):
        _row(alice.user, "view", pat, at=datetime(2026, 3, 2, 12, 0, tzinfo=LONDON))
    query = {
        "person": str(alice.user.pk),
        "patient": str(pat.pk),
        "action": "view",
        "since": "2026-03-01",
        "until": "2026-03-03",
    }
    middle = carol_client.get(URL, {**query, "page": 2})
    assert "Page 2 of 3" in middle.text
    links = dict(re.findall(r'<a href="\?([^"]+)">(Newer|Older)</a>', middle.text))
    assert len(links) == 2
    for href, label in links.items():
        followed = parse_qs(href.replace("&amp;", "&"))
        assert followed == {
            **{key: [value] for key, value in query.items()},
            "page": ["1" if label == "Newer" else "3"],
        }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_page_cannot_change_the_trail(carol_client, alice, pat, method):
    event = _row(alice.user, "view", pat)
    response = getattr(carol_client, method)(URL, {"action": "delete"})
    assert response.status_code == 405
    # The page's own content (after the menu's sign-out form) has no form that posts.
    _, main = carol_client.get(URL).text.split("<main", 1)
    assert 'method="post"' not in main.lower()
    assert list(AuditEvent.objects.values_list("pk", "action")) == [(event.pk, "view")]
