"""The crawler's words, listed once: URL kinds, URL statuses, problem kinds.

StrEnums, so they are plain strings in SQLite, JSON and summaries, and a
typo in one place is a NameError rather than a URL that silently never
matches.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    """What a URL is to the crawler; decides when it is due again."""

    ARTICLE = "article"
    LISTING = "listing"      # a category page, an archive page: links to articles
    FEED = "feed"            # RSS / Atom
    SITEMAP = "sitemap"      # a sitemap or sitemap index
    PAGE = "page"            # anything no pattern recognises (yet)


class Status(StrEnum):
    """Where a URL stands in the state file."""

    QUEUED = "queued"        # never visited
    PENDING = "pending"      # extracted, waiting for the sink's commit
    DONE = "done"
    ERROR = "error"          # retried after a few hours
    SKIPPED = "skipped"      # not HTML, redirected off-site or into robots
    BLOCKED = "blocked"      # robots.txt says no
    GONE = "gone"            # 404 / 410


class ProblemKind(StrEnum):
    """What a `Problem` (or a failed fetch) is about."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection-error"
    RESET = "reset"                          # fetch-internal: retried, then reported as connection-error
    HTTP_ERROR = "http-error"
    TOO_LARGE = "too-large"
    NOT_HTML = "not-html"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    REDIRECT_OFFSITE = "redirect-offsite"
    REDIRECT_BLOCKED = "redirect-blocked"
    REDIRECT_DUPLICATE = "redirect-duplicate"
    ROBOTS_DISALLOW_ALL = "robots-disallow-all"
    ROBOTS_UNAVAILABLE = "robots-unavailable"
    EXTRACT_FAILED = "extract-failed"
    HOST_CAP = "host-cap"
    CRAWLER_ERROR = "crawler-error"
    URL_TOO_LONG = "url-too-long"            # a link dropped for its length
    UNDECODABLE = "undecodable"              # page bytes no known encoding reads
    PAGINATION_STOPPED = "pagination-stopped"  # a ?page=N chain whose pages add nothing new


# A host that fails like this several times in a row is given up for the run.
NETWORK_FAILURES = frozenset({ProblemKind.UNREACHABLE, ProblemKind.TIMEOUT, ProblemKind.CONNECTION_ERROR})

# The fields an indexed article may lack; the summary names such pages.
PartialField = Literal["date", "author"]

# What an XML document turned out to be (discover.parse_xml).
XmlKind = Literal["sitemap", "sitemapindex", "feed", "unknown"]
