"""Handing articles to the sink in batches, and only then calling their pages
done; after a crash, handing over what the killed run extracted.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Iterable, Protocol

from govsearch.article import Article, ArticleError

from .policy import article_hash
from .report import CrawlSummary
from .state import CrawlState


class SinkLike(Protocol):
    def add_many(self, articles: Iterable[Article]) -> int: ...


Sink = Callable[[list[Article]], Any] | SinkLike


class Batcher:
    def __init__(self, sink: Sink, state: CrawlState, summary: CrawlSummary, *,
                 batch_size: int, flush_interval: float) -> None:
        if hasattr(sink, "add_many"):
            self._call: Callable[[list[Article]], Any] = sink.add_many
        elif callable(sink):
            self._call = sink
        else:
            raise TypeError("sink must be callable or have add_many()")
        self._get = getattr(sink, "get", None)
        self.state = state
        self.summary = summary
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.batch: list[tuple[str, Article]] = []
        self.started = 0.0
        self.lock = asyncio.Lock()

    def add(self, url: str, article: Article) -> None:
        """Queue an article whose page is already `pending` in the state file."""
        if not self.batch:
            self.started = time.monotonic()
        self.batch.append((url, article))

    def due(self) -> bool:
        return bool(self.batch) and (len(self.batch) >= self.batch_size
                                     or time.monotonic() - self.started >= self.flush_interval)

    async def flush(self) -> None:
        async with self.lock:
            if not self.batch:
                return
            batch, self.batch = self.batch, []
            articles = [a for _, a in batch]
            await asyncio.to_thread(self._call, articles)
            # Only now, with the sink's commit done, are these pages finished.
            with self.state.transaction():
                self.state.clear_pending([u for u, _ in batch])
            self.summary.articles_indexed += len(articles)

    async def recover(self) -> None:
        """Articles a killed run extracted but may not have handed over."""
        rows = list(self.state.pending())
        if not rows:
            return
        redo: list[tuple[str, Article]] = []
        done: list[str] = []
        for url, data, h in rows:
            try:
                art = Article.from_dict(data)
            except ArticleError:
                done.append(url)
                continue
            # If the sink already holds exactly this version, the killed run got
            # as far as the sink's commit: do not hand it over twice.
            if self._get is not None:
                try:
                    have = await asyncio.to_thread(self._get, art.url)
                except Exception:
                    have = None
                if isinstance(have, Article) and article_hash(have) == h:
                    done.append(url)
                    continue
            redo.append((url, art))
        if done:
            with self.state.transaction():
                self.state.clear_pending(done)
        self.batch.extend(redo)
        self.started = time.monotonic()
        await self.flush()
