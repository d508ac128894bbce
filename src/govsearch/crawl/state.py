"""Crawl state in SQLite: the frontier, every URL's history, robots.txt cache
and articles waiting for the sink.

Every change that matters is one transaction, so a crawl killed at any point
(even kill -9) leaves a consistent file: a URL is either still due, waiting in
`pending` (fetched and extracted, not yet confirmed by the sink) or finished
with its next visit time.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .vocab import Kind
from ..errors import CrawlError

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url           TEXT PRIMARY KEY,
    host          TEXT NOT NULL,
    kind          TEXT NOT NULL,      -- a vocab.Kind
    status        TEXT NOT NULL,      -- a vocab.Status
    priority      INTEGER NOT NULL,   -- lower is sooner
    due           REAL NOT NULL,      -- unix time of the next visit
    depth         INTEGER NOT NULL DEFAULT 0,
    etag          TEXT,
    last_modified TEXT,
    content_hash  TEXT,
    last_fetch    REAL,
    last_run      INTEGER,
    http_status   INTEGER,
    error         TEXT,
    lastmod       TEXT,               -- from a sitemap, ISO 8601
    discovered    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS urls_host_due ON urls(host, due);
CREATE INDEX IF NOT EXISTS urls_due ON urls(due);
CREATE TABLE IF NOT EXISTS pending (
    url          TEXT PRIMARY KEY,
    article      TEXT NOT NULL,       -- Article.to_dict() as JSON
    content_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS robots (
    host    TEXT PRIMARY KEY,
    status  INTEGER NOT NULL,         -- HTTP status, 0 when unreachable
    body    TEXT NOT NULL,
    fetched REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    started  REAL NOT NULL,
    finished REAL,
    pages    INTEGER,
    articles INTEGER
);
"""

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one crawl at a time is then up to the user
    fcntl = None  # type: ignore[assignment]


class CrawlStateError(CrawlError, RuntimeError):
    """The crawl state file cannot be used."""


class CrawlBusyError(CrawlStateError):
    """Another crawl is already using this state file."""


# Bumped when the tables change shape; a newer file is refused rather than misread.
SCHEMA_VERSION = 1

KIND_PRIORITY: dict[str, int] = {Kind.SITEMAP: 0, Kind.FEED: 0, Kind.ARTICLE: 1, Kind.LISTING: 2, Kind.PAGE: 3}


@dataclass(slots=True)
class UrlRow:
    url: str
    host: str
    kind: str
    status: str
    depth: int
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    lastmod: str | None


@dataclass(slots=True)
class NewUrl:
    url: str
    host: str
    kind: str
    depth: int
    priority: int | None = None
    lastmod: str | None = None


class CrawlState:
    """One SQLite file; used from one thread (the crawl's event loop)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Two crawls on one frontier would fetch everything twice. flock is
        # released by the kernel when the process dies, even by kill -9.
        self._lock_file = open(str(self.path) + ".lock", "a+")
        if fcntl is not None:
            try:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._lock_file.close()
                raise CrawlBusyError(f"another crawl is using {self.path}") from None
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process kill (only an OS crash can lose
        # the last commits), at a fraction of FULL's fsync cost.
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            self.close()
            raise CrawlStateError(f"{self.path} was written by a newer govsearch (state version {version})")
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()
        self._lock_file.close()

    # --- transactions -------------------------------------------------------------

    def transaction(self) -> _Tx:
        return _Tx(self.db)

    # --- runs ---------------------------------------------------------------------

    def start_run(self) -> int:
        with self.transaction():
            cur = self.db.execute("INSERT INTO runs(started) VALUES (?)", (time.time(),))
        return int(cur.lastrowid or 0)

    def finish_run(self, run: int, pages: int, articles: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE runs SET finished=?, pages=?, articles=? WHERE id=?",
                            (time.time(), pages, articles, run))

    # --- frontier -----------------------------------------------------------------

    def add_urls(self, urls: Iterable[NewUrl], now: float | None = None) -> list[NewUrl]:
        """Insert URLs not seen before (call inside a transaction); a known URL
        whose sitemap lastmod is newer becomes due now. Returns the new ones."""
        now = time.time() if now is None else now
        added: list[NewUrl] = []
        for u in urls:
            prio = u.priority if u.priority is not None else KIND_PRIORITY.get(u.kind, 3)
            cur = self.db.execute(
                "INSERT OR IGNORE INTO urls(url, host, kind, status, priority, due, depth, lastmod, discovered)"
                " VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
                (u.url, u.host, u.kind, prio, now, u.depth, u.lastmod, now))
            if cur.rowcount:
                added.append(u)
                continue
            if u.lastmod:
                # A sitemap says the page changed since we last saw it: due now.
                self.db.execute(
                    "UPDATE urls SET due=MIN(due, ?), lastmod=? WHERE url=? AND status!='pending'"
                    " AND (lastmod IS NULL OR lastmod < ?)", (now, u.lastmod, u.url, u.lastmod))
        return added

    def make_due(self, kinds: Iterable[str], now: float, hosts: Iterable[str]) -> int:
        """Bring every visited URL of these kinds on these hosts due now (call
        inside a transaction); validators are kept, so the visit is a
        conditional request. Returns how many URLs that concerns."""
        kinds = sorted(kinds)
        if not kinds:
            return 0
        marks = ",".join("?" * len(kinds))
        n = 0
        for host in hosts:
            cur = self.db.execute(
                f"UPDATE urls SET due=MIN(due, ?) WHERE host=? AND kind IN ({marks})"
                " AND status IN ('done', 'error', 'gone')", (now, host, *kinds))
            n += cur.rowcount
        return n

    def hosts(self) -> list[str]:
        return [str(h) for (h,) in self.db.execute("SELECT DISTINCT host FROM urls").fetchall()]

    def known(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM urls WHERE url=?", (url,)).fetchone() is not None

    def host_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT host, COUNT(*) FROM urls GROUP BY host").fetchall())

    def hosts_due(self, now: float, run: int, exclude: set[str]) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT host FROM urls WHERE due<=? AND status!='pending'"
            " AND COALESCE(last_run, 0)!=?", (now, run)).fetchall()
        return [h for (h,) in rows if h not in exclude]

    def due_for_host(self, host: str, now: float, run: int, limit: int) -> list[UrlRow]:
        rows = self.db.execute(
            "SELECT url, host, kind, status, depth, etag, last_modified, content_hash, lastmod FROM urls"
            " WHERE host=? AND due<=? AND status!='pending' AND COALESCE(last_run, 0)!=?"
            " ORDER BY priority, depth, due LIMIT ?", (host, now, run, limit)).fetchall()
        return [UrlRow(*r) for r in rows]

    def count_due_by_host(self, now: float, run: int) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT host, COUNT(*) FROM urls WHERE due<=? AND status!='pending' AND COALESCE(last_run, 0)!=?"
            " GROUP BY host", (now, run)).fetchall()
        return {str(h): int(n) for h, n in rows}

    def record(self, url: str, *, run: int, status: str, due: float, kind: str | None = None,
               http_status: int | None = None, etag: str | None = None, last_modified: str | None = None,
               content_hash: str | None = None, error: str | None = None, keep_validators: bool = False,
               now: float | None = None) -> None:
        """Record a visit's outcome (inside a transaction)."""
        now = time.time() if now is None else now
        if keep_validators:
            self.db.execute(
                "UPDATE urls SET status=?, due=?, kind=COALESCE(?, kind), http_status=?, error=?,"
                " last_fetch=?, last_run=? WHERE url=?",
                (status, due, kind, http_status, error, now, run, url))
        else:
            self.db.execute(
                "UPDATE urls SET status=?, due=?, kind=COALESCE(?, kind), http_status=?, error=?, etag=?,"
                " last_modified=?, content_hash=COALESCE(?, content_hash), last_fetch=?, last_run=?"
                " WHERE url=?",
                (status, due, kind, http_status, error, etag, last_modified, content_hash, now, run, url))

    def ensure_row(self, url: str, host: str, kind: str, depth: int, now: float | None = None) -> None:
        """Make sure a URL reached by redirect has a row to record into."""
        self.add_urls([NewUrl(url, host, kind, depth)], now)

    # --- articles waiting for the sink -----------------------------------------------

    def add_pending(self, url: str, article: dict[str, Any], content_hash: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO pending(url, article, content_hash) VALUES (?, ?, ?)",
                        (url, json.dumps(article, ensure_ascii=False), content_hash))

    def pending(self) -> Iterator[tuple[str, dict[str, Any], str]]:
        for url, art, h in self.db.execute("SELECT url, article, content_hash FROM pending").fetchall():
            yield url, json.loads(art), h

    def clear_pending(self, urls: list[str]) -> None:
        self.db.executemany("DELETE FROM pending WHERE url=?", [(u,) for u in urls])
        self.db.executemany("UPDATE urls SET status='done' WHERE url=? AND status='pending'",
                            [(u,) for u in urls])

    # --- robots.txt cache -----------------------------------------------------------

    def robots(self, host: str) -> tuple[int, str, float] | None:
        r = self.db.execute("SELECT status, body, fetched FROM robots WHERE host=?", (host,)).fetchone()
        return (int(r[0]), str(r[1]), float(r[2])) if r else None

    def save_robots(self, host: str, status: int, body: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO robots(host, status, body, fetched) VALUES (?, ?, ?, ?)",
                            (host, status, body, time.time()))


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (including
    KeyboardInterrupt/CancelledError, so an interrupted write leaves nothing
    half-done). Nested use is flattened into the outer transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
