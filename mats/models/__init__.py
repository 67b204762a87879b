"""The mat itself: the curated library, the versioned safety content and,
later, the usage log patients write."""

from mats.models.library import (
    BodyRegion,
    Clothing,
    Illustration,
    Position,
    RoutineStage,
    RoutineTemplate,
    Surface,
)
from mats.models.reading import EvidenceSummary, GuidancePage
from mats.models.safety import (
    Contraindication,
    SafetyAcknowledgement,
    SafetySection,
    SafetyVersion,
    Severity,
    StopRule,
)

__all__ = [
    "BodyRegion",
    "Clothing",
    "Contraindication",
    "EvidenceSummary",
    "GuidancePage",
    "Illustration",
    "Position",
    "RoutineStage",
    "RoutineTemplate",
    "SafetyAcknowledgement",
    "SafetySection",
    "SafetyVersion",
    "Severity",
    "StopRule",
    "Surface",
]
