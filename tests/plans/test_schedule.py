"""clinic.plans.schedule: properties of schedule generation, checked over many
generated ladders."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.plans.schedule import Stage, adjust, build_schedule, minutes_for_week, session_offsets

POSITIONS = ("Feet, standing", "Low back, lying", "Upper back, lying", "Sitting")


@st.composite
def ladders(draw) -> list[Stage]:
    lengths = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    open_ended = draw(st.booleans())
    stages, week = [], 1
    for i, length in enumerate(lengths):
        low = draw(st.integers(1, 90))
        high = draw(st.integers(low, 90))
        last = i == len(lengths) - 1
        stages.append(
            Stage(
                week_from=week,
                week_to=None if last and open_ended else week + length - 1,
                minutes_min=low,
                minutes_max=high,
                sessions_per_week=draw(st.integers(1, 7)),
                positions=tuple(
                    draw(st.lists(st.sampled_from(POSITIONS), min_size=1, max_size=3, unique=True))
                ),
                surface=f"surface {i}",
                clothing=f"clothing {i}",
            )
        )
        week += length
    return stages


starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
lengths_in_days = st.integers(min_value=1, max_value=26 * 7)


@given(ladders(), starts, lengths_in_days)
def test_every_day_of_the_plan_appears_once_in_order(stages, start, length):
    end = start + timedelta(days=length - 1)
    days = build_schedule(stages, start, end)
    assert [d.day for d in days] == [start + timedelta(days=i) for i in range(length)]
    assert all(start <= d.day <= end for d in days)


@given(ladders(), starts, lengths_in_days)
def test_no_week_exceeds_its_stages_sessions(stages, start, length):
    days = build_schedule(stages, start, start + timedelta(days=length - 1))
    per_week = Counter(d.week for d in days if d.is_session)
    for day in days:
        assert per_week[day.week] <= stages[day.stage_index].sessions_per_week
    # A whole week carries exactly its stage's sessions.
    for week in range(1, length // 7 + 1):
        stage = stages[next(d.stage_index for d in days if d.week == week)]
        assert per_week[week] == stage.sessions_per_week


@given(ladders(), starts, lengths_in_days)
def test_minutes_stay_within_the_stage_bounds(stages, start, length):
    for day in build_schedule(stages, start, start + timedelta(days=length - 1)):
        if day.is_session:
            stage = stages[day.stage_index]
            assert stage.minutes_min <= day.minutes <= stage.minutes_max
            assert day.position in stage.positions
            assert (day.surface, day.clothing) == (stage.surface, stage.clothing)
        else:
            assert day.minutes == 0


@given(ladders(), starts, lengths_in_days)
def test_stages_follow_in_week_order(stages, start, length):
    days = build_schedule(stages, start, start + timedelta(days=length - 1))
    indices = [d.stage_index for d in days]
    assert indices == sorted(indices)
    for day in days:
        stage = stages[day.stage_index]
        assert day.week >= stage.week_from


@given(ladders(), starts)
def test_a_longer_plan_stays_on_the_last_stage(stages, start):
    ladder_weeks = max(s.week_to or s.week_from for s in stages)
    days = build_schedule(stages, start, start + timedelta(weeks=ladder_weeks + 3, days=-1))
    beyond = [d for d in days if d.week > ladder_weeks]
    assert beyond
    assert {d.stage_index for d in beyond} == {len(stages) - 1}
    last = stages[-1]
    late_sessions = [d for d in beyond if d.is_session and d.week > ladder_weeks + 1]
    assert all(d.minutes == last.minutes_max for d in late_sessions)


@given(ladders(), starts)
def test_a_shorter_plan_stops_cleanly_inside_the_ladder(stages, start):
    days = build_schedule(stages, start, start + timedelta(days=2))
    assert len(days) == 3
    assert {d.stage_index for d in days} == {0}


def test_standard_ladder_worked_example():
    stages = [
        Stage(1, 1, 5, 10, 3, ("Feet, standing",), "bed", "T-shirt"),
        Stage(2, 2, 10, 15, 4, ("Low back, lying",), "yoga mat", "T-shirt or bare skin"),
        Stage(3, None, 15, 30, 5, ("Upper back, lying", "Low back, lying"), "floor", "bare"),
    ]
    days = build_schedule(stages, date(2026, 3, 2), date(2026, 3, 29))
    sessions = [d for d in days if d.is_session]
    assert [d.day.day for d in sessions[:3]] == [2, 4, 6]
    assert {d.minutes for d in sessions if d.week == 1} == {5}
    assert {d.minutes for d in sessions if d.week == 3} == {15}
    assert {d.minutes for d in sessions if d.week == 4} == {30}
    assert [d.position for d in sessions if d.week == 3][:3] == [
        "Upper back, lying",
        "Low back, lying",
        "Upper back, lying",
    ]
    assert len(sessions) == 3 + 4 + 5 + 5


def test_spacing_of_sessions_in_a_week():
    assert session_offsets(1) == {0}
    assert session_offsets(3) == {0, 2, 4}
    assert session_offsets(7) == set(range(7))
    with pytest.raises(ValueError, match="between 1 and 7"):
        session_offsets(8)


def test_minutes_climb_then_hold():
    stage = Stage(1, 3, 10, 20, 3, ("Sitting",), "bed", "thin")
    assert [minutes_for_week(stage, w) for w in range(5)] == [10, 15, 20, 20, 20]


def test_adjusting_a_stage_leaves_the_template_stage_alone():
    stage = Stage(1, 1, 5, 10, 3, ("Feet, standing",), "bed", "T-shirt")
    changed = adjust(stage, minutes_min=8, minutes_max=8, sessions_per_week=2)
    days = build_schedule([changed], date(2026, 1, 5), date(2026, 1, 11))
    assert [d.minutes for d in days if d.is_session] == [8, 8]
    assert stage.minutes_min == 5


def test_end_before_start_is_refused():
    stage = Stage(1, None, 5, 10, 3, ("Sitting",), "bed", "thin")
    with pytest.raises(ValueError, match="cannot end before it starts"):
        build_schedule([stage], date(2026, 1, 5), date(2026, 1, 4))
