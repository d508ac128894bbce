"""The Article: the one shape every stage agrees on.

Crawling and extraction produce it, the index stores it, exports write it back
out. Keeping it a plain dataclass means an embedder can build one by hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

# Vietnam has used UTC+7 without daylight saving since 1975.
VIETNAM_TZ = timezone(timedelta(hours=7))


class ArticleError(ValueError):
    """An article record is missing a required field or has a malformed one."""


@dataclass(slots=True)
class Article:
    url: str
    title: str
    body: str
    summary: str = ""
    published: datetime | None = None
    source: str = ""
    author: str = ""
    category: str = ""

    def __post_init__(self) -> None:
        if not self.url or not isinstance(self.url, str):
            raise ArticleError("article has no url")
        if not isinstance(self.title, str) or not isinstance(self.body, str):
            raise ArticleError("title and body must be strings")
        if not self.title.strip() and not self.body.strip():
            raise ArticleError(f"article {self.url} has neither title nor body")
        if self.published is not None:
            if not isinstance(self.published, datetime):
                raise ArticleError("published must be a datetime")
            # A naive time from a Vietnamese portal is Vietnamese local time.
            if self.published.tzinfo is None:
                self.published = self.published.replace(tzinfo=VIETNAM_TZ)
        if not self.source:
            self.source = host_of(self.url)

    @property
    def text(self) -> str:
        """Lead and body as one text, the lead not repeated when the body already opens with it."""
        lead = self.summary.strip()
        if not lead or self.body.lstrip().startswith(lead):
            return self.body
        return f"{lead}\n{self.body}"

    def to_dict(self) -> dict[str, Any]:
        """The JSONL record: what `govsearch export` writes and `import` reads."""
        d = dataclasses.asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        if not isinstance(d, dict):
            raise ArticleError("record is not a JSON object")
        for key in ("url", "title", "body"):
            if key not in d:
                raise ArticleError(f"missing field {key!r}")
        published = d.get("published")
        if published not in (None, ""):
            if not isinstance(published, str):
                raise ArticleError("published must be an ISO 8601 string")
            try:
                published = datetime.fromisoformat(published)
            except ValueError:
                raise ArticleError(f"published is not ISO 8601: {published!r}") from None
        else:
            published = None
        kwargs = {}
        for key in ("summary", "source", "author", "category"):
            value = d.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ArticleError(f"{key} must be a string")
            kwargs[key] = value
        return cls(url=d["url"], title=d["title"] or "", body=d["body"] or "",
                   published=published, **kwargs)


def host_of(url: str) -> str:
    """The host an article came from, without port or a leading "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
