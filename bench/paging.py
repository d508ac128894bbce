"""Paging consistency, govsearch only, through the public API.

A reader who pages through results must see every article once: for three
queries with many results we fetch `limit=10` pages 1..N and check

(a) no URL appears twice across the pages,
(b) the concatenated pages equal `limit=100` pages 1..ceil(N/10), cut to the same length,
(c) the last hit of page k is never the first hit of page k+1,
(d) the last page the result promises (`pages`) is accepted: `search(page=pages)`
    raises no QueryError and returns at least one hit (for limit 10 and 100).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Broad queries: thousands of results on the full corpus, hundreds at 5k.
PAGING_QUERIES = ("phát triển kinh tế", "nhân dân", "ubnd tinh")
PAGES = 50
CHECKS = ("no_duplicates", "equals_limit_100", "no_repeat_at_boundary", "last_page_accepted")


@dataclass(slots=True)
class PagingResult:
    query: str
    total: int
    pages_promised: int
    pages_fetched: int
    checks: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _page(engine, q: str, limit: int, page: int):
    return engine.search(q, limit=limit, page=page)


def check_query(engine, q: str, n_pages: int = PAGES) -> PagingResult:
    from govsearch import QueryError

    first = _page(engine, q, 10, 1)
    n = min(n_pages, first.pages)
    res = PagingResult(q, first.total, first.pages, n)
    pages = [[h.url for h in first.hits]]
    for p in range(2, n + 1):
        pages.append([h.url for h in _page(engine, q, 10, p).hits])
    flat = [u for pg in pages for u in pg]

    dup = len(flat) - len(set(flat))
    res.checks["no_duplicates"] = dup == 0
    if dup:
        res.notes.append(f"{dup} URLs seen twice in pages 1..{n}")

    big: list[str] = []
    for p in range(1, math.ceil(n / 10) + 1):
        big += [h.url for h in _page(engine, q, 100, p).hits]
    big = big[: len(flat)]
    same = big == flat
    res.checks["equals_limit_100"] = same
    if not same:
        at = next((i for i, (a, b) in enumerate(zip(flat, big)) if a != b), min(len(flat), len(big)))
        res.notes.append(f"limit=10 pages and limit=100 pages differ from position {at + 1} "
                         f"({len(flat)} vs {len(big)} URLs)")

    repeats = [k for k in range(1, len(pages)) if pages[k - 1] and pages[k]
               and pages[k - 1][-1] == pages[k][0]]
    res.checks["no_repeat_at_boundary"] = not repeats
    if repeats:
        res.notes.append(f"last hit of page k is the first of page k+1 for k = {repeats[:10]}")

    ok = True
    for limit in (10, 100):
        promised = _page(engine, q, limit, 1).pages
        try:
            last = _page(engine, q, limit, promised)
            if promised and not last.hits:
                ok = False
                res.notes.append(f"limit={limit}: page {promised} of {promised} is empty")
        except QueryError as e:
            ok = False
            res.notes.append(f"limit={limit}: page {promised} of {promised} refused: {e}")
    res.checks["last_page_accepted"] = ok
    return res


def run_paging(index_path: Path, queries: Sequence[str] = PAGING_QUERIES) -> list[PagingResult]:
    from govsearch import SearchEngine

    engine = SearchEngine(str(index_path), create=False)
    try:
        return [check_query(engine, q) for q in queries]
    finally:
        engine.close()


def markdown(results: Sequence[PagingResult]) -> str:
    rows = ["| query | total | pages | fetched | " + " | ".join(CHECKS) + " |",
            "|---|---:|---:|---:|" + "---|" * len(CHECKS)]
    for r in results:
        rows.append(f"| {r.query} | {r.total} | {r.pages_promised} | {r.pages_fetched} | " +
                    " | ".join("PASS" if r.checks.get(c) else "FAIL" for c in CHECKS) + " |")
    notes = [f"- {r.query}: {n}" for r in results for n in r.notes]
    return "\n".join(rows + ([""] + notes if notes else []))


def to_dict(r: PagingResult) -> dict:
    return asdict(r)
