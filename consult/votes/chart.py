"""The geometry of the server-rendered SVG vote chart (no JavaScript, no inline style)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consult.accounts.forms import CATEGORY_LABELS
from consult.votes.models import CHOICES

# Narrow enough to keep its words at 12 px or more on a 320 px phone: each row's label
# stands above its bar, the numbers follow the bar.
LABEL_WIDTH = 0     # the labels stand above the bars
BAR_WIDTH = 240     # the longest bar
COUNT_WIDTH = 100   # room for the numbers after a bar
LABEL_HEIGHT = 20   # the label's line above a bar
ROW_HEIGHT = 48
BAR_HEIGHT = 18
TOP = 8


@dataclass
class Segment:
    choice: str
    count: int
    x: float
    width: float


@dataclass
class Row:
    label: str
    y: float
    segments: list[Segment]
    total: int
    text_x: float

    @property
    def label_y(self) -> float:
        return self.y + LABEL_HEIGHT - 6

    @property
    def text_y(self) -> float:
        return self.bar_y + BAR_HEIGHT - 4

    @property
    def bar_y(self) -> float:
        return self.y + LABEL_HEIGHT


@dataclass
class Chart:
    rows: list[Row]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT


def vote_chart(tally) -> Chart:
    """Stacked bars: all participants, then each stakeholder category, on one scale."""
    lines = [(str(_l("All participants")), {c: getattr(tally, c) for c in CHOICES})]
    lines += [(str(CATEGORY_LABELS.get(category, category)), counts)
              for category, counts in tally.by_category.items()]
    biggest = max((sum(counts.values()) for _label, counts in lines), default=0) or 1
    rows = []
    for index, (label, counts) in enumerate(lines):
        x = float(LABEL_WIDTH)
        segments = []
        for choice in CHOICES:
            width = BAR_WIDTH * counts.get(choice, 0) / biggest
            segments.append(Segment(choice, counts.get(choice, 0), round(x, 2), round(width, 2)))
            x += width
        rows.append(Row(label=label, y=TOP + index * ROW_HEIGHT, segments=segments,
                        total=sum(counts.values()), text_x=round(x + 6, 2)))
    return Chart(rows=rows, width=LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH,
                 height=TOP * 2 + len(rows) * ROW_HEIGHT)
