"""clinic/plans/messages.py: the words people read for the plans services'
codes."""

from datetime import date

from accounts.errors import known_codes, sentence
from clinic.plans.errors import PlanRefused, ScreeningRefused

MONDAY = date(2026, 3, 2)


def test_dates_in_a_sentence_read_as_a_day():
    error = PlanRefused("plan.starts_in_the_past", field="start_date", today=MONDAY)
    assert sentence(error) == (
        "A plan cannot start in the past. Choose today (Monday 2 March 2026) or a later day."
    )
    error = PlanRefused(
        "plan.overlaps_an_earlier_plan", until=date(2026, 3, 9), first_free=date(2026, 3, 10)
    )
    assert sentence(error) == (
        "An earlier plan runs until Monday 9 March 2026, so the plans would overlap. "
        "Start this one on Tuesday 10 March 2026 or later."
    )


def test_numbers_and_names_fill_their_places():
    error = PlanRefused("plan.too_long", weeks=26, latest=date(2026, 8, 30))
    assert sentence(error) == (
        "A plan can last at most 26 weeks. With this first day, the last day can be "
        "Sunday 30 August 2026 at the latest."
    )
    assert sentence(PlanRefused("plan.stage_sessions_out_of_bounds", stage=2, most=7)) == (
        "Stage 2: plan 1 to 7 sessions a week."
    )
    assert sentence(ScreeningRefused("screening.unanswered", missing="Open wounds")) == (
        "Every question needs an answer; missing: Open wounds."
    )


def test_the_plans_app_registers_its_codes():
    codes = {code for code in known_codes() if code.startswith(("plan.", "screening."))}
    assert {"plan.not_active", "plan.blocked_by_contraindication", "screening.unanswered"} <= codes
