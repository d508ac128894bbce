"""The articles of one cluster index: bulk writes with their copy groups, reads, counts, stats.

What the embedded index's IndexStore is to SearchEngine, ClusterStore is to
the cluster's engine (search/cluster): it stores articles and talks to the
cluster, and knows nothing of queries.

Writes are "committed" when the cluster acknowledged them (the translog is
synced per request by default, and a write returns once the in-sync copies
hold it), and visible to searches after the refresh each bulk ends with.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..article import VIETNAM_TZ, Article
from ..errors import IndexNotFoundError
from ..index import IndexStats
from . import ClusterURL
from .client import Client, ClusterError
from .copies import assign_groups
from .documents import doc_id, from_source, to_doc
from .template import check_schema, init_cluster, schema_version

# documents per bulk request, and at most this many bytes of them
BULK_DOCS = 500
BULK_BYTES = 8 << 20


class _Sequence:
    """Indexing numbers in order: microseconds since the epoch, strictly growing in this process.

    The embedded index counts its commits; a cluster has writers on several
    machines and no counter they share (the distribution has no scripting
    module for an atomic increment), so the number is the clock's: an article
    indexed later gets a larger number, as `indexed_after` needs, as long as
    the writers' clocks agree to within the time between two saved-query runs.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> int:
        """The first of n consecutive fresh numbers."""
        with self._lock:
            first = max(self._last + 1, time.time_ns() // 1000)
            self._last = first + n - 1
            return first


SEQUENCE = _Sequence()


class ClusterStore:
    """One cluster index's articles; created (template and index) when missing unless create=False."""

    def __init__(self, where: ClusterURL, *, create: bool = True) -> None:
        self.url = where
        self.index = where.index
        self.client = Client(where.base)
        # Local state a command keeps beside an index (the import checkpoint):
        # a folder of its own per cluster index.
        key = hashlib.sha1(str(where).encode()).hexdigest()[:12]
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        self.path = base / "govsearch" / f"cluster-{where.index}-{key}"
        try:
            check_schema(self.client, where)
        except IndexNotFoundError:
            if not create:
                self.client.close()
                raise
            init_cluster(where)
        self.path.mkdir(parents=True, exist_ok=True)

    # --- writing -------------------------------------------------------------

    def add_many(self, articles: Iterable[Article], progress: Callable[[int], None] | None = None,
                 on_commit: Callable[[int, int], None] | None = None) -> int:
        """Bulk-index articles (replacing by URL); visible to searches when this returns.

        A URL repeated within one bulk is indexed once, last wins (as in the
        embedded index's batches). Each bulk gets its copy groups from what is
        indexed before it (copies.assign_groups), and is refreshed before the
        next one looks. `on_commit(read, indexed)` follows each acknowledged
        bulk: the articles taken from `articles` for it, and those indexed.
        """
        count = read = 0
        batch: dict[str, Article] = {}
        size = 0
        for article in articles:
            read += 1
            batch.pop(article.url, None)
            batch[article.url] = article
            size += len(article.body) + len(article.title) + 200
            if len(batch) >= BULK_DOCS or size >= BULK_BYTES:
                count += self._committed(list(batch.values()), read, progress, on_commit)
                batch, size, read = {}, 0, 0
        if batch:
            count += self._committed(list(batch.values()), read, progress, on_commit)
        return count

    def _committed(self, articles: list[Article], read: int, progress: Callable[[int], None] | None,
                   on_commit: Callable[[int, int], None] | None) -> int:
        n = self._send(articles, progress)
        if on_commit is not None:
            on_commit(read, n)
        return n

    def _send(self, articles: list[Article], progress: Callable[[int], None] | None) -> int:
        """One bulk: documents, their copy groups, the bulk request, then a refresh."""
        first = SEQUENCE.take(len(articles))
        docs = [to_doc(article, first + i) for i, article in enumerate(articles)]
        assign_groups(self.client, self.index, docs)
        lines: list[dict] = []
        for doc in docs:
            lines += [{"index": {"_index": self.index, "_id": doc_id(doc["url"])}}, doc]
        n = self._bulk(lines, progress)
        # what the next bulk's copy lookup and every search must see
        self.client.request("POST", f"/{self.index}/_refresh")
        return n

    def _bulk(self, lines: list[dict], progress: Callable[[int], None] | None) -> int:
        """Send one bulk; items the cluster refused for load (429, 503) are sent again."""
        pending = lines
        for attempt in range(self.client.retries + 1):
            answer = self.client.request("POST", "/_bulk", ndjson=pending)
            if not answer.get("errors"):
                break
            again: list[dict] = []
            for i, item in enumerate(answer["items"]):
                result = next(iter(item.values()))
                status = result.get("status", 500)
                if status < 300:
                    continue
                if status in (429, 503):
                    again += pending[2 * i: 2 * i + 2]
                    continue
                err = result.get("error") or {}
                raise ClusterError(f"the cluster refused {pending[2 * i + 1].get('url')}: "
                                   f"{err.get('type')}: {err.get('reason')}", status)
            if not again:
                break
            pending = again
            self.client._sleep(attempt)
        else:
            raise ClusterError(f"the cluster kept refusing {len(pending) // 2} documents for load")
        n = len(lines) // 2
        if progress is not None:
            progress(n)
        return n

    def delete(self, url: str) -> bool:
        r = self.client.request("DELETE", f"/{self.index}/_doc/{doc_id(url)}",
                                params={"refresh": "true"}, ok=(404,))
        return r.get("result") == "deleted"

    # --- reading -------------------------------------------------------------

    def get(self, url: str) -> Article | None:
        r = self.client.request("GET", f"/{self.index}/_doc/{doc_id(url)}", ok=(404,))
        if not r.get("found"):
            return None
        return from_source(r["_source"])

    def articles(self) -> Iterator[Article]:
        """Every stored article, in URL order (search_after: no scroll context to keep alive)."""
        after = None
        while True:
            body: dict[str, Any] = {"size": 500, "sort": [{"url": "asc"}], "_source": ["doc"],
                                    "query": {"match_all": {}}}
            if after is not None:
                body["search_after"] = after
            page = self.client.request("POST", f"/{self.index}/_search", body)["hits"]["hits"]
            for h in page:
                yield from_source(h["_source"])
            if len(page) < 500:
                return
            after = page[-1]["sort"]

    def __len__(self) -> int:
        return int(self.client.request("GET", f"/{self.index}/_count")["count"])

    def stats(self) -> IndexStats:
        aggs = {
            "sources": {"terms": {"field": "source", "size": 10_000}},
            "undated": {"filter": {"bool": {"must_not": [{"exists": {"field": "published"}}]}},
                        "aggs": {"by": {"terms": {"field": "source", "size": 10_000}}}},
            "no_author": {"filter": {"bool": {"must_not": [{"exists": {"field": "author"}}]}},
                          "aggs": {"by": {"terms": {"field": "source", "size": 10_000}}}},
            "earliest": {"min": {"field": "published"}},
            "latest": {"max": {"field": "published"}},
        }
        r = self.client.request("POST", f"/{self.index}/_search",
                                {"size": 0, "track_total_hits": True, "aggs": aggs})
        a = r["aggregations"]
        store = self.client.request("GET", f"/{self.index}/_stats/store,segments")
        primaries = store["indices"][self.index]["primaries"]

        def counts(buckets: list[dict]) -> dict[str, int]:
            return {b["key"]: b["doc_count"] for b in buckets}

        def when(agg: dict) -> datetime | None:
            v = agg.get("value")
            return None if v is None else datetime.fromtimestamp(v / 1000, VIETNAM_TZ)

        return IndexStats(
            path=str(self.url), documents=r["hits"]["total"]["value"],
            sources=counts(a["sources"]["buckets"]), earliest=when(a["earliest"]), latest=when(a["latest"]),
            size_bytes=int(store["indices"][self.index]["total"]["store"]["size_in_bytes"]),
            schema_version=schema_version(), segments=int(primaries["segments"]["count"]),
            undated=counts(a["undated"]["by"]["buckets"]), no_author=counts(a["no_author"]["by"]["buckets"]))

    def close(self) -> None:
        self.client.close()


__all__ = ["BULK_BYTES", "BULK_DOCS", "SEQUENCE", "ClusterStore"]
