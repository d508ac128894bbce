"""HTML to Article: recognise the CMS family, apply its profile, fall back to generic rules.

Public API: extract, detect_cms, is_article, canonical_url, decode_html, parse_vietnamese_datetime.
(A page's links and feeds are the crawl's business: govsearch.crawl.discover.page_links.)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..article import Article
from .dates import find_datetimes, is_clock, parse_vietnamese_datetime
from .generic import GENERIC
from .html import decode_html, parse
from .fields import canonical_of, strip_lead_prefix
from .pipeline import Extraction, analyse, knows_template, listing_reason
from .profile import Page, Profile

from .profile_data import ProfileError, builtin_profiles, load_profiles, profile_from_dict, profiles_from_toml

# Order matters only where fingerprints overlap: the most specific first (profiles/builtin.toml).
PROFILES: tuple[Profile, ...] = builtin_profiles()


def _page(html: str | bytes, url: str, content_type: str | None = None) -> Page:
    return Page(parse(html, content_type), url)


def _profile(page: Page, profiles: Sequence[Profile] = ()) -> Profile:
    """A portal's own profiles first, then the built-in families, then the generic rules."""
    return next((p for p in (*profiles, *PROFILES) if p.matches(page)), GENERIC)


def detect_cms(html: str | bytes, url: str, profiles: Sequence[Profile] = ()) -> str:
    """The CMS family name of a page (a profile's name, e.g. liferay, nukeviet, sharepoint), or generic."""
    return _profile(_page(html, url), profiles).name


def extract_page(html: str | bytes, url: str, content_type: str | None = None,
                 profiles: Sequence[Profile] = ()) -> Extraction:
    """Everything extraction finds on a page: the Article (or why there is none), the rule behind each
    field and the fields it could not find. profiles: a portal's own, tried before the built-in ones."""
    page = _page(html, url, content_type)
    profile = _profile(page, profiles)
    reason = listing_reason(profile, page)
    if reason:
        return Extraction(url, "listing", profile.name, reason=reason)
    if profile is not GENERIC and profile.body and not knows_template(profile, page):
        # A family page in a template the profile does not know: the generic rules take it. (A profile
        # that names no article container only adds field selectors: it is applied as it is.)
        result = analyse(GENERIC, page)
        result.profile = f"generic ({profile.name} recognised, its article container absent)"
        return result
    return analyse(profile, page)


def extract(html: str | bytes, url: str, content_type: str | None = None,
            profiles: Sequence[Profile] = ()) -> Article | None:
    """The Article on a page, or None for listings, tag/search pages and pages without article text.

    An article whose date (or author, or lead) cannot be found still comes back, that field empty."""
    return extract_page(html, url, content_type, profiles).article


class Extractor:
    """extract() bound to a portal's own profiles: the callable a crawl of that portal hands pages to."""

    def __init__(self, profiles: Sequence[Profile] = ()) -> None:
        self.profiles = tuple(profiles)

    def __call__(self, html: str | bytes, url: str, content_type: str | None = None) -> Article | None:
        return extract(html, url, content_type, self.profiles)

    def __reduce__(self) -> tuple[object, ...]:
        # Profiles hold compiled matchers; a worker process rebuilds them from the tables they came from.
        tables = []
        for profile in self.profiles:
            if profile.source is None:
                raise TypeError(f"profile {profile.name!r} was not built from data and cannot be pickled")
            tables.append(profile.source)
        return (_extractor_from_tables, (tuple(tables),))


def _extractor_from_tables(tables: tuple[tuple[dict, str], ...]) -> Extractor:
    return Extractor([profile_from_dict(data, where) for data, where in tables])


def is_article(html: str | bytes, url: str, content_type: str | None = None) -> bool:
    """True when extract would return an Article."""
    return extract(html, url, content_type) is not None


def canonical_url(html: str | bytes, url: str, profiles: Sequence[Profile] = ()) -> str:
    """The page's canonical URL (rel=canonical, og:url, family alias rules), else url."""
    page = _page(html, url)
    return _profile(page, profiles).fix_url(canonical_of(page))


__all__ = [
    "Article", "Extraction", "Extractor", "PROFILES", "ProfileError", "extract_page", "load_profiles",
    "profile_from_dict", "profiles_from_toml", "Profile", "canonical_url", "decode_html", "detect_cms", "extract", "find_datetimes",
    "is_article", "is_clock", "parse_vietnamese_datetime", "strip_lead_prefix",
]
