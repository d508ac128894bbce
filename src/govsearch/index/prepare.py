"""Articles made ready for the writer, in this process or in a helper process.

Analysis (normalize, tokenize, fold), an article's pair keys and the
postings of its text fields are a quarter of an import's CPU time and
depend on nothing but the article. A bulk import therefore does them in a
second process while this one feeds Whoosh, which is single-threaded and
the rest of the cost. The work is the same functions either way, so the
index is the same (tests/index/test_prepare.py builds both and compares).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..article import Article
from .pairs import article_pairs
from .schema import Postings, SyllableField, analyzed_doc, make_schema

# Articles per task sent to the helper: big enough that pickling is a small
# share, small enough that the writer waits little for the first one.
CHUNK = 250
# Tasks in flight: the helper is never idle, and at most this many chunks
# (about 4 MB each) wait in memory.
AHEAD = 4
# Batches under two chunks are prepared here: a helper process costs about
# a second to start, and a crawl's batches of a few dozen gain nothing.


@dataclass(slots=True)
class Prepared:
    """One article as the writer needs it."""

    fields: dict[str, object]   # `add_document` arguments; text fields as Postings; seq unset
    keys: np.ndarray            # its pair keys (pairs.article_pairs)
    counts: np.ndarray


@lru_cache(maxsize=1)
def _schema():
    return make_schema()


@lru_cache(maxsize=1)
def _text_fields() -> frozenset[str]:
    schema = _schema()
    return frozenset(name for name in schema.names() if isinstance(schema[name], SyllableField))


def prepare(article: Article) -> Prepared:
    """Analyze one article: its Whoosh fields with their postings computed, and its pairs."""
    doc = analyzed_doc(article)
    keys, counts = article_pairs(doc.title, doc.body)
    schema = _schema()
    fields = doc.fields
    for name in _text_fields():
        value = fields.get(name)
        if isinstance(value, list):
            fields[name] = Postings(tuple(schema[name].index(value)))
    return Prepared(fields, keys, counts)


def prepare_chunk(articles: Sequence[Article]) -> list[Prepared]:
    return [prepare(a) for a in articles]


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group: the writer reports it; the
    # helper just ends with its parent instead of printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Preparer:
    """Prepares batches of articles, with up to `workers` helper processes (0: none)."""

    def __init__(self, workers: int | None = None, *, chunk: int = CHUNK) -> None:
        if workers is None:
            workers = 1 if (os.cpu_count() or 1) >= 2 else 0
        self.workers = workers
        self.chunk = chunk
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def map(self, articles: Sequence[Article]) -> Iterator[Prepared]:
        """Each article prepared, in order."""
        if self.workers <= 0 or len(articles) < 2 * self.chunk:
            yield from map(prepare, articles)
            return
        size = self.chunk
        chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
        pool = self._get_pool()
        pending: deque[concurrent.futures.Future[list[Prepared]]] = deque()
        i = 0
        try:
            while i < len(chunks) or pending:
                while i < len(chunks) and len(pending) < AHEAD:
                    pending.append(pool.submit(prepare_chunk, chunks[i]))
                    i += 1
                fut = pending.popleft()
                try:
                    done = fut.result()
                except BrokenProcessPool:
                    # The helper died (killed, out of memory): do the rest here.
                    self._drop_pool()
                    start = i - len(pending) - 1
                    pending.clear()
                    for chunk in chunks[start:]:
                        yield from map(prepare, chunk)
                    return
                yield from done
        finally:
            for fut in pending:
                fut.cancel()

    def _get_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the caller may run threads (a web server, a crawl).
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_worker)
        return self._pool

    def _drop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


__all__ = ["CHUNK", "Prepared", "Preparer", "prepare", "prepare_chunk"]
