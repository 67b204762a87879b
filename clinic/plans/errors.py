"""What the plans services refuse, each refusal with a stable code.

The words a person reads for each code are in ``clinic/plans/messages.py``;
views turn an error into them with ``accounts.errors.sentence``.
"""

from accounts.errors import ServiceError
from clinic.plans.gate import GateOutcome


class PlanRefused(ServiceError):
    """A change to a plan that its state, its dates or its stages do not allow."""


class GateRefused(PlanRefused):
    """The safety gate stops the plan: an answer that rules the mat out, one
    taken back that no practitioner has confirmed, or a relative one still
    without a clearance. Carries the gate's outcome, so a page can show why."""

    def __init__(self, code: str, *, outcome: GateOutcome, **params: object) -> None:
        super().__init__(code, outcome=outcome, **params)

    @property
    def outcome(self) -> GateOutcome:
        return self.params["outcome"]


class ScreeningRefused(ServiceError):
    """Answers that cannot be stored, or a change that cannot be confirmed."""
