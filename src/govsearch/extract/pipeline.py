"""One profile applied to one page: fields by profile selectors, gaps filled by the generic finders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import Tag

from ..article import Article
from . import generic
from .dates import DateMatch
from .fields import (author_from, breadcrumb_of, canonical_of, captions_in, date_from, is_boilerplate_line,
                     looks_like_byline, strip_author_label, strip_lead_prefix)
from .html import clean, paragraphs, strip_noise
from .profile import Page, Profile

# Paging, tags, search and calendars on any CMS: never a single article.
LISTING_PATH = re.compile(
    r"/(?:tag|tags|chu-de)/|/(?:search|tim-kiem|timkiem)(?:[/.?]|$)|/page-\d+/?$|/trang-\d+(?:\.html?)?/?$"
    r"|/lich/|/calendar/|/rss/?$|/feed/?$",
    re.I,
)
LISTING_QUERY = re.compile(r"(?:^|&)(?:q|k|keyword|keywords|tukhoa|searchtext|page|pageindex|trang)=", re.I)
_MIN_BODY_CHARS = 120


@dataclass
class Located:
    """Where each field sits on the page, before the body container is cleaned."""

    title: str
    title_tag: Tag | None
    body_tag: Tag
    stamp: DateMatch | None
    date_tag: Tag | None
    author_tag: Tag | None
    lead_tag: Tag | None
    outside_captions: list[str]


def _first(page: Page, selectors: tuple[str, ...]) -> Tag | None:
    """The first element matched by selectors that has text (or a machine-readable datetime)."""
    for selector in selectors:
        tag = page.select_one(selector)
        if tag is not None and (clean(tag.get_text(" ")) or tag.get("datetime")):
            return tag
    return None


def declines(profile: Profile, page: Page) -> bool:
    """True when the URL shape or repeated teaser items say the page is a listing, tag or search page."""
    parts = urlsplit(page.url)
    if LISTING_PATH.search(parts.path) or LISTING_QUERY.search(parts.query):
        return True
    if profile.not_article_url is not None and profile.not_article_url.search(page.path_query):
        return True
    # Teaser items in a sidebar beside a story are not a listing: only count them when no story is there.
    if knows_template(profile, page):
        return False
    teasers = max((len(page.select(selector)) for selector in profile.listing_items), default=0)
    # A category with a single story is still a listing: one teaser and no
    # headline of the page's own (<h1>) says so.
    return teasers >= 2 or (teasers == 1 and page.soup.find("h1") is None)


def knows_template(profile: Profile, page: Page) -> bool:
    """True when the profile's article container is on the page."""
    return any(page.select_one(selector) is not None for selector in profile.body)


def locate(profile: Profile, page: Page) -> Located | None:
    """Find every field's element: profile selectors first, generic finders for what they leave open."""
    title_tag = _first(page, profile.title)
    if title_tag is not None:
        title = clean(title_tag.get_text(" "))
    else:
        title, title_tag = generic.find_title(page)

    body_tag = _first(page, profile.body)
    if body_tag is None:
        body_tag = generic.find_main(page.soup)
        if body_tag is None or generic.looks_like_listing(body_tag):
            return None
        if generic.linked_headline(body_tag, page.url, title):
            return None

    date_tag = _first(page, profile.date)
    stamp = date_from(date_tag) if date_tag is not None else None
    if stamp is None:
        stamp, date_tag = generic.find_date(page, title_tag, body_tag)

    author_tag = _first(page, profile.author)
    if author_tag is None and not profile.author:
        author_tag = generic.find_author(page, body_tag)
    lead_tag = _first(page, profile.lead)
    if lead_tag is None and not profile.lead:
        lead_tag = generic.find_lead(page, body_tag)
    outside = [clean(t.get_text(" ")) for sel in profile.captions for t in page.select(sel)
               if not any(p is body_tag for p in t.parents)]
    return Located(title, title_tag, body_tag, stamp, date_tag, author_tag, lead_tag, outside)


def body_lines(profile: Profile, found: Located) -> list[str] | None:
    """The body container's paragraphs once fields and chrome have left it; None if it is a listing."""
    body = found.body_tag
    for selector in profile.drop:
        for tag in body.select(selector):
            tag.decompose()
    for tag in (found.title_tag, found.date_tag, found.author_tag, found.lead_tag):
        if tag is not None and not tag.decomposed and any(p is body for p in tag.parents):
            tag.decompose()
    generic.drop_chrome(body)
    if generic.looks_like_listing(body):
        return None
    return [p for p in paragraphs(body) if not is_boilerplate_line(p) and p != found.title]


def take_byline(lines: list[str], author: str) -> tuple[list[str], str]:
    """Lines without the trailing byline, and the author (from that byline when none was found)."""
    if not author and lines and looks_like_byline(lines[-1]):
        author = strip_author_label(lines[-1])
    # Bylines repeat under the text, whole or one name a line.
    names = {author, *(n.strip() for n in re.split(r"\s+-\s+|,", author))} if author else set()
    while lines and strip_author_label(lines[-1]).strip(" -") in names:
        lines = lines[:-1]
    return lines, author


def put_lead_first(lines: list[str], lead_raw: str, outside_captions: list[str],
                   captions: set[str]) -> tuple[list[str], str]:
    """Lines opening with the credit-free lead, and the lead; the first real paragraph when no sapo."""
    if lead_raw:
        lead = strip_lead_prefix(lead_raw)
        return [lead, *outside_captions, *[p for p in lines if p != lead_raw]], lead
    index = next((i for i, p in enumerate(lines) if p not in captions and len(p.split()) >= 8), None)
    if index is None:
        return lines, ""
    lead = strip_lead_prefix(lines[index])
    # The lead opens the body whatever the page put above it (a photo caption, usually).
    return [lead, *lines[:index], *lines[index + 1:]], lead


def run(profile: Profile, page: Page) -> Article | None:
    """Extract an Article with profile's selectors; None for pages without article text (mutates page)."""
    strip_noise(page.soup)
    category = breadcrumb_of(page, profile)
    found = locate(profile, page)
    if found is None:
        return None
    author = author_from(found.author_tag) if found.author_tag is not None else ""
    lead_raw = clean(found.lead_tag.get_text(" ")) if found.lead_tag is not None else ""
    lines = body_lines(profile, found)
    if lines is None:
        return None
    captions = captions_in(found.body_tag)
    lines, author = take_byline(lines, author)
    lines, lead = put_lead_first(lines, lead_raw, found.outside_captions, captions)
    body = "\n".join(p for p in lines if p)
    if len(body) < _MIN_BODY_CHARS or not found.title:
        return None
    return Article(
        url=profile.fix_url(canonical_of(page)),
        title=found.title,
        body=body,
        summary=lead,
        published=found.stamp.value if found.stamp is not None else None,
        author=author,
        category=category,
    )
