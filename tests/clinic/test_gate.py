"""The safety gate, as a pure function: answers, contraindications and
clearances in; a verdict out."""

from clinic.gate import Verdict, check
from mats.snapshots import ContraindicationEntry

PREGNANCY = ContraindicationEntry("pregnancy", "Pregnancy", "Pregnant?", "Adapt.", "relative")
MEDICINE = ContraindicationEntry(
    "bp-medicine", "BP medicine", "BP pills?", "Rise slowly.", "relative"
)
WOUNDS = ContraindicationEntry("open-wounds", "Open wounds", "Wounds?", "No.", "absolute")
ALL = (PREGNANCY, MEDICINE, WOUNDS)


def answers(*yes: str) -> dict[str, bool]:
    return {entry.code: entry.code in yes for entry in ALL}


def test_all_no_is_clear():
    outcome = check(answers(), ALL)
    assert outcome.verdict is Verdict.CLEAR
    assert outcome.may_start


def test_no_screening_waits():
    outcome = check(None, ALL)
    assert outcome.verdict is Verdict.NEEDS_SCREENING
    assert not outcome.screened
    assert not outcome.may_start


def test_absolute_yes_blocks_and_names_the_reason():
    outcome = check(answers("open-wounds"), ALL)
    assert outcome.verdict is Verdict.BLOCKED
    assert outcome.blocking == (WOUNDS,)


def test_absolute_yes_blocks_even_with_a_clearance_for_it():
    outcome = check(answers("open-wounds"), ALL, cleared_codes=["open-wounds"])
    assert outcome.verdict is Verdict.BLOCKED


def test_absolute_yes_blocks_even_when_a_question_is_new():
    old = {"open-wounds": True}
    assert check(old, ALL).verdict is Verdict.BLOCKED


def test_relative_yes_needs_a_clearance():
    outcome = check(answers("pregnancy", "bp-medicine"), ALL)
    assert outcome.verdict is Verdict.NEEDS_CLEARANCE
    assert outcome.to_clear == (PREGNANCY, MEDICINE)


def test_every_relative_yes_must_be_cleared():
    partly = check(answers("pregnancy", "bp-medicine"), ALL, cleared_codes=["pregnancy"])
    assert partly.verdict is Verdict.NEEDS_CLEARANCE
    assert partly.to_clear == (MEDICINE,)
    assert partly.cleared == (PREGNANCY,)
    fully = check(answers("pregnancy", "bp-medicine"), ALL, ["pregnancy", "bp-medicine"])
    assert fully.verdict is Verdict.CLEAR
    assert fully.cleared == (PREGNANCY, MEDICINE)


def test_a_clearance_for_a_no_answer_changes_nothing():
    outcome = check(answers(), ALL, cleared_codes=["pregnancy"])
    assert outcome.verdict is Verdict.CLEAR
    assert outcome.cleared == ()


def test_a_question_published_after_the_screening_asks_again():
    outcome = check({"pregnancy": False, "bp-medicine": False}, ALL)
    assert outcome.verdict is Verdict.NEEDS_SCREENING
    assert outcome.screened
    assert outcome.unasked == (WOUNDS,)


def test_answers_to_questions_no_longer_published_are_ignored():
    outcome = check({**answers(), "retired-question": True}, ALL)
    assert outcome.verdict is Verdict.CLEAR


def test_nothing_published_and_a_screening_is_clear():
    assert check({}, ()).verdict is Verdict.CLEAR
    assert check(None, ()).verdict is Verdict.NEEDS_SCREENING
