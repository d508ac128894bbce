"""The crawler: polite, resumable fetching of government portals into the index.

    from govsearch.crawl import crawl
    summary = crawl(["https://thainguyen.gov.vn/"], index_dir="index", max_pages=200)
    print(summary)            # one line of totals, then one line per problem

Modules: `urls` (canonical URLs, trap checks), `portals` (crawl_seeds/*.toml),
`robots` (protego), `fetch` (httpx, politeness gates, retries, size cap,
manual redirects), `discover` (charset decoding, links, sitemaps, feeds),
`state` (SQLite frontier and history), `loop` (scheduling, the sink, the
public `crawl`), `report` (progress and summary types).
"""

from .discover import decode_html
from .fetch import DEFAULT_USER_AGENT
from .loop import DEFAULT_REVISIT, article_hash, crawl
from .portals import Portal, PortalError, load_portal, load_portals, load_seeds_file
from .report import CrawlProgress, CrawlSummary, Problem
from .state import CrawlBusyError, CrawlStateError
from .urls import canonicalize, trap_reason

__all__ = [
    "crawl",
    "CrawlBusyError",
    "CrawlStateError",
    "load_portals",
    "load_portal",
    "load_seeds_file",
    "Portal",
    "PortalError",
    "CrawlProgress",
    "CrawlSummary",
    "Problem",
    "canonicalize",
    "trap_reason",
    "decode_html",
    "article_hash",
    "DEFAULT_USER_AGENT",
    "DEFAULT_REVISIT",
]
