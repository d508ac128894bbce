"""What to do with a response: a sitemap or feed adds URLs; an HTML page
gives links and maybe an article; a failure is mapped to a status and a
next visit; everything is written in one transaction per page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
import hashlib
import time
from typing import Awaitable, Callable

from govsearch.article import Article

from . import policy
from .discover import MAX_XML, PageAnalysis, parse_xml
from .fetch import FetchResult
from .options import Options
from .report import CrawlSummary
from .scheduler import Scheduler
from .sink import Batcher
from .slots import HostSlot, Slots
from .state import CrawlState, NewUrl, UrlRow
from .urls import canonicalize, host_key, page_number, trap_reason, try_canonicalize
from .vocab import Kind, ProblemKind, Status

Analyze = Callable[[bytes, str, str], Awaitable[PageAnalysis]]


@dataclass(slots=True)
class _Page:
    """What one fetched page turned out to be, before it is written down."""

    kind: Kind
    aliases: set[str]                       # other URLs that name the same page
    new: list[NewUrl] = field(default_factory=list)
    content_hash: str | None = None
    article: Article | None = None          # to hand to the sink (new or changed)


class PageHandler:
    def __init__(self, opts: Options, state: CrawlState, summary: CrawlSummary, slots: Slots,
                 scheduler: Scheduler, batcher: Batcher, analyze: Analyze) -> None:
        self.opts = opts
        self.state = state
        self.summary = summary
        self.slots = slots
        self.scheduler = scheduler
        self.batcher = batcher
        self.analyze = analyze

    def crawlable(self, url: str) -> bool:
        return self.slots.portal_for(host_key(url)) is not None and not trap_reason(url)

    async def handle(self, h: HostSlot, row: UrlRow, res: FetchResult) -> None:
        now = time.time()
        if res.not_modified:
            h.failures = 0
            self.summary.not_modified += 1
            with self.state.transaction():
                self.scheduler.record(row.url, status=Status.DONE, http_status=304, keep_validators=True,
                                      due=now + policy.revisit_after(row.kind, self.opts.revisit))
            return
        if res.problem or not (200 <= res.status < 300):
            self.record_failure(h, row, res, now)
            return
        h.failures = 0
        ctype = res.content_type.lower()
        page = None
        if row.kind in (Kind.SITEMAP, Kind.FEED) or "xml" in ctype and "html" not in ctype:
            page = self.read_xml(h, row, res, ctype)
        if page is None:
            page = await self.read_html(h, row, res)
        self.commit(row, res, page, now)

    def read_xml(self, h: HostSlot, row: UrlRow, res: FetchResult, ctype: str) -> _Page | None:
        """A sitemap or feed and the URLs it lists; None if it is HTML after all."""
        found = parse_xml(res.body, res.final_url)
        if found.kind == "unknown" and "html" in ctype:
            return None
        if found.truncated:
            self.summary.add_problem(h.key, ProblemKind.TOO_LARGE,
                                     f"unpacks to more than {MAX_XML // (1024 * 1024)} MB; read that much",
                                     res.final_url)
        page = _Page(Kind.FEED if found.kind == "feed" else Kind.SITEMAP, {res.final_url},
                     content_hash=hashlib.sha1(res.body).hexdigest())
        since = self.opts.since
        for e in found.entries:
            if since and e.date and e.date < since and found.kind != "sitemapindex":
                continue
            sub = Kind.SITEMAP if found.kind == "sitemapindex" else Kind.ARTICLE
            adm = self.scheduler.admit(e.url, sub, row.depth + 1, lastmod=e.date)
            if adm:
                page.new.append(adm)
        return page

    async def read_html(self, h: HostSlot, row: UrlRow, res: FetchResult) -> _Page:
        """An HTML page: maybe an article, and the links worth following."""
        final = res.final_url
        analysis = await self.analyze(res.body, res.content_type, final)
        links = analysis.links
        page = _Page(Kind(row.kind), {final})
        if links.canonical and self.crawlable(links.canonical):
            page.aliases.add(links.canonical)
        if analysis.error:
            self.summary.errors += 1
            self.summary.add_problem(h.key, ProblemKind.EXTRACT_FAILED, analysis.error, final)
        if analysis.undecodable:
            self.summary.errors += 1
            self.summary.add_problem(h.key, ProblemKind.UNDECODABLE, analysis.undecodable, final)
        article = analysis.article if isinstance(analysis.article, Article) else None
        if article is not None:
            article = self.settle_url(article, final, links.canonical)
            page.aliases.add(article.url)
            page.kind = Kind.ARTICLE
            page.content_hash = policy.article_hash(article)
            if policy.too_old(article.published, self.opts.since):
                self.summary.skipped += 1
            elif page.content_hash == row.content_hash:
                self.summary.unchanged += 1
            else:
                page.article = article
                missing = policy.missing_fields(article)
                if missing:
                    self.summary.add_partial(h.key, article.url, missing)
        elif page.kind in (Kind.PAGE, Kind.ARTICLE) and not analysis.undecodable:
            page.kind = Kind.LISTING
        # Links last: how deep they count depends on what this page turned out to be.
        self.follow(h, row, page, links.links, links.feeds)
        return page

    def follow(self, h: HostSlot, row: UrlRow, page: _Page, links: list[str], feeds: list[str]) -> None:
        sched = self.scheduler
        seen = sched.seen_links
        stop_paging = False
        if page.kind == Kind.LISTING:
            content = [link for link in links if page_number(link) is None]
            stop_paging = policy.ends_pagination(row.url, page.kind, content, sched.listed)
            sched.listed.update(content)
        for feed in feeds:
            if feed not in seen:
                adm = sched.admit(feed, Kind.FEED, row.depth + 1, priority=0)
                if adm:
                    page.new.append(adm)
        cut = 0
        for link in links:
            if stop_paging and page_number(link) is not None:
                # Not marked seen: a page with new links may still lead there.
                if link not in seen and not self.state.known(link):
                    cut += 1
                continue
            if link not in seen:
                adm = sched.admit(link, None, row.depth + 1, parent_kind=page.kind)
                if adm:
                    page.new.append(adm)
        if cut:
            # Only worth a line when pages were actually left unvisited, not
            # at the natural end of an archive.
            self.summary.add_problem(h.key, ProblemKind.PAGINATION_STOPPED,
                                     f"{row.url} added no new links; {cut} further page(s) not followed")

    def commit(self, row: UrlRow, res: FetchResult, page: _Page, now: float) -> None:
        """One transaction: new URLs, the visit, its aliases, the article waiting for the sink."""
        sched = self.scheduler
        due = now + policy.revisit_after(page.kind, self.opts.revisit)
        visit = dict(due=due, kind=page.kind, http_status=res.status, etag=res.headers.get("etag"),
                     last_modified=res.headers.get("last-modified"), content_hash=page.content_hash)
        with self.state.transaction():
            sched.add_new(page.new)
            sched.record(row.url, status=Status.PENDING if page.article else Status.DONE, **visit)
            # Aliases (redirect target, rel=canonical) count as visited too, so
            # they are not fetched again on their own.
            for alias in page.aliases - {row.url}:
                try:
                    alias = canonicalize(alias)
                except ValueError:
                    continue
                if self.slots.portal_for(host_key(alias)) is None:
                    continue
                self.state.ensure_row(alias, host_key(alias), page.kind, row.depth)
                sched.record(alias, status=Status.DONE, **visit)
            if page.article:
                assert page.content_hash is not None
                self.state.add_pending(row.url, page.article.to_dict(), page.content_hash)
        if page.article:
            self.batcher.add(row.url, page.article)

    def settle_url(self, article: Article, final: str, canonical: str | None) -> Article:
        """The article under its indexed URL (`policy.article_url`), always in
        our canonical spelling, so state and index agree."""
        extracted = (try_canonicalize(article.url) if article.url else None) or ""
        chosen = policy.article_url(extracted, final, canonical, self.crawlable)
        if chosen != article.url:
            article = dataclasses.replace(article, url=chosen)
        return article

    def record_failure(self, h: HostSlot, row: UrlRow, res: FetchResult, now: float) -> None:
        problem = res.problem or ProblemKind.HTTP_ERROR
        out = policy.failure_outcome(res.problem, res.status, row.kind, row.url, now, self.opts.revisit)
        if out.network:
            h.failures += 1
            if h.failures >= policy.HOST_FAILURE_LIMIT:
                self.slots.mark_dead(h, f"{h.failures} network failures in a row (last: {res.detail or problem})")
        if out.skipped:
            self.summary.skipped += 1
        if out.report and h.key not in self.slots.dead:
            self.summary.errors += 1
            detail = res.detail or (f"HTTP {res.status}" if res.status else problem)
            # A host that stops answering is one problem, not one per page.
            self.summary.add_problem(h.key, problem, detail, "" if problem == ProblemKind.UNREACHABLE else row.url)
        with self.state.transaction():
            self.scheduler.record(row.url, status=out.status, due=out.due, http_status=res.status or None,
                                  error=f"{problem}: {res.detail}", keep_validators=True)
