"""The counts accent restoration reads (search.suggest.Frequencies), asked of the cluster.

The embedded engine reads them from its own index; here two term-vector
requests on an artificial document give them for a whole query: one for
every accented spelling of the typed syllables (document and token counts in
titles and bodies), one for the pairs of the likely candidates. OpenSearch
answers those statistics from the one shard the artificial document routes
to, so each request (one _mtermvectors) holds the document once per shard (a
routing value found for each) and the counts are summed: the whole index's
counts, as the embedded engine reads.
"""

from __future__ import annotations

from ...backends.client import Client, ClusterError
from ...backends.documents import pair_term
from ...index.pairs import pair_key
from ...text import fold
from ..suggest import _CANDIDATES_PER_SYLLABLE, Frequencies, accent_variants



def shard_routings(client: Client, index: str) -> list[str]:
    """One routing value per shard of the index: the term statistics of each shard."""
    settings = client.request("GET", f"/{index}/_settings/index.number_of_shards")
    shards = int(next(iter(settings.values()))["settings"]["index"]["number_of_shards"])
    found: dict[int, str] = {}
    for i in range(64 * shards):
        if len(found) == shards:
            break
        routing = f"r{i}"
        r = client.request("GET", f"/{index}/_search_shards", params={"routing": routing})
        found.setdefault(int(r["shards"][0][0]["shard"]), routing)
    return [found[k] for k in sorted(found)]


class ClusterFrequencies(Frequencies):
    def __init__(self, client: Client, index: str, routings: list[str]) -> None:
        self.client = client
        self.index = index
        self.routings = routings
        self._terms: dict[str, tuple[int, float]] = {}
        self._pairs: dict[tuple[str, str], float] = {}
        self._tokens: float | None = None
        self._runs: dict[tuple[tuple[str, str], tuple[str, str]], tuple[int, int, int]] = {}
        self._documents: int | None = None

    def _vectors(self, doc: dict[str, str]) -> list[dict]:
        """The term vectors of an artificial document, with each shard's statistics
        (one round trip for all shards, where a request per shard took one each)."""
        asks = [{"doc": doc, "routing": routing, "term_statistics": True, "field_statistics": True,
                 "positions": False, "offsets": False} for routing in self.routings]
        answer = self.client.request("POST", f"/{self.index}/_mtermvectors", {"docs": asks})
        out = []
        for d in answer.get("docs") or []:
            if "error" in d or d.get("found") is False:
                raise ClusterError(f"term statistics of {self.index}: {d.get('error') or 'not found'}")
            out.append(d.get("term_vectors") or {})
        return out

    def fetch_terms(self, words: list[str]) -> None:
        todo = sorted({w for w in words if w not in self._terms})
        if not todo:
            return
        text = " ".join(todo)
        tokens = 0.0
        stats: dict[str, list[float]] = {w: [0, 0.0] for w in todo}
        for tv in self._vectors({"title": text, "body": text}):
            for field in ("title", "body"):
                f = tv.get(field) or {}
                tokens += float((f.get("field_statistics") or {}).get("sum_ttf") or 0)
                for term, info in (f.get("terms") or {}).items():
                    if term in stats:
                        stats[term][0] += int(info.get("doc_freq") or 0)
                        stats[term][1] += float(info.get("ttf") or 0)
        if self._tokens is None:
            self._tokens = tokens or 1.0
        for w, (df, ttf) in stats.items():
            self._terms[w] = (int(df), ttf)

    def folded_df(self, words: list[str]) -> dict[str, int]:
        """Documents holding each folded term in the title or the body (their sum, as the embedded engine counts)."""
        text = " ".join(sorted(set(words)))
        out = dict.fromkeys(words, 0)
        for tv in self._vectors({"title_f": text, "body_f": text}):
            for field in ("title_f", "body_f"):
                for term, info in ((tv.get(field) or {}).get("terms") or {}).items():
                    if term in out:
                        out[term] += int(info.get("doc_freq") or 0)
        return out

    def fetch_pairs(self, pairs: list[tuple[str, str]]) -> None:
        todo = sorted({p for p in pairs if p not in self._pairs})
        if not todo:
            return
        keys = {p: pair_term(pair_key(*p)) for p in todo}
        counts = dict.fromkeys(keys, 0.0)
        for tv in self._vectors({"pairs": " ".join(keys.values())}):
            terms = (tv.get("pairs") or {}).get("terms") or {}
            for p, key in keys.items():
                counts[p] += float((terms.get(key) or {}).get("ttf") or 0)
        self._pairs.update(counts)

    def prefetch(self, syllables: list[str]) -> None:
        """Everything restore_accents(self, syllables) will read, in two requests."""
        layers = [accent_variants(s) if s == fold(s) else (s,) for s in syllables]
        self.fetch_terms([w for layer in layers for w in layer])
        tops = []
        for layer in layers:
            scored = sorted(((w, self.df(w)) for w in layer), key=lambda x: -x[1])
            tops.append([w for w, df in scored if df > 0][:_CANDIDATES_PER_SYLLABLE] or [layer[0]])
        self.fetch_pairs([(a, b) for left, right in zip(tops, tops[1:]) for a in left for b in right
                          if not (a.isascii() and b.isascii())])

    def prefetch_runs(self, runs: list[tuple[tuple[str, str], tuple[str, str]]]) -> None:
        self.fetch_runs(runs)

    def fetch_runs(self, runs: list[tuple[tuple[str, str], tuple[str, str]]]) -> None:
        """Documents holding each pair of each run, and both: one search of named filters."""
        todo = sorted({r for r in runs if r not in self._runs})
        if not todo:
            return
        filters: dict[str, dict] = {}
        for i, (first, second) in enumerate(todo):
            a, b = (pair_term(pair_key(*p)) for p in (first, second))
            filters[f"{i}a"] = {"term": {"pairs": a}}
            filters[f"{i}b"] = {"term": {"pairs": b}}
            filters[f"{i}ab"] = {"bool": {"filter": [{"term": {"pairs": a}}, {"term": {"pairs": b}}]}}
        answer = self.client.request("POST", f"/{self.index}/_search", {
            "size": 0, "track_total_hits": True,
            "aggs": {"runs": {"filters": {"filters": filters}}}})
        buckets = answer["aggregations"]["runs"]["buckets"]
        if self._documents is None:
            self._documents = int((answer.get("hits") or {}).get("total", {}).get("value") or 0)
        for i, run in enumerate(todo):
            self._runs[run] = tuple(int(buckets[f"{i}{k}"]["doc_count"]) for k in ("a", "b", "ab"))  # type: ignore[assignment]

    # --- what Frequencies reads ------------------------------------------

    def documents(self) -> int:
        if self._documents is None:
            self._documents = int(self.client.request("GET", f"/{self.index}/_count")["count"])
        return max(self._documents, 1)

    def run_counts(self, first: tuple[str, str], second: tuple[str, str]) -> tuple[int, int, int]:
        if (first, second) not in self._runs:
            self.fetch_runs([(first, second)])
        return self._runs[(first, second)]

    def _term(self, term: str) -> tuple[int, float]:
        if term not in self._terms:
            self.fetch_terms([term])
        return self._terms[term]

    def tokens(self) -> float:
        if self._tokens is None:
            self.fetch_terms(["a"])
        return self._tokens or 1.0

    def pair_count(self, a: str, b: str) -> float:
        if (a, b) not in self._pairs:
            self.fetch_pairs([(a, b)])
        return self._pairs[(a, b)]
