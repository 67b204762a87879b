"""The ladder rules on their own: week ranges from week 1, no overlaps, no gaps."""

from mats.ladder import WeekRange, ladder_problems


def test_standard_ladder_with_open_last_stage_is_fine():
    assert ladder_problems([WeekRange(1, 1), WeekRange(2, 2), WeekRange(3, None)]) == []


def test_ladder_that_ends_is_fine():
    assert ladder_problems([WeekRange(1, 2), WeekRange(3, 4)]) == []


def test_order_of_entry_does_not_matter():
    assert ladder_problems([WeekRange(3, None), WeekRange(1, 2)]) == []


def test_empty_ladder_asks_for_a_stage():
    (problem,) = ladder_problems([])
    assert "at least one stage" in problem


def test_ladder_must_start_in_week_one():
    (problem,) = ladder_problems([WeekRange(2, None)])
    assert "must start in week 1" in problem


def test_overlapping_weeks_are_named():
    (problem,) = ladder_problems([WeekRange(1, 2), WeekRange(2, None)])
    assert problem.startswith("The stages for weeks 1 to 2 and week 2 onwards overlap")


def test_gap_between_stages_is_named():
    (problem,) = ladder_problems([WeekRange(1, 1), WeekRange(4, None)])
    assert problem.startswith("No stage covers weeks 2 to 3")


def test_only_the_last_stage_may_be_open_ended():
    (problem,) = ladder_problems([WeekRange(1, None), WeekRange(2, None)])
    assert "has no end week" in problem
