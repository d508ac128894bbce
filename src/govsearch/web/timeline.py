"""The timeline on the results page: articles per month as bars, drawn by the server as SVG.

Geometry is computed here and the template only writes it out, so the chart
needs no script and no style attribute (the page's CSP allows neither): the
bars are SVG rectangles with coordinates, coloured by classes in style.css.
Each bar is a link to the same search within its month; the month already
chosen links back to the search without it. The axis runs month by month
from the first dated match to the last, empty months included, so the
gaps between waves show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .params import SearchParams

WIDTH = 640            # the viewBox; the picture scales to the column's width
BARS_HEIGHT = 64       # tallest bar
AXIS = 16              # room for the year labels under the bars
MAX_LABELS = 12        # year labels, at most


@dataclass(slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str          # "11/2023: 3 bài"
    href: str
    active: bool = False


@dataclass(slots=True)
class YearLabel:
    x: float
    text: str


@dataclass(slots=True)
class Timeline:
    width: int
    height: int
    bars_height: int
    bars: list[Bar] = field(default_factory=list)
    years: list[YearLabel] = field(default_factory=list)
    first: str = ""     # "01/2020"
    last: str = ""
    dated: int = 0      # matches with a date (the undated are not on the chart)


def _months(first: date, last: date) -> list[date]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _is_month(p: SearchParams, month: str) -> bool:
    from govsearch import parse_date

    start, end = parse_date(month), parse_date(month, end=True)
    return p.since_dt is not None and p.until_dt is not None and \
        p.since_dt.replace(tzinfo=None) == start and p.until_dt.replace(tzinfo=None) == end


def timeline(p: SearchParams, counts: dict[str, int]) -> Timeline | None:
    """The chart for a result's `month` facet ({"2023-11": 3, ...}), or None when nothing is dated."""
    from .view import href

    if not counts:
        return None
    keys = sorted(counts)
    first, last = (date(int(k[:4]), int(k[5:7]), 1) for k in (keys[0], keys[-1]))
    months = _months(first, last)
    step = WIDTH / len(months)
    gap = min(step * 0.2, 2.0) if step > 3 else 0.0
    top = max(counts.values())
    chart = Timeline(WIDTH, BARS_HEIGHT + AXIS, BARS_HEIGHT, first=first.strftime("%m/%Y"),
                     last=last.strftime("%m/%Y"), dated=sum(counts.values()))
    for i, month in enumerate(months):
        key = month.strftime("%Y-%m")
        n = counts.get(key, 0)
        if n:
            height = max(BARS_HEIGHT * n / top, 2.0)
            active = _is_month(p, key)
            target = {"since": "", "until": ""} if active else {"since": key, "until": key}
            chart.bars.append(Bar(round(i * step + gap / 2, 2), round(BARS_HEIGHT - height, 2),
                                  round(max(step - gap, 0.5), 2), round(height, 2),
                                  f"{month.strftime('%m/%Y')}: {n} bài", href(p, page=1, **target), active))
    # a label at each January, and at the start unless a January follows within a few bars
    years = [(i, m.year) for i, m in enumerate(months) if m.month == 1 or (i == 0 and m.month <= 9)]
    every = max(1, -(-len(years) // MAX_LABELS))
    chart.years = [YearLabel(round(i * step, 2), str(y)) for k, (i, y) in enumerate(years) if k % every == 0]
    return chart


__all__ = ["Bar", "Timeline", "YearLabel", "timeline"]
