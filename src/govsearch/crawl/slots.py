"""Per-host download slots: politeness gate, robots.txt, failures, the
host's share of the frontier, and whether the host is given up for the run.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from . import policy
from .fetch import Fetcher, HostGate
from .portals import Portal
from .report import CrawlSummary
from .robots import Robots
from .state import CrawlState, UrlRow
from .urls import host_key
from .vocab import ProblemKind


@dataclass(slots=True)
class HostSlot:
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


class Slots:
    """Every host this run has met, keyed by host[:port]."""

    def __init__(self, portals: list[Portal], state: CrawlState, summary: CrawlSummary, *,
                 delay: float | None, per_host: int | None, user_agent: str) -> None:
        self.portals = portals
        self.state = state
        self.summary = summary
        self.delay = delay
        self.per_host = per_host
        self.user_agent = user_agent
        self.hosts: dict[str, HostSlot] = {}
        self.dead: dict[str, str] = {}
        self.fetcher: Fetcher | None = None
        # Told which sitemaps a host's robots.txt leads to (the frontier queues them).
        self.on_sitemaps: Callable[[list[str]], None] = lambda urls: None
        self._portal_cache: dict[str, Portal | None] = {}

    def portal_for(self, netloc: str) -> Portal | None:
        try:
            return self._portal_cache[netloc]
        except KeyError:
            pass
        found = next((p for p in self.portals if p.allows_host(netloc)), None)
        self._portal_cache[netloc] = found
        return found

    def get(self, key: str) -> HostSlot:
        h = self.hosts.get(key)
        if h is None:
            portal = self.portal_for(key)
            per_host, delay = policy.politeness(portal, self.delay, self.per_host)
            h = HostSlot(key, HostGate(per_host, delay), portal, per_host)
            self.hosts[key] = h
        return h

    def gate_for(self, key: str) -> HostGate:
        return self.get(key).gate

    def live(self) -> list[HostSlot]:
        return [h for k, h in self.hosts.items() if k not in self.dead]

    def mark_dead(self, h: HostSlot, reason: str) -> None:
        if h.key not in self.dead:
            self.dead[h.key] = reason
            self.summary.add_problem(h.key, ProblemKind.UNREACHABLE, reason)
            self.summary.errors += 1
            h.queue.clear()

    async def may_follow_any_allowed(self, url: str) -> str | None:
        return None if self.portal_for(host_key(url)) else ProblemKind.REDIRECT_OFFSITE

    # --- robots ------------------------------------------------------------------------

    async def robots_for(self, h: HostSlot, sample_url: str) -> Robots | None:
        """The host's robots rules, fetched once per day; None if the host is
        unreachable (and then it is marked dead for this run)."""
        if h.robots is not None:
            return h.robots
        async with h.robots_lock:
            if h.robots is not None:
                return h.robots
            if h.key in self.dead:
                return None
            cached = self.state.robots(h.key)
            if cached and time.time() - cached[2] < policy.ROBOTS_TTL:
                status, body, _ = cached
            else:
                scheme = urlsplit(sample_url).scheme or "https"
                assert self.fetcher is not None
                res = await self.fetcher.fetch(f"{scheme}://{h.key}/robots.txt", accept=("",),
                                               may_follow=self.may_follow_any_allowed)
                if res.problem in (ProblemKind.UNREACHABLE, ProblemKind.TIMEOUT, ProblemKind.CONNECTION_ERROR):
                    self.mark_dead(h, f"{res.detail or res.problem}")
                    return None
                status, body = policy.robots_to_cache(res)
                self.state.save_robots(h.key, status, body)
            robots = policy.robots_rules(status, body, self.user_agent)
            self._apply(h, robots, sample_url)
            return robots

    def _apply(self, h: HostSlot, robots: Robots, sample_url: str) -> None:
        h.robots = robots
        if robots.unavailable:
            self.summary.add_problem(h.key, ProblemKind.ROBOTS_UNAVAILABLE,
                                     "robots.txt answered with a server error; host skipped")
            self.dead[h.key] = ProblemKind.ROBOTS_UNAVAILABLE
            return
        if robots.disallows_everything(f"http://{h.key}/"):
            self.summary.add_problem(h.key, ProblemKind.ROBOTS_DISALLOW_ALL,
                                     "robots.txt disallows everything for this crawler")
            self.dead[h.key] = ProblemKind.ROBOTS_DISALLOW_ALL
            return
        cd = robots.crawl_delay()
        if cd is not None:
            # A Crawl-delay means "one request at a time, this far apart".
            h.gate.set_delay(policy.delay_with_crawl_delay(h.gate.delay, cd))
            h.gate.after_response = True
            h.per_host = 1
        scheme = urlsplit(sample_url).scheme or "https"
        self.on_sitemaps(policy.sitemaps_to_try(robots.sitemaps(), scheme, h.key))
