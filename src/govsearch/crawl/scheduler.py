"""The frontier as this run sees it: which URLs get in, which host goes
next, and what this run has already claimed or finished.

The frontier itself lives in SQLite (state.py); this keeps the per-run
sets that spare the database repeated work, and the per-host caps.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from . import policy
from .portals import Portal
from .report import CrawlSummary
from .slots import HostSlot, Slots
from .state import CrawlState, NewUrl, UrlRow
from .urls import MAX_URL_LENGTH, canonicalize, host_key, try_canonicalize
from .vocab import Kind, ProblemKind


class Scheduler:
    def __init__(self, state: CrawlState, slots: Slots, summary: CrawlSummary, host_cap: int | None) -> None:
        self.state = state
        self.slots = slots
        self.summary = summary
        self.host_cap_override = host_cap
        self.run_id = 0
        self.claimed: set[str] = set()
        # URLs this run has finished (including redirect targets and
        # rel=canonical aliases), so none is fetched twice in one run.
        self.visited: set[str] = set()
        # Links already considered this run: menus repeat the same hundred
        # links on every page, no need to regex and INSERT them each time.
        self.seen_links: set[str] = set()
        # Non-pagination links seen on listing pages this run (see policy.ends_pagination).
        self.listed: set[str] = set()
        self._host_counts: dict[str, int] = {}
        self._rr = 0
        slots.on_sitemaps = self.add_sitemaps

    # --- admission --------------------------------------------------------------------

    def admit(self, url: str, kind: Kind | None, depth: int, lastmod: datetime | None = None,
              priority: int | None = None, parent_kind: Kind | None = None) -> NewUrl | None:
        """A discovered URL worth queueing (see `policy.admit`), or None."""
        key = host_key(url)
        verdict = policy.admit(url, kind, depth, self.slots.portal_for(key), parent_kind)
        if not verdict.admitted:
            if verdict.reason == "URL too long":
                self.summary.add_problem(key, ProblemKind.URL_TOO_LONG,
                                         f"link of {len(url)} characters dropped (limit {MAX_URL_LENGTH})",
                                         url[:200] + "…")
            if verdict.final:
                self.seen_links.add(url)  # permanently uninteresting
            return None
        self.seen_links.add(url)
        assert verdict.kind is not None
        return NewUrl(url, key, verdict.kind, verdict.depth, priority,
                      lastmod.isoformat() if lastmod else None)

    def host_cap(self, h: HostSlot) -> int:
        return policy.host_cap(h.portal, self.host_cap_override)

    def add_new(self, urls: list[NewUrl]) -> None:
        """Insert discovered URLs (inside the caller's transaction), honouring
        each host's page cap."""
        if not urls:
            return
        if not self._host_counts:
            self._host_counts = self.state.host_counts()
        fresh: list[NewUrl] = []
        for u in urls:
            h = self.slots.get(u.host)
            cap = self.host_cap(h)
            if self._host_counts.get(u.host, 0) >= cap and not self.state.known(u.url):
                self.summary.add_problem(u.host, ProblemKind.HOST_CAP, f"page cap of {cap} URLs reached")
                continue
            fresh.append(u)
        for u in self.state.add_urls(fresh):
            self._host_counts[u.host] = self._host_counts.get(u.host, 0) + 1
            self.slots.get(u.host).drained = False

    def add_sitemaps(self, urls: list[str]) -> None:
        new: list[NewUrl] = []
        for sm in urls:
            u = try_canonicalize(sm)
            adm = self.admit(u, Kind.SITEMAP, 0, priority=0) if u else None
            if adm:
                new.append(adm)
        with self.state.transaction():
            self.add_new(new)

    def seed(self, portals: list[Portal]) -> None:
        with self.state.transaction():
            for portal in portals:
                new: list[NewUrl] = []
                for seed in portal.seeds:
                    kind = Kind.ARTICLE if portal.classify(seed) == Kind.ARTICLE else Kind.LISTING
                    new.append(NewUrl(seed, host_key(seed), kind, 0, 0))
                for sm in portal.sitemaps:
                    url = canonicalize(sm)
                    new.append(NewUrl(url, host_key(url), Kind.SITEMAP, 0, 0))
                for fd in portal.feeds:
                    url = canonicalize(fd)
                    new.append(NewUrl(url, host_key(url), Kind.FEED, 0, 0))
                self.state.add_urls(new)
                for n in new:
                    self.slots.get(n.host)

    def refresh(self, kinds: frozenset[Kind], now: float) -> int:
        """Make this run's hosts' URLs of `kinds` due now (`crawl --refresh`)."""
        hosts = [h for h in self.state.hosts() if self.slots.portal_for(h) is not None]
        with self.state.transaction():
            n = self.state.make_due(kinds, now, hosts)
        for h in hosts:
            self.slots.get(h).drained = False
        return n

    def record(self, url: str, **kw: Any) -> None:
        """Record a visit's outcome (inside a transaction) and remember it for this run."""
        self.state.record(url, run=self.run_id, **kw)
        self.visited.add(url)

    # --- what goes next -----------------------------------------------------------------

    def refill(self, h: HostSlot, now: float) -> None:
        rows = self.state.due_for_host(h.key, now, self.run_id, 64 + len(self.claimed))
        for r in rows:
            if r.url not in self.claimed:
                h.queue.append(r)
        if not h.queue:
            h.drained = True

    def discover_hosts(self, now: float) -> None:
        for key in self.state.hosts_due(now, self.run_id, set(self.slots.dead)):
            if self.slots.portal_for(key) is None:
                continue  # left over from a crawl of other seeds: not this run's business
            self.slots.get(key).drained = False

    def ready(self, now: float, room: int) -> tuple[list[tuple[HostSlot, UrlRow]], float]:
        """Up to `room` URLs whose hosts may be asked now, claimed for this
        run, and how long until the next host's gate opens (at most 1 s)."""
        picked: list[tuple[HostSlot, UrlRow]] = []
        wake = 1.0
        # Start the scan one host further each time, so that when
        # `concurrency` is the limit every host still gets its turn.
        ring = list(self.slots.hosts.values())
        self._rr = (self._rr + 1) % max(1, len(ring))
        for h in ring[self._rr:] + ring[:self._rr]:
            if len(picked) >= room:
                break
            if h.key in self.slots.dead or h.inflight >= h.per_host:
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
            picked.append((h, row))
        return picked, wake

    def release(self, h: HostSlot, row: UrlRow) -> None:
        h.inflight -= 1
        self.claimed.discard(row.url)

    def busy(self) -> bool:
        """Whether any live host may still have something due."""
        return any(h.queue or not h.drained for h in self.slots.live())

    def queue_length(self) -> int:
        # Dead hosts' URLs count: they are still owed a visit by a later run.
        # Hosts outside this run's portals (left in the state file by a crawl
        # of other seeds) do not: this run will not touch them.
        counts = self.state.count_due_by_host(time.time(), self.run_id)
        return sum(n for host, n in counts.items() if self.slots.portal_for(host) is not None)
