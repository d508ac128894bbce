"""The settings of one crawl run, as the parts of the crawler see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .fetch import FetchConfig
from .vocab import Kind


@dataclass(slots=True)
class Options:
    index_dir: Path
    state_path: Path
    max_pages: int | None
    since: datetime | None
    concurrency: int
    per_host: int | None
    delay: float | None
    fetch: FetchConfig
    revisit: dict[str, float]
    batch_size: int
    flush_interval: float
    host_cap: int | None
    workers: int = 0
    refresh: frozenset[Kind] = frozenset()   # kinds to ask again now, whatever their due time
    warc: Path | None = None                 # append every HTTP exchange to this web archive
