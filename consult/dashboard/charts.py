"""Horizontal bar charts drawn on the server as SVG (no JavaScript needed to read them).

Each bar carries its own text label and value, and a fill pattern as well as a colour,
so colour is never the only cue; every colour has at least 4.5:1 contrast on white.
The page shows the same numbers in a data table beside the chart.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

COLOURS = ("#004d99", "#0d6e3a", "#8c3d00", "#5c2d91", "#a4133c", "#3b3b3b")
PATTERNS = ("solid", "diagonal", "dots", "vertical", "cross", "horizontal")

# Narrow enough to keep its words at 12 px or more on a 320 px phone (the page shows it at
# most this wide).
WIDTH = 340
ROW_HEIGHT = 52
BAR_HEIGHT = 20
BAR_MAX = 200
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float
    colour: str
    pattern: str

    @property
    def label_y(self) -> int:
        return self.y + 14

    @property
    def bar_y(self) -> int:
        return self.y + 22

    @property
    def value_x(self) -> float:
        return self.width + 8

    @property
    def value_y(self) -> int:
        return self.bar_y + 15


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...] = ()  # a tuple: a chart is the key its drawing is kept by

    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return TOP * 2 + ROW_HEIGHT * max(1, len(self.bars))

    @property
    def is_empty(self) -> bool:
        return not self.bars


def bar_chart(chart_id: str, title: str, description: str,
              items: list[tuple[str, int | Decimal, str]],
              styles: dict[str, tuple[str, str]] | None = None) -> Chart:
    """`items` are (label, value, value as text); `styles` may fix (colour, pattern) per label."""
    largest = max((float(value) for _, value, _ in items), default=0.0)
    bars = []
    for index, (label, value, value_text) in enumerate(items):
        colour, pattern = (styles or {}).get(label) or (COLOURS[index % len(COLOURS)],
                                                        PATTERNS[index % len(PATTERNS)])
        width = 0.0 if largest <= 0 else round(BAR_MAX * float(value) / largest, 1)
        if value and width < 2:
            width = 2.0  # a tiny non-zero value stays visible
        bars.append(Bar(label=label, value_text=value_text, y=TOP + index * ROW_HEIGHT,
                        width=width, colour=colour, pattern=pattern))
    return Chart(id=chart_id, title=title, description=description, bars=tuple(bars))
