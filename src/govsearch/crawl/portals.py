"""Portal descriptions: what to crawl on one government site and how gently.

One TOML file per portal lives in `crawl_seeds/`. A file looks like::

    name = "Cổng TTĐT tỉnh Thái Nguyên"
    cms = "custom (thainguyen.gov.vn)"
    seeds = ["https://thainguyen.gov.vn/"]
    allowed_hosts = ["thainguyen.gov.vn", "*.thainguyen.gov.vn"]
    sitemaps = []                      # extra to robots.txt `Sitemap:` and /sitemap.xml
    feeds = []
    article_patterns = ['-\\d+\\.html$']
    listing_patterns = ['/page-\\d+$']
    exclude_patterns = []

    [politeness]
    per_host = 1        # connections to one host at a time
    delay = 2.0         # seconds between requests to one host (Crawl-delay may raise it)
    max_pages = 20000   # per-host page cap, a backstop against traps

    profiles = ["profiles/my-cms.toml"]   # files of [[profile]] tables, relative to this file
    [profile]                             # or one profile inline (keys as in extract/profiles/builtin.toml)
    name = "my-cms"
    title = [".news-title"]
    [profile.match]
    hosts = ["example.gov.vn"]

A portal's profiles are tried before the built-in families when its pages are extracted
(`govsearch.extract.Extractor(portal.profiles)`).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError
from .urls import canonicalize


class PortalError(InputError):
    """A portal file is malformed."""


@dataclass(frozen=True, slots=True)
class Portal:
    """One site to crawl, as described by a `crawl_seeds/*.toml` file."""

    name: str
    seeds: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    listing_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    cms: str = ""
    per_host: int | None = None
    delay: float | None = None
    max_pages: int | None = None
    source_file: str = ""
    # Extraction profiles (govsearch.extract Profile objects) this portal's pages are read with first.
    profiles: tuple[Any, ...] = ()
    _compiled: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key in ("article_patterns", "listing_patterns", "exclude_patterns"):
            try:
                self._compiled[key] = tuple(re.compile(p) for p in getattr(self, key))
            except re.error as exc:
                raise PortalError(f"{self.name}: bad regex in {key}: {exc}") from None

    def allows_host(self, netloc: str) -> bool:
        """`netloc` is host[:port]; a pattern with a port must match it
        exactly, one without matches the host on any port."""
        netloc = netloc.lower()
        host = netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc
        for pattern in self.allowed_hosts:
            pattern = pattern.lower()
            if ":" in pattern:
                if netloc == pattern:
                    return True
            elif pattern.startswith("*."):
                if host == pattern[2:] or host.endswith(pattern[1:]):
                    return True
            elif host == pattern:
                return True
        return False

    def classify(self, url: str) -> str | None:
        """'article', 'listing', 'excluded' or None when no pattern says."""
        if any(p.search(url) for p in self._compiled["exclude_patterns"]):
            return "excluded"
        if any(p.search(url) for p in self._compiled["article_patterns"]):
            return "article"
        if any(p.search(url) for p in self._compiled["listing_patterns"]):
            return "listing"
        return None


def portal_for_urls(urls: list[str], name: str = "") -> list[Portal]:
    """Ad-hoc portals for bare seed URLs: one per host, that host (and its
    www. twin) allowed, default politeness."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        canon = canonicalize(url)
        by_host.setdefault(urlsplit(canon).netloc, []).append(canon)
    portals = []
    for netloc, seeds in by_host.items():
        bare = netloc[4:] if netloc.startswith("www.") else netloc
        portals.append(Portal(name=name or netloc, seeds=tuple(seeds),
                              allowed_hosts=(bare, "www." + bare)))
    return portals


def portals_for_seeds(urls: list[str], known: list[Portal]) -> list[Portal]:
    """Portals for seed URLs: a URL on a host a known portal covers starts that
    portal (with its patterns and politeness) from these URLs; other URLs get
    ad-hoc portals."""
    chosen: dict[str, list[str]] = {}
    order: list[Portal] = []
    loose: list[str] = []
    for url in urls:
        canon = canonicalize(url)
        portal = next((p for p in known if p.allows_host(urlsplit(canon).netloc)), None)
        if portal is None:
            loose.append(canon)
            continue
        if portal.name not in chosen:
            chosen[portal.name] = []
            order.append(portal)
        chosen[portal.name].append(canon)
    out = [dataclasses.replace(p, seeds=tuple(chosen[p.name]), sitemaps=(), feeds=()) for p in order]
    return out + (portal_for_urls(loose) if loose else [])


def _strings(data: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PortalError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def load_portal(path: str | Path) -> Portal:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PortalError(f"{path}: {exc}") from None
    where = str(path)
    seeds = tuple(canonicalize(s) for s in _strings(data, "seeds", where))
    if not seeds:
        raise PortalError(f"{where}: no seeds")
    hosts = _strings(data, "allowed_hosts", where) or tuple(
        sorted({urlsplit(s).hostname or "" for s in seeds}))
    polite = data.get("politeness", {})
    if not isinstance(polite, dict):
        raise PortalError(f"{where}: [politeness] must be a table")
    return Portal(
        name=str(data.get("name") or path.stem),
        cms=str(data.get("cms", "")),
        seeds=seeds,
        allowed_hosts=hosts,
        sitemaps=_strings(data, "sitemaps", where),
        feeds=_strings(data, "feeds", where),
        article_patterns=_strings(data, "article_patterns", where),
        listing_patterns=_strings(data, "listing_patterns", where),
        exclude_patterns=_strings(data, "exclude_patterns", where),
        per_host=_opt_int(polite.get("per_host"), where),
        delay=_opt_float(polite.get("delay"), where),
        max_pages=_opt_int(polite.get("max_pages"), where),
        source_file=where,
        profiles=_profiles(data, path),
    )


def _profiles(data: dict[str, object], path: Path) -> tuple[Any, ...]:
    """The portal's own extraction profiles: files it names, then an inline [profile] table."""
    files = _strings(data, "profiles", str(path))
    inline = data.get("profile")
    if not files and inline is None:
        return ()
    # Imported here: crawling a portal without profiles does not need the extractor.
    from ..extract.profile_data import ProfileError, load_profiles, profile_from_dict

    found: list[Any] = []
    try:
        for name in files:
            found.extend(load_profiles(path.parent / name))
        if inline is not None:
            tables = inline if isinstance(inline, list) else [inline]
            found.extend(profile_from_dict(t, str(path)) for t in tables)  # type: ignore[arg-type]
    except ProfileError as exc:
        raise PortalError(str(exc)) from None
    return tuple(found)


def _opt_int(v: object, where: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise PortalError(f"{where}: expected a positive integer, got {v!r}")
    return v


def _opt_float(v: object, where: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
        raise PortalError(f"{where}: expected a non-negative number, got {v!r}")
    return float(v)


def load_portals(dir: str | Path = "crawl_seeds") -> list[Portal]:
    """Every `*.toml` portal in `dir`, sorted by file name (so a numeric prefix
    orders them)."""
    d = Path(dir)
    if d.is_file():
        return [load_portal(d)]
    if not d.is_dir():
        raise PortalError(f"no such portal directory: {d}")
    return [load_portal(p) for p in sorted(d.glob("*.toml"))]


def load_seeds_file(path: str | Path) -> list[Portal]:
    """A `--seeds FILE`: a portal TOML, a directory of them, or plain text with
    one URL per line (blank lines and `#` comments ignored)."""
    p = Path(path)
    if p.is_dir() or p.suffix == ".toml":
        return load_portals(p)
    urls = [line.strip() for line in p.read_text(encoding="utf-8").splitlines()]
    return portal_for_urls([u for u in urls if u and not u.startswith("#")])
