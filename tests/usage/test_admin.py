"""The read-only admin for session logs and side-effect reports
(clinic/usage/admin.py): staff can look them up, nobody changes them there,
and no health data shows."""

from datetime import date
from uuid import uuid4

import pytest
from django.urls import reverse

from clinic.usage.models import SessionLog, SideEffectReport
from clinic.usage.services import LogDetails, check_off, report_side_effect, save_details
from tests.factories import make_plan

MONDAY = date(2026, 3, 2)


@pytest.fixture
def log(screened_pat, routine) -> SessionLog:
    plan = make_plan(screened_pat, routine, start=MONDAY, days=7, today=MONDAY)
    log, _ = check_off(plan.sessions.get(date=MONDAY), minutes_done=7, today=MONDAY)
    save_details(log, LogDetails(minutes_done=7, pain_before=9, note="Private words."))
    return log


@pytest.fixture
def report(log) -> SideEffectReport:
    return report_side_effect(
        log.planned_session.patient,
        codes=["bruising"],
        details="Private marks.",
        submission_key=uuid4(),
        session_log=log,
        today=MONDAY,
    ).report


def test_staff_see_logs_by_id_day_and_minutes_without_scores_or_notes(staff_client, log):
    listed = staff_client.get(reverse("admin:usage_sessionlog_changelist")).text
    assert '<td class="field-day nowrap">2 Mar 2026</td>' in listed
    assert '<td class="field-minutes_done">7</td>' in listed
    shown = staff_client.get(reverse("admin:usage_sessionlog_change", args=[log.pk])).text
    assert "2026-03-02" in shown
    for html in (listed, shown):
        assert "Private words." not in html
        assert "pain" not in html.lower()
        assert "relax" not in html.lower()


def test_staff_see_reports_by_patient_id_without_their_words_or_name(staff_client, report):
    patient = report.patient
    for page in (
        reverse("admin:usage_sideeffectreport_changelist"),
        reverse("admin:usage_sideeffectreport_change", args=[report.pk]),
    ):
        response = staff_client.get(page)
        assert response.status_code == 200
        html = response.text
        assert f">{patient.pk}<" in html
        for private in ("Private marks.", "Bruising", patient.full_name):
            assert private not in html


@pytest.mark.parametrize("model", ["sessionlog", "sideeffectreport"])
def test_nobody_adds_changes_or_deletes_them_in_the_admin(staff_client, report, model):
    obj = report if model == "sideeffectreport" else report.session_log
    change = reverse(f"admin:usage_{model}_change", args=[obj.pk])
    assert "Save" not in staff_client.get(change).text
    assert staff_client.post(change, {"minutes_done": "1", "details": "x"}).status_code == 403
    assert staff_client.get(reverse(f"admin:usage_{model}_add")).status_code == 403
    delete = reverse(f"admin:usage_{model}_delete", args=[obj.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert SessionLog.objects.get().minutes_done == 7
    assert SideEffectReport.objects.get().details == "Private marks."


def test_the_lists_are_for_staff_only(pat_client, log):
    response = pat_client.get(reverse("admin:usage_sessionlog_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
