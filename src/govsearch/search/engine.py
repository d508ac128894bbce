"""SearchEngine: the one object the CLI, the web app and embedders use."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
from whoosh.util.times import datetime_to_long, long_to_datetime

from ..article import VIETNAM_TZ, Article
from ..index import IndexStats, IndexStore
from ..index.copies import GROUP_FIELD
from ..index.schema import article_from_stored, cites_from_stored, local_naive
from .arguments import MAX_LIMIT, SORTS, QueryError, checked_arguments, cited_filter, parse_or_degrade
from .build import TITLE_RUN, Plan, build_plan, exclusion_phrases
from .collapse import MAX_LISTED, collapsed_top, count_groups, group_keys, members
from .cited import cited_facets, cites_mask
from .parse import ParsedQuery, parse_query
from .phrases import phrase_mask
from .rank import SNIPPET_CHARS, QueryTerms, adjacency_bonus, highlight, query_terms
from .results import MAX_PAGE, Copy, Hit, SearchResult
from .suggest import MIN_CORRECTION_DF, Frequencies, correct_syllable, restore_accents
from .timeline import indexed_through, month_counts
from .vector import Snapshot

FACETS = ("source", "year")


class SearchEngine:
    """Search and maintain one govsearch index.

    >>> engine = SearchEngine("index")          # doctest: +SKIP
    >>> engine.search("dân vận").hits[0].title   # doctest: +SKIP

    `path` defaults to $GOVSEARCH_INDEX, else ./index. With create=False a
    missing index raises IndexNotFoundError instead of being created.
    Searching is thread-safe; writes take the index's write lock (a second
    writer waits up to `lock_timeout` seconds, then gets IndexLockedError).
    """

    def __new__(cls, path: str | os.PathLike | None = None, **kwargs):
        # A cluster URL (opensearch://host:port/index) opens the cluster backend instead.
        from ..backends import cluster_of
        where = cluster_of(path)
        if where is not None:
            from .cluster import ClusterEngine
            return ClusterEngine(where, **kwargs)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True,
                 lock_timeout: float = 0.0) -> None:
        self.store = IndexStore(path, create=create)
        self.path: Path = self.store.path
        self.lock_timeout = lock_timeout
        self._searcher = None
        self._snap: Snapshot | None = None
        # Guards the cached searcher and snapshot only: searches run at the
        # same time (the index's files are read through per-thread positions,
        # govsearch.index.storage).
        self._lock = threading.Lock()

    # --- writing -------------------------------------------------------------

    def add(self, article: Article) -> None:
        """Index one article (replacing any with the same URL) and commit."""
        self.store.add_many([article], timeout=self.lock_timeout)

    def add_many(self, articles: Iterable[Article], *, commit_every: int = 5_000,
                 progress: Callable[[int], None] | None = None, workers: int | None = 0,
                 on_commit: Callable[[int, int], None] | None = None) -> int:
        """Index many articles, committing every `commit_every`; returns the count.

        With `workers` > 0 (None: one where there are two cores or more),
        batches of 500 articles or more are analyzed by that many helper
        processes while this one writes; the index is the same either way.
        Helpers are started with `spawn`, which imports the calling script
        again: a script that passes workers needs `if __name__ == "__main__":`.
        `on_commit(read, indexed)` is called after each commit (a checkpoint's
        moment): articles taken from `articles` for it, and articles indexed.
        """
        return self.store.add_many(articles, commit_every=commit_every,
                                   timeout=self.lock_timeout, progress=progress, workers=workers,
                                   on_commit=on_commit)

    def delete(self, url: str) -> bool:
        """Remove the article with this URL; False if there was none."""
        return self.store.delete(url, timeout=self.lock_timeout)

    # --- reading -------------------------------------------------------------

    def get(self, url: str) -> Article | None:
        return self.store.get(url)

    def articles(self) -> Iterator[Article]:
        """Every stored article (what `govsearch export` writes)."""
        return self.store.iter_articles()

    def stats(self) -> IndexStats:
        """Documents, sources, date range, size: the date range from the cached date column."""
        stats = self.store.stats()
        snap = self._snapshot(self.searcher())
        published = snap.published()
        dated = published[(published > 0) & snap.live]
        if dated.size:
            earliest, latest = (long_to_datetime(int(v)).replace(tzinfo=VIETNAM_TZ)
                                for v in (dated.min(), dated.max()))
            stats = dataclasses.replace(stats, earliest=earliest, latest=latest)
        return stats

    def __len__(self) -> int:
        return self.store.doc_count()

    def searcher(self):
        """A searcher that sees the latest commit (readers are snapshots in Whoosh)."""
        with self._lock:
            s = self._searcher
            if s is None:
                s = self._searcher = self.store.ix.searcher()
            elif not s.up_to_date():
                # A new searcher, not s.refresh(): Whoosh 2.7's refresh keeps
                # the segments a merge replaced, so merged documents counted
                # twice; and it fails outright on a searcher of an empty index.
                # The old searcher is left to in-flight searches and the GC.
                s = self._searcher = self.store.ix.searcher()
            return s

    def search(self, query: str, *, limit: int = 10, page: int = 1,
               source: str | list[str] | None = None, since: datetime | None = None,
               until: datetime | None = None, sort: str = "relevance",
               facets: bool = True, indexed_after: int | None = None,
               cites: str | list[str] | None = None,
               cites_type: str | list[str] | None = None, collapse: bool = True) -> SearchResult:
        """Search the index. The query text never raises; bad parameters raise QueryError.

        `collapse` (the default): one hit per copy group, the story's earliest matching
        publication, at the place of its best-ranked one, with the others in `Hit.copies`;
        `SearchResult.groups` counts the hits there are, `total` the articles (facets too).
        collapse=False: every copy is a hit of its own.

        `indexed_after`: only articles indexed after the one whose indexing number this is
        (`SearchResult.indexed_through` of an earlier search: what `--new-since-last` remembers).
        `cites`: only articles that cite this document (a key such as
        "100/2019/NĐ-CP", as typed: "100/2019/nd-cp" is the same), or all of
        these; `cites_type`: only articles citing a document of this type
        ("Nghị định"). With either, the query may be empty: every article
        that cites it, newest first.
        """
        t0 = time.perf_counter()
        since, until, sources = checked_arguments(limit=limit, page=page, sort=sort, source=source,
                                                  since=since, until=until)
        cited = cited_filter(cites, cites_type)
        pq = parse_or_degrade(query)
        result = SearchResult(query=query, total=0, took_ms=0.0, page=page, limit=limit,
                              sort=sort, notices=list(pq.notices), groups=0 if collapse else None)
        searcher = self.searcher()
        try:
            return self._search(searcher, pq, result, sources, since, until, facets, t0, indexed_after, cited,
                                collapse)
        except Exception:
            # A commit that merged segments can delete files an older
            # searcher had not opened yet; asked again on the new generation
            # the search succeeds. Anything else is a real error.
            fresh = self.searcher()
            if fresh is searcher:
                raise
            result.hits.clear()
            return self._search(fresh, pq, result, sources, since, until, facets, t0, indexed_after, cited,
                                collapse)

    def _search(self, searcher, pq: ParsedQuery, result: SearchResult, sources: list[str],
                since: datetime | None, until: datetime | None, facets: bool,
                t0: float, indexed_after: int | None = None,
                cited: tuple[list[str], list[str]] = ([], []), collapse: bool = True) -> SearchResult:
        page, limit, sort = result.page, result.limit, result.sort
        if pq.empty and not any(cited):
            if result.query.strip():
                result.notices.append("nothing to search for in the query")
            result.took_ms = (time.perf_counter() - t0) * 1000
            return result
        reader = searcher.reader()
        snap = self._snapshot(searcher)
        result.indexed_through = indexed_through(snap)
        restored, result.suggestion = self._readings(reader, snap, pq)
        plan: Plan | None = None
        if pq.empty:  # a filter alone (cites=): every article it keeps, newest first
            matched = snap.live.copy()
            sort = result.sort = "date"
        else:
            plan = build_plan(pq, restored)
            matched = self._match(snap, searcher, plan)
        matched &= self._filter(snap, pq, sources, since, until)
        if any(cited):
            matched &= cites_mask(snap, *cited)
        matched &= ~self._excluded(snap, searcher, pq)
        if indexed_after is not None:
            matched &= snap.column("seq") > indexed_after
        result.total = int(matched.sum())
        wanted = page * limit
        scores = snap.score(plan.scoring) if plan else np.zeros(snap.size, dtype=np.float32)
        if plan and plan.title_run:
            holds = np.ones(snap.size, dtype=bool)
            for pair in plan.title_run:
                holds &= snap.mask_of(snap.docs("title_bif", pair))
            scores[holds] *= TITLE_RUN
        if plan and plan.pairs and result.total:
            scores += adjacency_bonus(snap, plan, scores, matched, searcher)
        candidates = np.flatnonzero(matched)
        rank = _ranking(candidates, scores, snap.published() if sort == "date" else None)
        if collapse:
            keys = group_keys(snap.column(GROUP_FIELD))
            result.groups = count_groups(keys, matched)
            best, _ = collapsed_top(rank, candidates.size, keys, wanted)
            ranked = [(int(d), float(scores[d])) for d in best]
        else:
            ranked = [(int(d), float(scores[d])) for d in rank(wanted)]
        if facets:
            result.facets = {name: _facet_counts(snap, name, matched) for name in FACETS}
            result.facets["month"] = month_counts(snap.published(), matched)
            result.facets.update(cited_facets(snap, matched))
        # a filter alone: the snippet shows where the article cites the document
        terms = query_terms(pq if not pq.empty else parse_query(" ".join(cited[0])))
        for docnum, score in ranked[(page - 1) * limit: wanted]:
            if not collapse:
                result.hits.append(_hit(searcher.stored_fields(docnum), score, terms))
                continue
            result.hits.append(_collapsed_hit(searcher, docnum, score, terms, keys, matched, snap.published()))
        if result.total == 0:
            result.suggestion = self._correction(reader, snap, pq) or result.suggestion
        result.took_ms = (time.perf_counter() - t0) * 1000
        return result

    def _snapshot(self, searcher) -> Snapshot:
        with self._lock:
            snap = self._snap
            if snap is None or snap.searcher is not searcher:
                snap = self._snap = Snapshot(searcher, self.store.pairs.open_segments())
            return snap

    @staticmethod
    def _match(snap: Snapshot, searcher, plan: Plan) -> np.ndarray:
        """Documents that satisfy the plan's units (all, or min_match of them)."""
        counts = np.zeros(snap.size, dtype=np.int16)
        for alternatives in plan.units:
            unit = np.zeros(snap.size, dtype=bool)
            for alt in alternatives:
                if alt.phrase is not None:
                    unit |= phrase_mask(snap, searcher, alt.phrase)
                    continue
                unit |= snap.holding([s.folded for s in alt.syllables], alt.fields, alt.together)
            counts += unit
        return (counts >= plan.min_match) & snap.live

    @staticmethod
    def _filter(snap: Snapshot, pq: ParsedQuery, sources: list[str],
                since: datetime | None, until: datetime | None) -> np.ndarray:
        keep = np.ones(snap.size, dtype=bool)
        all_sources = [s.lower().removeprefix("www.") for s in sources + pq.sources if s]
        if all_sources:
            keep &= snap.mask_of(np.concatenate([snap.docs("source", s) for s in all_sources]))
        for cat in pq.categories:
            keep &= snap.mask_of(snap.docs("category", cat.lower()))
        for sylls in pq.authors:
            for s in sylls:
                keep &= snap.mask_of(snap.docs("author", s.exact))
        lo = since if since is not None else pq.since
        hi = until if until is not None else pq.until
        if lo is not None or hi is not None:
            # Both bounds are explicit (Whoosh's own ranges matched everything
            # with an open lower bound: WHOOSH.md, bug 1).
            published = snap.published()
            start = datetime_to_long(local_naive(lo)) if lo is not None else 1
            end = datetime_to_long(local_naive(hi)) if hi is not None else np.iinfo(np.int64).max
            keep &= (published >= max(start, 1)) & (published <= end)
        return keep

    @staticmethod
    def _excluded(snap: Snapshot, searcher, pq: ParsedQuery) -> np.ndarray:
        out = np.zeros(snap.size, dtype=bool)
        for sylls in pq.excluded:
            if len(sylls) == 1:
                s = sylls[0]
                fields = (("title", s.exact), ("body", s.exact)) if s.accented else \
                    (("title_f", s.folded), ("body_f", s.folded))
                for f, t in fields:
                    out[snap.docs(f, t)] = True
        for phrase in exclusion_phrases(pq):
            out |= phrase_mask(snap, searcher, phrase)
        return out

    def _readings(self, reader, snap: Snapshot, pq: ParsedQuery) -> tuple[list[str] | None, str | None]:
        """The likely accented reading of the typed words, and a suggestion if it differs."""
        plain = [u.main[0] for u in pq.units if u.plain]
        if not plain or all(s.accented for s in plain):
            return None, None
        restored = restore_accents(Frequencies.of(reader, snap), [s.exact for s in plain])
        if restored == [s.exact for s in plain]:
            return restored, None
        suggestion = None
        if all(u.plain for u in pq.units) and not any(s.accented for s in plain):
            # keep the user's own spelling of what did not change ("UBND")
            suggestion = " ".join(u.text if r == u.main[0].exact else r
                                  for u, r in zip(pq.units, restored))
        return restored, suggestion

    def _correction(self, reader, snap: Snapshot, pq: ParsedQuery) -> str | None:
        """For a query with no results: the same words with unknown syllables corrected."""
        if not all(u.plain for u in pq.units):
            return None
        words, changed = [], False
        min_df = MIN_CORRECTION_DF if reader.doc_count() >= 1000 else 1
        for u in pq.units:
            s = u.main[0]
            # rare counts as unknown: the index has its own typos ("daa")
            df = reader.doc_frequency("body_f", s.folded) + reader.doc_frequency("title_f", s.folded)
            fix = None if df >= min_df else correct_syllable(reader, s.folded)
            if fix:
                words.append(fix)
                changed = True
            else:
                words.append(s.folded if not s.accented else s.exact)
        if not changed:
            return None
        readings = restore_accents(Frequencies.of(reader, snap), words)
        return " ".join(readings)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self.store.close()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _top(candidates: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (docnum, score), best first; ties by document number.

    One total order whatever k is: a partial sort alone would pick an
    arbitrary few among documents tied at the k-th score, so page 8 of ten
    and the first page of a hundred could disagree.
    """
    s = scores[candidates]
    if candidates.size > k:
        kth = np.partition(-s, k - 1)[k - 1]
        above = -s < kth
        tied = np.flatnonzero(-s == kth)[: k - int(above.sum())]  # candidates ascend: lowest docnums
        keep = np.concatenate([np.flatnonzero(above), tied])
        candidates, s = candidates[keep], s[keep]
    order = np.lexsort((candidates, -s))
    return [(int(candidates[i]), float(s[i])) for i in order]


def _ranking(candidates: np.ndarray, scores: np.ndarray,
             published: np.ndarray | None) -> Callable[[int], np.ndarray]:
    """The k best candidates (document numbers, best first) for any k: prefixes of one total order.

    By relevance: `_top`. By date (`published` given): newest first; the same date,
    the better score; then document order.
    """
    if published is None:
        return lambda k: np.fromiter((d for d, _ in _top(candidates, scores, k)), dtype=np.int64)
    order = candidates[np.lexsort((candidates, -scores[candidates], -published[candidates]))]
    return lambda k: order[:k]


def _collapsed_hit(searcher, docnum: int, score: float, terms: QueryTerms, keys: np.ndarray,
                   matched: np.ndarray, published: np.ndarray) -> Hit:
    """The hit of `docnum`'s group: its original, at `docnum`'s score, listing the other copies."""
    stored: dict[int, dict] = {}

    def fields(d: int) -> dict:
        if d not in stored:
            stored[d] = searcher.stored_fields(d)
        return stored[d]

    group = members(int(keys[docnum]), keys, matched, published, lambda d: fields(d)["url"])
    hit = _hit(fields(group.original), score, terms)
    hit.copies_total = len(group.copies)
    for d in group.copies[:MAX_LISTED]:
        a = article_from_stored(fields(d))
        hit.copies.append(Copy(url=a.url, title=a.title, source=a.source, published=a.published))
    return hit


def _facet_counts(snap: Snapshot, name: str, matched: np.ndarray) -> dict[str, int]:
    values, codes = snap.codes(name)
    if not values:
        return {}
    picked = codes[matched]
    counts = np.bincount(picked[picked >= 0], minlength=len(values))
    pairs = [(values[i], int(c)) for i, c in enumerate(counts) if c]
    return dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))


def _hit(stored: dict, score: float, terms: QueryTerms) -> Hit:
    article = article_from_stored(stored)
    return Hit(
        url=article.url,
        title=article.title,
        published=article.published,
        source=article.source,
        score=score,
        snippet=highlight(article.text, terms, max_chars=SNIPPET_CHARS),
        title_highlighted=highlight(article.title, terms),
        summary=article.summary,
        author=article.author,
        category=article.category,
        cites=cites_from_stored(stored),
    )


__all__ = ["SearchEngine", "QueryError", "SORTS", "MAX_LIMIT", "MAX_PAGE"]
