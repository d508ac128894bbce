"""The Article: the one shape every stage agrees on.

Crawling and extraction produce it, the index stores it, exports write it back
out. Keeping it a plain dataclass means an embedder can build one by hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from .errors import InputError

# Vietnam has used UTC+7 without daylight saving since 1975.
VIETNAM_TZ = timezone(timedelta(hours=7))
# What a record without a URL is stored under (and what gives it its source).
ID_URL_PREFIX = "urn:id:"
TEXT_FIELDS = ("url", "title", "body", "summary", "source", "author", "category")


class ArticleError(InputError):
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
        for name in TEXT_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str):
                raise ArticleError(f"{name} must be a string, not {type(value).__name__}")
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    # a lone surrogate ("\ud800" in JSON) cannot be written to the index
                    raise ArticleError(f"{name} holds a character that is not valid Unicode") from None
        self.published = to_datetime(self.published, "published", error=ArticleError)
        if not self.source:
            self.source = source_of(self.url)

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
    def from_dict(cls, d: dict[str, Any]) -> Article:
        if not isinstance(d, dict):
            raise ArticleError("record is not a JSON object")
        for key in ("url", "title", "body"):
            if key not in d:
                raise ArticleError(f"missing field {key!r}")
        published = d.get("published")
        if published == "":
            published = None
        if published is not None and not isinstance(published, str):
            raise ArticleError("published must be an ISO 8601 string")
        kwargs = {}
        for key in ("summary", "source", "author", "category"):
            value = d.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ArticleError(f"{key} must be a string")
            kwargs[key] = value
        return cls(url=d["url"], title=d["title"] or "", body=d["body"] or "",
                   published=published, **kwargs)  # type: ignore[arg-type]  # __post_init__ parses the string


def to_datetime(value: object, name: str = "published", *, end: bool = False,
                error: type[Exception] = ArticleError) -> datetime | None:
    """A date or time as the Python API takes it: None, a datetime, a date or an ISO 8601 string.

    A time without an offset is Vietnamese time (+07:00). A date alone (a
    `date`, or a string such as "2023-05-03") is the start of that day, or its
    last moment with `end` (an `until` bound includes the whole day). Anything
    else raises `error` (ArticleError, or QueryError for search bounds).
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise error(f"{name} is not ISO 8601: {value!r}") from None
        # "2023-05-03" and "20230503" name a day, not its first instant
        day_only = len(text) in (8, 10) and "T" not in text and ":" not in text
        value = parsed.date() if day_only else parsed
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.max if end else time.min)
    else:
        raise error(f"{name} must be a date, a datetime or an ISO 8601 string, "
                    f"not {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    try:
        # the index keeps Vietnamese wall time: it must exist (0001-01-01T00:00+14:00 does not)
        moment.astimezone(VIETNAM_TZ)
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise error(f"{name} is out of range: {moment.isoformat()}") from None
    return moment


def source_of(url: str) -> str:
    """The source an article is filed under when none is given.

    The host for a web address; for a record stored as `urn:id:<id>` (no URL),
    the id's prefix: everything before its last "-" ("baomoi-22494475" ->
    "baomoi", "vnds-test-015227" -> "vnds-test"), or "id" for an id without one.
    """
    if url.startswith(ID_URL_PREFIX):
        prefix = url[len(ID_URL_PREFIX):].rpartition("-")[0].strip().lower()
        return prefix or "id"
    return host_of(url)


def host_of(url: str) -> str:
    """The host an article came from, without port or a leading "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
