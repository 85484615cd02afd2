"""The throughput chart's geometry: bars scaled to the tallest, a hairline for an empty week."""

from dashboard.svg import bar_chart


def test_bars_are_scaled_to_the_tallest():
    chart = bar_chart([0, 5, 10], ["a", "b", "c"], width=300, height=118, gap=6, label_room=18, top=0)
    assert [bar.height for bar in chart.bars] == [1, 50.0, 100.0]
    assert [bar.y for bar in chart.bars] == [99, 50.0, 0.0]
    assert [bar.x for bar in chart.bars] == [3.0, 103.0, 203.0] and chart.bars[0].width == 94.0
    assert chart.peak == 10 and chart.baseline == 100


def test_an_empty_chart_draws_hairlines():
    chart = bar_chart([0, 0], ["a", "b"])
    assert [bar.height for bar in chart.bars] == [1, 1] and chart.peak == 0
