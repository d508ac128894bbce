"""One SearchEngine per app, opened on first use.

Opening lazily means `govsearch serve` can start before the first import or
crawl has created the index: until then requests get a 503 that says how to
build one, and the first request after it exists opens it, no restart needed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..errors import IndexStoreError
from ..index import IndexError_
from ..search import SearchEngine


class IndexUnavailable(IndexStoreError):
    """The index cannot be opened (missing, or built by another schema version)."""


class EngineHolder:
    def __init__(self, path: str | os.PathLike | None = None, *,
                 engine: SearchEngine | None = None) -> None:
        self._engine = engine
        # An engine handed in belongs to the embedder: we never close it.
        self._owned = engine is None
        self.path: Path | None = engine.path if engine is not None else \
            (Path(path) if path is not None else None)
        self._lock = threading.Lock()

    def get(self) -> SearchEngine:
        engine = self._engine
        if engine is not None:
            return engine
        with self._lock:
            if self._engine is None:
                try:
                    self._engine = SearchEngine(self.path, create=False)
                except IndexError_ as e:
                    raise IndexUnavailable(str(e)) from None
                self.path = self._engine.path
            return self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None and self._owned:
                self._engine.close()
                self._engine = None
