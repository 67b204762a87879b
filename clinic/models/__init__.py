"""The care side: needling appointments, screenings, between-visit plans and
what the patient logged."""

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
from clinic.models.review import FEEDBACK_MAX_LENGTH, Feedback
from clinic.models.screening import Screening, ScreeningAnswer, ScreeningConfirmation
from clinic.models.usage import (
    LOG_NOTE_MAX_LENGTH,
    SCORE_MAX,
    SIDE_EFFECT_DETAILS_MAX_LENGTH,
    Sensation,
    SessionLog,
    SideEffectReport,
)
from clinic.models.visits import NOTE_MAX_LENGTH, Appointment

__all__ = [
    "CURRENT_STATUSES",
    "FEEDBACK_MAX_LENGTH",
    "LOG_NOTE_MAX_LENGTH",
    "MAX_PLAN_DAYS",
    "MAX_PLAN_WEEKS",
    "NOTE_FOR_PATIENT_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "SCORE_MAX",
    "SIDE_EFFECT_DETAILS_MAX_LENGTH",
    "Appointment",
    "Clearance",
    "Feedback",
    "Plan",
    "PlanStage",
    "PlanStatus",
    "PlannedSession",
    "Screening",
    "ScreeningAnswer",
    "ScreeningConfirmation",
    "Sensation",
    "SessionLog",
    "SideEffectReport",
]
