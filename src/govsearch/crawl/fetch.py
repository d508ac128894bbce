"""HTTP fetching: politeness per host, retries, size cap, manual redirects.

All requests to one host go through its `HostGate`, which bounds the number of
open connections and spaces request starts by the host's delay. Redirects are
followed by hand so each hop is checked against the allowed hosts and
robots.txt, and loops are caught.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable
from urllib.parse import urljoin

import httpx

from .urls import canonicalize, host_key
from .vocab import ProblemKind

DEFAULT_USER_AGENT = "govsearch/0.1 (+https://github.com/govsearch/govsearch; search engine over Vietnamese government news)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504})

HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("xml", "rss", "atom", "text/plain", "application/octet-stream", "gzip")


@dataclass(slots=True)
class FetchConfig:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0           # per network operation (connect, each read)
    retries: int = 3                # extra attempts after the first
    backoff: float = 1.0            # first retry waits this long, then doubles
    max_retry_after: float = 120.0  # a Retry-After longer than this is cut to it
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    verify_tls: bool = True


@dataclass(slots=True)
class FetchResult:
    url: str                 # what was asked for
    final_url: str           # after redirects (canonical)
    status: int              # HTTP status of the last response; 0 when none came
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    # Why the fetch did not give a usable page (a ProblemKind), else None.
    problem: str | None = None
    detail: str = ""
    # The response this came from (its request, status line, raw headers), for the web archive.
    response: httpx.Response | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))


class HostGate:
    """Connection limit and request spacing for one host."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.sem = asyncio.Semaphore(max(1, per_host))
        self.delay = delay
        self.next_start = 0.0
        self.last_start = -1e9
        # When the site itself asked for a Crawl-delay, count the delay from
        # the end of the previous request: the server then sees at least that
        # gap between requests, whatever the network did to their timing.
        self.after_response = False
        self._lock = asyncio.Lock()

    def set_delay(self, delay: float) -> None:
        """Change the spacing, counting from the last request already made."""
        self.delay = delay
        self.next_start = max(self.next_start, self.last_start + delay)

    async def __aenter__(self) -> HostGate:
        await self.sem.acquire()
        try:
            # The lock hands out start times one by one, so two connections to
            # the same host are still `delay` apart.
            async with self._lock:
                wait = self.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self.last_start = time.monotonic()
                self.next_start = self.last_start + self.delay
        except BaseException:
            self.sem.release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.after_response:
            self.next_start = max(self.next_start, time.monotonic() + self.delay)
        self.sem.release()

    def hold(self, seconds: float) -> None:
        self.next_start = max(self.next_start, time.monotonic() + seconds)

    def ready_in(self) -> float:
        return max(0.0, self.next_start - time.monotonic())


def _is_dns_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, socket.gaierror):
            return True
        text = str(e).lower()
        if "name or service not known" in text or "nodename nor servname" in text \
                or "temporary failure in name resolution" in text or "no address associated" in text:
            return True
        e = e.__cause__ or e.__context__
    return False


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """httpx clients, one per host; create inside a running event loop.

    One client per host rather than one shared: httpcore checks every pooled
    connection on each request, so a shared pool makes each request cost
    grow with the number of hosts. The TLS context (certificate store
    loading is slow) is shared.
    """

    def __init__(self, config: FetchConfig, gate_for: Callable[[str], HostGate],
                 on_response: Callable[[FetchResult], Awaitable[None]] | None = None) -> None:
        self.config = config
        self.gate_for = gate_for
        # Called with every response received (each hop and retry): `crawl --warc` archives them.
        self.on_response = on_response
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._ssl = httpx.create_ssl_context(verify=config.verify_tls) if config.verify_tls else False

    def client_for(self, host: str) -> httpx.AsyncClient:
        client = self._clients.get(host)
        if client is None:
            client = self._clients[host] = httpx.AsyncClient(
                follow_redirects=False,
                timeout=httpx.Timeout(self.config.timeout),
                headers={"User-Agent": self.config.user_agent,
                         "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
                         "Accept-Language": "vi,en;q=0.5"},
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=8),
                verify=self._ssl,
            )
        return client

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    async def fetch(self, url: str, *, conditional: dict[str, str] | None = None,
                    accept: tuple[str, ...] = HTML_TYPES,
                    may_follow: Callable[[str], Awaitable[str | None]] | None = None,
                    max_bytes: int | None = None) -> FetchResult:
        """GET `url` with retries, following redirects that `may_follow`
        accepts (it returns a refusal reason or None).

        `accept` lists Content-Type fragments worth downloading; anything else
        is abandoned after the headers (problem "not-html").
        """
        seen = {url}
        current = url
        headers = dict(conditional or {})
        for _hop in range(self.config.max_redirects + 1):
            result = await self._get_with_retries(url, current, headers, accept,
                                                  max_bytes or self.config.max_bytes)
            if result.status not in REDIRECT_CODES or result.problem:
                return result
            location = result.headers.get("location")
            if not location:
                result.problem, result.detail = ProblemKind.HTTP_ERROR, f"HTTP {result.status} without Location"
                return result
            try:
                target = canonicalize(urljoin(current, location))
            except ValueError:
                result.problem, result.detail = ProblemKind.REDIRECT_OFFSITE, f"redirect to {location!r}"
                return result
            if target in seen:
                result.problem, result.detail = ProblemKind.REDIRECT_LOOP, f"redirect loop via {target}"
                return result
            if may_follow is not None:
                refusal = await may_follow(target)
                if refusal:
                    result.problem, result.detail = refusal, f"redirect to {target}"
                    return result
            seen.add(target)
            current = target
            # Validators belong to the URL first asked for, not to the target.
            headers = {}
        return FetchResult(url, current, 0, problem=ProblemKind.TOO_MANY_REDIRECTS,
                           detail=f"more than {self.config.max_redirects} redirects")

    async def _get_with_retries(self, url: str, current: str, headers: dict[str, str],
                                accept: tuple[str, ...], max_bytes: int) -> FetchResult:
        cfg = self.config
        attempt = 0
        while True:
            result = await self._get_once(url, current, headers, accept, max_bytes)
            if self.on_response is not None and result.response is not None:
                await self.on_response(result)
            retryable = result.problem in (ProblemKind.UNREACHABLE, ProblemKind.TIMEOUT, ProblemKind.RESET) or result.status in RETRY_CODES
            if result.problem == ProblemKind.UNREACHABLE and result.detail.startswith("DNS"):
                retryable = False  # a name that does not resolve will not start resolving in 2 s
            if not retryable or attempt >= cfg.retries:
                if result.status in RETRY_CODES and not result.problem:
                    result.problem, result.detail = ProblemKind.HTTP_ERROR, f"HTTP {result.status}"
                if result.problem == ProblemKind.RESET:
                    result.problem = ProblemKind.CONNECTION_ERROR
                return result
            wait = cfg.backoff * (2 ** attempt) * (1 + random.random() * 0.1)
            if result.status in (429, 503):
                hinted = retry_after_seconds(result.headers.get("retry-after"))
                if hinted is not None:
                    wait = hinted
                # "Too many requests" is about the host, not this URL: hold
                # back every request to it, not only this retry.
                self.gate_for(host_key(current)).hold(min(wait, cfg.max_retry_after))
            await asyncio.sleep(min(wait, cfg.max_retry_after))
            attempt += 1

    async def _get_once(self, url: str, current: str, headers: dict[str, str],
                        accept: tuple[str, ...], max_bytes: int) -> FetchResult:
        cfg = self.config
        key = host_key(current)
        gate = self.gate_for(key)
        client = self.client_for(key)
        async with gate:
            try:
                # httpx's timeout is per read; the overall cap stops a server
                # that trickles one byte at a time.
                async with asyncio.timeout(cfg.timeout * 3), \
                        client.stream("GET", current, headers=headers) as resp:
                    res = FetchResult(url, current, resp.status_code, resp.headers, response=resp)
                    if resp.status_code != 200:
                        # Error bodies and redirects are not worth reading.
                        return res
                    ctype = resp.headers.get("content-type", "").lower()
                    if ctype and not any(t in ctype for t in accept):
                        res.problem, res.detail = ProblemKind.NOT_HTML, ctype.split(";")[0]
                        return res
                    length = resp.headers.get("content-length", "")
                    if length.isdigit() and int(length) > max_bytes:
                        res.problem, res.detail = ProblemKind.TOO_LARGE, f"Content-Length {int(length)} bytes"
                        return res
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in resp.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            # Leaving the block closes the connection: the rest is never read.
                            res.problem = ProblemKind.TOO_LARGE
                            res.detail = f"more than {max_bytes} bytes"
                            return res
                        chunks.append(chunk)
                    res.body = b"".join(chunks)
                    return res
            except (httpx.TimeoutException, TimeoutError) as exc:
                return FetchResult(url, current, 0, problem=ProblemKind.TIMEOUT, detail=type(exc).__name__)
            except httpx.ConnectError as exc:
                detail = "DNS lookup failed" if _is_dns_failure(exc) else f"cannot connect: {exc}"
                return FetchResult(url, current, 0, problem=ProblemKind.UNREACHABLE, detail=detail)
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                return FetchResult(url, current, 0, problem=ProblemKind.RESET, detail=f"{type(exc).__name__}: {exc}")
            except httpx.DecodingError as exc:
                return FetchResult(url, current, 0, problem=ProblemKind.HTTP_ERROR, detail=f"bad encoding: {exc}")
            except httpx.HTTPError as exc:
                return FetchResult(url, current, 0, problem=ProblemKind.UNREACHABLE, detail=f"{type(exc).__name__}: {exc}")
