"""What a search returns: the seam between the engine and every front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Deep pages cost page*limit of ranking work, and nobody reads page 1000:
# the engine refuses later pages, so `pages` never promises one.
MAX_PAGE = 1000


@dataclass(slots=True, frozen=True)
class Copy:
    """Another publication of a hit's story (search/collapse.py): where, and when."""

    url: str
    title: str
    source: str
    published: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "source": self.source,
                "published": self.published.isoformat() if self.published else None}


@dataclass(slots=True)
class Hit:
    url: str
    title: str
    published: datetime | None
    source: str
    score: float
    snippet: str  # HTML-escaped, matched syllables in <mark>
    title_highlighted: str = ""  # the same for the title
    summary: str = ""
    author: str = ""
    category: str = ""
    # keys of the legal documents the article cites ("100/2019/NĐ-CP"), in order of first mention
    cites: list[str] = field(default_factory=list)
    # With copies collapsed: the other matching publications of the story, earliest first
    # (at most collapse.MAX_LISTED), and how many there are in all.
    copies: list[Copy] = field(default_factory=list)
    copies_total: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "title_highlighted": self.title_highlighted,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "author": self.author,
            "category": self.category,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "cites": self.cites,
            "copies": [c.to_dict() for c in self.copies],
            "copies_total": self.copies_total,
        }


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    took_ms: float
    page: int
    limit: int
    sort: str
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    notices: list[str] = field(default_factory=list)
    # The indexing number of the last article indexed in the index generation searched
    # (-1: empty): `search(indexed_after=...)` of a later search finds only what came after.
    indexed_through: int = -1
    # With copies collapsed (the default): how many stories the `total` articles are,
    # one hit each; None when every copy is its own hit (collapse=False).
    groups: int | None = None

    @property
    def collapsed(self) -> bool:
        return self.groups is not None

    @property
    def pages(self) -> int:
        """Pages the engine will serve: every hit (a story when collapsed), up to MAX_PAGE pages."""
        shown = self.groups if self.groups is not None else self.total
        return min((shown + self.limit - 1) // self.limit, MAX_PAGE) if self.limit else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "groups": self.groups,
            "collapsed": self.collapsed,
            "took_ms": round(self.took_ms, 2),
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "sort": self.sort,
            "suggestion": self.suggestion,
            "notices": self.notices,
            "facets": self.facets,
            "hits": [h.to_dict() for h in self.hits],
        }
