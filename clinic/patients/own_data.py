"""Everything the site holds about one patient, for the patient to download
from Settings: read in one call, ``own_data``, in a fixed number of queries
however long their history (each kind of record is one query, its parts
prefetched). ``clinic.patients.own_data_files`` turns it into the JSON and
CSV files; neither reads the database again.

This module reads from every care app, which is why it lives in
``clinic.patients``, the app above them all.

Left out on purpose: secrets (the password's hash, the calendar address's
key, invitation links), the email the site sent (its bodies are cleared once
sent; ``reminders_sent`` lists what went out), and other people's records.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Model, Prefetch, Q

from accounts.clock import patient_today
from accounts.models import AuditEvent, DeletionRequest, Invitation, Patient
from clinic.notifications.models import ReminderSettings
from clinic.plans.models import (
    Clearance,
    Plan,
    PlannedSession,
    Screening,
    ScreeningAnswer,
    ScreeningConfirmation,
)
from clinic.reminders.models import CalendarFeed, SentReminder
from clinic.usage.models import Feedback, SessionLog, SideEffectReport
from clinic.visits.models import Appointment
from mats.models import SafetyAcknowledgement


@dataclass(frozen=True)
class OwnData:
    patient: Patient  # with its clinic, practitioner and account
    now: datetime
    today: date  # the patient's
    plans: list[Plan]  # oldest first; .stages, .clearances and .sessions (with .log) prefetched
    side_effect_reports: list[SideEffectReport]  # oldest first
    screenings: list[Screening]  # oldest first; .answers prefetched
    safety_acknowledgements: list[SafetyAcknowledgement]
    reminder_settings: ReminderSettings | None  # None: never chosen
    reminders_sent: list[SentReminder]
    calendar_feed: CalendarFeed | None
    visits: list[Appointment]  # oldest first
    feedback: list[Feedback]  # oldest first
    invitations: list[Invitation]
    deletion_requests: list[DeletionRequest]
    record_access: list[AuditEvent]  # oldest first; .actor with membership and patient


def own_data(patient: Patient, now: datetime) -> OwnData:
    """Every record of ``patient``'s, and nobody else's: each query starts
    from the patient (or from ids read from their own rows)."""
    patient = Patient.objects.select_related("clinic", "primary_practitioner__user", "user").get(
        pk=patient.pk
    )
    plans = list(
        Plan.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related(
            "stages",
            Prefetch("clearances", queryset=Clearance.objects.select_related("cleared_by")),
            Prefetch(
                "sessions",
                queryset=PlannedSession.objects.select_related("log").order_by("date"),
            ),
        )
        .order_by("start_date", "pk")
    )
    screenings = list(
        Screening.objects.filter(patient=patient)
        .select_related("recorded_by", "confirmation__confirmed_by")
        .prefetch_related(Prefetch("answers", queryset=ScreeningAnswer.objects.order_by("pk")))
        .order_by("taken_at", "pk")
    )
    reports = list(SideEffectReport.objects.filter(patient=patient).order_by("reported_at", "pk"))
    acknowledgements = list(
        SafetyAcknowledgement.objects.filter(patient=patient)
        .select_related("version")
        .order_by("acknowledged_at", "pk")
    )
    visits = list(
        Appointment.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("starts_at", "pk")
    )
    feedback = list(
        Feedback.objects.filter(patient=patient)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    feed = CalendarFeed.objects.filter(patient=patient).first()
    settings = ReminderSettings.objects.filter(patient=patient).first()
    invitations = list(Invitation.objects.filter(patient=patient).order_by("created_at", "pk"))
    deletion_requests = list(
        DeletionRequest.objects.filter(patient=patient)
        .select_related("handled_by")
        .order_by("requested_at", "pk")
    )
    return OwnData(
        patient=patient,
        now=now,
        today=patient_today(patient, now),
        plans=plans,
        side_effect_reports=reports,
        screenings=screenings,
        safety_acknowledgements=acknowledgements,
        reminder_settings=settings,
        reminders_sent=list(
            SentReminder.objects.filter(patient=patient).order_by("day", "kind", "pk")
        ),
        calendar_feed=feed,
        visits=visits,
        feedback=feedback,
        invitations=invitations,
        deletion_requests=deletion_requests,
        record_access=_record_access(patient),
    )


def _record_access(patient: Patient) -> list[AuditEvent]:
    """The audit rows about the patient's record or any of their rows, in
    one query however many, oldest first (see ``about_patient``)."""
    return list(
        AuditEvent.objects.filter(about_patient(patient.pk))
        .select_related("actor__membership", "actor__patient")
        .order_by("at", "pk")
    )


def about_patient(patient_id: int) -> Q:
    """Audit rows about patient ``patient_id``'s record or any of their rows
    (a subquery per kind of row): who read, exported or changed them.

    Rows about something since deleted (an undone check-off's log) cannot be
    matched to the patient by id and are left out; so are lists, which name
    how many patients were shown, never who."""
    theirs: list[tuple[type[Model], object]] = [
        (Patient, [patient_id]),
        (Plan, Plan.objects.filter(patient_id=patient_id)),
        (Clearance, Clearance.objects.filter(plan__patient_id=patient_id)),
        (SessionLog, SessionLog.objects.filter(planned_session__patient_id=patient_id)),
        (SideEffectReport, SideEffectReport.objects.filter(patient_id=patient_id)),
        (Screening, Screening.objects.filter(patient_id=patient_id)),
        (
            ScreeningConfirmation,
            ScreeningConfirmation.objects.filter(screening__patient_id=patient_id),
        ),
        (SafetyAcknowledgement, SafetyAcknowledgement.objects.filter(patient_id=patient_id)),
        (Appointment, Appointment.objects.filter(patient_id=patient_id)),
        (Feedback, Feedback.objects.filter(patient_id=patient_id)),
        (Invitation, Invitation.objects.filter(patient_id=patient_id)),
        (DeletionRequest, DeletionRequest.objects.filter(patient_id=patient_id)),
        (CalendarFeed, CalendarFeed.objects.filter(patient_id=patient_id)),
        (ReminderSettings, ReminderSettings.objects.filter(patient_id=patient_id)),
    ]
    about_them = Q()
    for model, rows in theirs:
        pks = rows if isinstance(rows, list) else rows.values("pk")
        about_them |= Q(object_type=model._meta.label_lower, object_id__in=pks)
    return about_them
