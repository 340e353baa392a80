from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reunify.web.pages.charts import Chart, Series, lay_out

T0 = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def test_points_span_the_plot_and_scale_to_a_round_top() -> None:
    chart = lay_out(
        Chart(
            title="t",
            times=[T0 + timedelta(hours=i) for i in range(3)],
            series=[Series(label="a", values=[0, 3, 6])],
        )
    )
    xs_ys = [tuple(map(float, p.split(","))) for p in chart.series[0].points.split()]
    assert xs_ys[0] == (chart.plot_left, chart.plot_bottom)
    assert xs_ys[-1][0] == chart.plot_right
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6", "8"]
    assert [t.anchor for t in chart.x_ticks] == ["start", "middle", "end"]
    assert chart.series[0].colour.startswith("#")


def test_an_empty_or_single_point_chart_still_lays_out() -> None:
    one = lay_out(Chart(title="t", times=[T0], series=[Series(label="a", values=[0])]))
    assert one.series[0].points
    assert len(one.x_ticks) == 1
    empty = lay_out(Chart(title="t", times=[], series=[]))
    assert empty.x_ticks == []
    assert len(empty.y_ticks) == 5
