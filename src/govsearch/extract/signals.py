"""Machine-readable signals any CMS may emit: meta tags, OpenGraph, Dublin Core, JSON-LD, microdata.

Each reader returns plain values with the name of the signal that gave them, so the pipeline can say
which rule found a field. JSON-LD is read with the standard library's json (measured against extruct
in bench/extract_bench.py: same answers on our pages, and extruct costs a second lxml parse per page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from bs4 import Tag

from .dates import DateMatch, find_datetimes
from .html import clean
from .profile import Page

# Meta names that carry the publication time, most specific first. Dublin Core dates on the new provincial
# portals are UTC ("2024-08-28T07:57:17.000Z"); find_datetimes keeps the instant and shows it at +07:00.
PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "dc.date.issued", "dcterms.issued", "dc.date.created",
                  "dcterms.created", "dc.date", "dcterms.date")
_ARTICLE_TYPES = re.compile(r"article|posting|report|webpage|newsarticle", re.I)


def meta_map(page: Page) -> dict[str, str]:
    """Every <meta name|property|itemprop=... content=...>, names lower-cased, the first of each kept."""
    cached = page.__dict__.get("_meta_map")
    if cached is not None:
        return cached
    found: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for tag in page.soup.find_all("meta"):
        content = tag.get("content")
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if key:
                name = str(key).strip()
                found.setdefault(name.lower(), clean(str(content)))
                spelled.setdefault(name.lower(), name)
    page.__dict__["_meta_map"] = found
    page.__dict__["_meta_names"] = spelled
    return found


def meta(page: Page, *names: str) -> tuple[str, str]:
    """(value, name) of the first of names present as a meta tag (case-insensitive); ("", "") if none."""
    found = meta_map(page)
    for name in names:
        value = found.get(name.lower())
        if value:
            # The name as the page spells it ("DC.Date"), for people reading `govsearch extract`.
            return value, page.__dict__["_meta_names"].get(name.lower(), name)
    return "", ""


def _walk_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk_jsonld(node["@graph"])
        main = node.get("mainEntity") or node.get("mainEntityOfPage")
        if isinstance(main, (dict, list)):
            yield from _walk_jsonld(main)


@lru_cache(maxsize=64)
def _parse_jsonld(text: str) -> tuple[dict[str, Any], ...]:
    try:
        data = json.loads(text)
    except ValueError:
        # Templates leave trailing commas and raw newlines inside strings; one lenient retry.
        try:
            data = json.loads(re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ")), strict=False)
        except ValueError:
            return ()
    return tuple(_walk_jsonld(data))


def jsonld_objects(page: Page) -> list[dict[str, Any]]:
    """JSON-LD objects of article-like @type on the page (graphs flattened), in document order."""
    cached = page.__dict__.get("_jsonld")
    if cached is not None:
        return cached
    out: list[dict[str, Any]] = []
    for script in page.soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        for obj in _parse_jsonld(script.string or script.get_text() or ""):
            kind = obj.get("@type", "")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                out.append(obj)
    # NewsArticle before WebPage: the page object may carry the site's own dates.
    out.sort(key=lambda o: 0 if "article" in str(o.get("@type", "")).lower() else 1)
    page.__dict__["_jsonld"] = out
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or "")
    if isinstance(value, list):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    return ""


def jsonld_field(page: Page, *keys: str) -> str:
    """The first non-empty value of keys among the page's article JSON-LD objects, as text."""
    for obj in jsonld_objects(page):
        for key in keys:
            text = _text(obj.get(key))
            if text:
                return text
    return ""


def jsonld_author(page: Page) -> str:
    """Authors of type Person named in JSON-LD (an Organization author is the site, not a writer)."""
    for obj in jsonld_objects(page):
        value = obj.get("author")
        people = value if isinstance(value, list) else [value]
        names = [_text(p) for p in people
                 if isinstance(p, str) or (isinstance(p, dict) and "organization" not in str(p.get("@type", "")).lower())]
        names = [n for n in names if n]
        if names:
            return ", ".join(names)
    return ""


def microdata(page: Page, prop: str) -> tuple[str, Tag | None]:
    """The first itemprop=prop element's machine value (content/datetime) or text, outside <meta>."""
    for tag in page.soup.find_all(itemprop=prop):
        if tag.name == "meta":
            continue
        value = tag.get("content") or tag.get("datetime") or tag.get_text(" ")
        text = clean(str(value))
        if text:
            return text, tag
    return "", None


def published_signals(page: Page) -> Iterator[tuple[DateMatch, str, Tag | None]]:
    """Publication stamps from metadata, strongest first: (stamp, signal name, element or None)."""
    for name in PUBLISHED_META:
        value, spelled = meta(page, name)
        hits = find_datetimes(value) if value else []
        if hits:
            yield hits[0], f"meta {spelled}", None
    for key in ("datePublished", "dateCreated"):
        hits = find_datetimes(jsonld_field(page, key))
        if hits:
            yield hits[0], f"JSON-LD {key}", None
    value, tag = microdata(page, "datePublished")
    hits = find_datetimes(value) if value else []
    if hits:
        yield hits[0], "itemprop datePublished", tag
