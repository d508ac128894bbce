"""Articles made ready for the writer, in this process or in a helper process.

Analysis (normalize, tokenize, fold), an article's pair keys and the
postings of its text fields are a quarter of an import's CPU time and
depend on nothing but the article. A bulk import therefore does them in a
second process while this one feeds Whoosh, which is single-threaded and
the rest of the cost. The work is the same functions either way, so the
index is the same (tests/index/test_prepare.py builds both and compares).

A bulk import reads its next batch, and sends it to the helper, before the
writer commits the current one (`Preparer.begin`): a commit is Whoosh
writing postings in this process, and with one batch at a time the helper
sat idle through every commit (py-spy on the 58k import: writer 62%,
helper 52% busy).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

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


class Batch:
    """Up to one commit's articles read from a stream, sent to be prepared as they were read.

    `error` is what the stream raised while this batch was read (the articles
    before it are here): the writer commits them first, then raises it.
    """

    def __init__(self, preparer: Preparer, stream: Iterator[Article], limit: int) -> None:
        self.articles: list[Article] = []
        self.error: Exception | None = None
        self._preparer = preparer
        self._futures: list[concurrent.futures.Future[list[Prepared]]] = []
        size = preparer.chunk
        # a helper only for batches of two chunks or more: starting one costs a second
        helped = preparer.workers > 0 and limit >= 2 * size
        try:
            # one at a time, not a chunk at a time: what was read before a failure is kept
            for article in islice(stream, limit):
                self.articles.append(article)
                if helped and len(self.articles) % size == 0 and len(self.articles) >= 2 * size:
                    self._submit()
        except Exception as e:  # noqa: BLE001 - kept for the writer to raise after its commit
            self.error = e
        if self._futures:
            self._submit()  # the last, partial chunk

    def _submit(self) -> None:
        size = self._preparer.chunk
        pool = self._preparer.pool()
        done = len(self._futures) * size
        while done + size <= len(self.articles) or (self._futures and done < len(self.articles)):
            self._futures.append(pool.submit(prepare_chunk, self.articles[done:done + size]))
            done += size

    def __len__(self) -> int:
        return len(self.articles)

    def latest(self) -> list[bool]:
        """For each article, whether no later article of the batch has its URL (the one to index)."""
        last = {a.url: i for i, a in enumerate(self.articles)}
        return [last[a.url] == i for i, a in enumerate(self.articles)]

    def prepared(self) -> Iterator[Prepared]:
        """Each article prepared, in order."""
        size = self._preparer.chunk
        done = 0
        try:
            for fut in self._futures:
                try:
                    chunk = fut.result()
                except BrokenProcessPool:
                    # The helper died (killed, out of memory): do the rest here.
                    self._preparer.drop_pool()
                    break
                done += size
                yield from chunk
            yield from map(prepare, self.articles[done:])
        finally:
            for fut in self._futures:
                fut.cancel()
            self._futures = []


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
        pool = self.pool()
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
                    self.drop_pool()
                    start = i - len(pending) - 1
                    pending.clear()
                    for chunk in chunks[start:]:
                        yield from map(prepare, chunk)
                    return
                yield from done
        finally:
            for fut in pending:
                fut.cancel()

    def begin(self, stream: Iterable[Article] | Iterator[Article], limit: int) -> Batch:
        """Read the next (up to) `limit` articles of `stream` and start preparing them."""
        return Batch(self, iter(stream), limit)

    def pool(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the caller may run threads (a web server, a crawl).
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_worker)
        return self._pool

    def drop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


__all__ = ["CHUNK", "Batch", "Prepared", "Preparer", "prepare", "prepare_chunk"]
