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
    days = (values // _USEC_PER_DAY).astype("timedelta64[D]")
    months = (_DAY_ONE + days).astype("datetime64[M]")
    unique, counts = np.unique(months, return_counts=True)
    return {str(m): int(c) for m, c in zip(unique, counts, strict=True)}


def indexed_through(snap) -> int:
    """The indexing number of the newest live article of a snapshot (-1: none)."""
    seqs = snap.column("seq")
    live = seqs[snap.live] if seqs.size else seqs
    return int(live.max()) if live.size else -1


__all__ = ["indexed_through", "month_counts"]
