from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from govsearch.article import Article  # noqa: E402

from .server import Site  # noqa: E402
from .tiny import tiny_extract  # noqa: E402,F401  (the tests import it from here)

class MemorySink:
    """Upserts by URL like the real index, and counts every hand-over."""

    def __init__(self) -> None:
        self.docs: dict[str, Article] = {}
        self.deliveries: list[str] = []
        self.calls = 0

    def add_many(self, articles: list[Article]) -> int:
        self.calls += 1
        for a in articles:
            self.docs[a.url] = a
            self.deliveries.append(a.url)
        return len(articles)

    def get(self, url: str) -> Article | None:
        return self.docs.get(url)


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site().start()
    yield s
    s.stop()


@pytest.fixture
def site2() -> Iterator[Site]:
    s = Site().start()
    yield s
    s.stop()


@pytest.fixture
def sink() -> MemorySink:
    return MemorySink()


# Fast settings for crawls against local servers.
FAST = dict(delay=0, timeout=2.0, retries=2, backoff=0.05, max_retry_after=2.0, flush_interval=0.2)
