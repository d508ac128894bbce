"""Crawl policy as pure functions: what is admitted, what is due when, what a
failure means, how polite to be. No I/O, no clocks (times come in as
arguments), so tests call these directly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from govsearch.article import VIETNAM_TZ, Article

from .fetch import HTML_TYPES, XML_TYPES, FetchResult
from .portals import Portal
from .robots import Robots
from .urls import page_number, trap_reason
from .vocab import NETWORK_FAILURES, Kind, PartialField, ProblemKind, Status

HOUR = 3600.0
DAY = 24 * HOUR
# How soon each kind of URL is worth visiting again. Listings and feeds are
# where new articles appear; articles rarely change once published.
DEFAULT_REVISIT: dict[str, float] = {
    Kind.FEED: 1 * HOUR,
    Kind.SITEMAP: 12 * HOUR,
    Kind.LISTING: 3 * HOUR,
    Kind.PAGE: 7 * DAY,
    Kind.ARTICLE: 30 * DAY,
}
RETRY_ERROR_AFTER = 6 * HOUR
GONE_RECHECK = 30 * DAY
SKIPPED_RECHECK = 90 * DAY
BLOCKED_RECHECK = 1 * DAY
ROBOTS_TTL = 1 * DAY
ROBOTS_MAX_BYTES = 512 * 1024
DEFAULT_DELAY = 1.5
DEFAULT_PER_HOST = 2
MAX_CRAWL_DELAY = 60.0
DEFAULT_HOST_CAP = 50_000
# Pages no portal pattern recognises are followed only this many links from a
# seed; recognised listings/articles may go deeper (long pagination).
MAX_PAGE_DEPTH = 6
MAX_LISTING_DEPTH = 50
MAX_PAGE_NUMBER = 10_000
# This many unreachable/timeout failures in a row and a host is given up for the run.
HOST_FAILURE_LIMIT = 5
# The sitemap protocol allows 50 MB files; pages get the usual cap.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


def article_hash(a: Article) -> str:
    """What counts as "changed": the text a reader sees, not the page chrome
    (clocks, view counters) around it."""
    key = json.dumps([a.title, a.summary, a.body, a.published.isoformat() if a.published else None,
                      a.author, a.category], ensure_ascii=False)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


# --- admission ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Admission:
    """The verdict on one discovered URL."""

    kind: Kind | None           # None: not admitted
    depth: int = 0
    reason: str = ""            # why not admitted
    # True when the refusal holds whoever links the URL (off-site, trap,
    # excluded); False when only this route is too deep and a shallower page
    # may still link it.
    final: bool = True

    @property
    def admitted(self) -> bool:
        return self.kind is not None


def admit(url: str, kind: Kind | None, depth: int, portal: Portal | None,
          parent_kind: Kind | None = None) -> Admission:
    """Whether a discovered (canonical) URL is worth queueing, as what, at
    which depth. `kind` is what the discoverer knows (a sitemap entry, an
    advertised feed), None for a plain link; `depth` is the parent's plus one.

    Depth counts hops through pages no pattern recognises, which is what
    bounds traps nobody anticipated (a calendar under an odd name). A
    listing reached from a listing (page 2 -> page 3 ...) stays at its
    parent's depth, so the articles of page 700 of an archive are as
    reachable as those of page 1; such chains are bounded by the page
    number, the per-host cap and the end of new links (see `chain_ends`).
    """
    if portal is None:
        return Admission(None, reason="off-site")
    trap = trap_reason(url)
    if trap and not (trap == "not a web page" and kind == Kind.SITEMAP and is_gzipped_sitemap(url)):
        return Admission(None, reason=trap)
    classified = portal.classify(url)
    if classified == "excluded":
        return Admission(None, reason="excluded by the portal")
    found: Kind | None = Kind(classified) if classified else None
    if found is None and kind is None:
        n = page_number(url)
        if n is not None:
            if n > MAX_PAGE_NUMBER:
                return Admission(None, reason=f"page number above {MAX_PAGE_NUMBER}")
            found = Kind.LISTING
    final_kind = kind if kind in (Kind.SITEMAP, Kind.FEED) else (found or kind or Kind.PAGE)
    if final_kind == Kind.LISTING and parent_kind == Kind.LISTING:
        depth -= 1
    limit = MAX_PAGE_DEPTH if final_kind == Kind.PAGE else MAX_LISTING_DEPTH
    if depth > limit:
        return Admission(None, depth, reason="too deep", final=False)
    return Admission(final_kind, depth)


def is_gzipped_sitemap(url: str) -> bool:
    """sitemap.xml.gz and friends: a .gz file worth fetching when a sitemap index or robots.txt names it."""
    return url.split("?", 1)[0].lower().endswith(".gz")


def ends_pagination(url: str, kind: Kind, content_links: list[str], listed: set[str]) -> bool:
    """Whether a listing reached by pagination (?page=N, /page-N) should not
    be followed to further pages: none of its non-pagination links was on
    an earlier listing page of this run. An endless archive whose pages all
    repeat the same items then stops after one page of nothing new, instead
    of at page 10 000. Articles found by sitemaps do not count as seen: only
    listings do, so a site whose sitemap came first still pages through."""
    if kind != Kind.LISTING or page_number(url) is None:
        return False
    return all(link in listed for link in content_links)


def missing_fields(article: Article) -> tuple[PartialField, ...]:
    """The fields an extracted article lacks but is still indexed without."""
    missing: list[PartialField] = []
    if article.published is None:
        missing.append("date")
    if not (article.author or "").strip():
        missing.append("author")
    return tuple(missing)


def refresh_kinds(refresh: bool, refresh_articles: bool) -> frozenset[Kind]:
    """What `crawl --refresh` asks again now: where new articles appear
    (listings, feeds, sitemaps), and with `--refresh-articles` the articles too."""
    kinds: set[Kind] = set()
    if refresh or refresh_articles:
        kinds |= {Kind.LISTING, Kind.FEED, Kind.SITEMAP}
    if refresh_articles:
        kinds.add(Kind.ARTICLE)
    return frozenset(kinds)


def host_cap(portal: Portal | None, override: int | None) -> int:
    """How many URLs one host may add to the frontier."""
    if portal and portal.max_pages:
        return portal.max_pages
    return override or DEFAULT_HOST_CAP


def politeness(portal: Portal | None, delay: float | None, per_host: int | None) -> tuple[int, float]:
    """(connections, seconds between requests) for a host: the caller's
    override, else the portal's, else the defaults."""
    d = delay if delay is not None else (portal.delay if portal and portal.delay is not None else DEFAULT_DELAY)
    n = per_host or (portal.per_host if portal and portal.per_host else DEFAULT_PER_HOST)
    return n, d


def delay_with_crawl_delay(delay: float, crawl_delay: float) -> float:
    """A robots.txt Crawl-delay can raise the spacing, never lower it, and is
    capped so a typo (Crawl-delay: 86400) cannot stall a host for a day."""
    return max(delay, min(crawl_delay, MAX_CRAWL_DELAY))


# --- robots.txt ----------------------------------------------------------------------

def robots_rules(status: int, body: str, user_agent: str) -> Robots:
    """RFC 9309: rules from a 2xx, none for a 4xx, stay out on 429 or 5xx."""
    if 200 <= status < 300:
        return Robots.from_text(body, user_agent)
    if status == 429 or status >= 500:
        return Robots.deny_all(user_agent)
    return Robots.allow_all(user_agent)


def robots_to_cache(res: FetchResult) -> tuple[int, str]:
    """(status, body) worth caching from a robots.txt fetch that got an answer."""
    body = res.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace") if res.ok else ""
    status = res.status if res.status else 599
    if res.problem == ProblemKind.TOO_LARGE or (res.problem and res.status == 200):
        status, body = 404, ""  # unusable robots.txt: treat as absent
    return status, body


def sitemaps_to_try(named: list[str], scheme: str, host: str) -> list[str]:
    """The sitemaps robots.txt names, else the conventional place."""
    return list(named) if named else [f"{scheme}://{host}/sitemap.xml"]


# --- one visit -----------------------------------------------------------------------

def revisit_after(kind: str, revisit: dict[str, float]) -> float:
    return revisit.get(kind, DEFAULT_REVISIT[Kind.PAGE])


def conditional_headers(status: str, etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Validators for a URL fetched before; nothing for one never finished."""
    headers: dict[str, str] = {}
    if status == Status.DONE:
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
    return headers


def accept_for(kind: str) -> tuple[str, ...]:
    return HTML_TYPES + XML_TYPES if kind in (Kind.SITEMAP, Kind.FEED) else HTML_TYPES


def byte_cap(kind: str, max_bytes: int) -> int | None:
    """A larger cap for sitemaps; None means the fetcher's own."""
    return max(max_bytes, SITEMAP_MAX_BYTES) if kind == Kind.SITEMAP else None


def too_old(published: datetime | None, since: datetime | None) -> bool:
    if since is None or published is None:
        return False
    if published.tzinfo is None:
        published = published.replace(tzinfo=VIETNAM_TZ)
    return published < since


def article_url(extracted: str, final: str, canonical: str | None, crawlable: Callable[[str], bool]) -> str:
    """The URL an article is indexed under: the extractor's choice if it is a
    crawlable URL of ours, else the page's rel=canonical, else where it was
    fetched. All arguments are canonical spellings (or empty)."""
    if extracted and extracted != final and crawlable(extracted):
        return extracted
    if canonical and crawlable(canonical):
        return canonical
    return final


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    status: Status
    due: float
    report: bool           # worth a line in the summary (and an error count)
    skipped: bool = False  # counts as skipped, not as an error
    network: bool = False  # counts toward giving the host up


def failure_outcome(problem: str | None, http_status: int, kind: str, url: str, now: float,
                    revisit: dict[str, float]) -> FailureOutcome:
    """What a fetch that gave no usable page means for the URL."""
    problem = problem or ProblemKind.HTTP_ERROR
    network = problem in NETWORK_FAILURES
    if problem == ProblemKind.REDIRECT_DUPLICATE:
        # The target is crawled on its own; this URL is simply an alias.
        return FailureOutcome(Status.DONE, now + revisit.get(kind, DAY), False, network=network)
    if problem in (ProblemKind.NOT_HTML, ProblemKind.REDIRECT_OFFSITE, ProblemKind.REDIRECT_BLOCKED):
        return FailureOutcome(Status.SKIPPED, now + SKIPPED_RECHECK, False, skipped=True, network=network)
    if problem == ProblemKind.TOO_LARGE:
        return FailureOutcome(Status.ERROR, now + SKIPPED_RECHECK, True, network=network)
    if http_status in (404, 410):
        # A missing /sitemap.xml we only guessed at is not worth a line.
        guessed = kind == Kind.SITEMAP and url.endswith("/sitemap.xml")
        return FailureOutcome(Status.GONE, now + GONE_RECHECK, not guessed, network=network)
    return FailureOutcome(Status.ERROR, now + RETRY_ERROR_AFTER, True, network=network)
