"""The big benchmark data set (`make bench-data`, clinic/operations/big_data.py),
loaded tiny: its rows are ones the site's forms and models accept, its
patients can open Today, and its manifest says who to sign in as."""

import ast
import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import resolve
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.clock import patient_today
from accounts.models import Membership, Patient, User
from clinic.operations import bench_data, big_data
from clinic.operations.load_journeys import CHECK_OFF, DETAILS, URLS, People
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.plans.queries import gate_for, needs_screening
from clinic.plans.rules import stage_problems
from clinic.plans.schedule import build_schedule
from clinic.review.flags import refresh_stale_flags
from clinic.review.forms import FeedbackForm
from clinic.usage.forms import LogDetailsForm, SideEffectForm
from clinic.usage.models import Feedback, SessionLog, SideEffectReport
from clinic.visits.models import Appointment
from mats.seed import load_seed_content
from mats.services import needs_acknowledgement, published_stop_rules
from tests.factors import code_for

SIZE = {
    "clinics": 2,
    "patients_per_clinic": 4,
    "practitioners_per_clinic": 2,
    "days": 56,
    "scaling": "3",
    "scaling_days": 28,
    "long_history_days": 120,
}


@pytest.fixture
def loaded(db, tmp_path) -> tuple[dict, str]:
    load_seed_content()
    path = tmp_path / "manifest.json"
    out = StringIO()
    call_command("bench_data", manifest=path, not_a_real_clinic=True, stdout=out, **SIZE)
    return json.loads(path.read_text()), out.getvalue()


def test_manifest_names_every_clinic_person_and_the_special_patients(loaded):
    manifest, output = loaded
    assert [c["patients"] for c in manifest["clinics"]] == [4, 4, 3]
    assert [c["scaling"] for c in manifest["clinics"]] == [False, False, True]
    assert len(manifest["patients"]) == Patient.objects.count() == 11
    for entry in manifest["patients"]:
        patient = Patient.objects.get(pk=entry["id"])
        assert (patient.email, patient.clinic_id) == (entry["email"], entry["clinic_id"])
    assert len(manifest["practitioners"]) == 6
    assert len(manifest["clinic_admins"]) == 3
    for entry in manifest["practitioners"]:
        member = Membership.objects.get(user__email=entry["email"])
        assert (member.clinic_id, member.role) == (entry["clinic_id"], "practitioner")
    scaling = manifest["scaling"]["3"]
    assert Patient.objects.get(pk=scaling["patient_id"]).clinic_id == scaling["clinic_id"]
    assert (
        Membership.objects.get(user__email=scaling["practitioner_email"]).clinic_id
        == (scaling["clinic_id"])
    )
    long = Patient.objects.get(pk=manifest["long_history_patient"]["id"])
    first = long.plans.order_by("start_date").first().start_date
    assert (patient_today(long) - first).days >= 120 - big_data.VISIT_EVERY
    # The figures the command prints.
    assert "plans.PlannedSession" in output and f"in all ({connection.vendor})" in output


def test_everyone_signs_in_with_the_known_password_and_authenticator(loaded):
    manifest, _ = loaded
    for entry in [manifest["patients"][0], manifest["practitioners"][-1]]:
        user = User.objects.get(email=entry["email"])
        assert user.check_password(manifest["password"])
        assert not user.check_password("wrong")
    for entry in [*manifest["practitioners"], *manifest["clinic_admins"]]:
        device = TOTPDevice.objects.get(user__email=entry["email"], confirmed=True)
        assert device.key == manifest["totp_key_hex"]
    device = TOTPDevice.objects.get(user__email=manifest["practitioners"][0]["email"])
    # The code the load test works out is the one the device accepts.
    people = People(manifest)
    assert people.code(1_800_000_000) == code_for(device, at=1_800_000_000)
    assert device.verify_token(code_for(device))


def test_every_patient_can_open_today_with_one_current_plan(loaded):
    for patient in Patient.objects.select_related("clinic"):
        assert not needs_acknowledgement(patient)
        assert not needs_screening(patient)
        assert gate_for(patient)[0].may_start
        current = patient.plans.current().get()
        assert current.status in (PlanStatus.ACTIVE, PlanStatus.PAUSED)
        today = patient_today(patient)
        assert current.start_date <= today <= current.end_date
        # Today's session waits for the patient to tick it off.
        assert not SessionLog.objects.filter(
            planned_session__patient=patient, planned_session__date__gte=today
        ).exists()


def test_plans_and_sessions_are_the_ones_the_site_would_write(loaded):
    for plan in Plan.objects.prefetch_related("stages"):
        plan.full_clean()
        stages = plan.schedule_stages()
        assert stage_problems(stages) == []
        last = plan.paused_on - timedelta(days=1) if plan.paused_on else plan.end_date
        expected = [
            (d.day, d.week, d.stage_index, d.minutes, d.position, d.surface, d.clothing)
            for d in build_schedule(stages, plan.start_date, plan.end_date)
            if d.is_session and d.day <= last
        ]
        assert (
            list(
                plan.sessions.order_by("date").values_list(
                    "date", "week", "stage_order", "minutes", "position", "surface", "clothing"
                )
            )
            == expected
        )
    for model in (PlannedSession, Appointment):
        for row in model.objects.all()[:200]:
            row.full_clean()
    # Ended plans ended the day before the next visit, when the next plan began.
    ended = Plan.objects.filter(status=PlanStatus.ENDED)
    assert ended.exists()
    assert all(plan.ended_on == plan.end_date for plan in ended)


def test_logs_reports_and_feedback_pass_the_forms(loaded):
    rules = published_stop_rules()
    logs = SessionLog.objects.select_related("planned_session")
    assert logs.count() > 100
    for log in logs[:300]:
        log.full_clean()
        data = {
            "minutes_done": log.minutes_done or "",
            "pain_before": "" if log.pain_before is None else log.pain_before,
            "pain_after": "" if log.pain_after is None else log.pain_after,
            "relaxation": "" if log.relaxation is None else log.relaxation,
            "sensations": log.sensations,
            "note": log.note,
            "side_effect_details": "",
            "submission_key": "6f1c8c3e-2a4b-4c1e-9a51-6b7b8f0d2e11",
        }
        form = LogDetailsForm(data, stop_rules=rules)
        assert form.is_valid(), form.errors
        assert log.logged_at.date() >= log.planned_session.date - timedelta(days=1)
    reports = SideEffectReport.objects.all()
    assert reports.exists()
    for report in reports:
        report.full_clean()
        form = SideEffectForm(
            {
                "side_effects": [entry["code"] for entry in report.symptoms],
                "details": report.details,
                "submission_key": str(report.submission_key),
            },
            stop_rules=rules,
        )
        assert form.is_valid(), form.errors
        assert not report.pauses_plan
    feedback = Feedback.objects.all()
    assert feedback.exists()
    for message in feedback:
        message.full_clean()
        assert FeedbackForm({"message": message.message}).is_valid()


def test_refuses_a_database_that_is_not_a_bench_database(db):
    with pytest.raises(CommandError, match="does not look like a bench database"):
        call_command("bench_data", clinics=1, stdout=StringIO())
    assert not Patient.objects.exists()


def test_load_test_refuses_other_hosts_than_loopback(db):
    with pytest.raises(CommandError, match="loopback only"):
        call_command("load_test", host="203.0.113.9", stdout=StringIO())


def test_the_journeys_urls_resolve_to_the_pages_they_mean():
    names = {
        "sign-in": "login",
        "second factor": "factor-verify",
        "today": "patient-home",
        "tick off": "session-check-off",
        "save details": "session-details",
        "side effect form": "side-effect-report",
        "plan": "patient-plan",
        "patient list": "patient-list",
        "review": "patient-review",
        "feedback": "review-feedback",
    }
    assert set(URLS) == set(names)
    for key, url in URLS.items():
        assert resolve(url.format(pk=7)).url_name == names[key]


def test_the_locustfile_uses_only_known_journeys_and_has_both_people():
    # Locust itself is in the bench group, not installed for `make test`:
    # read the file rather than import it (make load imports it for real).
    path = Path(big_data.__file__).with_name("locustfile.py")
    tree = ast.parse(path.read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    assert {"Patient", "Practitioner"} <= set(classes)
    used = {
        node.slice.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "URLS"
    }
    assert used <= set(URLS)
    assert {"sign-in", "second factor", "today", "side effect form", "plan"} <= used
    assert {"patient list", "review", "feedback"} <= used
    # Ticking off and saving details post to the forms' own actions on Today.
    assert CHECK_OFF.search(f'action="{URLS["tick off"].format(pk=7)}"')
    assert DETAILS.search(f'action="{URLS["save details"].format(pk=7)}"')


def test_people_are_handed_out_once_each_with_their_own_address():
    manifest = {
        "password": "x",
        "totp_key_hex": "00" * 20,
        "clinics": [{"id": 1, "scaling": False}, {"id": 2, "scaling": True}],
        "practitioners": [{"email": "a@x", "clinic_id": 1}, {"email": "b@x", "clinic_id": 2}],
        "patients": [{"email": f"p{n}@x", "id": n, "clinic_id": 1 + n % 2} for n in range(6)],
    }
    people = People(manifest)
    handed = [people.next_patient()["email"] for _ in range(3)]
    assert handed == ["p0@x", "p2@x", "p4@x"]  # the scaling clinic's patients stay out
    assert people.next_practitioner()["email"] == "a@x"
    addresses = {people.next_address() for _ in range(600)}
    assert len(addresses) == 600


def test_most_patients_have_reminders_on_so_the_scan_has_people_due(loaded):
    patients = list(Patient.objects.select_related("clinic", "reminder_settings"))
    chosen = [p for p in patients if hasattr(p, "reminder_settings")]
    on = [p for p in chosen if p.reminder_settings.reminders_on]
    assert len(on) >= len(patients) * 6 // 10
    assert len(on) < len(chosen) < len(patients)  # some chose "not now", some not yet
    # The bench's scan (bench_data.arm) makes due at one instant everyone with
    # reminders on who has an active plan and a session on their today.
    due = timezone.now().replace(second=0, microsecond=0)
    armed = bench_data.arm(due.isoformat())
    expected = []
    for patient in on:
        today = patient_today(patient, due)
        if PlannedSession.objects.filter(
            patient=patient, date=today, plan__status=PlanStatus.ACTIVE
        ).exists():
            expected.append(patient.email)
    assert armed["due"] == sorted(expected)


def test_the_patient_lists_flags_are_stored_as_the_worker_keeps_them(loaded):
    # Nothing out of date: the benchmark's list measures the list, not the
    # first catch-up of every flag.
    now = timezone.now()
    assert Patient.objects.exists()
    assert not Patient.objects.filter(flag_until__lte=now).exists()
    assert refresh_stale_flags(now) == 0
