"""Line charts as data for a tiny SVG template: no chart library, no script, no network.

The template draws a fixed 600x220 viewBox scaled to the screen width; the numbers behind each
chart are also in a table beside it, for screen readers and for the JSON twin.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

WIDTH, HEIGHT = 600, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 12, 34
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")


class Series(BaseModel):
    label: str
    values: list[int]
    colour: str = ""
    points: str = ""  # SVG polyline points, filled by ``lay_out``


class Tick(BaseModel):
    x: float = 0
    y: float = 0
    label: str
    anchor: str = "middle"


class Chart(BaseModel):
    title: str
    times: list[datetime]
    series: list[Series]
    width: int = WIDTH
    height: int = HEIGHT
    x_ticks: list[Tick] = []
    y_ticks: list[Tick] = []
    plot_left: int = _LEFT
    plot_right: int = WIDTH - _RIGHT
    plot_top: int = _TOP
    plot_bottom: int = HEIGHT - _BOTTOM


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def lay_out(chart: Chart, time_label: str = "%a %H:%M") -> Chart:
    """Compute polyline points and axis ticks for the template."""
    count = len(chart.times)
    top = _nice_max(max((max(s.values, default=0) for s in chart.series), default=0) or 1)
    span_x = chart.plot_right - chart.plot_left
    span_y = chart.plot_bottom - chart.plot_top

    def x(i: int) -> float:
        return chart.plot_left + (span_x * i / (count - 1) if count > 1 else span_x / 2)

    def y(v: int) -> float:
        return chart.plot_bottom - span_y * v / top

    for index, series in enumerate(chart.series):
        series.colour = series.colour or PALETTE[index % len(PALETTE)]
        series.points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(series.values))
    chart.y_ticks = [Tick(y=y(top * k // 4), label=str(top * k // 4)) for k in range(5)]
    # First, middle and last instant: enough to read on a phone without labels colliding.
    marks = sorted({0, (count - 1) // 2, count - 1}) if count else []
    chart.x_ticks = [
        Tick(
            x=x(i),
            label=chart.times[i].strftime(time_label),
            anchor="start" if i == 0 and count > 1 else "end" if i == count - 1 else "middle",
        )
        for i in marks
    ]
    return chart
