"""clinic.plans.gate, the safety gate as a pure function: answers,
contraindications and clearances in; a verdict out."""

from clinic.plans.gate import Verdict, check, withdrawn_answers
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


# --- An absolute yes taken back ----------------------------------------------------


def test_an_absolute_yes_taken_back_holds_until_confirmed():
    outcome = check(answers(), ALL, unconfirmed_withdrawals=["open-wounds"])
    assert outcome.verdict is Verdict.NEEDS_CONFIRMATION
    assert outcome.withdrawn == (WOUNDS,)
    assert not outcome.may_start
    assert check(answers(), ALL).verdict is Verdict.CLEAR  # once confirmed


def test_an_absolute_yes_still_blocks_beside_one_taken_back():
    outcome = check(answers("open-wounds"), ALL, unconfirmed_withdrawals=["open-wounds"])
    assert outcome.verdict is Verdict.BLOCKED


def test_a_taken_back_answer_outranks_new_questions_and_clearances():
    old = {"pregnancy": True, "open-wounds": False}
    outcome = check(old, ALL, unconfirmed_withdrawals=["open-wounds"])
    assert outcome.verdict is Verdict.NEEDS_CONFIRMATION
    assert outcome.unasked == (MEDICINE,)
    assert outcome.to_clear == (PREGNANCY,)


def test_a_taken_back_answer_to_a_question_no_longer_published_is_ignored():
    outcome = check(answers(), (PREGNANCY, MEDICINE), unconfirmed_withdrawals=["open-wounds"])
    assert outcome.verdict is Verdict.CLEAR


def test_a_no_after_an_absolute_yes_is_taken_back():
    assert withdrawn_answers(answers("open-wounds"), (), answers(), ALL) == {"open-wounds"}


def test_a_no_after_a_relative_yes_or_a_no_takes_nothing_back():
    assert withdrawn_answers(answers("pregnancy"), (), answers(), ALL) == frozenset()
    assert withdrawn_answers(answers(), (), answers(), ALL) == frozenset()
    assert withdrawn_answers(None, (), answers(), ALL) == frozenset()


def test_a_yes_again_takes_nothing_back():
    assert withdrawn_answers(answers("open-wounds"), (), answers("open-wounds"), ALL) == set()


def test_a_second_no_still_waits_for_the_confirmation_of_the_first():
    # The screening before was itself a "no" taking back an unconfirmed yes.
    still = withdrawn_answers(answers(), ["open-wounds"], answers(), ALL)
    assert still == {"open-wounds"}
