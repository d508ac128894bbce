"""One SearchEngine per app, opened on first use; an index that cannot be read becomes a 503.

Opening lazily means `govsearch serve` can start before the first import or
crawl has created the index: until then requests get a 503 that says how to
build one, and the first request after it exists opens it, no restart needed.

A damaged index (a truncated or missing segment file) shows up as whatever
Whoosh happens to raise while reading it: OSError, struct.error, pickle
errors, FileFormatError, even a bare Exception. So every read goes through
`EngineHolder.read`, and anything but our own parameter errors becomes
IndexUnavailable("damaged"), logged with its traceback for the operator.
The messages never name the index's path: that is for the server's log.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from govsearch import IndexNotFoundError, IndexStoreError, SchemaVersionError, SearchEngine

from .params import ParamError

log = logging.getLogger("govsearch.web")
T = TypeVar("T")

MESSAGES = {
    "missing": ("no index yet: build one with `govsearch import FILE.jsonl` or `govsearch crawl`",
                "Chưa có chỉ mục để tìm kiếm. Người quản trị hãy tạo chỉ mục bằng "
                "`govsearch import TỆP.jsonl` hoặc `govsearch crawl`."),
    "version": ("the index was built by another version of govsearch: export it with that version "
                "(`govsearch export`), delete it, then `govsearch import` the export",
                "Chỉ mục được tạo bởi một phiên bản govsearch khác. Người quản trị hãy xuất dữ liệu bằng "
                "phiên bản cũ (`govsearch export`), xóa chỉ mục rồi `govsearch import` lại."),
    "damaged": ("the index is damaged: run `govsearch check` to see what is damaged, then rebuild it "
                "(delete the index directory and run `govsearch import FILE.jsonl` or `govsearch crawl` again)",
                "Chỉ mục bị hỏng nên tạm thời không tìm kiếm được. Người quản trị hãy chạy `govsearch check` "
                "để xem phần nào bị hỏng, rồi xây lại chỉ mục: xóa thư mục chỉ mục và chạy lại "
                "`govsearch import TỆP.jsonl` hoặc `govsearch crawl`."),
}


class IndexUnavailable(IndexStoreError):
    """The index cannot be read: `kind` is missing, version or damaged; `str(e)` English, `e.vi` Vietnamese."""

    def __init__(self, kind: str) -> None:
        en, self.vi = MESSAGES[kind]
        super().__init__(en)
        self.kind = kind


class EngineHolder:
    def __init__(self, path: str | os.PathLike | None = None, *,
                 engine: SearchEngine | None = None) -> None:
        self._engine = engine
        # An engine handed in belongs to the embedder: we never close or replace it.
        self._owned = engine is None
        self.path: Path | None = engine.path if engine is not None else \
            (Path(path) if path is not None else None)
        self._lock = threading.Lock()

    def read(self, fn: Callable[[SearchEngine], T]) -> T:
        """`fn(engine)`, with an index that cannot be read reported as IndexUnavailable."""
        engine = self.get()
        try:
            return fn(engine)
        except (ParamError, IndexUnavailable):
            raise
        except Exception as e:
            raise self._unreadable(engine, e) from None

    def get(self) -> SearchEngine:
        engine = self._engine
        if engine is not None:
            return engine
        with self._lock:
            if self._engine is None:
                try:
                    self._engine = SearchEngine(self.path, create=False)
                except IndexNotFoundError:
                    raise IndexUnavailable("missing") from None
                except SchemaVersionError:
                    raise IndexUnavailable("version") from None
                except Exception as e:
                    raise self._unreadable(None, e) from None
                self.path = self._engine.path
            return self._engine

    def _unreadable(self, engine: SearchEngine | None, e: Exception) -> IndexUnavailable:
        log.error("index at %s could not be read; reporting it as damaged", self.path, exc_info=e)
        if engine is not None and self._owned:
            with self._lock:
                # Open afresh next time: after a rebuild in place the old readers would still hold
                # the damaged files. Not closed here: other requests may be reading through it.
                if self._engine is engine:
                    self._engine = None
        return IndexUnavailable("damaged")

    def close(self) -> None:
        with self._lock:
            if self._engine is not None and self._owned:
                self._engine.close()
                self._engine = None
