"""Time over the matched documents: articles per month of publication, and indexing order.

Both come from columns the index already has: the publication time
(`published`, Whoosh's microseconds since 0001-01-01 in Vietnamese wall time,
0 for an article without a date) and the indexing number (`seq`, handed out
in order as articles are committed; a re-indexed article gets a new one).
"""

from __future__ import annotations

import numpy as np

_USEC_PER_DAY = 86_400_000_000
_DAY_ONE = np.datetime64("0001-01-01", "D")


def month_counts(published: np.ndarray, matched: np.ndarray) -> dict[str, int]:
    """{"2023-11": 3, ...}: matched articles per month of publication, oldest month first.

    Undated articles are not counted (the month facet covers the dated ones);
    months without an article are left out.
    """
    values = published[matched]
    values = values[values > 0]
    if not values.size:
        return {}
    # Count per day first (a bincount over the span of days), then turn only the days that
    # occur into months: converting every document's date was 15 ms at 58k matches, this ~1 ms.
    days = values // _USEC_PER_DAY
    first = int(days.min())
    per_day = np.bincount(days - first)
    present = np.flatnonzero(per_day)
    months = (_DAY_ONE + (present + first).astype("timedelta64[D]")).astype("datetime64[M]")
    codes = months.astype(np.int64)
    per_month = np.bincount(codes - codes[0], weights=per_day[present])
    found = np.flatnonzero(per_month)
    labels = (found + codes[0]).astype("datetime64[M]")
    return {str(m): int(c) for m, c in zip(labels, per_month[found], strict=True)}

def indexed_through(snap) -> int:
    """The indexing number of the newest live article of a snapshot (-1: none)."""
    seqs = snap.column("seq")
    live = seqs[snap.live] if seqs.size else seqs
    return int(live.max()) if live.size else -1


__all__ = ["indexed_through", "month_counts"]
