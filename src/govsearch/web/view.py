"""What the search page shows, already formatted: the templates only lay it out.

Every link is a relative query string ("?q=..."), so the page works unchanged
when an embedder mounts the app under a prefix, and every link keeps the
parameters it does not change, so any page can be bookmarked or shared.
"""

from __future__ import annotations

from typing import Any

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote, urlencode

from govsearch import IndexStats, SearchResult

from .params import DEFAULT_LIMIT, MAX_PAGE, SearchParams
from .timeline import Timeline, timeline

PAGE_WINDOW = 4  # page links either side of the current one


@dataclass(slots=True)
class Link:
    label: str
    href: str
    count: str = ""
    active: bool = False


@dataclass(slots=True)
class CopyView:
    url: str | None  # None when not http(s)
    display_url: str
    title: str
    source: str
    date: str


@dataclass(slots=True)
class HitView:
    number: int
    url: str | None  # None when the stored URL is not http(s): never link javascript:...
    display_url: str
    title_html: str  # escaped by the engine, <mark> around matched syllables
    snippet_html: str
    source: str
    date: str
    copies: list[CopyView] = field(default_factory=list)
    copies_label: str = ""  # "2 bản khác: baochinhphu.vn, thainguyen.gov.vn"


@dataclass(slots=True)
class SearchView:
    params: SearchParams
    summary: str = ""
    hits: list[HitView] = field(default_factory=list)
    suggestion: Link | None = None
    notices: list[str] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    years: list[Link] = field(default_factory=list)
    doc_types: list[Link] = field(default_factory=list)  # types of the documents the hits cite
    cited: list[Link] = field(default_factory=list)  # the most cited documents; href relative to home
    sorts: list[Link] = field(default_factory=list)
    pages: list[Link] = field(default_factory=list)
    prev: Link | None = None
    next: Link | None = None
    clear_dates: str | None = None
    empty: bool = False
    feed: str = ""  # the query string of this search's Atom feed (feed.atom?...)
    timeline: Timeline | None = None


def href(p: SearchParams, **changes) -> str:
    """The query string for `p` with `changes`; defaults are left out to keep URLs short."""
    p = p.with_(**changes)
    pairs: list[tuple[str, str | int]] = [("q", p.q)]
    pairs += [("source", s) for s in p.sources]
    pairs += [("cites", k) for k in p.cites]
    if p.cites_type:
        pairs.append(("cites_type", p.cites_type))
    if p.since:
        pairs.append(("since", p.since))
    if p.until:
        pairs.append(("until", p.until))
    if p.sort != "relevance":
        pairs.append(("sort", p.sort))
    if p.limit != DEFAULT_LIMIT:
        pairs.append(("limit", p.limit))
    if not p.collapse:
        pairs.append(("collapse", "false"))
    if p.page != 1:
        pairs.append(("page", p.page))
    return "?" + urlencode(pairs)


def number(n: int) -> str:
    """1234567 -> 1.234.567 (Vietnamese groups thousands with dots)."""
    return f"{n:,}".replace(",", ".")


def seconds(ms: float) -> str:
    """20.4 ms -> 0,02 (and a decimal comma)."""
    return f"{ms / 1000:.2f}".replace(".", ",")


def day(d: datetime | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def field_date(typed: str, d: datetime | None) -> str:
    """What a date field shows: the bound as dd/mm/yyyy whatever form it came in
    (2022 as until shows 31/12/2022), or the text as typed when it is not a date."""
    return day(d) or typed


def size(n: int) -> str:
    """Bytes for people: 1536 -> 1,5 KB, with the decimal comma."""
    value, unit = float(n), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    return f"{n} B" if unit == "B" else f"{value:.1f} {unit}".replace(".", ",")


# The engine words its notices in English (the JSON API and the CLI show them as they are);
# the page shows these. One not listed here is shown unchanged.
NOTICES_VI: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"unbalanced quote ignored"), "Dấu ngoặc kép không khớp nên đã được bỏ qua."),
    (re.compile(r"query could not be parsed; searched its words instead"),
     "Không phân tích được truy vấn; đã tìm theo từng từ trong đó."),
    (re.compile(r"nothing to search for in the query"), "Truy vấn không có từ nào để tìm."),
    (re.compile(r"(?P<what>.+?) is not a date \(try (?P<example>\S+)\); ignored"),
     "«{what}» không phải là ngày (ví dụ đúng: {example}) nên đã được bỏ qua."),
]


def notice_vi(notice: str) -> str:
    for pattern, text in NOTICES_VI:
        m = pattern.fullmatch(notice)
        if m:
            return text.format(**m.groupdict())
    return notice


@dataclass(slots=True)
class StatsView:
    documents: str
    sources: list[tuple[str, str]]
    earliest: str
    latest: str
    size: str
    schema_version: int
    segments: int


def stats_view(stats: IndexStats) -> StatsView:
    ranked = sorted(stats.sources.items(), key=lambda kv: (-kv[1], kv[0]))
    return StatsView(documents=number(stats.documents), sources=[(h, number(n)) for h, n in ranked],
                     earliest=day(stats.earliest), latest=day(stats.latest), size=size(stats.size_bytes),
                     schema_version=stats.schema_version, segments=stats.segments)


def search_view(p: SearchParams, result: SearchResult) -> SearchView:
    v = SearchView(params=p, notices=[notice_vi(n) for n in result.notices])
    found = f"Khoảng {number(result.total)} kết quả" if result.total else "Không có kết quả"
    if result.groups is not None and result.groups != result.total:
        # total counts articles; the pages list stories, each copy under its first publication
        found += f" ({number(result.groups)} tin sau khi gộp bản sao)"
    v.summary = f"{found} ({seconds(result.took_ms)} giây)"
    v.empty = not result.hits
    first = (result.page - 1) * result.limit + 1
    v.hits = [_hit(i, h) for i, h in enumerate(result.hits, first)]
    if result.suggestion and result.suggestion != p.q:
        v.suggestion = Link(result.suggestion, href(p, q=result.suggestion, page=1))
    v.sources = _source_links(p, result.facets.get("source", {}))
    v.years = _year_links(p, result.facets.get("year", {}))
    v.doc_types = [Link(t, href(p, cites_type="" if t == p.cites_type else t, page=1), number(n), t == p.cites_type)
                   for t, n in result.facets.get("cites_type", {}).items()]
    v.cited = [Link(k, document_path(k), number(n)) for k, n in list(result.facets.get("cites", {}).items())[:CITED_SHOWN]]
    v.sorts = [Link(label, href(p, sort=key, page=1), active=p.sort == key)
               for key, label in (("relevance", "Liên quan nhất"), ("date", "Mới nhất"))]
    _paginate(v, p, min(result.pages, MAX_PAGE))
    if p.since or p.until:
        v.clear_dates = href(p, since="", until="", page=1)
    # The feed is the same search, newest first: paging, order and page size are the page's own.
    v.feed = href(p, page=1, sort="relevance", limit=DEFAULT_LIMIT)
    v.timeline = timeline(p, result.facets.get("month", {}))
    return v


CITED_SHOWN = 8  # most cited documents listed beside the results


def document_path(key: str) -> str:
    """The path of a document's page below the app's root: van-ban/100/2019/NĐ-CP (its slashes kept)."""
    return "van-ban/" + quote(key, safe="/")


def _safe(url: str) -> str | None:
    return url if url.startswith(("http://", "https://")) else None


def _hit(number_: int, h) -> HitView:
    v = HitView(number=number_, url=_safe(h.url), display_url=h.url,
                title_html=h.title_highlighted or h.title, snippet_html=h.snippet,
                source=h.source, date=day(h.published))
    if h.copies_total:
        v.copies = [CopyView(_safe(c.url), c.url, c.title, c.source, day(c.published)) for c in h.copies]
        sources = ", ".join(dict.fromkeys(c.source or "?" for c in h.copies))
        more = f" và {number(h.copies_total - len(h.copies))} bản nữa" if h.copies_total > len(h.copies) else ""
        v.copies_label = f"{number(h.copies_total)} bản khác: {sources}{more}"
    return v


def _source_links(p: SearchParams, counts: dict[str, int]) -> list[Link]:
    links = []
    for host, n in counts.items():
        active = host in p.sources
        # Clicking a chosen source removes it; clicking another narrows to it.
        target = tuple(s for s in p.sources if s != host) if active else (host,)
        links.append(Link(host, href(p, sources=target, page=1), number(n), active))
    return links


def _year_links(p: SearchParams, counts: dict[str, int]) -> list[Link]:
    links = []
    for year in sorted(counts, reverse=True):
        active = _is_year(p, int(year))
        target = {"since": "", "until": ""} if active else \
            {"since": f"{year}-01-01", "until": f"{year}-12-31"}
        links.append(Link(year, href(p, page=1, **target), number(counts[year]), active))
    return links


def _is_year(p: SearchParams, year: int) -> bool:
    return (p.since_dt is not None and p.until_dt is not None
            and p.since_dt.date() == date(year, 1, 1) and p.until_dt.date() == date(year, 12, 31))


def _paginate(v: Any, p: SearchParams, pages: int) -> None:
    # v: a SearchView or a documents.DocumentView (both have pager fields)
    if pages <= 1 and p.page <= 1:
        return
    # Past the last page (an old bookmark, a hand-edited URL): lead back to the last one.
    current = min(p.page, pages)
    lo = max(1, current - PAGE_WINDOW)
    hi = min(pages, current + PAGE_WINDOW)
    v.pages = [Link(str(n), href(p, page=n), active=n == p.page) for n in range(lo, hi + 1)]
    if p.page > 1:
        v.prev = Link("‹ Trước", href(p, page=min(p.page - 1, max(pages, 1))))
    if p.page < pages:
        v.next = Link("Sau ›", href(p, page=p.page + 1))
