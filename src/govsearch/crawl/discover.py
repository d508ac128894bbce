"""Finding URLs: links, feeds and rel=canonical in HTML; sitemaps; RSS/Atom.

Decoding page bytes (windows-1258, mislabelled charsets) is the extractor's
`decode_html`, so the crawler and the extractor read a page the same way.
"""

from __future__ import annotations

import email.utils
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable
from urllib.parse import urljoin

import lxml.etree as etree
import lxml.html

from govsearch.article import VIETNAM_TZ

from ..extract.html import decode_html
from .urls import try_canonicalize
from .vocab import XmlKind


@dataclass(slots=True)
class PageLinks:
    links: list[str] = field(default_factory=list)     # canonical, in page order, unique
    feeds: list[str] = field(default_factory=list)
    canonical: str | None = None


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def page_links(html: str | bytes, base_url: str) -> PageLinks:
    """Links, advertised feeds and the rel=canonical URL of one page."""
    out = PageLinks()
    try:
        doc = lxml.html.document_fromstring(html) if html else None
    except (etree.ParserError, ValueError):
        return out
    if doc is None:
        return out
    base = base_url
    for b in doc.iter("base"):
        href = b.get("href")
        if href:
            base = urljoin(base_url, href.strip())
        break
    seen: set[str] = set()
    for el in doc.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if not href:
            continue
        if "canonical" in rel and out.canonical is None:
            out.canonical = try_canonicalize(urljoin(base, href))
        elif "alternate" in rel and (el.get("type") or "").lower() in _FEED_TYPES:
            feed = try_canonicalize(urljoin(base, href))
            if feed and feed not in out.feeds:
                out.feeds.append(feed)
    for el in doc.iter("a", "area"):
        href = (el.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        if "nofollow" in (el.get("rel") or "").lower():
            continue
        url = try_canonicalize(urljoin(base, href))
        if url and url not in seen:
            seen.add(url)
            out.links.append(url)
    return out


# --- dates ----------------------------------------------------------------------------

def parse_date(text: str | None) -> datetime | None:
    """ISO 8601 (sitemaps, Atom) or RFC 822 (RSS); naive results are taken as UTC+7."""
    if not text:
        return None
    text = text.strip()
    dt: datetime | None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VIETNAM_TZ)
    return dt


def as_datetime(since: date | datetime | str | None) -> datetime | None:
    if since is None:
        return None
    if isinstance(since, str):
        parsed = parse_date(since)
        if parsed is None:
            raise ValueError(f"not a date: {since!r}")
        return parsed
    if isinstance(since, datetime):
        return since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    return datetime(since.year, since.month, since.day, tzinfo=VIETNAM_TZ)


# --- sitemaps and feeds -----------------------------------------------------------------

@dataclass(slots=True)
class Entry:
    url: str
    date: datetime | None = None


@dataclass(slots=True)
class XmlDiscovery:
    kind: XmlKind
    entries: list[Entry] = field(default_factory=list)
    # A gzipped document unpacked to more than the cap: only its first
    # MAX_XML bytes were read.
    truncated: bool = False


MAX_XML = 50 * 1024 * 1024


def gunzip_bounded(body: bytes, limit: int = MAX_XML) -> tuple[bytes, bool]:
    """(bytes, truncated): a gzip body unpacked to at most `limit` bytes (a
    sitemap.xml.gz bomb must not eat memory); anything else as it is."""
    if body[:2] != b"\x1f\x8b":
        return body, False
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, limit)
    except zlib.error:
        return body, False  # not gzip after all: let the XML parser judge
    # Output held back at the limit shows as input left over, or a stream not at its end.
    return out, bool(d.unconsumed_tail) or (len(out) >= limit and not d.eof)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def parse_xml(body: bytes, base_url: str) -> XmlDiscovery:
    """Recognise a sitemap, sitemap index, RSS or Atom document and list its URLs."""
    data, truncated = gunzip_bounded(body)
    found = _parse_xml(data, base_url)
    found.truncated = truncated
    return found


def _parse_xml(data: bytes, base_url: str) -> XmlDiscovery:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return _plain_sitemap(data, base_url)
    top = _local(root.tag)
    if top in ("urlset", "sitemapindex"):
        out = XmlDiscovery("sitemap" if top == "urlset" else "sitemapindex")
        for item in root:
            loc = lastmod = None
            for child in item:
                name = _local(child.tag)
                if name == "loc":
                    loc = (child.text or "").strip()
                elif name == "lastmod":
                    lastmod = child.text
            url = try_canonicalize(urljoin(base_url, loc)) if loc else None
            if url:
                out.entries.append(Entry(url, parse_date(lastmod)))
        return out
    if top in ("rss", "rdf", "feed"):
        out = XmlDiscovery("feed")
        for item in root.iter():
            name = _local(item.tag)
            if name not in ("item", "entry"):
                continue
            link = None
            when = None
            for child in item:
                cname = _local(child.tag)
                if cname == "link":
                    href = child.get("href")
                    if href and (child.get("rel") in (None, "alternate")):
                        link = href
                    elif child.text and child.text.strip():
                        link = child.text.strip()
                elif cname == "guid" and link is None and (child.get("isPermaLink") or "true") == "true":
                    if (child.text or "").startswith("http"):
                        link = child.text.strip()
                elif cname in ("pubdate", "published", "updated", "date") and when is None:
                    when = parse_date(child.text)
            url = try_canonicalize(urljoin(base_url, link)) if link else None
            if url:
                out.entries.append(Entry(url, when))
        return out
    return XmlDiscovery("unknown")


def _plain_sitemap(data: bytes, base_url: str) -> XmlDiscovery:
    """Sitemaps may also be plain text, one URL per line."""
    text = data[:MAX_XML].decode("utf-8", "replace")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and all(ln.startswith(("http://", "https://")) for ln in lines[:20]):
        out = XmlDiscovery("sitemap")
        for ln in lines:
            url = try_canonicalize(ln)
            if url:
                out.entries.append(Entry(url))
        return out
    return XmlDiscovery("unknown")


# --- one HTML page, start to finish ----------------------------------------------------

@dataclass(slots=True)
class PageAnalysis:
    links: PageLinks
    article: Any = None          # Article | None (Any keeps this module free of the Article import at load)
    error: str | None = None     # the extractor raised
    undecodable: str | None = None  # why the bytes could not be read as text


def sniff_utf16(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 without a BOM, else None.

    HTML is mostly ASCII markup, which in UTF-16 is a NUL in every other
    byte: in the odd positions for little-endian, the even for big-endian.
    Any 8-bit encoding (or UTF-8) has practically no NULs at all.
    """
    head = data[:2048]
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even = head[0:pairs * 2:2].count(0)
    odd = head[1:pairs * 2:2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


_BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def decode_page(body: bytes, content_type: str) -> tuple[str, str | None]:
    """(text, problem): the page as text, via the extractor's `decode_html`
    so both read a page alike; UTF-16 without a BOM or charset is recognised
    first. `problem` says why the text is unusable (it still holds NULs)."""
    codec = sniff_utf16(body) if not body.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    if codec is not None:
        body = _BOMS[codec] + body
    text = decode_html(body, content_type)
    nuls = text.count("\x00", 0, 4096)
    if nuls > min(len(text), 4096) * 0.05:
        return text, f"{nuls} NUL characters in the first 4 KB; no known encoding reads it"
    return text, None


def analyze_page(body: bytes, content_type: str, url: str, extract: Callable[[str, str], Any]) -> PageAnalysis:
    """Decode, find links and extract, in one call: the CPU-heavy part of a
    page, shaped so it can run in a worker process (arguments and result
    pickle)."""
    text, undecodable = decode_page(body, content_type)
    if undecodable:
        return PageAnalysis(PageLinks(), None, None, undecodable)
    links = page_links(text, url)
    try:
        article = extract(text, url)
    except Exception as exc:  # an extractor bug must not stop the crawl
        return PageAnalysis(links, None, f"{type(exc).__name__}: {exc}")
    return PageAnalysis(links, article)
