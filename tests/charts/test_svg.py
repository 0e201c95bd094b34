"""charts.svg: where the bars, the axis and the date labels go."""

from datetime import date, timedelta

import pytest

from charts.svg import DAILY_HEIGHT, WIDTH, daily_bars, horizontal_bars, nice_top

DAYS = [date(2024, 2, 1) + timedelta(days=n) for n in range(30)]


@pytest.mark.parametrize(("largest", "top"), [(0, (1, 1)), (1, (1, 1)), (3, (3, 1)),
                                              (7, (8, 2)), (15, (15, 5)), (38, (40, 10)),
                                              (123, (150, 50)), (999, (1000, 500))])
def test_the_axis_ends_at_a_round_number_in_four_steps_or_fewer(largest, top):
    assert nice_top(largest) == top


def test_a_day_without_counts_has_a_bar_of_no_height():
    chart = daily_bars(DAYS, [(0, 0)] * 29 + [(3, 1)])
    assert [bar.segments for bar in chart.bars[:29]] == [[]] * 29
    assert [bar.values for bar in chart.bars[:2]] == [(0, 0), (0, 0)]
    assert chart.totals() == (3, 1)


def test_series_are_stacked_from_the_baseline_in_proportion():
    chart = daily_bars(DAYS, [(0, 0)] * 29 + [(3, 1)])
    sent, failed = chart.bars[-1].segments
    assert sent.y + sent.height == pytest.approx(chart.baseline, abs=0.1)
    assert failed.y + failed.height == pytest.approx(sent.y, abs=0.1)
    assert sent.height == pytest.approx(3 * failed.height, abs=0.2)


def test_every_mark_is_inside_the_drawing():
    chart = daily_bars(DAYS, [(n, n % 3) for n in range(30)])
    for bar in chart.bars:
        for segment in bar.segments:
            assert 0 <= segment.x and segment.x + segment.width <= WIDTH
            assert 0 <= segment.y and segment.y + segment.height <= DAILY_HEIGHT


def test_today_and_every_seventh_day_before_it_are_labelled():
    chart = daily_bars(DAYS, [(0, 0)] * 30)
    assert [bar.day.day for bar in chart.bars if bar.label_x is not None] == [2, 9, 16, 23, 1]


def test_an_empty_chart_has_an_axis_from_zero_to_one():
    chart = daily_bars(DAYS, [(0, 0)] * 30)
    assert chart.empty
    assert [tick.value for tick in chart.ticks] == [0, 1]


def test_horizontal_bars_are_as_long_as_their_share():
    chart = horizontal_bars(["a", "b"], [1.0, 0.25])
    full, quarter = chart.rows
    assert full.bar_width == chart.bar_area
    assert quarter.bar_width == pytest.approx(chart.bar_area / 4, abs=0.1)
    assert (full.percent, quarter.percent) == (100, 25)
    assert quarter.label_y > full.bar_y  # one row under the other
