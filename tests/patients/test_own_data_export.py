"""The patient downloads everything the site holds about them from Settings
(clinic.patients.own_data, own_data_files, own_data_views): every section,
theirs alone, as JSON and as a spreadsheet-safe CSV, audited, never cached,
in the same number of queries however long their history."""

import csv
import io
import json
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, Patient
from clinic.patients.own_data_files import SCHEMA, SCHEMA_VERSION
from clinic.reminders import feed
from clinic.reminders.services import create_or_reset_feed
from clinic.usage.models import SessionLog
from tests.factories import audit_mark, audit_since
from tests.patients.helpers import plant_history
from tests.sudo import confirmed


@pytest.fixture
def pat_client(pat_client):
    """Pat confirmed it is them a moment ago (the sudo moment is tested in
    tests/accounts/test_sudo_protected_views.py)."""
    return confirmed(pat_client)


JSON_URL = reverse("own-data-json")
CSV_URL = reverse("own-data-csv")

SECTIONS = (
    "account",
    "plans",
    "side_effect_reports",
    "safety_screenings",
    "safety_acknowledgements",
    "reminders",
    "reminders_sent",
    "calendar_feed",
    "visits",
    "feedback",
    "invitations",
    "deletion_requests",
    "record_access",
)
CSV_BLOCKS = (
    "About this file",
    "Your account",
    "Sessions",
    "Plans",
    "Plan stages",
    "Clearances on plans",
    "Side-effect reports",
    "Safety questions",
    "Safety guidance read",
    "Reminder choices",
    "Reminders sent",
    "Visits",
    "Messages from your practitioner",
    "Invitations",
    "Requests to delete your account",
    "Who opened or changed your record",
)


@pytest.fixture
def world(pat, quinn, alice, bob, clinic_a, routine, safety, alice_client, bob_client):
    """Pat's history marked PAT; Quinn's (Clinic B) marked QUINN; Olive's
    (Pat's own clinic) marked OLIVE. Alice opened Pat's and Olive's pages, Bob Quinn's."""
    olive = Patient.objects.create(
        clinic=clinic_a,
        primary_practitioner=alice,
        full_name="Olive Other",
        email="olive@patients.example",
    )
    plant_history(pat, routine, safety, mark="PAT")
    plant_history(quinn, routine, safety, mark="QUINN")
    plant_history(olive, routine, safety, mark="OLIVE")
    alice_client.get(reverse("patient-detail", args=[pat.pk]))
    alice_client.get(reverse("patient-detail", args=[olive.pk]))
    bob_client.get(reverse("patient-detail", args=[quinn.pk]))
    return {"olive": olive}


def _json(client) -> dict:
    response = client.get(JSON_URL)
    assert response.status_code == 200
    return json.loads(response.content.decode("utf-8"))


def _csv_blocks(client) -> dict[str, list[list[str]]]:
    """The CSV's blocks by title: each block's rows after its title, header first."""
    response = client.get(CSV_URL)
    assert response.status_code == 200
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    found: dict[str, list[list[str]]] = {}
    title = None
    for row in rows:
        if not row:
            title = None
        elif title is None:
            (title,) = row
            found[title] = []
        else:
            found[title].append(row)
    return found


def _records(block: list[list[str]]) -> list[dict[str, str]]:
    header, *rows = block
    return [dict(zip(header, row, strict=True)) for row in rows]


# --- Content ------------------------------------------------------------------------


def test_the_json_holds_every_section_with_what_was_planted(pat_client, pat, world):
    doc = _json(pat_client)
    assert (doc["schema"], doc["schema_version"]) == (SCHEMA, SCHEMA_VERSION)
    assert list(doc)[:5] == ["schema", "schema_version", "exported_at", "time_zone", "account"]
    assert set(SECTIONS) <= set(doc)
    datetime.fromisoformat(doc["exported_at"])
    assert (doc["account"]["name"], doc["account"]["email"]) == (pat.full_name, pat.email)
    assert (doc["account"]["clinic"], doc["account"]["practitioner"]) == (
        "Clinic A",
        "Alice Practitioner",
    )
    (plan,) = doc["plans"]
    date.fromisoformat(plan["first_day"])
    assert plan["stages"] and plan["stages"][0]["stage"] == 1
    assert plan["clearances"][0]["reason"] == "PAT clearance reason"
    logs = [session["log"] for session in plan["sessions"] if session["log"]]
    assert len(logs) == 3
    assert (logs[0]["pain_before"], logs[0]["pain_after"], logs[0]["relaxation"]) == (6, 3, 7)
    assert logs[0]["note"] == "PAT session note"
    datetime.fromisoformat(logs[0]["ticked_off_at"])
    assert {session["done"] for session in plan["sessions"]} >= {"yes", "no", "not yet"}
    (report,) = doc["side_effect_reports"]
    assert (report["signs"], report["in_your_own_words"]) == (["Bruising"], "PAT side effect")
    (screening,) = doc["safety_screenings"]
    answers = {answer["question"]: answer["answer"] for answer in screening["answers"]}
    assert "yes" in answers.values() and all(len(question) > 10 for question in answers)
    assert doc["safety_acknowledgements"][0]["version"] == 1
    assert doc["reminders"]["remind_at"] == "07:30"
    assert doc["calendar_feed"]["made_at"]
    assert doc["visits"][0]["note"] == "PAT visit note"
    assert (doc["feedback"][0]["message"], doc["feedback"][0]["from"]) == (
        "PAT feedback",
        "Alice Practitioner",
    )
    assert doc["deletion_requests"][0]["message"] == "PAT deletion message"
    viewed = [row for row in doc["record_access"] if row["action"] == "view"]
    assert [(row["who"], row["role"], row["what"]) for row in viewed] == [
        ("Alice Practitioner", "practitioner", "Viewed your record")
    ]
    datetime.fromisoformat(viewed[0]["at"])
    assert {"You", "Alice Practitioner"} <= {row["who"] for row in doc["record_access"]}


def test_the_csv_holds_every_block_with_what_was_planted(pat_client, pat, world):
    found = _csv_blocks(pat_client)
    assert tuple(found) == CSV_BLOCKS
    account = dict(found["Your account"][1:])
    assert (account["Name"], account["Clinic"], account["Practitioner"]) == (
        pat.full_name,
        "Clinic A",
        "Alice Practitioner",
    )
    sessions = _records(found["Sessions"])
    done = [row for row in sessions if row["Done"] == "yes"]
    assert len(done) == 3
    assert (done[0]["Pain before (0-10)"], done[0]["Note"]) == ("6", "PAT session note")
    for row in sessions:
        date.fromisoformat(row["Date"])
    assert _records(found["Side-effect reports"])[0]["In your own words"] == "PAT side effect"
    assert {row["Answer"] for row in _records(found["Safety questions"])} == {"yes", "no"}
    assert _records(found["Visits"])[0]["Note"] == "PAT visit note"
    assert _records(found["Messages from your practitioner"])[0]["Message"] == "PAT feedback"
    assert _records(found["Clearances on plans"])[0]["Reason"] == "PAT clearance reason"
    assert ["Reminder emails", "on"] in found["Reminder choices"]
    access = _records(found["Who opened or changed your record"])
    assert {"Who": "Alice Practitioner", "Role": "Practitioner"}.items() <= next(
        row for row in access if row["What"] == "Viewed your record"
    ).items()
    assert found["Reminders sent"][1:] == [["(none)"]]


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_no_one_elses_data_appears(pat_client, world, bob, url):
    text = pat_client.get(url).content.decode("utf-8-sig")
    assert "PAT feedback" in text
    for theirs in ("QUINN", "OLIVE", "Quinn Patient", "Olive Other", "Bob Practitioner"):
        assert theirs not in text, theirs
    assert f"/patients/{world['olive'].pk}/" not in text


def test_a_new_patient_gets_every_section_empty(pat_client, pat):
    doc = _json(pat_client)
    assert set(SECTIONS) <= set(doc)
    assert doc["plans"] == [] and doc["reminders"] is None and doc["calendar_feed"] is None
    assert tuple(_csv_blocks(pat_client)) == CSV_BLOCKS


# --- Spreadsheet safety --------------------------------------------------------------


@pytest.mark.parametrize("note", ['=HYPERLINK("http://x.example")', "+1", "-2+3", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_is_defused(pat_client, pat, routine, safety, note):
    plant_history(pat, routine, safety, mark="PAT", ticks=1)
    SessionLog.objects.update(note=note)
    sessions = _records(_csv_blocks(pat_client)["Sessions"])
    assert [row["Note"] for row in sessions if row["Done"] == "yes"] == [f"'{note}"]
    # The JSON keeps the text as written: it is data, not a spreadsheet.
    (plan,) = _json(pat_client)["plans"]
    assert [s["log"]["note"] for s in plan["sessions"] if s["log"]] == [note]


# --- The answer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "content_type", "extension"),
    [
        (JSON_URL, "application/json; charset=utf-8", "json"),
        (CSV_URL, "text/csv; charset=utf-8", "csv"),
    ],
)
def test_a_dated_attachment_that_is_never_cached(
    pat_client, pat, url, content_type, extension, time_machine
):
    time_machine.move_to(datetime.fromisoformat("2026-06-01T10:00:00+01:00"), tick=False)
    response = confirmed(pat_client).get(url)  # confirmed at the moved clock's time
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-mat-data-2026-06-01.{extension}"'
    )
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_each_download_writes_one_audit_row_with_ids_only(pat_client, pat, world, url):
    mark = audit_mark()
    text = pat_client.get(url).content.decode("utf-8-sig")
    (event,) = audit_since(mark)
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "export",
        "accounts.patient",
        pat.pk,
        pat.user,
    )
    assert event.path == url
    for health in ("PAT", "Bruising", pat.full_name):
        assert health not in event.path
    assert "PAT session note" in text


# --- Who may download ------------------------------------------------------------------


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_a_visitor_is_sent_to_sign_in(visitor_client, url):
    response = visitor_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_practitioners_and_staff_are_refused(alice_client, staff_client, pat, url):
    assert alice_client.get(url).status_code == 403
    assert staff_client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_a_post_is_refused_and_writes_nothing(pat_client, pat, url):
    mark = audit_mark()
    assert pat_client.post(url).status_code == 405
    assert not audit_since(mark).exists()


# --- Queries -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_the_number_of_queries_does_not_grow_with_the_history(
    pat_client, pat, quinn, routine, safety, url
):
    plant_history(pat, routine, safety, mark="PAT", days_ago=3, days=7, ticks=1)
    assert pat.planned_sessions.count() <= 4
    small = _queries(pat_client, url)
    # Quinn's history as well as a much longer one of Pat's (the plan before,
    # ended by the new one): ten times the sessions, and more logs and audit rows.
    for patient in (pat, quinn):
        plant_history(
            patient,
            routine,
            safety,
            mark="MORE",
            days_ago=20,
            days=84,
            ticks=9,
            ask=patient == quinn,
        )
    assert Patient.objects.get(pk=pat.pk).plans.count() == 2
    assert pat.planned_sessions.count() >= 30
    large = _queries(pat_client, url)
    assert large == small
    assert small <= 25


def test_calendar_app_fetches_are_named_as_such_without_the_address(pat_client, pat):
    made, _ = create_or_reset_feed(pat)
    token = feed.token_for(made)
    pat_client.get(reverse("calendar-feed", args=[token]))
    doc = json.loads(pat_client.get(JSON_URL).content)
    fetched = [row for row in doc["record_access"] if row["role"] == "calendar"]
    assert [(row["who"], row["what"]) for row in fetched] == [
        ("Your calendar app", "Viewed your planned sessions")
    ]
    assert token.partition("-")[2] not in json.dumps(doc)
