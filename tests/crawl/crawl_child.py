"""A crawl in its own process, for kill -9 / Ctrl-C tests.

    python crawl_child.py STATE_DIR SINK_DB SEED_URL [batch_size]

The sink is a SQLite file that upserts articles by URL and logs every
hand-over in one transaction, so the parent can count deliveries after the
child was killed at an arbitrary moment.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from govsearch.article import Article  # noqa: E402
from govsearch.crawl import crawl  # noqa: E402
from tiny import tiny_extract as extract  # noqa: E402  (this script's folder is on sys.path)

class SqliteSink:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS docs (url TEXT PRIMARY KEY, data TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS deliveries (url TEXT)")

    def add_many(self, articles: list[Article]) -> int:
        self.db.execute("BEGIN IMMEDIATE")
        for a in articles:
            self.db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?)", (a.url, json.dumps(a.to_dict())))
            self.db.execute("INSERT INTO deliveries VALUES (?)", (a.url,))
        self.db.execute("COMMIT")
        return len(articles)

    def get(self, url: str) -> Article | None:
        row = self.db.execute("SELECT data FROM docs WHERE url=?", (url,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None


def main() -> None:
    state_dir, sink_db, seed = sys.argv[1:4]
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    per_host = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    summary = crawl([seed], index_dir=state_dir, extract=extract, sink=SqliteSink(sink_db), delay=0,
                    per_host=per_host, concurrency=4, batch_size=batch, flush_interval=0.05, timeout=5,
                    retries=1, backoff=0.05)
    print(json.dumps({"pages": summary.pages_fetched, "articles": summary.articles_indexed,
                      "interrupted": summary.interrupted, "queue": summary.queue_length,
                      "problems": [str(p) for p in summary.problems]}))


if __name__ == "__main__":
    main()
