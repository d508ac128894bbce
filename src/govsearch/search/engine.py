"""SearchEngine: the one object the CLI, the web app and embedders use."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from whoosh import query as Q

from ..article import Article
from ..index import IndexStats, IndexStore
from ..index.schema import article_from_stored
from .build import build_query, exclusion_query, filter_query, match_query
from .parse import ParsedQuery, Unit, parse_query, to_syllables
from .rank import SNIPPET_CHARS, QueryTerms, adjacency, bonus, highlight, query_sequences, query_terms
from .results import Hit, SearchResult
from .suggest import correct_syllable, restore_accents

SORTS = ("relevance", "date")
# How many top candidates the second stage re-scores.
RERANK_DEPTH = 40
FACETS = ("source", "year")
MAX_LIMIT = 100


class QueryError(ValueError):
    """Bad search parameters (not the query text, which never fails)."""


class SearchEngine:
    """Search and maintain one govsearch index.

    >>> engine = SearchEngine("index")          # doctest: +SKIP
    >>> engine.search("dân vận").hits[0].title   # doctest: +SKIP

    `path` defaults to $GOVSEARCH_INDEX, else ./index. With create=False a
    missing index raises IndexNotFoundError instead of being created.
    Searching is thread-safe; writes take the index's write lock (a second
    writer waits up to `lock_timeout` seconds, then gets IndexLockedError).
    """

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True,
                 lock_timeout: float = 0.0) -> None:
        self.store = IndexStore(path, create=create)
        self.path: Path = self.store.path
        self.lock_timeout = lock_timeout
        self._searcher = None
        self._facet_cache: tuple[int, dict] | None = None
        self._lock = threading.Lock()

    # --- writing -------------------------------------------------------------

    def add(self, article: Article) -> None:
        """Index one article (replacing any with the same URL) and commit."""
        self.store.add_many([article], timeout=self.lock_timeout)

    def add_many(self, articles: Iterable[Article], *, commit_every: int = 10_000,
                 progress: Callable[[int], None] | None = None) -> int:
        """Index many articles, committing every `commit_every`; returns the count."""
        return self.store.add_many(articles, commit_every=commit_every,
                                   timeout=self.lock_timeout, progress=progress)

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
        return self.store.stats()

    def __len__(self) -> int:
        return self.store.doc_count()

    def searcher(self):
        """A searcher that sees the latest commit (readers are snapshots in Whoosh)."""
        with self._lock:
            s = self._searcher
            if s is None:
                s = self._searcher = self.store.ix.searcher()
            elif not s.up_to_date():
                try:
                    s = s.refresh()
                except TypeError:
                    # Whoosh cannot refresh a searcher opened on an empty
                    # index (it reuses a reader without segments): reopen
                    s = self.store.ix.searcher()
                self._searcher = s
            return s

    def search(self, query: str, *, limit: int = 10, page: int = 1,
               source: str | list[str] | None = None, since: datetime | None = None,
               until: datetime | None = None, sort: str = "relevance",
               facets: bool = True) -> SearchResult:
        """Search the index. The query text never raises; bad parameters raise QueryError."""
        t0 = time.perf_counter()
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if page < 1:
            raise QueryError("page must be 1 or more")
        if since and until and since > until:
            raise QueryError("since is after until")
        sources = [source] if isinstance(source, str) else list(source or [])
        try:
            pq = parse_query(query)
        except Exception:  # the parser is meant never to fail; if it does, degrade
            pq = _plain_query(query)
            pq.notices.append("query could not be parsed; searched its words instead")
        result = SearchResult(query=query, total=0, took_ms=0.0, page=page, limit=limit,
                              sort=sort, notices=list(pq.notices))
        searcher = self.searcher()
        if pq.empty:
            if query.strip():
                result.notices.append("nothing to search for in the query")
            result.took_ms = (time.perf_counter() - t0) * 1000
            return result
        reader = searcher.reader()
        restored, result.suggestion = self._readings(reader, pq)
        wq = build_query(pq, restored)
        fq = filter_query(pq, sources, since, until)
        mask = exclusion_query(pq)
        wanted = page * limit
        if sort == "date":
            results = searcher.search(wq, limit=wanted, sortedby="published", reverse=True,
                                      filter=fq, mask=mask)
            ranked = [(h.docnum, h.score) for h in results]
        else:
            results = searcher.search(wq, limit=max(wanted, RERANK_DEPTH), filter=fq, mask=mask)
            ranked = self._rerank(searcher, results, pq)
        # Counting and facets walk every match without scoring it; asking
        # Whoosh to facet the scored search would score every match instead.
        matched = self._matching_docs(searcher, pq, fq, mask)
        result.total = len(matched)
        if facets:
            result.facets = self._facets(searcher, matched)
        terms = query_terms(pq)
        for docnum, score in ranked[(page - 1) * limit: wanted]:
            result.hits.append(_hit(searcher.stored_fields(docnum), score, terms))
        if result.total == 0:
            result.suggestion = self._correction(reader, pq) or result.suggestion
        result.took_ms = (time.perf_counter() - t0) * 1000
        return result

    def _rerank(self, searcher, results, pq: ParsedQuery) -> list[tuple[int, float]]:
        """Add the body-adjacency bonus to the top candidates and re-sort them."""
        top = [(h.docnum, h.score) for h in results]
        runs = query_sequences(pq)
        if not top or not runs:
            return top
        top_score = top[0][1]
        matches = adjacency(searcher, [d for d, _ in top], runs)
        rescored = [(d, s + bonus(matches[d], top_score)) for d, s in top]
        rescored.sort(key=lambda x: -x[1])
        return rescored

    def _matching_docs(self, searcher, pq: ParsedQuery, fq, mask) -> set[int]:
        q = match_query(pq)
        if fq is not None:
            q = Q.And([q, fq])
        if mask is not None:
            q = Q.AndNot(q, mask)
        return set(searcher.docs_for_query(q))

    def _facets(self, searcher, matched: set[int]) -> dict[str, dict[str, int]]:
        """Counts per source and per year among the matches."""
        sets = self._facet_sets(searcher)
        out: dict[str, dict[str, int]] = {}
        for name, by_value in sets.items():
            counts = {v: len(docs & matched) if len(docs) < len(matched) else len(matched & docs)
                      for v, docs in by_value.items()}
            out[name] = dict(sorted(((v, c) for v, c in counts.items() if c),
                                    key=lambda kv: (-kv[1], kv[0])))
        return out

    def _facet_sets(self, searcher) -> dict[str, dict[str, set[int]]]:
        """Documents per facet value, computed once per index generation."""
        key = id(searcher)
        cached = self._facet_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        reader = searcher.reader()
        sets: dict[str, dict[str, set[int]]] = {}
        for name in FACETS:
            by_value: dict[str, set[int]] = {}
            if name in reader.indexed_field_names():
                for term in list(reader.lexicon(name)):
                    value = term.decode("utf-8")
                    by_value[value] = set(searcher.docs_for_query(Q.Term(name, value)))
            sets[name] = by_value
        self._facet_cache = (key, sets)
        return sets

    def _readings(self, reader, pq: ParsedQuery) -> tuple[list[str] | None, str | None]:
        """The likely accented reading of the typed words, and a suggestion if it differs."""
        plain = [u.main[0] for u in pq.units if u.plain]
        if not plain or all(s.accented for s in plain):
            return None, None
        restored = restore_accents(reader, [s.exact for s in plain])
        if restored == [s.exact for s in plain]:
            return restored, None
        suggestion = None
        if all(u.plain for u in pq.units) and not any(s.accented for s in plain):
            suggestion = " ".join(restored)
        return restored, suggestion

    def _correction(self, reader, pq: ParsedQuery) -> str | None:
        """For a query with no results: the same words with unknown syllables corrected."""
        if not all(u.plain for u in pq.units):
            return None
        words, changed = [], False
        for u in pq.units:
            s = u.main[0]
            known = reader.doc_frequency("body_f", s.folded) or reader.doc_frequency("title_f", s.folded)
            fix = None if known else correct_syllable(reader, s.folded)
            if fix:
                words.append(fix)
                changed = True
            else:
                words.append(s.folded if not s.accented else s.exact)
        if not changed:
            return None
        readings = restore_accents(reader, words)
        return " ".join(readings)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self.store.close()

    def __enter__(self) -> "SearchEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _plain_query(text: str) -> ParsedQuery:
    pq = ParsedQuery(text=text)
    pq.units = [Unit([[s]]) for s in to_syllables(text)]
    return pq


def _hit(stored: dict, score: float, terms: QueryTerms) -> Hit:
    article = article_from_stored(stored)
    lead = article.summary + "\n" + article.body if article.summary else article.body
    return Hit(
        url=article.url,
        title=article.title,
        published=article.published,
        source=article.source,
        score=score,
        snippet=highlight(lead, terms, max_chars=SNIPPET_CHARS),
        title_highlighted=highlight(article.title, terms),
        summary=article.summary,
        author=article.author,
        category=article.category,
    )


__all__ = ["SearchEngine", "QueryError", "SORTS"]
