"""ClusterEngine: SearchEngine's methods answered by an OpenSearch index.

`SearchEngine("opensearch://host:port/index")` gives one (search/engine.py),
so the CLI, the web app and embedders use a cluster without knowing it. The
query is parsed and planned by the same code as the embedded engine's
(search.parse, search.build); query.py turns the plan into the cluster's
query; snippets come from our own highlighter on the stored text, so they
are marked exactly as the embedded engine marks them. Storing articles
(bulk writes, copy groups, reads) is the store's (backends/store.py), as
the embedded engine's is IndexStore's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from ...article import Article
from ...backends import ClusterURL, parse_cluster_url
from ...backends.client import ClusterError
from ...backends.copies import GROUP_FIELD
from ...backends.documents import cites_of, from_source
from ...backends.store import ClusterStore
from ...index import IndexStats
from ..arguments import checked_arguments, cited_filter, parse_or_degrade
from ..build import Plan, build_plan
from ..cited import CITED_FACETS, TOP_CITED
from ..collapse import MAX_LISTED
from ..parse import ParsedQuery, parse_query
from ..rank import SNIPPET_CHARS, QueryTerms, highlight, query_terms
from ..results import Copy, Hit, SearchResult
from ..suggest import MIN_CORRECTION_DF, restore_accents
from .frequencies import ClusterFrequencies, shard_routings
from .query import base_query, exclusions, filters, ranked_query

# seconds the counts accent restoration reads are reused
FREQUENCIES_TTL = 60.0
# shard_size of the most-cited facet: counted exactly while a shard cites fewer documents
CITED_SHARD_SIZE = 5_000
# the cardinality aggregation's largest precision_threshold: groups counted exactly below it
GROUPS_EXACT = 40_000
# the aggregation that lists the matching members of a page's groups
MEMBERS = "members"


class ClusterEngine:
    """The SearchEngine API over an OpenSearch index (see SearchEngine for each method)."""

    def __init__(self, url: str | ClusterURL, *, create: bool = True, lock_timeout: float = 0.0) -> None:
        where = url if isinstance(url, ClusterURL) else parse_cluster_url(url)
        assert where is not None
        self.store = ClusterStore(where, create=create)
        self.url = where
        self.index = where.index
        self.client = self.store.client
        self.path = self.store.path  # local state beside the index (the import checkpoint)
        self._freq: ClusterFrequencies | None = None
        self._freq_at = 0.0
        self._routings: list[str] | None = None

    def __repr__(self) -> str:
        return f"ClusterEngine({str(self.url)!r})"

    # --- writing and reading articles: the store's -------------------------

    def add(self, article: Article) -> None:
        self.add_many([article])

    def add_many(self, articles: Iterable[Article], *, commit_every: int = 5_000,
                 progress: Callable[[int], None] | None = None, workers: int | None = 0,
                 on_commit: Callable[[int, int], None] | None = None) -> int:
        """Bulk-index articles (replacing by URL, with their copy groups); visible to searches
        when this returns (backends/store.py).

        `on_commit(read, indexed)` follows each acknowledged bulk: the cluster has it durably.
        `commit_every` and `workers` are accepted for SearchEngine's signature: every bulk
        is acknowledged (committed) on its own, and analysis runs in this process.
        """
        try:
            return self.store.add_many(articles, progress, on_commit)
        finally:
            self._freq = None

    def delete(self, url: str) -> bool:
        self._freq = None
        return self.store.delete(url)

    def get(self, url: str) -> Article | None:
        return self.store.get(url)

    def articles(self) -> Iterator[Article]:
        """Every stored article, in URL order."""
        return self.store.articles()

    def __len__(self) -> int:
        return len(self.store)

    def searcher(self) -> _Counts:
        """What the web app's home page asks of SearchEngine.searcher(): the document count."""
        return _Counts(self)

    def stats(self) -> IndexStats:
        return self.store.stats()

    # --- searching -----------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, page: int = 1,
               source: str | list[str] | None = None, since: datetime | None = None,
               until: datetime | None = None, sort: str = "relevance",
               facets: bool = True, indexed_after: int | None = None,
               cites: str | list[str] | None = None,
               cites_type: str | list[str] | None = None, collapse: bool = True) -> SearchResult:
        """As SearchEngine.search: the query text never raises; bad parameters raise QueryError.

        `collapse`: one hit per copy group, by the cluster's field collapsing
        on `copy_group` (`_collapse`), as the embedded engine collapses.
        """
        t0 = time.perf_counter()
        since, until, sources = checked_arguments(limit=limit, page=page, sort=sort, source=source,
                                                  since=since, until=until)
        cited = cited_filter(cites, cites_type)
        pq = parse_or_degrade(query)
        result = SearchResult(query=query, total=0, took_ms=0.0, page=page, limit=limit,
                              sort=sort, notices=list(pq.notices), groups=0 if collapse else None)
        if pq.empty and not any(cited):
            if query.strip():
                result.notices.append("nothing to search for in the query")
            result.took_ms = (time.perf_counter() - t0) * 1000
            return result
        # what the embedded engine filters by beside the query (search/engine.py)
        extra: list[dict[str, Any]] = [{"term": {"cites": key}} for key in cited[0]]
        extra += [{"term": {"cites_type": t}} for t in cited[1]]
        if indexed_after is not None:
            extra.append({"range": {"seq": {"gt": int(indexed_after)}}})
        plan: Plan | None = None
        if pq.empty:  # a filter alone (cites=): every article it keeps, newest first
            sort = result.sort = "date"
            base = {"bool": {"filter": filters(pq, sources, since, until) + extra,
                             "must_not": exclusions(pq)}}
        else:
            restored, result.suggestion = self._readings(pq)
            plan = build_plan(pq, restored)
            base = base_query(plan, pq, sources, since, until)
            base["bool"]["filter"] += extra
        top = 0.0
        first = None
        if plan is not None and plan.pairs:
            # the best base score sizes the adjacency bonus, as in the embedded engine
            first = self._search({"query": base, "size": 1, "track_total_hits": True,
                                  "_source": False, **self._aggs(facets, collapse)})
            top = float(first["hits"].get("max_score") or 0.0)
        ranked = ranked_query(base, plan, top) if plan is not None else base
        body: dict[str, Any] = {"query": ranked, "from": (page - 1) * limit,
                                "size": limit, "track_total_hits": True, "_source": ["doc", "cites"],
                                "sort": _sort(sort)}
        if collapse:
            body["collapse"] = {"field": GROUP_FIELD}
        if first is None:
            body.update(self._aggs(facets, collapse))
        answer = self._search(body)
        stats = first or answer
        result.total = int(stats["hits"]["total"]["value"])
        aggs = stats.get("aggregations") or {}
        newest = ((aggs.get("indexed") or {}).get("through") or {}).get("value")
        result.indexed_through = -1 if newest is None else int(newest)
        if collapse:
            result.groups = min(int((aggs.get("groups") or {}).get("value") or 0), result.total)
        if facets:
            result.facets = {name: _buckets(aggs.get(name)) for name in ("source", "year")}
            # oldest month first, as the embedded engine's timeline (search/timeline.py)
            result.facets["month"] = {b["key_as_string"]: int(b["doc_count"])
                                      for b in (aggs.get("month") or {}).get("buckets", []) if b["doc_count"]}
            for name in CITED_FACETS:
                counts = _buckets(aggs.get(name))
                result.facets[name] = dict(list(counts.items())[:TOP_CITED]) if name == "cites" else counts
        # a filter alone: the snippet shows where the article cites the document
        terms = query_terms(pq if not pq.empty else parse_query(" ".join(cited[0])))
        found = answer["hits"]["hits"]
        members: dict[int, tuple[int, dict, list[dict]]] = {}
        # as many groups as articles: no copy among the matches, nothing to list (an exact
        # count below GROUPS_EXACT; above, the members are asked for whatever the count says)
        if result.groups is not None and found and (result.groups < result.total or result.total >= GROUPS_EXACT):
            members = self._members(base, [_group_of(h) for h in found])
        for h in found:
            score = float(h.get("_score") or 0.0)
            if not collapse:
                result.hits.append(_hit(h["_source"], score, terms))
                continue
            # the group's matching members, earliest first; the hit alone when it has no
            # copies (or they were deleted between the two requests)
            count, shown, others = members.get(_group_of(h), (1, h, []))
            hit = _hit(shown["_source"], score, terms)
            hit.copies_total = max(count - 1, len(others))
            for other in others[:MAX_LISTED]:
                a = from_source(other["_source"])
                hit.copies.append(Copy(url=a.url, title=a.title, source=a.source, published=a.published))
            result.hits.append(hit)
        if result.total == 0 and not pq.empty:
            result.suggestion = self._correction(pq) or result.suggestion
        result.took_ms = (time.perf_counter() - t0) * 1000
        return result

    def _correction(self, pq: ParsedQuery) -> str | None:
        """For a query with no results: the same words with unknown syllables corrected
        (the embedded engine's rule: a title syllable one edit away, first letter kept,
        in the most documents, and in at least MIN_CORRECTION_DF of them)."""
        if not all(u.plain for u in pq.units):
            return None
        freq = self._frequencies()
        folded = [u.main[0].folded for u in pq.units]
        df = freq.folded_df(folded)
        min_df = MIN_CORRECTION_DF if len(self) >= 1000 else 1
        words, changed = [], False
        for u in pq.units:
            s = u.main[0]
            fix = None if df[s.folded] >= min_df else self._near(freq, s.folded, min_df)
            if fix:
                words.append(fix)
                changed = True
            else:
                words.append(s.folded if not s.accented else s.exact)
        if not changed:
            return None
        freq.prefetch(words)
        return " ".join(restore_accents(freq, words))

    def _near(self, freq: ClusterFrequencies, folded: str, min_df: int) -> str | None:
        if len(folded) < 3 or not folded.isalpha():
            return None
        r = self.client.request("POST", f"/{self.index}/_search", {"size": 0, "suggest": {"near": {
            "text": folded, "term": {"field": "title_f", "max_edits": 1, "prefix_length": 1,
                                     "min_word_length": 3, "suggest_mode": "always", "size": 50,
                                     "string_distance": "levenshtein"}}}})
        options = [o["text"] for entry in r.get("suggest", {}).get("near", []) for o in entry["options"]
                   if o["text"] != folded]
        if not options:
            return None
        df = freq.folded_df(options)
        scored = [(n, w) for w, n in df.items() if n >= min_df]
        return max(scored)[1] if scored else None

    def _readings(self, pq: ParsedQuery) -> tuple[list[str] | None, str | None]:
        """The likely accented reading of the typed words, and a suggestion if it differs
        (the embedded engine's rule, search/engine.py, on the cluster's counts)."""
        plain = [u.main[0] for u in pq.units if u.plain]
        if not plain or all(s.accented for s in plain):
            return None, None
        freq = self._frequencies()
        typed = [s.exact for s in plain]
        freq.prefetch(typed)
        restored = restore_accents(freq, typed)
        if restored == typed:
            return restored, None
        suggestion = None
        if all(u.plain for u in pq.units) and not any(s.accented for s in plain):
            suggestion = " ".join(u.text if r == u.main[0].exact else r
                                  for u, r in zip(pq.units, restored))
        return restored, suggestion

    def _frequencies(self) -> ClusterFrequencies:
        # counts change slowly: kept for a while, and dropped after our own writes
        now = time.monotonic()
        if self._freq is None or now - self._freq_at > FREQUENCIES_TTL:
            if self._routings is None:
                self._routings = shard_routings(self.client, self.index)
            self._freq, self._freq_at = ClusterFrequencies(self.client, self.index, self._routings), now
        return self._freq

    def _members(self, query: dict[str, Any], groups: list[int]) -> dict[int, tuple[int, dict, list[dict]]]:
        """The matching members of these groups: how many each has, the earliest (published,
        undated last, then URL: search/collapse.py's key), whole, and the next MAX_LISTED
        with what a Copy shows.

        One request for a whole page (a terms aggregation over the page's groups, the members
        as top hits), where OpenSearch's collapse `inner_hits` would run one search per group
        (on the 1k sample that doubled a search's time), and only the shown member's text is
        fetched. Matching only, no scores: no dfs.
        """
        order = [{"published": {"order": "asc", "missing": "_last"}}, {"url": "asc"}]
        body = {"size": 0, "query": {"bool": {"filter": [query, {"terms": {GROUP_FIELD: groups}}]}},
                "aggs": {MEMBERS: {"terms": {"field": GROUP_FIELD, "size": len(groups)}, "aggs": {
                    "first": {"top_hits": {"size": 1, "_source": ["doc", "cites"], "sort": order}},
                    "copies": {"top_hits": {"size": MAX_LISTED + 1, "sort": order, "_source": [
                        "doc.url", "doc.title", "doc.source", "doc.published_at"]}}}}}}
        answer = self._search(body, dfs=False)
        out: dict[int, tuple[int, dict, list[dict]]] = {}
        for b in ((answer.get("aggregations") or {}).get(MEMBERS) or {}).get("buckets", []):
            first, copies = b["first"]["hits"]["hits"], b["copies"]["hits"]["hits"]
            if first:
                out[int(b["key"])] = (int(b["doc_count"]), first[0], copies[1:])
        return out

    def _search(self, body: dict[str, Any], dfs: bool = True) -> dict[str, Any]:
        """One search; asked again while a shard did not answer (a node leaving mid-query)."""
        # dfs: term statistics from every shard, so BM25 sees the whole index as the embedded engine does
        params = {"search_type": "dfs_query_then_fetch"} if dfs else None
        for attempt in range(self.client.retries + 1):
            answer = self.client.request("POST", f"/{self.index}/_search", body, params=params)
            shards = answer.get("_shards") or {}
            if not shards.get("failed"):
                return answer
            self.client._sleep(attempt)
        raise ClusterError(f"{shards.get('failed')} of {shards.get('total')} shards of {self.index} "
                           f"did not answer: results would be incomplete")

    @staticmethod
    def _aggs(facets: bool, collapse: bool = False) -> dict[str, Any]:
        # the newest indexing number of the whole index, whatever matched (SearchResult.indexed_through)
        aggs: dict[str, Any] = {"indexed": {"global": {}, "aggs": {"through": {"max": {"field": "seq"}}}}}
        if collapse:
            # The number of stories (SearchResult.groups, and so `pages`). A cardinality
            # aggregation is HyperLogLog++ over the values' hashes: below its
            # precision_threshold (here its maximum, 40,000) it keeps the hashes
            # themselves, and the count is exact but for two groups' hashes colliding;
            # above, it is an estimate, so a search matching more than 40,000 stories
            # may say a few more or fewer than there are, and its last page may be
            # short or empty. Counting them exactly (a terms or composite aggregation
            # over every matching group) would cost memory and time per search.
            aggs["groups"] = {"cardinality": {"field": GROUP_FIELD, "precision_threshold": GROUPS_EXACT}}
        if facets:
            aggs.update({"source": {"terms": {"field": "source", "size": 10_000}},
                         "year": {"terms": {"field": "year", "size": 1_000}},
                         "month": {"date_histogram": {"field": "published", "calendar_interval": "month",
                                                      "format": "yyyy-MM", "time_zone": "+07:00",
                                                      "min_doc_count": 1}},
                         "cites_type": {"terms": {"field": "cites_type", "size": 1_000}},
                         "cites_issuer": {"terms": {"field": "cites_issuer", "size": 1_000}},
                         "cites": {"terms": {"field": "cites", "size": TOP_CITED,
                                             "shard_size": CITED_SHARD_SIZE}}})
        return {"aggs": aggs}

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ClusterEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Counts:
    def __init__(self, engine: ClusterEngine) -> None:
        self.engine = engine

    def doc_count(self) -> int:
        return len(self.engine)


def _group_of(hit: dict[str, Any]) -> int:
    """A collapsed hit's group. Field collapsing (`"collapse": {"field": "copy_group"}`) gives
    one hit per group, at its best member's place in the sort (the hit's score is that
    member's), and keeps the sort's total order (score or date, then the best member's URL):
    each shard collapses its own documents and the coordinating node merges the shards' top
    groups, keeping each group's best; a group in the global top n has fewer than n groups
    above it on its best member's shard, so the paging is exact whatever the page size."""
    return int(hit["fields"][GROUP_FIELD][0])


def _hit(source: dict[str, Any], score: float, terms: QueryTerms) -> Hit:
    article = from_source(source)
    return Hit(url=article.url, title=article.title, published=article.published, source=article.source,
               score=score, snippet=highlight(article.text, terms, max_chars=SNIPPET_CHARS),
               title_highlighted=highlight(article.title, terms),
               summary=article.summary, author=article.author, category=article.category,
               cites=cites_of(source))


def _sort(sort: str) -> list[Any]:
    # the URL breaks ties: one total order, so pages never overlap
    if sort == "date":
        return [{"published": {"order": "desc", "missing": "_last"}}, {"_score": "desc"}, {"url": "asc"}]
    return [{"_score": "desc"}, {"url": "asc"}]


def _buckets(agg: dict | None) -> dict[str, int]:
    if not agg:
        return {}
    pairs = [(b["key"], int(b["doc_count"])) for b in agg["buckets"] if b["doc_count"]]
    return dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
