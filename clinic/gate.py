"""The safety gate a plan passes before it starts.

Pure: the patient's latest screening answers, the contraindications as
currently published and the clearances a practitioner has given go in; an
outcome comes out. No database, no request, so every rule is unit tested.

The rules, strongest first:

1. A "yes" to an absolute contraindication blocks the plan, whatever else.
2. No screening yet, or one that did not ask a question published since,
   means the plan waits for the patient to answer (again).
3. A "yes" to a relative contraindication needs a practitioner's clearance
   with a reason; until every one has one, the plan cannot start.
4. Otherwise the way is clear.

Answers to questions no longer published are ignored: the list is the
clinic's current judgement, and the codes are stable across rewordings.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mats.snapshots import ContraindicationEntry


class Verdict(StrEnum):
    CLEAR = "clear"
    NEEDS_CLEARANCE = "needs_clearance"
    NEEDS_SCREENING = "needs_screening"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class GateOutcome:
    verdict: Verdict
    blocking: tuple[ContraindicationEntry, ...] = ()  # absolute, answered yes
    to_clear: tuple[ContraindicationEntry, ...] = ()  # relative, answered yes, not cleared
    cleared: tuple[ContraindicationEntry, ...] = ()  # relative, answered yes, cleared
    unasked: tuple[ContraindicationEntry, ...] = ()  # published after the screening
    screened: bool = True

    @property
    def may_start(self) -> bool:
        return self.verdict is Verdict.CLEAR


def check(
    answers: Mapping[str, bool] | None,
    contraindications: Sequence[ContraindicationEntry],
    cleared_codes: Collection[str] = (),
) -> GateOutcome:
    """Judge a plan for a patient whose latest screening gave ``answers``
    (``{code: answered yes}``, or None when never screened)."""
    if answers is None:
        return GateOutcome(
            verdict=Verdict.NEEDS_SCREENING, unasked=tuple(contraindications), screened=False
        )
    said_yes = [entry for entry in contraindications if answers.get(entry.code) is True]
    blocking = tuple(entry for entry in said_yes if entry.is_absolute)
    relative = [entry for entry in said_yes if not entry.is_absolute]
    to_clear = tuple(entry for entry in relative if entry.code not in cleared_codes)
    cleared = tuple(entry for entry in relative if entry.code in cleared_codes)
    unasked = tuple(entry for entry in contraindications if entry.code not in answers)
    if blocking:
        verdict = Verdict.BLOCKED
    elif unasked:
        verdict = Verdict.NEEDS_SCREENING
    elif to_clear:
        verdict = Verdict.NEEDS_CLEARANCE
    else:
        verdict = Verdict.CLEAR
    return GateOutcome(
        verdict=verdict, blocking=blocking, to_clear=to_clear, cleared=cleared, unasked=unasked
    )
