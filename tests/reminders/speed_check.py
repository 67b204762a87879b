"""Not collected: times the scan at 10,000 due patients (run by path on PostgreSQL)."""

import os
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Patient, User
from clinic.notifications.models import OutgoingEmail, ReminderSettings
from clinic.plans.models import Plan, PlannedSession, PlanStatus, Screening, ScreeningAnswer
from clinic.reminders.models import SentReminder
from clinic.reminders.scan import send_due
from mats.models import SafetyAcknowledgement
from mats.services import current_safety_version, published_contraindications

N = int(os.environ.get("N", 10_000))
DAY = date(2026, 6, 10)


TIMES = {}


def _timed(module, name):
    import functools

    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = clock.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[name] = TIMES.get(name, 0) + clock.perf_counter() - started

    setattr(module, name, wrapper)


def test_speed(alice, safety, django_capture_on_commit_callbacks, settings):
    from clinic.reminders import reminder_email, scan

    for name in [
        "_daily_candidates",
        "_nudge_candidates",
        "_store",
        "_claim",
        "_link",
        "_held_or_waiting",
        "_zones_in_use",
        "store_batch",
    ]:
        _timed(scan, name)
    _timed(reminder_email.Composer, "message")
    from django.db.models import QuerySet

    _timed(QuerySet, "bulk_create")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    version = current_safety_version()
    codes = [entry.code for entry in published_contraindications()]
    users = User.objects.bulk_create(
        User(email=f"p{i}@bulk.example", full_name=f"P{i} Person", password="!") for i in range(N)
    )
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=alice.clinic,
            primary_practitioner=alice,
            user=user,
            full_name=user.full_name,
            email=user.email,
            time_zone=["", "America/New_York", "Europe/Paris"][i % 3] if False else "",
        )
        for i, user in enumerate(users)
    )
    ReminderSettings.objects.bulk_create(
        ReminderSettings(patient=p, reminders_on=True, remind_at=time(8, 0)) for p in patients
    )
    screenings = Screening.objects.bulk_create(
        Screening(patient=p, source="clinic", safety_version_number=version.number)
        for p in patients
    )
    ScreeningAnswer.objects.bulk_create(
        ScreeningAnswer(screening=s, code=code, question="?", answer=False)
        for s in screenings
        for code in codes
    )
    SafetyAcknowledgement.objects.bulk_create(
        SafetyAcknowledgement(patient=p, version=version) for p in patients
    )
    plans = Plan.objects.bulk_create(
        Plan(
            patient=p,
            template_name="Bulk",
            template_slug="bulk",
            start_date=DAY,
            end_date=DAY + timedelta(days=27),
            status=PlanStatus.ACTIVE,
            submission_key=uuid4(),
        )
        for p in patients
    )
    PlannedSession.objects.bulk_create(
        PlannedSession(
            plan=plan,
            patient_id=plan.patient_id,
            date=DAY + timedelta(days=d),
            week=1,
            stage_order=0,
            minutes=10,
            position="Feet",
            surface="bed",
            clothing="thin",
        )
        for plan in plans
        for d in range(2)
    )
    now = datetime(2026, 6, 10, 7, 0, 5, tzinfo=UTC)
    started = clock.perf_counter()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        if os.environ.get("PROFILE"):
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
        stored = send_due(now)
        if os.environ.get("PROFILE"):
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    elapsed = clock.perf_counter() - started
    print(f"\nstored {stored} in {elapsed:.2f} s, {len(queries)} queries")
    print({k: round(v, 2) for k, v in TIMES.items()})
    assert stored == N
    assert SentReminder.objects.count() == N
    assert OutgoingEmail.objects.count() == N
    started = clock.perf_counter()
    assert send_due(now + timedelta(minutes=1)) == 0
    print(f"second scan {clock.perf_counter() - started:.2f} s")
