"""The crawl's event loop: dispatch what the scheduler says is ready, visit
each URL (robots, fetch, page handling), flush the sink, stop cleanly.

One asyncio event loop drives everything. SQLite writes happen on the loop's
thread (each page is one short transaction); extraction and the sink run in
worker threads (or processes) so the network keeps moving while they work.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import sqlite3
import time
from typing import Callable

from govsearch.article import Article

from . import policy
from .archive import WarcRecorder
from .discover import PageAnalysis, analyze_page
from .fetch import Fetcher
from .options import Options
from .pages import PageHandler
from .portals import Portal
from .report import CrawlProgress, CrawlSummary
from .scheduler import Scheduler
from .sink import Batcher, Sink
from .slots import HostSlot, Slots
from .state import CrawlState, UrlRow
from .urls import host_key
from .vocab import ProblemKind, Status

Extractor = Callable[[bytes | str, str], Article | None]

# After Ctrl-C, requests in flight get this long to finish before they are dropped.
STOP_GRACE = 5.0


class Crawler:
    def __init__(self, portals: list[Portal], opts: Options, extract: Extractor, sink: Sink,
                 progress: Callable[[CrawlProgress], None] | None) -> None:
        self.portals = portals
        self.opts = opts
        self.extract = extract
        self.progress_cb = progress
        self.state = CrawlState(opts.state_path)
        self.summary = CrawlSummary(state_path=str(opts.state_path))
        self.batcher = Batcher(sink, self.state, self.summary, batch_size=opts.batch_size,
                               flush_interval=opts.flush_interval)
        self.slots = Slots(portals, self.state, self.summary, delay=opts.delay, per_host=opts.per_host,
                           user_agent=opts.fetch.user_agent)
        self.scheduler = Scheduler(self.state, self.slots, self.summary, opts.host_cap)
        self.pages = PageHandler(opts, self.state, self.summary, self.slots, self.scheduler, self.batcher,
                                 self.analyze)
        self._queue_cached = 0
        self._queue_checked = -1e9
        self._last_progress = 0.0
        self._started = time.monotonic()
        self.stop_requested = False
        self._stop_at = 0.0
        self.dispatched = 0
        self.fetcher: Fetcher | None = None
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None

    # --- progress ----------------------------------------------------------------------

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
            hosts_active=sum(1 for h in self.slots.hosts.values() if h.inflight),
            elapsed=now - self._started,
        ))

    def _queue_length_cached(self, now: float, force: bool) -> int:
        # A COUNT over the frontier is not free on a big state file: a few
        # seconds' staleness in a progress line is fine.
        if force or now - self._queue_checked > 2.0:
            self._queue_cached = self.scheduler.queue_length()
            self._queue_checked = now
        return self._queue_cached

    # --- one URL --------------------------------------------------------------------

    async def may_follow(self, url: str, held: set[str] | None = None) -> str | None:
        """Why a redirect to `url` must not be followed, or None. A target
        that is followed is claimed (and added to `held`) until the visit ends,
        so its own queue row is not fetched alongside."""
        key = host_key(url)
        if self.slots.portal_for(key) is None:
            return ProblemKind.REDIRECT_OFFSITE
        if url in self.scheduler.visited or url in self.scheduler.claimed:
            return ProblemKind.REDIRECT_DUPLICATE  # the target is (being) crawled on its own
        robots = await self.slots.robots_for(self.slots.get(key), url)
        if robots is None or not robots.allowed(url):
            return ProblemKind.REDIRECT_BLOCKED
        if url in self.scheduler.visited or url in self.scheduler.claimed:
            return ProblemKind.REDIRECT_DUPLICATE  # claimed while robots.txt was read
        self.scheduler.claimed.add(url)
        if held is not None:
            held.add(url)
        return None

    async def visit(self, h: HostSlot, row: UrlRow) -> None:
        held: set[str] = set()

        async def may_follow(url: str) -> str | None:
            return await self.may_follow(url, held)

        try:
            robots = await self.slots.robots_for(h, row.url)
            if robots is None or h.key in self.slots.dead:
                return  # left due: the next run tries again
            if not robots.allowed(row.url):
                self.summary.skipped += 1
                with self.state.transaction():
                    self.scheduler.record(row.url, status=Status.BLOCKED, due=time.time() + policy.BLOCKED_RECHECK,
                                          keep_validators=True)
                return
            assert self.fetcher is not None
            res = await self.fetcher.fetch(
                row.url, conditional=policy.conditional_headers(row.status, row.etag, row.last_modified),
                accept=policy.accept_for(row.kind), may_follow=may_follow,
                max_bytes=policy.byte_cap(row.kind, self.opts.fetch.max_bytes))
            self.summary.pages_fetched += 1
            try:
                await self.pages.handle(h, row, res)
            except (sqlite3.Error, OSError):
                raise  # the state file itself is in trouble: stop
            except Exception as exc:
                # A bug met on one odd page must not end a long crawl; the page
                # is retried by a later run, and the problem is reported.
                self.summary.errors += 1
                self.summary.add_problem(h.key, ProblemKind.CRAWLER_ERROR, f"{type(exc).__name__}: {exc}", row.url)
                with self.state.transaction():
                    self.scheduler.record(row.url, status=Status.ERROR, due=time.time() + policy.RETRY_ERROR_AFTER,
                                          error=f"crawler-error: {exc}", keep_validators=True)
            self.report_progress()
        finally:
            self.scheduler.release(h, row)
            # A redirect target that was recorded is in `visited` now; one
            # whose fetch failed goes back to being fetched on its own.
            self.scheduler.claimed.difference_update(held)

    async def analyze(self, body: bytes, content_type: str, url: str) -> PageAnalysis:
        if self.pool is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.pool, analyze_page, body, content_type, url, self.extract)
        return await asyncio.to_thread(analyze_page, body, content_type, url, self.extract)

    # --- the loop ----------------------------------------------------------------------

    def request_stop(self) -> None:
        if not self.stop_requested:
            self._stop_at = time.monotonic()
        self.stop_requested = True
        self.summary.interrupted = True

    async def run(self) -> CrawlSummary:
        sched = self.scheduler
        sched.run_id = self.state.start_run()
        archive = WarcRecorder(self.opts.warc) if self.opts.warc is not None else None
        self.fetcher = self.slots.fetcher = Fetcher(self.opts.fetch, self.slots.gate_for,
                                                    archive.arecord if archive else None)
        if self.opts.workers > 0:
            # spawn, not fork: this process already runs threads (executor,
            # sink), and forking those is how deadlocks are made.
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.opts.workers, mp_context=multiprocessing.get_context("spawn"))
        tasks: set[asyncio.Task[None]] = set()
        flusher: asyncio.Task[None] | None = None
        max_pages = self.opts.max_pages
        try:
            await self.batcher.recover()
            sched.seed(self.portals)
            if self.opts.refresh:
                self.summary.refresh = True
                self.summary.refreshed = sched.refresh(self.opts.refresh, time.time())
            last_scan = 0.0
            while True:
                for t in [t for t in tasks if t.done()]:
                    tasks.discard(t)
                    t.result()
                now_m = time.monotonic()
                now = time.time()
                self.report_progress()  # also while waiting out a long Crawl-delay
                if flusher is None and self.batcher.due():
                    flusher = asyncio.create_task(self.batcher.flush())
                if flusher is not None and flusher.done():
                    flusher.result()
                    flusher = None
                limit_hit = max_pages is not None and self.dispatched >= max_pages
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
                    sched.discover_hosts(now)
                    last_scan = now_m
                room = self.opts.concurrency - len(tasks)
                if max_pages is not None:
                    room = min(room, max_pages - self.dispatched)
                picked, wake = sched.ready(now, room)
                for h, row in picked:
                    self.dispatched += 1
                    tasks.add(asyncio.create_task(self.visit(h, row)))
                if picked:
                    await asyncio.sleep(0)
                    continue
                if not tasks:
                    if not sched.busy():
                        sched.discover_hosts(time.time())
                        if not any(not h.drained for h in self.slots.live()):
                            break
                    await asyncio.sleep(min(wake, 0.05) if wake < 1.0 else 0.01)
                    continue
                finished, _ = await asyncio.wait(tasks, timeout=wake, return_when=asyncio.FIRST_COMPLETED)
                for t in finished:
                    tasks.discard(t)
                    t.result()
            if flusher is not None:
                await flusher
            await self.batcher.flush()
        finally:
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await self.fetcher.aclose()
            if archive is not None:
                archive.close()
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
        self.summary.queue_length = sched.queue_length()
        self.summary.elapsed = time.monotonic() - self._started
        self.state.finish_run(sched.run_id, self.summary.pages_fetched, self.summary.articles_indexed)
        self.report_progress(force=True)
        return self.summary
