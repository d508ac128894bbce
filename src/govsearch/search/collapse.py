"""One hit per copy group: the group at its best-ranked member's place, shown as its original.

Groups come from the index (`govsearch.index.copies`: a `copy_group`
column, 0 where an article has none). Only the matching articles take
part: a search for one portal (`source=`) shows that portal's copy and
lists the others it matched, never an article the filters left out; so
the original is the earliest *matching* member (publication date, undated
last, then URL: a stable key).

Ranking is unchanged: the ranked order of articles, each group kept at its
first (best) member. That is a total order whatever the page size, because
the order of articles is one (search/engine.py `_top`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Copies listed under one hit; the count says how many there are in all.
MAX_LISTED = 20


def group_keys(column: np.ndarray) -> np.ndarray:
    """Each document's group: its `copy_group`, or one of its own where it has none (0)."""
    docnums = np.arange(column.size, dtype=np.int64)
    # negative keys for the groupless: never equal to a real group (>= 1) or to each other
    return np.where(column > 0, column, -docnums - 1)


def count_groups(keys: np.ndarray, matched: np.ndarray) -> int:
    """How many groups the matching documents fall into."""
    return int(np.unique(keys[matched]).size)


def leaders(ranked: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Positions in `ranked` (document numbers, best first) of each group's first member, in order."""
    if ranked.size == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(keys[ranked], return_index=True)
    return np.sort(first)


def collapsed_top(rank: Callable[[int], np.ndarray], n_candidates: int, keys: np.ndarray,
                  wanted: int) -> tuple[np.ndarray, np.ndarray]:
    """The first `wanted` groups' best members (document numbers) and their places in the ranking.

    `rank(k)` gives the k best candidates in order (a prefix of one total order); the
    prefix grows until it holds `wanted` groups or every candidate, so a page of ten
    rarely ranks more than a few dozen articles.
    """
    k = min(max(2 * wanted, 16), n_candidates)
    while True:
        ranked = rank(k)
        first = leaders(ranked, keys)
        if first.size >= wanted or k >= n_candidates:
            first = first[:wanted]
            return ranked[first], first
        k = min(k * 4, n_candidates)


@dataclass(slots=True, frozen=True)
class Members:
    """One group's matching members: the original first, then the copies in the same order."""

    original: int
    copies: list[int]


def members(group: int, keys: np.ndarray, matched: np.ndarray, published: np.ndarray,
            url_of: Callable[[int], str]) -> Members:
    """The group's matching members, earliest first (undated last, then by URL)."""
    docs = np.flatnonzero(matched & (keys == group))
    if docs.size == 1:
        return Members(int(docs[0]), [])
    # undated (0) after every date
    order = sorted(docs.tolist(), key=lambda d: (published[d] == 0, int(published[d]), url_of(d)))
    return Members(order[0], order[1:])


__all__ = ["MAX_LISTED", "Members", "collapsed_top", "count_groups", "group_keys", "leaders", "members"]
