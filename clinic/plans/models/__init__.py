"""Plans, their stages and days, clearances, and safety screenings."""

from clinic.plans.models.plans import (
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
from clinic.plans.models.screening import Screening, ScreeningAnswer, ScreeningConfirmation

__all__ = [
    "CURRENT_STATUSES",
    "MAX_PLAN_DAYS",
    "MAX_PLAN_WEEKS",
    "NOTE_FOR_PATIENT_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "Clearance",
    "Plan",
    "PlanStage",
    "PlanStatus",
    "PlannedSession",
    "Screening",
    "ScreeningAnswer",
    "ScreeningConfirmation",
]
