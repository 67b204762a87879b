"""A save or delete of one care row (a service's, the admin's, a cascade's)
raises its patient's care version in the same transaction, so the flag stored
for them (``clinic.review.models.StoredFlag``) is known to be out of date.
Bulk writes send no signal: their writers call ``accounts.care.care_changed``.
A writer that raised it already for the whole change (``changing_care_of``,
the patient's day in ``clinic.usage.services``) spares the one UPDATE per row."""

from django.db.models.signals import post_delete, post_save

from accounts.care import care_changed
from clinic.plans.models import (
    Clearance,
    Plan,
    PlannedSession,
    Screening,
    ScreeningAnswer,
    ScreeningConfirmation,
)
from clinic.usage.models import SessionLog, SideEffectReport

# Each care model, and how to find its patient from one of its rows.
PATIENT_OF = {
    Plan: lambda row: {"pk": row.patient_id},
    PlannedSession: lambda row: {"pk": row.patient_id},
    Screening: lambda row: {"pk": row.patient_id},
    SideEffectReport: lambda row: {"pk": row.patient_id},
    Clearance: lambda row: {"plans": row.plan_id},
    ScreeningAnswer: lambda row: {"screenings": row.screening_id},
    ScreeningConfirmation: lambda row: {"screenings": row.screening_id},
    SessionLog: lambda row: {"planned_sessions": row.planned_session_id},
}


def _care_row_written(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixture brings its own versions
        return
    care_changed(**PATIENT_OF[sender](instance))


def connect() -> None:
    for model in PATIENT_OF:
        post_save.connect(_care_row_written, sender=model, dispatch_uid=f"care-{model.__name__}")
        post_delete.connect(
            _care_row_written, sender=model, dispatch_uid=f"care-gone-{model.__name__}"
        )
