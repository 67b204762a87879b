"""The review's arithmetic on hand-built histories: adherence and dose for
the plan, the last 7 days and each week; every flag; the pain change; the
days to the next visit in words."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.review.adherence import Logged, Longer, Planned
from clinic.review.plan_review import (
    BLOCKED,
    CLEARANCE,
    LONGER,
    LOW,
    MISSED,
    PAIN,
    SIDE_EFFECTS,
    SafetyState,
    pain_change,
    review,
    safety_flags,
    weekly,
)
from clinic.review.queries import days_away

MON = date(2026, 3, 2)


def day(offset: int) -> date:
    return MON + timedelta(days=offset)


def planned(*offsets: int, minutes: int = 10) -> list[Planned]:
    return [Planned(day(o), minutes) for o in offsets]


def log(offset: int, minutes: int = 10, before=None, after=None) -> Logged:
    return Logged(day(offset), minutes, before, after)


def codes(result) -> list[str]:
    return [flag.code for flag in result.flags]


def test_a_plan_starting_today_has_nothing_to_judge_and_no_flags():
    result = review(planned(0, 2, 4), [], today=MON)
    assert result.sessions.planned == 0
    assert result.sessions.percent is None
    assert result.recent_sessions.percent is None
    assert result.last_session is None
    assert codes(result) == []


def test_todays_session_counts_once_ticked_off():
    result = review(planned(0, 2, 4), [log(0)], today=MON)
    assert (result.sessions.done, result.sessions.planned) == (1, 1)
    assert result.last_session == MON


def test_rest_days_are_neither_done_nor_missed():
    # Monday, Wednesday, Friday: the days between are rest days.
    result = review(planned(0, 2, 4), [log(0), log(2), log(4)], today=day(6))
    assert (result.sessions.done, result.sessions.planned) == (3, 3)
    assert result.missed_in_a_row == 0
    assert codes(result) == []


def test_paused_days_are_not_planned_days():
    result = review(
        planned(0, 1, 2, 3, 4, 5),
        [log(0), log(5)],
        today=day(6),
        paused={day(1), day(2), day(3), day(4)},
    )
    assert (result.sessions.done, result.sessions.planned) == (2, 2)
    assert result.missed_in_a_row == 0
    assert codes(result) == []


def test_an_undone_check_off_counts_as_not_done():
    # The patient ticked Wednesday off and then undid it: its log is gone.
    ticked = review(planned(0, 2), [log(0), log(2)], today=day(3))
    undone = review(planned(0, 2), [log(0)], today=day(3))
    assert ticked.sessions.percent == 100
    assert (undone.sessions.done, undone.sessions.planned, undone.sessions.percent) == (1, 2, 50)


def test_dose_counts_the_minutes_done_against_those_planned():
    result = review(planned(0, 1, minutes=20), [log(0, 10), log(1, 20)], today=day(2))
    assert (result.minutes.done, result.minutes.planned, result.minutes.percent) == (30, 40, 75)
    assert result.minutes.is_adherent is False
    assert result.sessions.is_adherent is True


def test_the_same_history_on_the_patients_today_and_on_the_servers():
    # A patient far ahead of the clinic's zone is already on Tuesday when the
    # clinic is still on Monday: Monday's missed session counts only for them.
    sessions = planned(0, 1)
    on_the_patients_day = review(sessions, [], today=day(1))
    on_the_clinics_day = review(sessions, [], today=day(0))
    assert on_the_patients_day.sessions.planned == 1
    assert on_the_clinics_day.sessions.planned == 0


def test_last_seven_days_are_today_and_the_six_before():
    sessions = planned(*range(14))
    logs = [log(o) for o in range(7)]  # day 0-6 done, day 7-13 missed
    result = review(sessions, logs, today=day(13))
    # Days 7 to 13: day 13 is today and not done yet, so 6 are due.
    assert (result.recent_sessions.done, result.recent_sessions.planned) == (0, 6)
    assert (result.sessions.done, result.sessions.planned) == (7, 13)


# --- Flags -------------------------------------------------------------------------


def test_three_missed_in_a_row_flags_two_do_not():
    sessions = planned(0, 2, 4, 7, 9, 11)
    two = review(sessions, [log(0), log(2), log(4), log(7)], today=day(12))
    three = review(sessions, [log(0), log(2), log(4)], today=day(12))
    assert two.missed_in_a_row == 2
    assert MISSED not in codes(two)
    assert three.missed_in_a_row == 3
    assert MISSED in codes(three)
    assert "3 sessions missed in a row" in [flag.text for flag in three.flags]


def test_a_missed_run_ends_when_a_session_is_done():
    sessions = planned(0, 1, 2, 3, 4)
    result = review(sessions, [log(4)], today=day(5))
    assert result.missed_in_a_row == 0
    assert result.longest_missed == 4
    assert MISSED not in codes(result)


def test_rest_and_paused_days_do_not_count_as_missed():
    sessions = planned(0, 4, 8)  # four days apart: the others are rest days
    result = review(sessions, [log(0), log(4), log(8)], today=day(9), paused={day(2)})
    assert result.missed_in_a_row == 0


def test_under_half_in_the_last_seven_days_flags():
    sessions = planned(0, 2, 4, 7, 9, 11, 13)
    # Last 7 days on day 13: days 7, 9, 11 due (13 is today, not done yet).
    one_of_three = review(sessions, [log(7)], today=day(13))
    two_of_three = review(sessions, [log(7), log(9)], today=day(13))
    assert one_of_three.recent_sessions.percent == 33
    assert LOW in codes(one_of_three)
    assert "33 % of sessions in the last 7 days" in [f.text for f in one_of_three.flags]
    assert LOW not in codes(two_of_three)


def test_exactly_half_is_not_under_half():
    result = review(planned(0, 1), [log(1)], today=day(2))
    assert result.recent_sessions.percent == 50
    assert LOW not in codes(result)


def test_nothing_due_in_the_last_seven_days_is_not_low():
    # Paused for the whole week: nothing was planned, so nothing was missed.
    sessions = planned(0, 2, 4)
    result = review(sessions, [log(0), log(2), log(4)], today=day(12))
    assert result.recent_sessions.planned == 0
    assert LOW not in codes(result)


def test_pain_after_above_before_on_two_of_the_last_three_flags():
    logs = [log(0, before=4, after=3), log(2, before=3, after=5), log(4, before=3, after=4)]
    result = review(planned(0, 2, 4), logs, today=day(5))
    assert result.pain_rising
    assert PAIN in codes(result)
    calm = [log(0, before=4, after=3), log(2, before=3, after=5), log(4, before=3, after=2)]
    assert PAIN not in codes(review(planned(0, 2, 4), calm, today=day(5)))


def test_weekly_pain_up_two_points_flags():
    sessions = planned(*range(0, 14, 2))
    first_week = [log(o, before=3, after=3) for o in range(0, 7, 2)]
    second_week = [log(o, before=5, after=5) for o in range(8, 14, 2)]
    assert PAIN in codes(review(sessions, first_week + second_week, today=day(13)))
    milder = [log(o, before=4, after=4) for o in range(8, 14, 2)]
    assert PAIN not in codes(review(sessions, first_week + milder, today=day(13)))


def test_a_session_much_longer_than_prescribed_flags_and_the_dose_is_capped():
    # The plan prescribes 2 minutes; the patient logged 10.
    result = review(planned(0, 2, minutes=2), [log(0, 10), log(2, 2)], today=day(3))
    assert (result.minutes.done, result.minutes.planned, result.minutes.percent) == (4, 4, 100)
    assert result.minutes.verdict == "1 session much longer than prescribed"
    assert result.recent_minutes.longer == 1
    assert LONGER in codes(result)
    assert "1 session much longer than prescribed in the last 7 days" in [
        flag.text for flag in result.flags
    ]
    assert result.longer_sessions == (Longer(day(0), 10, 2),)


def test_a_long_prescription_followed_is_not_flagged():
    # 60 minutes a day, as in Frizziero 2021: the rule follows the plan's own minutes.
    result = review(planned(0, 1, minutes=60), [log(0, 60), log(1, 75)], today=day(2))
    assert LONGER not in codes(result)
    assert result.minutes.percent == 100
    assert result.minutes.verdict == "adherent"


def test_longer_sessions_before_the_last_seven_days_no_longer_flag():
    result = review(planned(0, 9, minutes=5), [log(0, 20), log(9, 5)], today=day(10))
    assert LONGER not in codes(result)
    # The whole plan still says so, and the review lists the day.
    assert result.minutes.longer == 1
    assert result.longer_sessions == (Longer(day(0), 20, 5),)


def test_two_longer_sessions_are_counted_in_words():
    result = review(planned(0, 1, minutes=5), [log(0, 20), log(1, 30)], today=day(2))
    assert "2 sessions much longer than prescribed in the last 7 days" in [
        flag.text for flag in result.flags
    ]


def test_every_behaviour_flag_in_its_fixed_order():
    # Pain rises on the three sessions done, one of them much too long, then
    # three missed in a row leave the last 7 days under half done.
    logs = [log(0, 10, 3, 3), log(1, 30, 3, 5), log(2, 10, 3, 6)]
    result = review(planned(*range(7)), logs, today=day(7))
    assert codes(result) == [PAIN, LONGER, MISSED, LOW]


def test_safety_flags_come_first_in_a_fixed_order():
    state = SafetyState(blocked=True, unseen_side_effects=True, needs_clearance=True)
    result = review(planned(0, 1, 2, 3), [], today=day(4), safety=state)
    assert codes(result) == [BLOCKED, SIDE_EFFECTS, CLEARANCE, MISSED, LOW]
    assert [f.code for f in safety_flags(SafetyState(unseen_side_effects=True))] == [SIDE_EFFECTS]
    assert safety_flags(SafetyState()) == ()


# --- Per week ------------------------------------------------------------------------


def test_plan_weeks_count_from_the_first_day_whatever_the_weekday():
    start = day(2)  # a Wednesday
    sessions = [Planned(start + timedelta(days=o), 10) for o in (0, 2, 4, 7, 9, 11, 14)]
    logs = [Logged(start + timedelta(days=o), 10) for o in (0, 2, 7)]
    weeks = weekly(sessions, logs, start=start, last_day=start + timedelta(days=16), today=day(12))
    assert [w.number for w in weeks] == [1, 2, 3]
    assert weeks[0].first_day == start
    assert weeks[0].last_day == start + timedelta(days=6)
    assert weeks[2].last_day == start + timedelta(days=16)
    assert (weeks[0].sessions.done, weeks[0].sessions.planned) == (2, 3)
    # Week 2 on day 12 (start + 10): days 7 and 9 are due; 11 is still to come.
    assert (weeks[1].sessions.done, weeks[1].sessions.planned) == (1, 2)
    assert weeks[2].sessions.percent is None


def test_a_week_on_hold_has_nothing_planned():
    sessions = planned(0, 2, 4, 7, 9, 11)
    paused = {day(o) for o in range(7, 14)}
    weeks = weekly(
        sessions,
        [log(0), log(2), log(4)],
        start=MON,
        last_day=day(13),
        today=day(14),
        paused=paused,
    )
    assert weeks[0].sessions.percent == 100
    assert weeks[1].sessions.planned == 0


# --- Pain change ---------------------------------------------------------------------


def test_pain_change_compares_the_first_three_with_the_last_three():
    change = pain_change([6, 6, 5, None, 5, 4, 4, 3, 3, 3])
    assert change.sessions == 3
    assert change.first == (6 + 6 + 5) / 3
    assert change.last == 3
    assert round(change.change, 1) == -2.7


def test_pain_change_with_few_scores_splits_them_in_halves():
    assert pain_change([5, 3, 2, 1]).sessions == 2
    assert pain_change([5, 3, 2, 1]).change == -2.5
    assert pain_change([4, 6]).change == 2
    assert pain_change([4]) is None
    assert pain_change([None, None]) is None


@pytest.mark.parametrize(
    ("scores", "words"),
    [
        ([6, 4], "less pain"),
        ([5, 4], "little change"),
        ([4, 5], "little change"),
        ([4, 6], "more pain"),
    ],
)
def test_a_change_of_two_points_either_way_is_one_that_matters(scores, words):
    assert pain_change(scores).in_words == words


@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=40))
def test_pain_change_stays_on_the_scale(scores):
    change = pain_change(scores)
    if change is None:
        assert sum(s is not None for s in scores) < 2
    else:
        assert 0 <= change.first <= 10
        assert 0 <= change.last <= 10
        assert -10 <= change.change <= 10


@given(
    st.dictionaries(st.integers(0, 30), st.integers(1, 90), max_size=25),
    st.dictionaries(st.integers(0, 30), st.integers(1, 90), max_size=25),
    st.integers(0, 35),
)
def test_dose_is_never_over_100_percent(planned_minutes, logged_minutes, today_offset):
    sessions = [Planned(day(o), m) for o, m in sorted(planned_minutes.items())]
    logs = [log(o, m) for o, m in sorted(logged_minutes.items()) if o in planned_minutes]
    today = day(today_offset)
    result = review(sessions, logs, today=today)
    for ratio in (result.minutes, result.recent_minutes):
        assert ratio.done <= ratio.planned
        assert ratio.percent is None or ratio.percent <= 100
    assert (LONGER in codes(result)) == (result.recent_minutes.longer > 0)
    for week in weekly(sessions, logs, start=day(0), last_day=day(30), today=today):
        assert week.minutes.done <= week.minutes.planned


# --- The next visit ---------------------------------------------------------------------


def test_days_to_the_next_visit_in_words():
    assert [days_away(days) for days in (None, 0, 1, 2)] == [
        None,
        "today",
        "tomorrow",
        "in 2 days",
    ]
