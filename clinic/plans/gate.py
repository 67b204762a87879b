"""The safety gate a plan passes before it starts.

Pure: the patient's latest screening answers, the contraindications as
currently published, the clearances a practitioner has given and the
answers taken back that no practitioner has confirmed yet go in; an outcome
comes out. No database, no request, so every rule is unit tested.

The rules, strongest first:

1. A "yes" to an absolute contraindication blocks the plan, whatever else.
2. A "yes" to an absolute contraindication that the patient took back (a
   later "no" of their own) holds the plan until a practitioner has seen
   the change and confirmed it: a mistaken "yes" is easy to undo, but so
   is a true one, and only a person who can ask should decide which it was.
3. No screening yet, or one that did not ask a question published since,
   means the plan waits for the patient to answer (again).
4. A "yes" to a relative contraindication needs a practitioner's clearance
   with a reason; until every one has one, the plan cannot start.
5. Otherwise the way is clear.

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
    NEEDS_CONFIRMATION = "needs_confirmation"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class GateOutcome:
    verdict: Verdict
    blocking: tuple[ContraindicationEntry, ...] = ()  # absolute, answered yes
    to_clear: tuple[ContraindicationEntry, ...] = ()  # relative, answered yes, not cleared
    cleared: tuple[ContraindicationEntry, ...] = ()  # relative, answered yes, cleared
    unasked: tuple[ContraindicationEntry, ...] = ()  # published after the screening
    withdrawn: tuple[ContraindicationEntry, ...] = ()  # absolute yes taken back, unconfirmed
    screened: bool = True

    @property
    def may_start(self) -> bool:
        return self.verdict is Verdict.CLEAR

    @property
    def blocked(self) -> bool:
        """An answer rules the mat out: no plan may even be saved."""
        return self.verdict is Verdict.BLOCKED


def check(
    answers: Mapping[str, bool] | None,
    contraindications: Sequence[ContraindicationEntry],
    cleared_codes: Collection[str] = (),
    unconfirmed_withdrawals: Collection[str] = (),
) -> GateOutcome:
    """Judge a plan for a patient whose latest screening gave ``answers``
    (``{code: answered yes}``, or None when never screened), where
    ``unconfirmed_withdrawals`` are the codes whose "no" in it takes back an
    earlier absolute "yes" that no practitioner has confirmed yet."""
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
    withdrawn = tuple(
        entry
        for entry in contraindications
        if entry.code in unconfirmed_withdrawals and answers.get(entry.code) is False
    )
    if blocking:
        verdict = Verdict.BLOCKED
    elif withdrawn:
        verdict = Verdict.NEEDS_CONFIRMATION
    elif unasked:
        verdict = Verdict.NEEDS_SCREENING
    elif to_clear:
        verdict = Verdict.NEEDS_CLEARANCE
    else:
        verdict = Verdict.CLEAR
    return GateOutcome(
        verdict=verdict,
        blocking=blocking,
        to_clear=to_clear,
        cleared=cleared,
        unasked=unasked,
        withdrawn=withdrawn,
    )


def withdrawn_answers(
    before: Mapping[str, bool] | None,
    still_unconfirmed: Collection[str],
    answers: Mapping[str, bool],
    contraindications: Sequence[ContraindicationEntry],
) -> frozenset[str]:
    """The codes a patient's new ``answers`` take back: "no" now, where the
    screening before (``before``) said "yes" to an absolute contraindication,
    or where that screening's own "no" was such a change still waiting for a
    practitioner (``still_unconfirmed``), so a second "no" cannot wash out
    the first. Only the patient's own answers are judged this way; answers a
    practitioner records in clinic are their judgement already."""
    before = before or {}
    return frozenset(
        entry.code
        for entry in contraindications
        if answers.get(entry.code) is False
        and (
            entry.code in still_unconfirmed
            or (entry.is_absolute and before.get(entry.code) is True)
        )
    )
