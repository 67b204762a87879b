"""The care side: needling appointments, screenings and between-visit plans."""

from clinic.models.plans import (
    CURRENT_STATUSES,
    MAX_PLAN_DAYS,
    MAX_PLAN_WEEKS,
    NOTE_FOR_PATIENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Clearance,
    Plan,
    PlannedSession,
    PlanStage,
    PlanStatus,
)
from clinic.models.screening import Screening, ScreeningAnswer
from clinic.models.visits import NOTE_MAX_LENGTH, Appointment

__all__ = [
    "CURRENT_STATUSES",
    "MAX_PLAN_DAYS",
    "MAX_PLAN_WEEKS",
    "NOTE_FOR_PATIENT_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "Appointment",
    "Clearance",
    "Plan",
    "PlanStage",
    "PlanStatus",
    "PlannedSession",
    "Screening",
    "ScreeningAnswer",
]
