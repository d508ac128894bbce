"""The crawler: polite, resumable fetching of government portals into the index.

    from govsearch.crawl import crawl
    summary = crawl(["https://thainguyen.gov.vn/"], index_dir="index", max_pages=200)
    print(summary)            # one line of totals, then one line per problem

Modules, by job:
  api        the public `crawl`: portals and options in, a summary out; Ctrl-C
  engine     the event loop: dispatch, visit one URL, stop cleanly
  scheduler  which URLs get in and which host goes next (the frontier, per run)
  slots      per-host politeness gate, robots.txt, failures, given-up hosts
  pages      what a response means: links, an article, a failure's status
  sink       articles to the sink in batches; recovery after a crash
  policy     pure functions: admission, revisit times, failure mapping, politeness
  vocab      the URL kinds, statuses and problem kinds, listed once
  options    one run's settings
  fetch      httpx, politeness gates, retries, size cap, manual redirects
  discover   links, feeds and rel=canonical in HTML; sitemaps and feeds
  robots     robots.txt rules (protego)
  state      the SQLite frontier, history, robots cache and pending articles
  urls       canonical URLs, trap checks
  portals    crawl_seeds/*.toml
  report     progress and summary types
"""

from .discover import decode_html
from .fetch import DEFAULT_USER_AGENT
from .api import crawl
from .policy import DEFAULT_REVISIT, article_hash
from .portals import Portal, PortalError, load_portal, load_portals, load_seeds_file
from .report import CrawlProgress, CrawlSummary, Partial, Problem
from .state import CrawlBusyError, CrawlStateError
from .urls import canonicalize, trap_reason
from .vocab import Kind, ProblemKind, Status

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
    "Partial",
    "canonicalize",
    "trap_reason",
    "decode_html",
    "article_hash",
    "DEFAULT_USER_AGENT",
    "DEFAULT_REVISIT",
    "Kind",
    "Status",
    "ProblemKind",
]
