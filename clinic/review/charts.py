"""Line charts drawn on the server as SVG: coordinates, axis ticks and the
path of each series. Pure; the template draws what this computes.

Scores (0-10) go up the chart, days along it. Each series has its own
marker and line style as well as its colour, so the chart reads in black
and white too; every chart on a page also comes with a table of its values.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 36, 40
MAX_X_TICKS = 8
CIRCLE, SQUARE = "circle", "square"
MARK_SIZE = 4


@dataclass(frozen=True)
class SeriesSpec:
    key: str  # for the CSS class: line-<key>
    name: str  # "Pain before"
    marker: str  # CIRCLE or SQUARE
    dashed: bool
    values: Sequence[tuple[date, int | None]]


@dataclass(frozen=True)
class Mark:
    x: str
    y: str
    corner_x: str  # for a square marker: its top-left corner
    corner_y: str
    day: date
    value: int
    title: str  # what the mark says on hover: "3 Mar: pain before 4"


@dataclass(frozen=True)
class Line:
    key: str
    name: str
    marker: str
    dashed: bool
    marks: tuple[Mark, ...]
    path: str  # "M x y L x y ...", empty with no marks
    legend_x: str  # where its legend entry starts ...
    legend_end_x: str  # ... and where its sample line ends
    legend_text_x: str
    legend_mark_x: str
    legend_corner_x: str


@dataclass(frozen=True)
class Tick:
    at: str
    label: str


@dataclass(frozen=True)
class Row:
    """One day of the table that goes with the chart: each series' value, None if unscored."""

    day: date
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    legend_y: str
    legend_text_y: str
    legend_corner_y: str
    rows: tuple[Row, ...]  # the chart as a table, one row a day

    @property
    def is_empty(self) -> bool:
        return not any(line.marks for line in self.lines)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _day_label(day: date) -> str:
    """ "3 Mar": the day and the month's short name."""
    return f"{day.day} {day:%b}"


def line_chart(first: date, last: date, series: Sequence[SeriesSpec], *, y_max: int = 10) -> Chart:
    """A chart of ``series`` over the days ``first`` to ``last``."""
    span = max((last - first).days, 1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        if last <= first:
            return LEFT + plot_width / 2
        return LEFT + (day - first).days / span * plot_width

    def y_of(value: float) -> float:
        return TOP + (1 - value / y_max) * plot_height

    lines = []
    for index, spec in enumerate(series):
        marks = tuple(
            Mark(
                x=_n(x_of(day)),
                y=_n(y_of(value)),
                corner_x=_n(x_of(day) - MARK_SIZE),
                corner_y=_n(y_of(value) - MARK_SIZE),
                day=day,
                value=value,
                title=f"{_day_label(day)}: {spec.name.lower()} {value}",
            )
            for day, value in sorted(spec.values, key=lambda pair: pair[0])
            if value is not None and first <= day <= last
        )
        path = " ".join(
            f"{'M' if i == 0 else 'L'} {mark.x} {mark.y}" for i, mark in enumerate(marks)
        )
        legend_x = LEFT + index * 150
        lines.append(
            Line(
                key=spec.key,
                name=spec.name,
                marker=spec.marker,
                dashed=spec.dashed,
                marks=marks,
                path=path,
                legend_x=_n(legend_x),
                legend_end_x=_n(legend_x + 30),
                legend_text_x=_n(legend_x + 38),
                legend_mark_x=_n(legend_x + 15),
                legend_corner_x=_n(legend_x + 15 - MARK_SIZE),
            )
        )
    days = (last - first).days
    # Ticks on the first day of plan weeks, at most MAX_X_TICKS of them.
    step = 7 * max(1, math.ceil(days / (MAX_X_TICKS - 1) / 7))
    x_ticks = tuple(
        Tick(at=_n(x_of(day)), label=_day_label(day))
        for day in (first + timedelta(days=offset) for offset in range(0, days + 1, step))
    )
    y_ticks = tuple(Tick(at=_n(y_of(value)), label=str(value)) for value in range(0, y_max + 1, 2))
    by_series = [dict(spec.values) for spec in series]
    table_days = sorted({day for values in by_series for day in values if first <= day <= last})
    rows = tuple(Row(day, tuple(values.get(day) for values in by_series)) for day in table_days)
    legend_y = TOP / 2
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        lines=tuple(lines),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        legend_y=_n(legend_y),
        legend_text_y=_n(legend_y + 4),
        legend_corner_y=_n(legend_y - MARK_SIZE),
        rows=rows,
    )
