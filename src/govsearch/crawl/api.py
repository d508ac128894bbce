"""The public `crawl` function: portals and options in, a `CrawlSummary` out;
Ctrl-C stops gracefully.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from .discover import as_datetime
from .engine import Crawler, Extractor
from .fetch import DEFAULT_USER_AGENT, FetchConfig
from .options import Options
from .policy import DEFAULT_REVISIT, refresh_kinds
from .portals import Portal, PortalError, load_portals, load_seeds_file, portals_for_seeds
from .report import CrawlProgress, CrawlSummary
from .sink import Sink


def _default_extract(portals: list[Portal]) -> Extractor:
    """The extractor with every crawled portal's own profiles tried before the built-in families."""
    from govsearch.extract import Extractor as ProfileExtractor  # late: the crawler works without it

    return ProfileExtractor([p for portal in portals for p in portal.profiles])


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
    refresh: bool = False,
    refresh_articles: bool = False,
    warc: str | Path | None = None,
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

    ``refresh=True`` asks every listing, feed and sitemap already visited
    again now, whatever its due time, with conditional requests (an
    unchanged page answers 304 and costs the site almost nothing);
    ``refresh_articles=True`` does the same for articles too. The summary
    then has ``refresh=True``, ``refreshed`` (URLs made due) and
    ``not_modified`` (how many answered 304).

    ``warc`` (a path; ``.warc.gz`` or ``.warc``) appends every HTTP exchange
    of the run to that web archive, a request and a response record each
    (``govsearch.crawl.archive``); ``govsearch import`` reads it back.

    ``summary.partial`` lists the articles indexed with a field the page did
    not give (no date, no author), and ``summary.lines()`` counts them per
    host with a few examples.

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
        refresh=refresh_kinds(refresh, refresh_articles),
        warc=Path(warc) if warc is not None else None,
    )
    own_sink = sink is None
    sink_obj: Sink = _default_sink(index_path) if sink is None else sink
    crawler: Crawler | None = None
    try:
        crawler = Crawler(portals, opts, extract or _default_extract(portals), sink_obj, progress)
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
