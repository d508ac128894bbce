"""URL canonicalization and crawler-trap checks.

Percent-encoding normalisation, query sorting and fragment removal are done by
w3lib (Scrapy's URL library): Vietnamese slugs arrive both raw and
percent-encoded, and getting that equivalence right by hand is fiddly. What
w3lib does not know about - tracking and session parameters, default ports,
NukeViet's `/savefile/` print alias - is handled here.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# The shapes of search, calendar and pagination URLs are extraction's too: one list, kept there.
from ..extract.url_shapes import CALENDAR_PARAMS, CALENDAR_PATH, SEARCH_PARAMS, SEARCH_PATH, query_names
from ..extract.url_shapes import page_number as page_number  # re-exported for the crawl's policy

# Parameters that never change what a page says, only who gets credit for the
# visit. Compared lower-cased.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
    "igshid", "_ga", "_gl", "ref_src", "zarsrc", "zalo_source", "__twitter_impression",
})
TRACKING_PREFIXES = ("utm_",)
# Session identifiers make one page look like infinitely many.
SESSION_PARAMS = frozenset({
    "jsessionid", "phpsessid", "sid", "sessionid", "aspsessionid", "asp.net_sessionid", "cfid", "cftoken",
    # Liferay CSRF tokens and Oracle ADF (WebCenter) window/loop state.
    "p_auth", "p_p_auth", "_afrloop", "_adf.ctrl-state", "_afrwindowmode", "_afrwindowid",
})
# "Back" links (Liferay appends the page you came from to every article link):
# one article would otherwise get as many URLs as there are pages linking to it.
_BACKLINK_SUFFIXES = ("redirect", "backurl")

_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
# Cookieless ASP.NET puts the session in the path: /(S(abc...))/page.aspx
_ASPNET_PATH_SESSION = re.compile(r"/\((?:[A-Z]\([A-Za-z0-9_-]+\))+\)(?=/)")
# NukeViet's news module serves the same article under /savefile/ (a print and
# download view); the canonical article URL simply drops that segment.
_SAVEFILE = re.compile(r"/savefile/", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _drop_param(name: str) -> bool:
    low = name.lower()
    return (low in TRACKING_PARAMS or low in SESSION_PARAMS or low.startswith(TRACKING_PREFIXES)
            or low.endswith(_BACKLINK_SUFFIXES))


def canonicalize(url: str) -> str:
    """Return one spelling for every URL that names the same page.

    Raises ValueError for things that are not http(s) URLs.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in {url!r}") from None
    # An IDN host is kept in its ASCII (punycode) form so that both spellings meet.
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _ASPNET_PATH_SESSION.sub("", _PATH_SESSION.sub("", parts.path)) or "/"
    path = _SAVEFILE.sub("/", path, count=1)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _drop_param(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    rebuilt = urlunsplit((scheme, netloc, path, query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def try_canonicalize(url: str) -> str | None:
    try:
        return canonicalize(url)
    except ValueError:
        return None


def host_key(url: str) -> str:
    """The politeness key: host plus a non-default port (two test servers on
    127.0.0.1 are two sites)."""
    return urlsplit(url).netloc.lower()


# --- crawler traps -----------------------------------------------------------------

MAX_URL_LENGTH = 400
MAX_PATH_SEGMENTS = 12
MAX_QUERY_PARAMS = 12  # Liferay portlet URLs legitimately carry several p_p_* parameters

_BINARY_EXT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|gz|tar|jpe?g|png|gif|webp|bmp|svg|ico|mp[34]|avi|mov|wmv|flv|"
    r"wav|ogg|webm|exe|msi|apk|dmg|iso|css|js|woff2?|ttf|eot)$", re.IGNORECASE)


def trap_reason(url: str) -> str | None:
    """Why a (canonical) URL should not be crawled, or None if it looks fine.

    The checks are structural and cheap; the per-host page cap in the loop is
    the backstop for traps these miss.
    """
    if len(url) > MAX_URL_LENGTH:
        return "URL too long"
    parts = urlsplit(url)
    if _BINARY_EXT.search(parts.path):
        return "not a web page"
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return "path too deep"
    # /a/b/a/b/a/b: relative links resolved against the wrong base.
    if len(segments) >= 6 and len(set(segments)) * 2 <= len(segments):
        return "repeating path"
    if SEARCH_PATH.search(parts.path):
        return "search results"
    if CALENDAR_PATH.search(parts.path):
        return "calendar"
    if parts.query:
        names = query_names(parts.query)
        if len(names) > MAX_QUERY_PARAMS:
            return "too many query parameters"
        if names & SEARCH_PARAMS:
            return "search results"
        if len(names & CALENDAR_PARAMS) >= 2:
            return "calendar"
    return None
