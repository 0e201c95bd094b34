"""Where the marks of a chart go: plain numbers for the templates that draw the SVG.

The drawings are sized in SVG units for a phone (a viewBox about as wide as a phone's
card) and scale with the page: on a phone one unit is about one pixel, so the 12-unit
labels read as 12px text; on a wide screen the stylesheet caps their width.
"""

from dataclasses import dataclass, field
from datetime import date
from math import ceil

WIDTH = 320
# Daily bars: room for the counts on the left and the dates below.
DAILY_HEIGHT = 190
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 10, 24
# A date label every LABEL_EVERY days, counted back from today (which is always labelled).
LABEL_EVERY = 7
# Horizontal bars: a row holds its label above its bar.
ROW_HEIGHT = 42
BAR_AREA = 190  # the width of a 100% bar; the percentages and counts are right of it


def _round(value: float) -> float:
    return round(value, 1)


def nice_top(largest: int) -> tuple[int, int]:
    """The axis's top and its step: a step of 1, 2 or 5 times a power of ten, four steps
    or fewer up to the largest value (1 for an empty chart)."""
    if largest <= 0:
        return 1, 1
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if step * multiple * 4 >= largest:
                step *= multiple
                return step * ceil(largest / step), step
        step *= 10


@dataclass
class Segment:
    """One series' part of a day's bar."""

    series: int
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class DayBar:
    day: date
    values: tuple[int, ...]
    segments: list[Segment] = field(default_factory=list)
    label_x: float | None = None  # where its date is written, when it is
    note: str = ""  # what it shows, in words (its tooltip)

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Tick:
    value: int
    y: float


@dataclass
class DailyChart:
    bars: list[DayBar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = DAILY_HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = DAILY_HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not any(bar.total for bar in self.bars)

    def totals(self) -> tuple[int, ...]:
        """Each series' sum over the days."""
        return tuple(sum(column) for column in zip(*(bar.values for bar in self.bars),
                                                   strict=True)) if self.bars else ()


def daily_bars(days: list[date], values: list[tuple[int, ...]]) -> DailyChart:
    """Stacked bars, one per day (the first series at the bottom), with the count axis."""
    plot_height = DAILY_HEIGHT - TOP - BOTTOM
    top, step = nice_top(max((sum(v) for v in values), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    bar_width = slot * 0.7
    baseline = DAILY_HEIGHT - BOTTOM
    bars = []
    for index, (day, counts) in enumerate(zip(days, values, strict=True)):
        x = LEFT + index * slot + (slot - bar_width) / 2
        bar = DayBar(day=day, values=tuple(counts))
        bottom = float(baseline)
        for series, value in enumerate(counts):
            height = plot_height * value / top
            bottom -= height
            if value:
                bar.segments.append(Segment(series, value, _round(x), _round(bottom),
                                            _round(bar_width), _round(height)))
        if (len(days) - 1 - index) % LABEL_EVERY == 0:
            bar.label_x = _round(x + bar_width / 2)
        bars.append(bar)
    ticks = [Tick(value, _round(baseline - plot_height * value / top))
             for value in range(0, top + 1, step)]
    return DailyChart(bars=bars, ticks=ticks)


@dataclass
class Row:
    """One horizontal bar: its item, the share it shows (0 to 1) and where it goes."""

    item: object
    share: float
    label_y: int
    bar_y: int
    bar_width: float
    name: str = ""  # what the page calls the item besides its own label (a contact)

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class RowChart:
    rows: list[Row]
    width: int = WIDTH
    bar_height: int = 14
    bar_area: int = BAR_AREA

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * ROW_HEIGHT


def horizontal_bars(items: list, shares: list[float]) -> RowChart:
    """A bar per item, as long as its share of BAR_AREA, under a line for its label."""
    rows = []
    for index, (item, share) in enumerate(zip(items, shares, strict=True)):
        top = index * ROW_HEIGHT
        width = _round(max(BAR_AREA * share, 1.0))  # a hairline still shows a small share
        rows.append(Row(item=item, share=share, label_y=top + 14, bar_y=top + 20,
                        bar_width=width))
    return RowChart(rows=rows)
