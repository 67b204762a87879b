"""Adherence, dose and warning signs on hand-built histories."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.review.adherence import (
    Logged,
    Longer,
    MissedRuns,
    Planned,
    adherence,
    longer_sessions,
    missed_runs,
    much_longer,
    pain_rising,
)

MON = date(2026, 3, 2)


def days(*offsets: int, minutes: int = 10) -> list[Planned]:
    return [Planned(MON + timedelta(days=o), minutes) for o in offsets]


def log(offset: int, minutes: int = 10, before=None, after=None) -> Logged:
    return Logged(MON + timedelta(days=offset), minutes, before, after)


def test_plan_starting_today_has_no_adherence_yet():
    sessions, minutes = adherence(days(0, 2, 4), [], today=MON)
    assert sessions.planned == 0
    assert sessions.fraction is None
    assert sessions.is_adherent is None
    assert minutes.percent is None


def test_todays_session_counts_once_it_is_logged():
    sessions, _ = adherence(days(0, 2, 4), [log(0)], today=MON)
    assert (sessions.done, sessions.planned) == (1, 1)


def test_rest_days_are_not_planned_days():
    planned = days(0, 2, 4)  # Monday, Wednesday, Friday; the rest are rest days
    sessions, _ = adherence(planned, [log(0), log(2)], today=MON + timedelta(days=6))
    assert (sessions.done, sessions.planned, sessions.percent) == (2, 3, 67)
    assert sessions.is_adherent is False


def test_paused_days_are_not_planned_days():
    planned = days(0, 1, 2, 3, 4)
    paused = {MON + timedelta(days=2), MON + timedelta(days=3)}
    sessions, _ = adherence(
        planned, [log(0), log(1), log(4)], paused=paused, today=MON + timedelta(days=5)
    )
    assert (sessions.done, sessions.planned) == (3, 3)
    assert sessions.is_adherent is True


def test_an_undone_check_off_is_simply_not_passed_in():
    sessions, _ = adherence(days(0, 1), [log(1)], today=MON + timedelta(days=2))
    assert (sessions.done, sessions.planned) == (1, 2)


def test_dose_compares_minutes():
    planned = days(0, 1, minutes=20)
    _, minutes = adherence(
        planned, [log(0, minutes=10), log(1, minutes=20)], today=MON + timedelta(days=2)
    )
    assert (minutes.done, minutes.planned, minutes.percent) == (30, 40, 75)


def test_dose_counts_a_longer_session_only_up_to_its_prescribed_minutes():
    # A 2-minute session logged as 10 minutes: the dose is 2 of 2, not 500 %.
    _, minutes = adherence(days(0, minutes=2), [log(0, minutes=10)], today=MON + timedelta(days=1))
    assert (minutes.done, minutes.planned, minutes.percent) == (2, 2, 100)
    assert minutes.longer == 1
    assert minutes.is_adherent is False
    assert minutes.verdict == "1 session much longer than prescribed"


def test_a_little_over_the_prescription_is_adherent_and_capped():
    _, minutes = adherence(
        days(0, 1, minutes=10), [log(0, 12), log(1, 15)], today=MON + timedelta(2)
    )
    assert (minutes.done, minutes.planned) == (20, 20)
    assert minutes.longer == 0
    assert minutes.verdict == "adherent"


def test_verdict_names_both_a_low_dose_and_longer_sessions():
    planned = days(0, 1, 2, minutes=10)
    _, minutes = adherence(planned, [log(0, 30)], today=MON + timedelta(days=3))
    assert (minutes.done, minutes.planned, minutes.longer) == (10, 30, 1)
    assert minutes.verdict == "under 80 %, 1 session much longer than prescribed"
    _, none_longer = adherence(planned, [log(0), log(1)], today=MON + timedelta(days=3))
    assert none_longer.verdict == "under 80 %"
    _, nothing_yet = adherence(planned, [], today=MON)
    assert nothing_yet.verdict is None


@pytest.mark.parametrize(
    ("prescribed", "logged", "longer"),
    [
        (2, 6, False),  # twice as long, but only 4 minutes over: a timer left running
        (2, 7, True),
        (2, 10, True),
        (5, 10, True),
        (10, 15, False),  # half as long again is not more than half
        (10, 16, True),
        (20, 30, False),
        (20, 31, True),
        (30, 45, False),
        (30, 46, True),
        (60, 60, False),  # a long prescription (Frizziero 2021) is the plan's own
        (60, 90, False),
        (10, 10, False),
        (10, 3, False),
    ],
)
def test_much_longer_is_relative_to_the_prescription(prescribed, logged, longer):
    assert much_longer(logged, prescribed) is longer


def test_longer_sessions_lists_each_day_with_both_figures():
    planned = days(0, 1, 2, minutes=5)
    logged = [log(0, 5), log(1, 20), log(2, 12)]
    paused = {MON + timedelta(days=2)}
    assert longer_sessions(planned, logged, paused=paused, today=MON + timedelta(days=3)) == [
        Longer(MON + timedelta(days=1), 20, 5)
    ]


def test_last_seven_days_window():
    planned = days(*range(14))
    logged = [log(o) for o in range(7)]  # first week done, second week missed
    sessions, _ = adherence(
        planned, logged, today=MON + timedelta(days=14), since=MON + timedelta(days=7)
    )
    assert (sessions.done, sessions.planned, sessions.fraction) == (0, 7, 0.0)


def test_missed_runs_count_planned_days_only():
    planned = days(0, 2, 4, 7, 9)
    logged = [log(0)]
    today = MON + timedelta(days=10)
    assert missed_runs(planned, logged, today=today).current == 4
    assert missed_runs(planned, [log(0), log(7)], today=today).longest == 2
    assert missed_runs(planned, [log(0), log(9)], today=today) == MissedRuns(current=0, longest=3)


def test_pain_after_above_before_on_two_of_last_three():
    logged = [log(0, before=3, after=2), log(1, before=3, after=5), log(2, before=2, after=4)]
    assert pain_rising(logged, today=MON + timedelta(days=3))
    assert not pain_rising(logged[:2], today=MON + timedelta(days=3))


def test_weekly_average_pain_up_two_points():
    first_week = [log(o, before=3, after=3) for o in range(0, 7, 2)]
    second_week = [log(o, before=5, after=5) for o in range(7, 14, 2)]
    assert pain_rising(first_week + second_week, today=MON + timedelta(days=13))
    milder = [log(o, before=4, after=4) for o in range(7, 14, 2)]
    assert not pain_rising(first_week + milder, today=MON + timedelta(days=13))


@given(
    st.sets(st.integers(0, 40), max_size=30),
    st.sets(st.integers(0, 40), max_size=30),
    st.sets(st.integers(0, 40), max_size=10),
    st.integers(0, 45),
)
def test_adherence_is_a_fraction_of_what_counts(
    planned_days, logged_days, paused_days, today_offset
):
    planned = days(*sorted(planned_days))
    logged = [log(o) for o in sorted(logged_days & planned_days)]
    paused = {MON + timedelta(days=o) for o in paused_days}
    today = MON + timedelta(days=today_offset)
    sessions, minutes = adherence(planned, logged, paused=paused, today=today)
    assert 0 <= sessions.done <= sessions.planned
    assert sessions.planned <= len([d for d in planned_days if MON + timedelta(days=d) <= today])
    assert minutes.planned == 10 * sessions.planned
    if sessions.fraction is not None:
        assert 0.0 <= sessions.fraction <= 1.0


@given(
    st.dictionaries(st.integers(0, 40), st.integers(1, 90), max_size=30),
    st.dictionaries(st.integers(0, 40), st.integers(1, 90), max_size=30),
    st.integers(0, 45),
)
def test_dose_never_exceeds_what_was_prescribed(planned_minutes, logged_minutes, today_offset):
    planned = [Planned(MON + timedelta(days=o), m) for o, m in sorted(planned_minutes.items())]
    logged = [log(o, minutes=m) for o, m in sorted(logged_minutes.items()) if o in planned_minutes]
    today = MON + timedelta(days=today_offset)
    sessions, minutes = adherence(planned, logged, today=today)
    assert 0 <= minutes.done <= minutes.planned
    if minutes.percent is not None:
        assert 0 <= minutes.percent <= 100
    longer = longer_sessions(planned, logged, today=today)
    assert minutes.longer == len(longer) <= sessions.done
    assert all(much_longer(s.minutes, s.prescribed) for s in longer)
    if minutes.longer:
        assert minutes.is_adherent is False
