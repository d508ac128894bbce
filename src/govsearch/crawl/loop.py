"""The crawl loop: schedule URLs across hosts, fetch, discover, extract, sink.

One asyncio event loop drives everything. SQLite writes happen on the loop's
thread (each page is one short transaction); extraction and the sink run in
worker threads so the network keeps moving while they work.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import hashlib
import multiprocessing
import re
import json
import signal
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Union
from urllib.parse import urlsplit

from govsearch.article import VIETNAM_TZ, Article, ArticleError

from .discover import PageAnalysis, analyze_page, as_datetime, parse_xml
from .fetch import DEFAULT_USER_AGENT, HTML_TYPES, XML_TYPES, FetchConfig, Fetcher, FetchResult, HostGate
from .portals import Portal, PortalError, load_portals, load_seeds_file, portals_for_seeds
from .report import CrawlProgress, CrawlSummary, Problem
from .robots import Robots
from .state import CrawlState, NewUrl, UrlRow
from .urls import canonicalize, host_key, trap_reason, try_canonicalize

Extractor = Callable[[Union[bytes, str], str], Union[Article, None]]


class SinkLike(Protocol):
    def add_many(self, articles: Iterable[Article]) -> int: ...


Sink = Union[Callable[[list[Article]], Any], SinkLike]

HOUR = 3600.0
DAY = 24 * HOUR
# How soon each kind of URL is worth visiting again. Listings and feeds are
# where new articles appear; articles rarely change once published.
DEFAULT_REVISIT: dict[str, float] = {
    "feed": 1 * HOUR,
    "sitemap": 12 * HOUR,
    "listing": 3 * HOUR,
    "page": 7 * DAY,
    "article": 30 * DAY,
}
RETRY_ERROR_AFTER = 6 * HOUR
GONE_RECHECK = 30 * DAY
SKIPPED_RECHECK = 90 * DAY
BLOCKED_RECHECK = 1 * DAY
ROBOTS_TTL = 1 * DAY
DEFAULT_DELAY = 1.5
DEFAULT_PER_HOST = 2
MAX_CRAWL_DELAY = 60.0
DEFAULT_HOST_CAP = 50_000
# Pages no portal pattern recognises are followed only this many links from a
# seed; recognised listings/articles may go deeper (long pagination).
MAX_PAGE_DEPTH = 6
MAX_LISTING_DEPTH = 50
MAX_PAGE_NUMBER = 10_000
_DIGITS = re.compile(r"\d+")
_PAGINATION = re.compile(r"(?:/(?:page|trang|p)-?\d+(?:\.html?)?/?$|[?&](?:page|trang|pageindex|p|pg|start|offset)=\d+"
                         r"|_cur=\d+)", re.IGNORECASE)
# This many unreachable/timeout failures in a row and a host is given up for the run.
HOST_FAILURE_LIMIT = 5
ROBOTS_MAX_BYTES = 512 * 1024
# After Ctrl-C, requests in flight get this long to finish before they are dropped.
STOP_GRACE = 5.0
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


def article_hash(a: Article) -> str:
    """What counts as "changed": the text a reader sees, not the page chrome
    (clocks, view counters) around it."""
    key = json.dumps([a.title, a.summary, a.body, a.published.isoformat() if a.published else None,
                      a.author, a.category], ensure_ascii=False)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Options:
    index_dir: Path
    state_path: Path
    max_pages: int | None
    since: datetime | None
    concurrency: int
    per_host: int | None
    delay: float | None
    fetch: FetchConfig
    revisit: dict[str, float]
    batch_size: int
    flush_interval: float
    host_cap: int | None
    workers: int = 0


@dataclass(slots=True)
class _Host:
    key: str
    gate: HostGate
    portal: Portal | None
    per_host: int
    queue: deque[UrlRow] = field(default_factory=deque)
    inflight: int = 0
    drained: bool = False          # the DB had nothing more due for it last time we asked
    failures: int = 0              # consecutive network failures
    robots: Robots | None = None
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Crawler:
    def __init__(self, portals: list[Portal], opts: Options, extract: Extractor, sink: Sink,
                 progress: Callable[[CrawlProgress], None] | None) -> None:
        self.portals = portals
        self.opts = opts
        self.extract = extract
        if hasattr(sink, "add_many"):
            self._sink_call: Callable[[list[Article]], Any] = sink.add_many
        elif callable(sink):
            self._sink_call = sink
        else:
            raise TypeError("sink must be callable or have add_many()")
        self._sink_get = getattr(sink, "get", None)
        self.progress_cb = progress
        self.state = CrawlState(opts.state_path)
        self.summary = CrawlSummary(state_path=str(opts.state_path))
        self.hosts: dict[str, _Host] = {}
        self.dead: dict[str, str] = {}
        self.claimed: set[str] = set()
        # URLs this run has finished (including redirect targets and
        # rel=canonical aliases), so none is fetched twice in one run.
        self.visited: set[str] = set()
        # Links already considered this run: menus repeat the same hundred
        # links on every page, no need to regex and INSERT them each time.
        self.seen_links: set[str] = set()
        self.batch: list[tuple[str, Article]] = []
        self.batch_started = 0.0
        self.flush_lock = asyncio.Lock()
        self._problem_keys: set[tuple[str, str, str]] = set()
        self._host_counts: dict[str, int] = {}
        self._portal_cache: dict[str, Portal | None] = {}
        self._rr = 0
        self._queue_cached = 0
        self._queue_checked = -1e9
        self._last_progress = 0.0
        self._started = time.monotonic()
        self.stop_requested = False
        self._stop_at = 0.0
        self.run_id = 0
        self.dispatched = 0
        self.fetcher: Fetcher | None = None
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None

    # --- bookkeeping --------------------------------------------------------------------

    def problem(self, host: str, kind: str, detail: str, url: str = "") -> None:
        key = (host, kind, url)
        if key in self._problem_keys:
            return
        self._problem_keys.add(key)
        self.summary.problems.append(Problem(host, kind, detail, url))

    def portal_for(self, netloc: str) -> Portal | None:
        try:
            return self._portal_cache[netloc]
        except KeyError:
            pass
        found = next((p for p in self.portals if p.allows_host(netloc)), None)
        self._portal_cache[netloc] = found
        return found

    def host(self, key: str) -> _Host:
        h = self.hosts.get(key)
        if h is None:
            portal = self.portal_for(key)
            delay = self.opts.delay if self.opts.delay is not None else (
                portal.delay if portal and portal.delay is not None else DEFAULT_DELAY)
            per_host = self.opts.per_host or (portal.per_host if portal and portal.per_host else DEFAULT_PER_HOST)
            h = _Host(key, HostGate(per_host, delay), portal, per_host)
            self.hosts[key] = h
        return h

    def gate_for(self, key: str) -> HostGate:
        return self.host(key).gate

    def report_progress(self, force: bool = False) -> None:
        if self.progress_cb is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < 0.25:
            return
        self._last_progress = now
        self.progress_cb(CrawlProgress(
            pages_fetched=self.summary.pages_fetched,
            articles_indexed=self.summary.articles_indexed,
            errors=self.summary.errors,
            queue_length=self._queue_length_cached(now, force),
            not_modified=self.summary.not_modified,
            hosts_active=sum(1 for h in self.hosts.values() if h.inflight),
            elapsed=now - self._started,
        ))

    def _queue_length_cached(self, now: float, force: bool) -> int:
        # A COUNT over the frontier is not free on a big state file: a few
        # seconds' staleness in a progress line is fine.
        if force or now - self._queue_checked > 2.0:
            self._queue_cached = self._queue_length()
            self._queue_checked = now
        return self._queue_cached

    def _queue_length(self) -> int:
        # Dead hosts' URLs count: they are still owed a visit by a later run.
        # Hosts outside this run's portals (left in the state file by a crawl
        # of other seeds) do not: this run will not touch them.
        counts = self.state.count_due_by_host(time.time(), self.run_id)
        return sum(n for host, n in counts.items() if self.portal_for(host) is not None)

    def host_cap(self, h: _Host) -> int:
        if h.portal and h.portal.max_pages:
            return h.portal.max_pages
        return self.opts.host_cap or DEFAULT_HOST_CAP

    def _record(self, url: str, **kw: Any) -> None:
        self.state.record(url, **kw)
        self.visited.add(url)

    # --- URL admission --------------------------------------------------------------------

    def admit(self, url: str, kind: str | None, depth: int, lastmod: datetime | None = None,
              priority: int | None = None, parent_kind: str | None = None) -> NewUrl | None:
        """A discovered URL worth queueing, or None (off-site, trap, excluded,
        too deep). `depth` is the parent's plus one.

        Depth counts hops through pages no pattern recognises, which is what
        bounds traps nobody anticipated (a calendar under an odd name). A
        listing reached from a listing (page 2 -> page 3 ...) stays at its
        parent's depth, so the articles of page 700 of an archive are as
        reachable as those of page 1; such chains are bounded by the page
        number and the per-host cap instead.
        """
        key = host_key(url)
        portal = self.portal_for(key)
        if portal is None or trap_reason(url):
            self.seen_links.add(url)  # permanently uninteresting
            return None
        classified = portal.classify(url)
        if classified == "excluded":
            self.seen_links.add(url)
            return None
        if classified is None and kind is None:
            m = _PAGINATION.search(url)
            if m:
                if int(_DIGITS.findall(m.group(0))[-1]) > MAX_PAGE_NUMBER:
                    self.seen_links.add(url)
                    return None
                # Archive pages of a site without patterns.
                classified = "listing"
        final_kind = kind if kind in ("sitemap", "feed") else (classified or kind or "page")
        if final_kind == "listing" and parent_kind == "listing":
            depth -= 1
        limit = MAX_PAGE_DEPTH if final_kind == "page" else MAX_LISTING_DEPTH
        if depth > limit:
            return None  # not marked seen: a shallower page may link it too
        self.seen_links.add(url)
        return NewUrl(url, key, final_kind, depth, priority,
                      lastmod.isoformat() if lastmod else None)

    def add_new(self, urls: list[NewUrl]) -> None:
        """Insert discovered URLs (inside the caller's transaction), honouring
        each host's page cap."""
        if not urls:
            return
        if not self._host_counts:
            self._host_counts = self.state.host_counts()
        fresh: list[NewUrl] = []
        for u in urls:
            h = self.host(u.host)
            if self._host_counts.get(u.host, 0) >= self.host_cap(h) and not self.state.known(u.url):
                self.problem(u.host, "host-cap", f"page cap of {self.host_cap(h)} URLs reached")
                continue
            fresh.append(u)
        for u in self.state.add_urls(fresh):
            self._host_counts[u.host] = self._host_counts.get(u.host, 0) + 1
            self.host(u.host).drained = False

    def seed(self) -> None:
        with self.state.transaction():
            for portal in self.portals:
                new: list[NewUrl] = []
                for seed in portal.seeds:
                    kind = portal.classify(seed)
                    new.append(NewUrl(seed, host_key(seed), kind if kind == "article" else "listing", 0, 0))
                for sm in portal.sitemaps:
                    url = canonicalize(sm)
                    new.append(NewUrl(url, host_key(url), "sitemap", 0, 0))
                for fd in portal.feeds:
                    url = canonicalize(fd)
                    new.append(NewUrl(url, host_key(url), "feed", 0, 0))
                self.state.add_urls(new)
                for n in new:
                    self.host(n.host)

    # --- robots ------------------------------------------------------------------------

    async def robots_for(self, h: _Host, sample_url: str) -> Robots | None:
        """The host's robots rules, fetched once per day; None if the host is
        unreachable (and then it is marked dead for this run)."""
        if h.robots is not None:
            return h.robots
        async with h.robots_lock:
            if h.robots is not None:
                return h.robots
            if h.key in self.dead:
                return None
            ua = self.opts.fetch.user_agent
            cached = self.state.robots(h.key)
            if cached and time.time() - cached[2] < ROBOTS_TTL:
                status, body, _ = cached
                robots = self._robots_from(status, body, ua)
            else:
                scheme = urlsplit(sample_url).scheme or "https"
                url = f"{scheme}://{h.key}/robots.txt"
                assert self.fetcher is not None
                res = await self.fetcher.fetch(url, accept=("",), may_follow=self.may_follow_any_allowed)
                if res.problem in ("unreachable", "timeout", "connection-error"):
                    self.mark_dead(h, f"{res.detail or res.problem}")
                    return None
                body = res.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace") if res.ok else ""
                status = res.status if res.status else 599
                if res.problem == "too-large" or (res.problem and res.status == 200):
                    status, body = 404, ""  # unusable robots.txt: treat as absent
                self.state.save_robots(h.key, status, body)
                robots = self._robots_from(status, body, ua)
            self._apply_robots(h, robots, sample_url)
            return robots

    def _robots_from(self, status: int, body: str, ua: str) -> Robots:
        if 200 <= status < 300:
            return Robots.from_text(body, ua)
        if status == 429 or status >= 500:
            return Robots.deny_all(ua)
        return Robots.allow_all(ua)

    def _apply_robots(self, h: _Host, robots: Robots, sample_url: str) -> None:
        h.robots = robots
        base = f"http://{h.key}/"
        if robots.unavailable:
            self.problem(h.key, "robots-unavailable", "robots.txt answered with a server error; host skipped")
            self.dead[h.key] = "robots-unavailable"
            return
        if robots.disallows_everything(base):
            self.problem(h.key, "robots-disallow-all", "robots.txt disallows everything for this crawler")
            self.dead[h.key] = "robots-disallow-all"
            return
        cd = robots.crawl_delay()
        if cd is not None:
            # A Crawl-delay means "one request at a time, this far apart".
            h.gate.set_delay(max(h.gate.delay, min(cd, MAX_CRAWL_DELAY)))
            h.gate.after_response = True
            h.per_host = 1
        # Sitemaps: the ones robots.txt names, else the conventional place.
        sitemaps = robots.sitemaps()
        new: list[NewUrl] = []
        for sm in sitemaps:
            try:
                u = canonicalize(sm)
            except ValueError:
                continue
            adm = self.admit(u, "sitemap", 0, priority=0)
            if adm:
                new.append(adm)
        if not sitemaps:
            scheme = urlsplit(sample_url).scheme or "https"
            adm = self.admit(canonicalize(f"{scheme}://{h.key}/sitemap.xml"), "sitemap", 0, priority=0)
            if adm:
                new.append(adm)
        with self.state.transaction():
            self.add_new(new)

    def mark_dead(self, h: _Host, reason: str) -> None:
        if h.key not in self.dead:
            self.dead[h.key] = reason
            self.problem(h.key, "unreachable", reason)
            self.summary.errors += 1
            h.queue.clear()

    async def may_follow_any_allowed(self, url: str) -> str | None:
        return None if self.portal_for(host_key(url)) else "redirect-offsite"

    async def may_follow(self, url: str) -> str | None:
        key = host_key(url)
        if self.portal_for(key) is None:
            return "redirect-offsite"
        if url in self.visited or url in self.claimed:
            return "redirect-duplicate"  # the target is (being) crawled on its own
        h = self.host(key)
        robots = await self.robots_for(h, url)
        if robots is None or not robots.allowed(url):
            return "redirect-blocked"
        return None

    # --- one URL --------------------------------------------------------------------

    async def visit(self, h: _Host, row: UrlRow) -> None:
        try:
            robots = await self.robots_for(h, row.url)
            if robots is None or h.key in self.dead:
                return  # left due: the next run tries again
            now = time.time()
            if not robots.allowed(row.url):
                self.summary.skipped += 1
                with self.state.transaction():
                    self._record(row.url, run=self.run_id, status="blocked", due=now + BLOCKED_RECHECK,
                                      keep_validators=True)
                return
            conditional: dict[str, str] = {}
            if row.status == "done":
                if row.etag:
                    conditional["If-None-Match"] = row.etag
                if row.last_modified:
                    conditional["If-Modified-Since"] = row.last_modified
            accept = HTML_TYPES + XML_TYPES if row.kind in ("sitemap", "feed") else HTML_TYPES
            assert self.fetcher is not None
            # The sitemap protocol allows 50 MB files; pages get the usual cap.
            cap = max(self.opts.fetch.max_bytes, SITEMAP_MAX_BYTES) if row.kind == "sitemap" else None
            res = await self.fetcher.fetch(row.url, conditional=conditional, accept=accept,
                                           may_follow=self.may_follow, max_bytes=cap)
            self.summary.pages_fetched += 1
            try:
                await self.handle(h, row, res)
            except (sqlite3.Error, OSError):
                raise  # the state file itself is in trouble: stop
            except Exception as exc:
                # A bug met on one odd page must not end a long crawl; the page
                # is retried by a later run, and the problem is reported.
                self.summary.errors += 1
                self.problem(h.key, "crawler-error", f"{type(exc).__name__}: {exc}", row.url)
                with self.state.transaction():
                    self._record(row.url, run=self.run_id, status="error", due=time.time() + RETRY_ERROR_AFTER,
                                 error=f"crawler-error: {exc}", keep_validators=True)
            self.report_progress()
        finally:
            h.inflight -= 1
            self.claimed.discard(row.url)

    async def handle(self, h: _Host, row: UrlRow, res: FetchResult) -> None:
        now = time.time()
        revisit = self.opts.revisit.get(row.kind, DEFAULT_REVISIT["page"])
        if res.not_modified:
            h.failures = 0
            self.summary.not_modified += 1
            with self.state.transaction():
                self._record(row.url, run=self.run_id, status="done", due=now + revisit,
                                  http_status=304, keep_validators=True)
            return
        if res.problem or not (200 <= res.status < 300):
            self.record_failure(h, row, res, now)
            return
        h.failures = 0
        final = res.final_url
        etag = res.headers.get("etag")
        last_mod = res.headers.get("last-modified")
        ctype = res.content_type.lower()
        new: list[NewUrl] = []
        pending: tuple[str, Article, str] | None = None
        kind = row.kind
        content_hash: str | None = None
        is_xml = row.kind in ("sitemap", "feed") or "xml" in ctype and "html" not in ctype
        if is_xml:
            found = parse_xml(res.body, final)
            if found.kind == "unknown" and "html" in ctype:
                is_xml = False
            else:
                kind = "feed" if found.kind == "feed" else "sitemap"
                since = self.opts.since
                for e in found.entries:
                    if since and e.date and e.date < since and found.kind != "sitemapindex":
                        continue
                    sub = "sitemap" if found.kind == "sitemapindex" else "article"
                    adm = self.admit(e.url, sub, row.depth + 1, lastmod=e.date)
                    if adm:
                        new.append(adm)
                content_hash = hashlib.sha1(res.body).hexdigest()
        aliases: set[str] = {final}
        if not is_xml:
            analysis = await self.analyze(res.body, res.content_type, final)
            links = analysis.links
            if links.canonical and self.portal_for(host_key(links.canonical)) and not trap_reason(links.canonical):
                aliases.add(links.canonical)
            if analysis.error:
                self.summary.errors += 1
                self.problem(h.key, "extract-failed", analysis.error, final)
            article = analysis.article if isinstance(analysis.article, Article) else None
            if article is not None:
                article = self.settle_url(article, final, links.canonical)
                aliases.add(article.url)
                kind = "article"
                content_hash = article_hash(article)
                published = article.published
                if published is not None and published.tzinfo is None:
                    published = published.replace(tzinfo=VIETNAM_TZ)
                too_old = self.opts.since is not None and published is not None and published < self.opts.since
                if too_old:
                    self.summary.skipped += 1
                elif content_hash == row.content_hash:
                    self.summary.unchanged += 1
                else:
                    pending = (row.url, article, content_hash)
            elif kind in ("page", "article"):
                kind = "listing"
            # Links last: how deep they count depends on what this page turned out to be.
            seen = self.seen_links
            for feed in links.feeds:
                if feed not in seen:
                    adm = self.admit(feed, "feed", row.depth + 1, priority=0)
                    if adm:
                        new.append(adm)
            for link in links.links:
                if link not in seen:
                    adm = self.admit(link, None, row.depth + 1, parent_kind=kind)
                    if adm:
                        new.append(adm)
        revisit = self.opts.revisit.get(kind, DEFAULT_REVISIT["page"])
        with self.state.transaction():
            self.add_new(new)
            status = "pending" if pending else "done"
            self._record(row.url, run=self.run_id, status=status, due=now + revisit, kind=kind,
                              http_status=res.status, etag=etag, last_modified=last_mod,
                              content_hash=content_hash)
            # Aliases (redirect target, rel=canonical) count as visited too, so
            # they are not fetched again on their own.
            for alias in aliases - {row.url}:
                try:
                    alias = canonicalize(alias)
                except ValueError:
                    continue
                if self.portal_for(host_key(alias)) is None:
                    continue
                self.state.ensure_row(alias, host_key(alias), kind, row.depth)
                self._record(alias, run=self.run_id, status="done", due=now + revisit, kind=kind,
                                  http_status=res.status, etag=etag, last_modified=last_mod,
                                  content_hash=content_hash)
            if pending:
                self.state.add_pending(pending[0], pending[1].to_dict(), pending[2])
        if pending:
            if not self.batch:
                self.batch_started = time.monotonic()
            self.batch.append((pending[0], pending[1]))

    async def analyze(self, body: bytes, content_type: str, url: str) -> PageAnalysis:
        if self.pool is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.pool, analyze_page, body, content_type, url, self.extract)
        return await asyncio.to_thread(analyze_page, body, content_type, url, self.extract)

    def settle_url(self, article: Article, final: str, canonical: str | None) -> Article:
        """The URL an article is indexed under: the extractor's choice if it is
        a crawlable URL of ours, else the page's rel=canonical, else where we
        fetched it; always in our canonical spelling, so state and index agree."""
        chosen = final
        candidate = try_canonicalize(article.url) if article.url else None
        if candidate and candidate != final and self.portal_for(host_key(candidate)) and not trap_reason(candidate):
            chosen = candidate
        elif canonical and self.portal_for(host_key(canonical)) and not trap_reason(canonical):
            chosen = canonical
        if chosen != article.url:
            article = dataclasses.replace(article, url=chosen)
        return article

    def record_failure(self, h: _Host, row: UrlRow, res: FetchResult, now: float) -> None:
        problem = res.problem or "http-error"
        status, due = "error", now + RETRY_ERROR_AFTER
        report = True
        if problem in ("unreachable", "timeout", "connection-error"):
            h.failures += 1
            if h.failures >= HOST_FAILURE_LIMIT:
                self.mark_dead(h, f"{h.failures} network failures in a row (last: {res.detail or problem})")
        if problem == "redirect-duplicate":
            status, due, report = "done", now + self.opts.revisit.get(row.kind, DAY), False
        elif problem == "not-html" or problem in ("redirect-offsite", "redirect-blocked"):
            status, due, report = "skipped", now + SKIPPED_RECHECK, False
            self.summary.skipped += 1
        elif problem == "too-large":
            due = now + SKIPPED_RECHECK
        elif res.status in (404, 410):
            status, due = "gone", now + GONE_RECHECK
            # A missing /sitemap.xml we only guessed at is not worth a line.
            report = not (row.kind == "sitemap" and row.url.endswith("/sitemap.xml"))
        if report and h.key not in self.dead:
            self.summary.errors += 1
            detail = res.detail or (f"HTTP {res.status}" if res.status else problem)
            # A host that stops answering is one problem, not one per page.
            self.problem(h.key, problem, detail, "" if problem == "unreachable" else row.url)
        with self.state.transaction():
            self._record(row.url, run=self.run_id, status=status, due=due,
                              http_status=res.status or None, error=f"{problem}: {res.detail}",
                              keep_validators=True)

    # --- the sink ----------------------------------------------------------------------

    async def flush(self) -> None:
        async with self.flush_lock:
            if not self.batch:
                return
            batch, self.batch = self.batch, []
            articles = [a for _, a in batch]
            await asyncio.to_thread(self._sink_call, articles)
            # Only now, with the sink's commit done, are these pages finished.
            with self.state.transaction():
                self.state.clear_pending([u for u, _ in batch])
            self.summary.articles_indexed += len(articles)

    def flush_due(self) -> bool:
        return bool(self.batch) and (len(self.batch) >= self.opts.batch_size
                                     or time.monotonic() - self.batch_started >= self.opts.flush_interval)

    async def recover_pending(self) -> None:
        """Articles a killed run extracted but may not have handed over."""
        rows = list(self.state.pending())
        if not rows:
            return
        redo: list[tuple[str, Article]] = []
        done: list[str] = []
        for url, data, h in rows:
            try:
                art = Article.from_dict(data)
            except ArticleError:
                done.append(url)
                continue
            # If the sink already holds exactly this version, the killed run got
            # as far as the sink's commit: do not hand it over twice.
            if self._sink_get is not None:
                try:
                    have = await asyncio.to_thread(self._sink_get, art.url)
                except Exception:
                    have = None
                if isinstance(have, Article) and article_hash(have) == h:
                    done.append(url)
                    continue
            redo.append((url, art))
        if done:
            with self.state.transaction():
                self.state.clear_pending(done)
        self.batch.extend(redo)
        self.batch_started = time.monotonic()
        await self.flush()

    # --- scheduling ------------------------------------------------------------------------

    def refill(self, h: _Host, now: float) -> None:
        rows = self.state.due_for_host(h.key, now, self.run_id, 64 + len(self.claimed))
        for r in rows:
            if r.url not in self.claimed:
                h.queue.append(r)
        if not h.queue:
            h.drained = True

    def discover_hosts(self, now: float) -> None:
        for key in self.state.hosts_due(now, self.run_id, set(self.dead)):
            if self.portal_for(key) is None:
                continue  # left over from a crawl of other seeds: not this run's business
            self.host(key).drained = False

    def request_stop(self) -> None:
        if not self.stop_requested:
            self._stop_at = time.monotonic()
        self.stop_requested = True
        self.summary.interrupted = True

    async def run(self) -> CrawlSummary:
        self.run_id = self.state.start_run()
        self.fetcher = Fetcher(self.opts.fetch, self.gate_for)
        if self.opts.workers > 0:
            # spawn, not fork: this process already runs threads (executor,
            # sink), and forking those is how deadlocks are made.
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.opts.workers, mp_context=multiprocessing.get_context("spawn"))
        tasks: set[asyncio.Task[None]] = set()
        flusher: asyncio.Task[None] | None = None
        try:
            await self.recover_pending()
            self.seed()
            last_scan = 0.0
            while True:
                for t in [t for t in tasks if t.done()]:
                    tasks.discard(t)
                    t.result()
                now_m = time.monotonic()
                now = time.time()
                self.report_progress()  # also while waiting out a long Crawl-delay
                if flusher is None and self.flush_due():
                    flusher = asyncio.create_task(self.flush())
                if flusher is not None and flusher.done():
                    flusher.result()
                    flusher = None
                limit_hit = self.opts.max_pages is not None and self.dispatched >= self.opts.max_pages
                if self.stop_requested or limit_hit:
                    if not tasks:
                        break
                    if self.stop_requested and time.monotonic() - self._stop_at > STOP_GRACE:
                        # Requests stuck in a long Retry-After or a slow server:
                        # drop them. Nothing of theirs was written yet, so the
                        # next run simply asks again.
                        for t in tasks:
                            t.cancel()
                        await asyncio.gather(*tasks, return_exceptions=True)
                        tasks.clear()
                        break
                    await asyncio.wait(tasks, timeout=0.2, return_when=asyncio.FIRST_COMPLETED)
                    continue
                if now_m - last_scan > 1.0:
                    self.discover_hosts(now)
                    last_scan = now_m
                started = False
                wake = 1.0
                # Start the scan one host further each time, so that when
                # `concurrency` is the limit every host still gets its turn.
                ring = list(self.hosts.values())
                self._rr = (self._rr + 1) % max(1, len(ring))
                for h in ring[self._rr:] + ring[:self._rr]:
                    if len(tasks) >= self.opts.concurrency:
                        break
                    if h.key in self.dead or h.inflight >= h.per_host:
                        continue
                    if h.robots is None and h.inflight:
                        continue  # its robots.txt is being fetched; wait for the rules
                    if not h.queue and not h.drained:
                        self.refill(h, now)
                    if not h.queue:
                        continue
                    ready_in = h.gate.ready_in()
                    if ready_in > 0:
                        wake = min(wake, ready_in)
                        continue
                    row = h.queue.popleft()
                    if row.url in self.claimed or row.url in self.visited:
                        continue
                    self.claimed.add(row.url)
                    h.inflight += 1
                    self.dispatched += 1
                    tasks.add(asyncio.create_task(self.visit(h, row)))
                    started = True
                    if self.opts.max_pages is not None and self.dispatched >= self.opts.max_pages:
                        break
                if started:
                    await asyncio.sleep(0)
                    continue
                if not tasks:
                    busy = any(h.queue or not h.drained for k, h in self.hosts.items() if k not in self.dead)
                    if not busy:
                        self.discover_hosts(time.time())
                        busy = any(not h.drained for k, h in self.hosts.items() if k not in self.dead)
                        if not busy:
                            break
                    await asyncio.sleep(min(wake, 0.05) if wake < 1.0 else 0.01)
                    continue
                finished, _ = await asyncio.wait(tasks, timeout=wake, return_when=asyncio.FIRST_COMPLETED)
                for t in finished:
                    tasks.discard(t)
                    t.result()
            if flusher is not None:
                await flusher
            await self.flush()
        finally:
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await self.fetcher.aclose()
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
        self.summary.queue_length = self._queue_length()
        self.summary.elapsed = time.monotonic() - self._started
        self.state.finish_run(self.run_id, self.summary.pages_fetched, self.summary.articles_indexed)
        self.report_progress(force=True)
        return self.summary


def _default_extract() -> Extractor:
    from govsearch.extract import extract  # imported late: the crawler works without it

    return extract


def _default_sink(index_dir: Path) -> Any:
    from govsearch import SearchEngine

    # Wait for another writer (an import) rather than fail a long crawl.
    return SearchEngine(index_dir, lock_timeout=60.0)


def crawl(
    seeds: list[str] | None = None,
    *,
    seeds_file: str | Path | None = None,
    portals: list[Portal] | None = None,
    index_dir: str | Path = "index",
    state_path: str | Path | None = None,
    max_pages: int | None = None,
    since: date | datetime | str | None = None,
    concurrency: int = 16,
    per_host: int | None = None,
    delay: float | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    progress: Callable[[CrawlProgress], None] | None = None,
    extract: Extractor | None = None,
    sink: Sink | None = None,
    timeout: float = 20.0,
    retries: int = 3,
    backoff: float = 1.0,
    max_retry_after: float = 120.0,
    max_bytes: int = 10 * 1024 * 1024,
    revisit: dict[str, float] | None = None,
    max_pages_per_host: int | None = None,
    batch_size: int = 200,
    flush_interval: float = 5.0,
    verify_tls: bool = True,
    workers: int = 0,
) -> CrawlSummary:
    """Crawl Vietnamese government portals into the search index; resumable.

    What to crawl: ``portals`` (already loaded, e.g. by ``load_portals``) if
    given; else ``seeds`` (URLs) plus ``seeds_file`` (a portal ``.toml``, a
    directory of them, or a text file of URLs); with neither, every portal in
    ``crawl_seeds/`` (relative to the working directory). A seed URL on a host
    that a ``crawl_seeds/`` portal covers is crawled with that portal's
    patterns and politeness; any other seed host becomes an ad-hoc portal
    allowing that host and its ``www.`` twin.

    State (frontier, per-URL status, ETag/Last-Modified, content hashes,
    robots.txt cache) lives in SQLite at ``state_path``, default
    ``<index_dir>/crawl.sqlite``. Running again resumes an interrupted crawl
    and otherwise revisits what is due: listings and feeds after hours,
    articles after a month (``revisit`` overrides seconds per kind: article,
    listing, feed, sitemap, page), sending conditional requests and
    re-indexing only articles whose text changed.

    Politeness: robots.txt is obeyed (Crawl-delay included); at most
    ``per_host`` connections per host (default: the portal's, else 2) and
    ``delay`` seconds between requests to one host (default: the portal's,
    else 1.5 s; Crawl-delay can only raise it; ``delay=0`` is for tests and
    benchmarks against your own servers). ``concurrency`` bounds requests in
    flight across all hosts.

    ``max_pages`` caps the pages fetched by this run; ``since`` (a date,
    datetime or ISO string) skips sitemap/feed entries and articles published
    before it. ``max_pages_per_host`` caps how many URLs one host may add to
    the frontier (a trap backstop; default 50 000 or the portal's).

    ``extract(html, url) -> Article | None`` defaults to
    ``govsearch.extract.extract``; ``sink`` is a callable taking a list of
    Articles or an object with ``add_many`` (default: a ``SearchEngine`` on
    ``index_dir``). A page is marked done only after the sink returned, so a
    crash never loses an article; if the sink also has ``get(url)``, an
    article it already holds is not handed over twice after a crash.

    ``workers`` > 0 runs decoding, link finding and extraction in that many
    worker processes (``extract`` must then be a picklable module-level
    function). Only worth it when politeness allows more pages per second
    than one core can extract (benchmarks, your own servers); the default 0
    uses threads of this process.

    ``progress`` is called a few times a second with a ``CrawlProgress``.
    Ctrl-C (SIGINT, when run from the main thread) stops gracefully: requests
    in flight finish, extracted articles are handed to the sink, and the
    summary has ``interrupted=True``; a second Ctrl-C aborts at once (still
    safe to resume).

    Returns a ``CrawlSummary``; network trouble never raises, it is listed in
    ``summary.problems`` once per host and kind (or per URL for page-level
    problems). Raises ``PortalError``/``ValueError`` for bad seeds,
    ``CrawlBusyError`` if another crawl is using the same state file, and
    whatever the sink raises (extracted articles then wait in the state file
    and are handed over by the next run).
    """
    if portals is None:
        portals = []
        if seeds:
            # A URL on a portal we have a file for crawls with that portal's
            # patterns and politeness.
            known: list[Portal] = []
            if Path("crawl_seeds").is_dir():
                try:
                    known = load_portals("crawl_seeds")
                except PortalError:
                    known = []
            portals += portals_for_seeds(list(seeds), known)
        if seeds_file is not None:
            portals += load_seeds_file(seeds_file)
        if not seeds and seeds_file is None:
            portals = load_portals("crawl_seeds")
    if not portals:
        raise ValueError("nothing to crawl: no seeds and no portals")
    index_path = Path(index_dir)
    state_file = Path(state_path) if state_path is not None else index_path / "crawl.sqlite"
    opts = Options(
        index_dir=index_path,
        state_path=state_file,
        max_pages=max_pages,
        since=as_datetime(since),
        concurrency=max(1, concurrency),
        per_host=per_host,
        delay=delay,
        fetch=FetchConfig(user_agent=user_agent, timeout=timeout, retries=retries, backoff=backoff,
                          max_retry_after=max_retry_after, max_bytes=max_bytes, verify_tls=verify_tls),
        revisit={**DEFAULT_REVISIT, **(revisit or {})},
        batch_size=max(1, batch_size),
        flush_interval=flush_interval,
        host_cap=max_pages_per_host,
        workers=max(0, workers),
    )
    own_sink = sink is None
    sink_obj: Sink = _default_sink(index_path) if sink is None else sink
    crawler: Crawler | None = None
    try:
        crawler = Crawler(portals, opts, extract or _default_extract(), sink_obj, progress)
        return asyncio.run(_run_with_sigint(crawler))
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None
    finally:
        if crawler is not None:
            crawler.state.close()
        if own_sink and hasattr(sink_obj, "close"):
            sink_obj.close()


async def _run_with_sigint(crawler: Crawler) -> CrawlSummary:
    loop = asyncio.get_running_loop()
    installed = False
    if threading.current_thread() is threading.main_thread():
        main = asyncio.current_task()

        def on_sigint() -> None:
            if crawler.stop_requested and main is not None:
                main.cancel()  # second Ctrl-C: stop now
            crawler.request_stop()

        try:
            loop.add_signal_handler(signal.SIGINT, on_sigint)
            installed = True
        except (NotImplementedError, RuntimeError):
            pass
    try:
        return await crawler.run()
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)
