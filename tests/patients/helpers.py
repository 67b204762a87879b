"""A patient's whole history, planted with marked words, for the tests of the
patient's own data (clinic.patients.own_data and its views)."""

from datetime import time, timedelta
from uuid import uuid4

from django.utils import timezone

from accounts.audit import Actor
from accounts.clock import patient_today
from accounts.models import Patient
from clinic.notifications.preferences import set_reminders
from clinic.patients.services import request_deletion
from clinic.reminders.services import create_or_reset_feed
from clinic.review.services import leave_feedback
from clinic.usage.rules import LogDetails
from clinic.usage.services import check_off, report_side_effect, save_details
from clinic.visits.services import record_visit
from mats.services import acknowledge_safety_version
from tests.factories import make_plan, screen


def plant_history(
    patient: Patient,
    routine,
    safety,
    *,
    mark: str,
    days_ago: int = 8,
    days: int = 28,
    ticks=3,
    ask=True,
):
    """A plan of ``days`` days begun ``days_ago`` days ago with ``ticks`` sessions ticked off,
    and one of every other kind of record, each text starting with ``mark``
    (a request to delete the account only if ``ask``)."""
    practitioner = Actor(user=patient.primary_practitioner.user, path="/planted/")
    acknowledge_safety_version(patient, safety)
    screen(patient, yes=["pregnancy"], recorded_by=practitioner.user)
    today = patient_today(patient)
    start = today - timedelta(days=days_ago)
    plan = make_plan(
        patient,
        routine,
        start=start,
        days=days,
        today=start,
        clearances={"pregnancy": f"{mark} clearance reason"},
    )
    for session in list(plan.sessions.filter(date__lt=today).order_by("date"))[:ticks]:
        log, _ = check_off(session, today=session.date, actor=Actor(user=patient.user))
        save_details(
            log,
            LogDetails(pain_before=6, pain_after=3, relaxation=7, note=f"{mark} session note"),
        )
    report_side_effect(
        patient, codes=["bruising"], details=f"{mark} side effect", submission_key=uuid4()
    )
    set_reminders(
        patient, reminders_on=True, remind_at=time(7, 30), nudge_on=False, actor=practitioner
    )
    create_or_reset_feed(patient)
    record_visit(
        patient,
        visited_at=timezone.now() - timedelta(days=days_ago),
        note=f"{mark} visit note",
        actor=practitioner,
    )
    leave_feedback(patient, f"{mark} feedback", actor=practitioner)
    if ask:
        request_deletion(patient, message=f"{mark} deletion message")
    return plan
