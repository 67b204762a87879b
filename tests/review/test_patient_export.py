"""The CSV export of one patient's sessions, for the clinic's records: one row
per planned session, ISO dates, formulas defused, audited, never cached."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import AuditEvent
from clinic.review.export import HEADER, csv_cell
from tests.review.test_patient_review import _plan, _report, _tick
from tests.sudo import confirmed


@pytest.fixture
def alice_client(alice_client):
    """Alice confirmed it is her a moment ago (the sudo moment is tested in
    tests/accounts/test_sudo_protected_views.py)."""
    return confirmed(alice_client)


def _export(client, patient) -> tuple[object, list[dict]]:
    response = client.get(reverse("patient-export", args=[patient.pk]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return response, list(csv.DictReader(io.StringIO(text)))


def test_patient_from_other_clinic_is_404(bob_client, pat):
    assert bob_client.get(reverse("patient-export", args=[pat.pk])).status_code == 404


def test_one_row_per_planned_session_with_iso_dates(alice_client, screened_pat, routine):
    plan = _plan(screened_pat, routine, days_ago=8)
    sessions = list(plan.sessions.order_by("date"))
    _tick(sessions[0], before=6, after=4, relaxation=7, note="Warm.")
    response, rows = _export(alice_client, screened_pat)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    assert tuple(rows[0]) == HEADER
    assert len(rows) == plan.sessions.count()
    assert [row["date"] for row in rows] == [s.date.isoformat() for s in sessions]
    for row in rows:
        date.fromisoformat(row["date"])
        date.fromisoformat(row["plan_first_day"])
    first = rows[0]
    assert (first["done"], first["pain_before"], first["pain_after"]) == ("yes", "6", "4")
    assert (first["relaxation"], first["note"], first["plan_week"]) == ("7", "Warm.", "1")
    assert first["ticked_off_at"].startswith(f"{sessions[0].date.isoformat()}T12:00")
    today = patient_today(screened_pat)
    assert {row["done"] for row in rows if date.fromisoformat(row["date"]) < today} == {
        "yes",
        "no",
    }
    assert {row["done"] for row in rows if date.fromisoformat(row["date"]) > today} == {"not yet"}


def test_side_effects_appear_on_their_days_row(alice_client, screened_pat, routine):
    plan = _plan(screened_pat, routine, days_ago=4)
    session = plan.sessions.order_by("date").first()
    _report(screened_pat, details="Small bruise.", day=session.date)
    _, rows = _export(alice_client, screened_pat)
    assert rows[0]["side_effects"] == "Bruising: Small bruise."


@pytest.mark.parametrize("note", ['=HYPERLINK("http://x.example")', "+1", "-2+3", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_is_defused(alice_client, screened_pat, routine, note):
    plan = _plan(screened_pat, routine, days_ago=2)
    _tick(plan.sessions.order_by("date").first(), note=note)
    _, rows = _export(alice_client, screened_pat)
    assert rows[0]["note"] == f"'{note}"


def test_csv_cell():
    assert csv_cell(None) == ""
    assert csv_cell(5) == "5"
    assert csv_cell("Warm.") == "Warm."
    assert csv_cell("\tx") == "'\tx"


def test_every_plan_is_exported_and_the_export_is_audited(
    alice_client, alice, screened_pat, routine
):
    first = _plan(screened_pat, routine, days_ago=10, days=7)
    second = _plan(screened_pat, routine, days_ago=3, days=7)
    _, rows = _export(alice_client, screened_pat)
    assert len(rows) == first.sessions.count() + second.sessions.count()
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.object_id, event.actor) == (
        "accounts.patient",
        screened_pat.pk,
        alice.user,
    )
    assert screened_pat.full_name not in event.path


def test_a_patient_with_no_sessions_gets_just_the_header(alice_client, pat):
    _, rows = _export(alice_client, pat)
    assert rows == []
