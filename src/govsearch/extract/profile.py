"""What a CMS family looks like: the selectors and URL shapes one profile declares."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag


_CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID_RE = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_LEADING_ID_RE = re.compile(r"#(-?[_a-zA-Z][\w-]*)(?=\s|$)")


@dataclass
class Page:
    """A parsed page and the URL it was fetched from."""

    soup: BeautifulSoup
    url: str

    @cached_property
    def generator(self) -> str:
        tag = self.soup.find("meta", attrs={"name": re.compile("^generator$", re.I)})
        return str(tag.get("content", "")) if isinstance(tag, Tag) else ""

    @cached_property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @cached_property
    def path_query(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def meta(self, *names: str) -> str:
        """Content of the first <meta name|property=...> among names."""
        for name in names:
            tag = self.soup.find("meta", attrs={"property": name}) or self.soup.find("meta", attrs={"name": name})
            if isinstance(tag, Tag) and tag.get("content"):
                return str(tag["content"])
        return ""

    @cached_property
    def classes(self) -> frozenset[str]:
        """Every class name used on the page (one pass, so fingerprints need no CSS matching)."""
        found: set[str] = set()
        for tag in self.soup.find_all(class_=True):
            value = tag.get("class")
            found.update(value if isinstance(value, list) else str(value).split())
        return frozenset(found)

    @cached_property
    def by_id(self) -> dict[str, Tag]:
        """The first element of each id (one pass; an id selector then costs a lookup)."""
        found: dict[str, Tag] = {}
        for tag in self.soup.find_all(id=True):
            found.setdefault(str(tag["id"]), tag)
        return found

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.by_id)

    def may_match(self, selector: str) -> bool:
        """False when the selector names a class or id the page does not have.

        CSS matching walks the whole tree in Python (soupsieve); most profile
        selectors name a class that is absent, and this answers those from
        the page's class and id sets instead (extraction 2x faster).
        """
        if "," in selector:
            return True
        return (all(c in self.classes for c in _CLASS_RE.findall(selector))
                and all(i in self.by_id for i in _ID_RE.findall(selector)))

    def select_one(self, selector: str, within: Tag | None = None) -> Tag | None:
        if not self.may_match(selector):
            return None
        if within is None:
            m = _LEADING_ID_RE.match(selector)
            if m:
                # "#id" or "#id rest": start from the element itself
                root = self.by_id.get(m.group(1))
                if root is None or root.decomposed:
                    return None
                rest = selector[m.end():].strip()
                return root if not rest else root.select_one(rest)
        return (within or self.soup).select_one(selector)

    def select(self, selector: str, within: Tag | None = None) -> list[Tag]:
        if not self.may_match(selector):
            return []
        return list((within or self.soup).select(selector))

    @cached_property
    def scripts(self) -> str:
        """Inline script text, where CMS globals (Liferay, nv_base_siteurl, _spPageContextInfo) show."""
        return "\n".join(s.string or "" for s in self.soup.find_all("script", limit=60))

    def has_class(self, *names: str) -> bool:
        """True when every one of names is a class somewhere on the page."""
        return all(name in self.classes for name in names)

    def has(self, selector: str) -> bool:
        return self.select_one(selector) is not None


def _never(page: Page) -> bool:
    return False


@dataclass(frozen=True)
class Profile:
    """One CMS family: how to recognise it and where its fields sit (CSS selectors, first match wins)."""

    name: str
    matches: Callable[[Page], bool] = _never
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    breadcrumb: tuple[str, ...] = ()
    # Image captions printed outside the body container (beside the lead) that belong to the text.
    captions: tuple[str, ...] = ()
    # Boilerplate inside the body container that generic cleaning would not recognise.
    drop: tuple[str, ...] = ()
    # Elements that repeat on listings (two or more mean a listing, not an article).
    listing_items: tuple[str, ...] = ()
    # URL shapes of this family that are never articles (paging, tags, search).
    not_article_url: re.Pattern[str] | None = None
    # Rewrites a canonical URL (aliases such as NukeViet's /savefile/ views).
    fix_url: Callable[[str], str] = field(default=lambda url: url)
    # The table a data profile was read from (and where), so it can be rebuilt in a worker process.
    source: tuple[dict[str, Any], str] | None = field(default=None, compare=False, repr=False)
