"""What to do with a response: a sitemap or feed adds URLs; an HTML page
gives links and maybe an article; a failure is mapped to a status and a
next visit; everything is written in one transaction per page.
"""

from __future__ import annotations

import dataclasses
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
        sched = self.scheduler
        if res.not_modified:
            h.failures = 0
            self.summary.not_modified += 1
            with self.state.transaction():
                sched.record(row.url, status=Status.DONE, due=now + policy.revisit_after(row.kind, self.opts.revisit),
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
        kind = Kind(row.kind)
        content_hash: str | None = None
        is_xml = row.kind in (Kind.SITEMAP, Kind.FEED) or "xml" in ctype and "html" not in ctype
        if is_xml:
            found = parse_xml(res.body, final)
            if found.kind == "unknown" and "html" in ctype:
                is_xml = False
            else:
                if found.truncated:
                    self.summary.add_problem(h.key, ProblemKind.TOO_LARGE,
                                             f"unpacks to more than {MAX_XML // (1024 * 1024)} MB; read that much",
                                             final)
                kind = Kind.FEED if found.kind == "feed" else Kind.SITEMAP
                since = self.opts.since
                for e in found.entries:
                    if since and e.date and e.date < since and found.kind != "sitemapindex":
                        continue
                    sub = Kind.SITEMAP if found.kind == "sitemapindex" else Kind.ARTICLE
                    adm = sched.admit(e.url, sub, row.depth + 1, lastmod=e.date)
                    if adm:
                        new.append(adm)
                content_hash = hashlib.sha1(res.body).hexdigest()
        aliases: set[str] = {final}
        if not is_xml:
            analysis = await self.analyze(res.body, res.content_type, final)
            links = analysis.links
            if links.canonical and self.crawlable(links.canonical):
                aliases.add(links.canonical)
            if analysis.error:
                self.summary.errors += 1
                self.summary.add_problem(h.key, ProblemKind.EXTRACT_FAILED, analysis.error, final)
            if analysis.undecodable:
                self.summary.errors += 1
                self.summary.add_problem(h.key, ProblemKind.UNDECODABLE, analysis.undecodable, final)
            article = analysis.article if isinstance(analysis.article, Article) else None
            if article is not None:
                article = self.settle_url(article, final, links.canonical)
                aliases.add(article.url)
                kind = Kind.ARTICLE
                content_hash = policy.article_hash(article)
                if policy.too_old(article.published, self.opts.since):
                    self.summary.skipped += 1
                elif content_hash == row.content_hash:
                    self.summary.unchanged += 1
                else:
                    pending = (row.url, article, content_hash)
                    missing = policy.missing_fields(article)
                    if missing:
                        self.summary.add_partial(h.key, article.url, missing)
            elif kind in (Kind.PAGE, Kind.ARTICLE) and not analysis.undecodable:
                kind = Kind.LISTING
            # Links last: how deep they count depends on what this page turned out to be.
            seen = sched.seen_links
            stop_paging = False
            if kind == Kind.LISTING:
                content = [link for link in links.links if page_number(link) is None]
                stop_paging = policy.ends_pagination(row.url, kind, content, sched.listed)
                sched.listed.update(content)
            for feed in links.feeds:
                if feed not in seen:
                    adm = sched.admit(feed, Kind.FEED, row.depth + 1, priority=0)
                    if adm:
                        new.append(adm)
            cut = 0
            for link in links.links:
                if stop_paging and page_number(link) is not None:
                    # Not marked seen: a page with new links may still lead there.
                    if link not in seen and not self.state.known(link):
                        cut += 1
                    continue
                if link not in seen:
                    adm = sched.admit(link, None, row.depth + 1, parent_kind=kind)
                    if adm:
                        new.append(adm)
            if cut:
                # Only worth a line when pages were actually left unvisited,
                # not at the natural end of an archive.
                self.summary.add_problem(h.key, ProblemKind.PAGINATION_STOPPED,
                                         f"{row.url} added no new links; {cut} further page(s) not followed")
        due = now + policy.revisit_after(kind, self.opts.revisit)
        with self.state.transaction():
            sched.add_new(new)
            status = Status.PENDING if pending else Status.DONE
            sched.record(row.url, status=status, due=due, kind=kind, http_status=res.status, etag=etag,
                         last_modified=last_mod, content_hash=content_hash)
            # Aliases (redirect target, rel=canonical) count as visited too, so
            # they are not fetched again on their own.
            for alias in aliases - {row.url}:
                try:
                    alias = canonicalize(alias)
                except ValueError:
                    continue
                if self.slots.portal_for(host_key(alias)) is None:
                    continue
                self.state.ensure_row(alias, host_key(alias), kind, row.depth)
                sched.record(alias, status=Status.DONE, due=due, kind=kind, http_status=res.status, etag=etag,
                             last_modified=last_mod, content_hash=content_hash)
            if pending:
                self.state.add_pending(pending[0], pending[1].to_dict(), pending[2])
        if pending:
            self.batcher.add(pending[0], pending[1])

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
