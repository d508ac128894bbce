"""The Atom feed of a search (`/feed.atom?q=...`): its newest matching articles, for feed readers.

Entries are the matches newest first by publication date. Articles without a
date are left out: a feed is read in time order, and Atom needs a time on
every entry; inventing one (the day it was indexed) would put an old undated
page at the top. Built with ElementTree, so every text is escaped as XML.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from govsearch import SearchResult

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 20
MEDIA_TYPE = "application/atom+xml"
_TAGS = re.compile(r"<[^>]+>")
# XML 1.0 refuses these even escaped; a scraped page can hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _plain(snippet_html: str) -> str:
    """A snippet (escaped HTML with <mark>) as plain text."""
    return html.unescape(_TAGS.sub("", snippet_html))


def atom_feed(result: SearchResult, *, self_url: str, page_url: str, title: str,
              now: datetime | None = None) -> bytes:
    """The feed document for `result` (searched with sort="date")."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = _text(text)
        return el

    dated = [(h, h.published) for h in result.hits if h.published is not None]
    newest = max((when for _, when in dated), default=None) or now or datetime.now(UTC)
    sub(feed, "id", self_url)
    sub(feed, "title", title)
    sub(feed, "subtitle", f"Bài viết mới nhất khớp với «{result.query}» (govsearch)")
    sub(feed, "updated", newest.isoformat())
    sub(feed, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    sub(feed, "generator", "govsearch")
    author = sub(feed, "author")
    sub(author, "name", "govsearch")
    for hit, when in dated:
        entry = sub(feed, "entry")
        sub(entry, "id", hit.url)
        sub(entry, "title", hit.title or hit.url)
        sub(entry, "published", when.isoformat())
        sub(entry, "updated", when.isoformat())
        if hit.url.startswith(("http://", "https://")):
            sub(entry, "link", rel="alternate", type="text/html", href=hit.url)
        if hit.author:
            sub(sub(entry, "author"), "name", hit.author)
        sub(entry, "category", term=hit.source, label=hit.source)
        if hit.category:
            sub(entry, "category", term=hit.category)
        sub(entry, "summary", hit.summary or _plain(hit.snippet))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


__all__ = ["ATOM", "FEED_LIMIT", "MEDIA_TYPE", "atom_feed"]
