"""URL shapes that say "not a single article", on any CMS: search results, calendars, tag pages,
feeds and pagination.

One list for two users. Extraction declines a page of any of these shapes (`listing_shape`); the
crawler (`govsearch.crawl.urls`) refuses search results and calendars as traps and reads page
numbers, but follows tag pages and feeds, which are where the articles are linked from.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# /search, /tim-kiem.html, /timkiem/, /ket-qua-tim-kiem; not an article slug that starts with the
# word (/tim-kiem-cuu-nan-...-12.html).
SEARCH_PATH = re.compile(r"/(?:search|tim-?kiem|timkiem|ket-qua-tim-kiem)(?:[/.?]|$)", re.IGNORECASE)
SEARCH_PARAMS = frozenset({"q", "query", "keyword", "keywords", "key", "tukhoa", "search", "searchtext", "s", "k"})
# Event calendars happily link to next month forever. "/lich" only as a whole segment: "/du-lich" is
# travel news.
CALENDAR_PATH = re.compile(r"(?:/|\b)(?:calendar|lich-cong-tac|lichcongtac|lich-lam-viec|event-calendar)(?:[/.?]|$)"
                           r"|/lich(?:[/.?]|$)", re.IGNORECASE)
# Two of these together (?month=12&year=2031) make a calendar; one alone (?date=) may be an archive.
CALENDAR_PARAMS = frozenset({"month", "year", "day", "date", "week", "ngay", "thang", "nam", "tuan"})
TAG_PATH = re.compile(r"/(?:tag|tags|chu-de)/", re.IGNORECASE)
FEED_PATH = re.compile(r"/(?:rss|feed)/?$", re.IGNORECASE)
# Archive pages of sites without patterns: /page-3, /trang-3.html, ?page=3, ?start=40, _cur=3.
PAGINATION = re.compile(r"(?:/(?:page|trang|p)-?\d+(?:\.html?)?/?$|[?&](?:page|trang|pageindex|p|pg|start|offset)=\d+"
                        r"|_cur=\d+)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def page_number(url: str) -> int | None:
    """The page number of a pagination URL (/page-3, ?page=3, ...), else None."""
    m = PAGINATION.search(url)
    return int(_DIGITS.findall(m.group(0))[-1]) if m else None


def query_names(query: str) -> set[str]:
    """The parameter names of a query string, lower-cased."""
    return {k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)}


def listing_shape(url: str) -> str | None:
    """The part of the URL that marks a listing, tag, search, calendar or feed page, else None."""
    parts = urlsplit(url)
    for pattern in (TAG_PATH, SEARCH_PATH, CALENDAR_PATH, FEED_PATH):
        m = pattern.search(parts.path)
        if m:
            return m.group(0)
    m = PAGINATION.search(url)
    if m:
        return m.group(0)
    names = query_names(parts.query)
    found = sorted(names & SEARCH_PARAMS)
    if found:
        return f"{found[0]}="
    dated = sorted(names & CALENDAR_PARAMS)
    if len(dated) >= 2:
        return "&".join(f"{n}=" for n in dated)
    return None
