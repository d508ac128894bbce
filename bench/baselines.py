"""The systems under test, behind one small interface.

- `Fts5System`: SQLite FTS5, `unicode61 remove_diacritics 2`, bm25 with the
  title weighted 5:1 — what a developer gets from the standard library.
- `WhooshPlainSystem`: Whoosh with `StandardAnalyzer` on title and body and a
  `MultifieldParser` query (AND of the words, BM25F) — what a developer gets
  from following the Whoosh quickstart.
- `GovsearchSystem`: an adapter over `govsearch.SearchEngine`.

Each system owns one index directory (or file) and can build it, reopen it,
search it and report its size. A `<index>.meta.json` beside each index records
which documents went in, so relevance.py can reuse an index that speed.py has
just built (building three 58k indexes twice would cost half an hour).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus import Doc, provenance


@dataclass(slots=True)
class BuildStats:
    docs: int
    wall_s: float
    # CPU time of this process: less disturbed than wall time when other
    # engineers load the shared machine, so it is reported alongside.
    cpu_s: float

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.wall_s if self.wall_s else float("nan")

    @property
    def docs_per_cpu_s(self) -> float:
        return self.docs / self.cpu_s if self.cpu_s else float("nan")


class System(Protocol):
    name: str
    path: Path

    def build(self, docs: Sequence[Doc]) -> BuildStats: ...
    def open(self) -> None: ...
    def search(self, query: str, k: int) -> list[str]: ...
    def close(self) -> None: ...


def path_size(path: Path) -> int:
    """Bytes on disk of an index file or directory (recursively)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += (Path(root) / f).stat().st_size
            except FileNotFoundError:  # a temp file vanished mid-walk
                pass
    return total


def corpus_fingerprint(docs: Sequence[Doc]) -> dict[str, Any]:
    """Enough to tell whether an existing index holds these documents."""
    return {"docs": len(docs), "first": docs[0].url if docs else None,
            "last": docs[-1].url if docs else None}


def meta_path(index_path: Path) -> Path:
    return index_path.with_name(index_path.name + ".meta.json")


# Taken when this module is imported, i.e. before govsearch is: the source a
# build in this process actually ran, even if someone edits it mid-build.
BUILD_PROVENANCE = provenance()


def write_meta(index_path: Path, docs: Sequence[Doc], stats: BuildStats) -> None:
    # The code version matters for govsearch: an index built by yesterday's
    # analyzer searched with today's query code is not a fair measurement.
    meta = corpus_fingerprint(docs) | {"build": asdict(stats), "provenance": BUILD_PROVENANCE}
    meta_path(index_path).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def index_matches(index_path: Path, docs: Sequence[Doc]) -> bool:
    mp = meta_path(index_path)
    if not index_path.exists() or not mp.exists():
        return False
    meta = json.loads(mp.read_text(encoding="utf-8"))
    return all(meta.get(k) == v for k, v in corpus_fingerprint(docs).items())


def read_meta(index_path: Path) -> dict[str, Any]:
    mp = meta_path(index_path)
    return json.loads(mp.read_text(encoding="utf-8")) if mp.exists() else {}


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    mp = meta_path(path)
    if mp.exists():
        mp.unlink()


def _staging(path: Path) -> Path:
    """Where to build: a private name, so that another run of these scripts
    (other engineers use them too) never sees, reuses or deletes a half-built
    index, and a build of ours is never deleted under us by theirs."""
    tmp = path.with_name(f"{path.name}.building-{os.getpid()}")
    _remove(tmp)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    return tmp


def _install(tmp: Path, path: Path, docs: Sequence[Doc], stats: BuildStats) -> None:
    """Put a finished index in place, then its meta (the 'complete' mark)."""
    _remove(path)
    os.replace(tmp, path)
    write_meta(path, docs, stats)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class _Timer:
    """Wall time, and CPU time of this process plus the helper processes it waited for."""

    def __enter__(self) -> _Timer:
        self.w0, self.c0, self.k0 = time.perf_counter(), time.process_time(), _children_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0 + _children_cpu() - self.k0


# --------------------------------------------------------------------------
# SQLite FTS5


def fts5_match_expr(query: str) -> str:
    """A MATCH expression that cannot be a syntax error.

    Every whitespace-separated piece becomes a quoted string (embedded quotes
    doubled), so `-`, `:`, `*`, `(`, `AND`, `NEAR` in a user's query are plain
    text. FTS5 tokenizes inside the quotes; the pieces are ANDed, FTS5's
    default, which is what a developer wiring a search box to MATCH gets.
    """
    parts = ['"' + p.replace('"', '""') + '"' for p in query.split()]
    return " ".join(parts)


class Fts5System:
    name = "fts5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def build(self, docs: Sequence[Doc]) -> BuildStats:
        tmp = _staging(self.path)
        with _Timer() as t:
            conn = sqlite3.connect(tmp)
            conn.execute(
                "CREATE VIRTUAL TABLE docs USING fts5("
                "url UNINDEXED, title, body, "
                "tokenize = 'unicode61 remove_diacritics 2')")
            with conn:  # one transaction: the normal way to bulk-load SQLite
                conn.executemany("INSERT INTO docs(url, title, body) VALUES (?, ?, ?)",
                                 ((d.url, d.title, d.body) for d in docs))
            conn.close()
        stats = BuildStats(len(docs), t.wall, t.cpu)
        _install(tmp, self.path, docs, stats)
        return stats

    def open(self) -> None:
        self.conn = sqlite3.connect(self.path)

    def search(self, query: str, k: int) -> list[str]:
        assert self.conn is not None, "open() first"
        expr = fts5_match_expr(query)
        if not expr:
            return []
        try:
            # Column weights follow the column order: url (unindexed), title, body.
            rows = self.conn.execute(
                "SELECT url FROM docs WHERE docs MATCH ? "
                "ORDER BY bm25(docs, 0.0, 5.0, 1.0) LIMIT ?", (expr, k)).fetchall()
        except sqlite3.OperationalError:
            # Quoting leaves no syntax to get wrong; anything left (e.g. a
            # query of only punctuation) is "no results", as a UI would show.
            return []
        return [r[0] for r in rows]

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --------------------------------------------------------------------------
# Plain Whoosh


class WhooshPlainSystem:
    name = "whoosh"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ix: Any = None
        self.searcher: Any = None
        self.parser: Any = None

    def build(self, docs: Sequence[Doc]) -> BuildStats:
        from whoosh import index
        from whoosh.analysis import StandardAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        tmp = _staging(self.path)
        tmp.mkdir()
        with _Timer() as t:
            schema = Schema(url=ID(stored=True, unique=True),
                            title=TEXT(analyzer=StandardAnalyzer(), stored=True),
                            body=TEXT(analyzer=StandardAnalyzer()))
            ix = index.create_in(str(tmp), schema)
            # Defaults on purpose (one process, limitmb=128): the quickstart way.
            writer = ix.writer()
            for d in docs:
                writer.add_document(url=d.url, title=d.title, body=d.body)
            writer.commit()
            ix.close()
        stats = BuildStats(len(docs), t.wall, t.cpu)
        _install(tmp, self.path, docs, stats)
        return stats

    def open(self) -> None:
        from whoosh import index
        from whoosh.qparser import MultifieldParser

        self.ix = index.open_dir(str(self.path))
        # One long-lived searcher, as any server would keep.
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def search(self, query: str, k: int) -> list[str]:
        assert self.searcher is not None, "open() first"
        try:
            q = self.parser.parse(query)
            hits = self.searcher.search(q, limit=k)
            return [h["url"] for h in hits]
        except Exception:  # noqa: BLE001 - a naive app shows "no results" on any parser trouble
            return []

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        if self.ix is not None:
            self.ix.close()
        self.searcher = self.ix = self.parser = None


# --------------------------------------------------------------------------
# govsearch


class GovsearchSystem:
    name = "govsearch"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine: Any = None

    def build(self, docs: Sequence[Doc]) -> BuildStats:
        from govsearch import Article, SearchEngine

        tmp = _staging(self.path)
        # Articles are made before the clock starts: the baselines get plain
        # tuples for free, so govsearch should not pay for its dataclass.
        articles = [Article(url=d.url, title=d.title, body=d.body) for d in docs]
        with _Timer() as t:
            engine = SearchEngine(str(tmp), create=True)
            # as `govsearch import` does: a helper process analyzes while this one writes
            n = engine.add_many(articles, workers=None)
            engine.close()  # waits for the helper, so its CPU time is counted
        if n != len(docs):
            print(f"warning: govsearch add_many returned {n} for {len(docs)} documents")
        stats = BuildStats(len(docs), t.wall, t.cpu)
        _install(tmp, self.path, docs, stats)
        return stats

    def open(self) -> None:
        from govsearch import SearchEngine

        self.engine = SearchEngine(str(self.path))

    def search(self, query: str, k: int) -> list[str]:
        assert self.engine is not None, "open() first"
        res = self.engine.search(query, limit=k)
        return [h.url for h in res.hits]

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None


SYSTEM_CLASSES: dict[str, type] = {
    "govsearch": GovsearchSystem,
    "fts5": Fts5System,
    "whoosh": WhooshPlainSystem,
}


def make_system(name: str, index_root: Path, tag: str) -> System:
    """A system whose index lives under `index_root`, one per corpus (tag)."""
    suffix = ".sqlite" if name == "fts5" else ""
    return SYSTEM_CLASSES[name](index_root / f"{name}-{tag}{suffix}")


def ensure_built(system: System, docs: Sequence[Doc], rebuild: bool = False) -> BuildStats | None:
    """Build the index unless one holding exactly `docs` is already there."""
    if not rebuild and index_matches(system.path, docs):
        return None
    return system.build(docs)
