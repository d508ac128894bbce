"""JSON shapes the API shares with the CLI (`govsearch stats --json`, `export`)."""

from __future__ import annotations

from typing import Any

from ..article import Article
from ..index import IndexStats


def stats_dict(s: IndexStats) -> dict[str, Any]:
    return {
        "path": s.path, "documents": s.documents, "sources": s.sources,
        "earliest": s.earliest.isoformat() if s.earliest else None,
        "latest": s.latest.isoformat() if s.latest else None,
        "size_bytes": s.size_bytes, "schema_version": s.schema_version, "segments": s.segments,
    }


def article_dict(a: Article) -> dict[str, Any]:
    """The JSONL record `govsearch export` writes."""
    return a.to_dict()
