"""The SVG charts' geometry: scores up, days along, gaps skipped."""

from datetime import date, timedelta

from clinic.review.charts import (
    BOTTOM,
    CIRCLE,
    HEIGHT,
    LEFT,
    RIGHT,
    SQUARE,
    TOP,
    WIDTH,
    SeriesSpec,
    line_chart,
)

MON = date(2026, 3, 2)


def spec(values, key="before", marker=CIRCLE, dashed=False):
    return SeriesSpec(key=key, name=key.title(), marker=marker, dashed=dashed, values=values)


def test_scores_go_up_and_days_along():
    chart = line_chart(
        MON, MON + timedelta(days=10), [spec([(MON, 0), (MON + timedelta(days=10), 10)])]
    )
    low, high = chart.lines[0].marks
    assert (float(low.x), float(low.y)) == (LEFT, HEIGHT - BOTTOM)
    assert (float(high.x), float(high.y)) == (WIDTH - RIGHT, TOP)
    assert chart.lines[0].path == f"M {low.x} {low.y} L {high.x} {high.y}"


def test_unscored_sessions_and_days_outside_are_left_out():
    chart = line_chart(
        MON,
        MON + timedelta(days=6),
        [spec([(MON, 3), (MON + timedelta(days=2), None), (MON + timedelta(days=9), 5)])],
    )
    assert [mark.value for mark in chart.lines[0].marks] == [3]


def test_each_series_keeps_its_marker_and_line_style():
    chart = line_chart(
        MON,
        MON + timedelta(days=3),
        [spec([(MON, 4)]), spec([(MON, 2)], key="after", marker=SQUARE, dashed=True)],
    )
    before, after = chart.lines
    assert (before.marker, before.dashed) == (CIRCLE, False)
    assert (after.marker, after.dashed) == (SQUARE, True)
    assert float(after.marks[0].corner_x) == float(after.marks[0].x) - 4
    assert before.legend_x != after.legend_x


def test_a_one_day_chart_puts_its_point_in_the_middle():
    chart = line_chart(MON, MON, [spec([(MON, 5)])])
    assert float(chart.lines[0].marks[0].x) == LEFT + (WIDTH - LEFT - RIGHT) / 2


def test_day_ticks_fall_on_plan_weeks_and_stay_few():
    chart = line_chart(MON, MON + timedelta(days=181), [spec([])])
    assert chart.is_empty
    assert len(chart.x_ticks) <= 8
    assert chart.x_ticks[0].label == "2 Mar"
    short = line_chart(MON, MON + timedelta(days=20), [spec([])])
    assert [tick.label for tick in short.x_ticks] == ["2 Mar", "9 Mar", "16 Mar"]
    assert [tick.label for tick in short.y_ticks] == ["0", "2", "4", "6", "8", "10"]


def test_the_table_has_a_row_a_day_and_a_column_a_series():
    before = spec([(MON, 6), (MON + timedelta(days=2), None), (MON + timedelta(days=9), 5)])
    after = spec([(MON, 4), (MON + timedelta(days=2), 3)], key="after", marker=SQUARE)
    chart = line_chart(MON, MON + timedelta(days=6), [before, after])
    assert [(row.day, row.values) for row in chart.rows] == [
        (MON, (6, 4)),
        (MON + timedelta(days=2), (None, 3)),
    ]


def test_each_mark_has_its_day_series_and_value_for_a_title():
    chart = line_chart(MON, MON + timedelta(days=3), [spec([(MON + timedelta(days=1), 4)])])
    assert chart.lines[0].marks[0].title == "3 Mar: before 4"
    assert [tick.label for tick in chart.x_ticks] == ["2 Mar"]
