"""Bytes to text to soup, and soup back to clean paragraphs."""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)

# Labels that servers and old editors attach by default, not by knowledge of the bytes.
_DEFAULT_LABELS = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)

BLOCK_TAGS = frozenset(
    "address article aside blockquote body br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul caption center".split()
)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "button",
             "select", "input", "textarea")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset named in a Content-Type header value, if any."""
    m = _HEADER_CHARSET.search(content_type or "")
    return m.group(1) if m else None


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: BOM, then valid UTF-8, then header/meta label, then windows-1258; NFC."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return unicodedata.normalize("NFC", data[len(bom):].decode(codec, errors="replace"))
    # Valid UTF-8 with non-ASCII bytes is practically never a legacy encoding, whatever the label says;
    # mislabelled portals are common (server default latin-1, copied meta tags).
    text = _strict(data, "utf-8")
    if text is None:
        labels: list[str | None] = [charset_from_content_type(content_type)]
        m = _META_CHARSET.search(data[:4096])
        labels.append(m.group(1).decode("ascii", "ignore") if m else None)
        for label in labels:
            named = _codec(label)
            # A UTF-8 label on non-UTF-8 bytes, or a default Western label, says nothing about the bytes.
            if named is None or named == "utf-8" or (label or "").lower() in _DEFAULT_LABELS:
                continue
            text = _strict(data, named)
            if text is not None:
                break
        if text is None:
            # Vietnamese legacy pages are windows-1258; it maps almost every byte, so it is the last resort.
            text = data.decode("cp1258", errors="replace")
    return unicodedata.normalize("NFC", text)


def to_text(html: str | bytes, content_type: str | None = None) -> str:
    """Page text from either bytes (decoded) or an already-decoded string (NFC)."""
    if isinstance(html, bytes):
        return decode_html(html, content_type)
    return unicodedata.normalize("NFC", html)


def parse(html: str | bytes, content_type: str | None = None) -> BeautifulSoup:
    """A BeautifulSoup tree built by lxml (XHTML with an XML declaration is still HTML here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(to_text(html, content_type), "lxml")


def clean(text: str) -> str:
    """One line of text: NFC, NBSP and runs of space collapsed, invisible characters dropped."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def strip_noise(root: Tag) -> None:
    """Remove scripts, styles, form controls and comments in place (head metadata stays)."""
    for tag in root.find_all(DROP_TAGS):
        tag.decompose()
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()


def _walk(node: Tag, out: list[str], line: list[str]) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            line.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name in BLOCK_TAGS:
            out.append("".join(line))
            line.clear()
            _walk(child, out, line)
            out.append("".join(line))
            line.clear()
        else:
            _walk(child, out, line)


def paragraphs(node: Tag) -> list[str]:
    """Text of node split at block boundaries, each paragraph cleaned, empties dropped."""
    out: list[str] = []
    line: list[str] = []
    _walk(node, out, line)
    out.append("".join(line))
    return [p for p in (clean(x) for x in out) if p]


def text_of(node: Tag | None) -> str:
    """All text of node as one cleaned line."""
    return clean(" ".join(paragraphs(node))) if node is not None else ""


def link_density(node: Tag) -> float:
    """Share of node's text that sits inside links."""
    total = len(text_of(node))
    if not total:
        return 0.0
    linked = sum(len(clean(a.get_text(" "))) for a in node.find_all("a"))
    return min(1.0, linked / total)
