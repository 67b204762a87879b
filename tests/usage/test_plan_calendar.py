"""The calendar's arithmetic: each day's state, the streak and the stage."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from clinic.plans.schedule import Stage
from clinic.plans.schedule_display import OFF, REST, SESSION, Row
from clinic.usage.plan_calendar import (
    DONE,
    MISSED,
    PAUSED,
    RESTING,
    TODAY,
    UPCOMING,
    LoggedDay,
    calendar,
    progress,
    streak,
)

MONDAY = date(2026, 3, 2)
STAGES = [
    Stage(1, 1, 5, 10, 3, ("Feet",), "bed", "thin", "Get used to it."),
    Stage(2, None, 10, 15, 4, ("Feet",), "floor", "bare", "Keep it regular."),
]


def rows(kinds: str) -> list[Row]:
    """'S' session, 'R' rest, 'O' not in force; one letter a day from Monday."""
    codes = {"S": SESSION, "R": REST, "O": OFF}
    return [
        Row(day=MONDAY + timedelta(days=i), week=i // 7 + 1, stage_number=1, kind=codes[k])
        for i, k in enumerate(kinds)
    ]


def states(cal) -> list[str]:
    return [day.state for day in cal.days]


def test_each_day_gets_its_state():
    today = MONDAY + timedelta(days=4)
    cal = calendar(
        rows("SRSRSRS"),
        today=today,
        session_pks={MONDAY + timedelta(days=i): i for i in (0, 2, 4, 6)},
        logged={MONDAY: LoggedDay(6, 3)},
        reported={MONDAY: ["Bruising"]},
        loggable_from=today - timedelta(days=3),
    )
    assert states(cal) == [DONE, RESTING, MISSED, RESTING, TODAY, RESTING, UPCOMING]
    assert cal.days[0].scores == (6, 3)
    assert cal.days[0].side_effects == ("Bruising",)
    assert cal.days[2].can_log
    assert cal.counts == {DONE: 1, MISSED: 1, "to_come": 2}


def test_a_missed_session_too_long_ago_cannot_be_ticked_off_any_more():
    cal = calendar(
        rows("SRS"),
        today=MONDAY + timedelta(days=5),
        session_pks={MONDAY: 1, MONDAY + timedelta(days=2): 2},
        logged={},
        loggable_from=MONDAY + timedelta(days=2),
    )
    assert [day.can_log for day in cal.days] == [False, False, True]


def test_days_on_hold_are_paused_and_a_session_ticked_off_that_day_stays_done():
    paused_on = MONDAY + timedelta(days=2)
    cal = calendar(
        rows("SRSROOO"),
        today=MONDAY + timedelta(days=3),
        session_pks={},
        logged={paused_on: LoggedDay()},
        paused_on=paused_on,
    )
    assert states(cal) == [MISSED, RESTING, DONE, PAUSED, PAUSED, PAUSED, PAUSED]


def test_days_skipped_by_an_earlier_pause_show_as_paused():
    cal = calendar(rows("SROROS"), today=MONDAY + timedelta(days=6), session_pks={}, logged={})
    assert states(cal) == [MISSED, RESTING, PAUSED, RESTING, PAUSED, MISSED]


def test_the_streak_counts_back_over_rest_days_and_stops_at_a_miss():
    sessions = [MONDAY + timedelta(days=i) for i in (0, 2, 4, 6, 8)]
    logged = {sessions[1], sessions[2], sessions[3]}
    # Today is the fifth session's day, not ticked off yet: it does not break the streak.
    assert streak(sessions, logged, sessions[4]) == 3
    assert streak(sessions, {*logged, sessions[4]}, sessions[4]) == 4
    # The day after, the fifth is missed.
    assert streak(sessions, logged, sessions[4] + timedelta(days=1)) == 0
    assert streak([], set(), MONDAY) == 0


@given(
    st.sets(st.integers(min_value=0, max_value=40)),
    st.sets(st.integers(min_value=0, max_value=40)),
    st.integers(min_value=0, max_value=45),
)
def test_a_streak_is_never_longer_than_the_sessions_done(session_offsets, done, today_offset):
    sessions = [MONDAY + timedelta(days=i) for i in session_offsets]
    logged = {MONDAY + timedelta(days=i) for i in done & session_offsets}
    today = MONDAY + timedelta(days=today_offset)
    run = streak(sessions, logged, today)
    assert 0 <= run <= len([d for d in logged if d <= today])
    if all(d in logged for d in sessions if d < today):
        assert run == len([d for d in logged if d <= today])


def test_progress_through_the_ladder():
    end = MONDAY + timedelta(days=27)  # four weeks
    first = progress(STAGES, MONDAY, end, MONDAY + timedelta(days=3))
    assert (first.number, first.of, first.weeks, first.goal) == (1, 2, "week 1", "Get used to it.")
    second = progress(STAGES, MONDAY, end, MONDAY + timedelta(days=10))
    assert (second.number, second.of, second.weeks) == (2, 2, "weeks 2 to 4")
    before = progress(STAGES, MONDAY, end, MONDAY - timedelta(days=2))
    assert (before.number, before.started) == (1, False)
    after = progress(STAGES, MONDAY, end, end + timedelta(days=30))
    assert after.number == 2


def test_a_one_week_plan_has_one_stage():
    one = progress(STAGES, MONDAY, MONDAY + timedelta(days=6), MONDAY)
    assert (one.number, one.of) == (1, 1)
