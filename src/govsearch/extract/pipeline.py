"""One profile applied to one page: fields by profile selectors, gaps filled by the generic finders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import Tag

from ..article import Article
from . import generic, signals
from .dates import DateMatch
from .fields import (author_from, breadcrumb_of, canonical_of, captions_in, date_from, is_boilerplate_line,
                     is_source_line, looks_like_byline, strip_author_label, strip_lead_prefix)
from .html import clean, paragraphs, strip_noise
from .profile import Page, Profile
from .url_shapes import listing_shape

_MIN_BODY_CHARS = 120


@dataclass
class Located:
    """Where each field sits on the page, before the body container is cleaned, and which rule found it."""

    title: str
    title_tag: Tag | None
    body_tag: Tag
    stamp: DateMatch | None
    date_tag: Tag | None
    author_tag: Tag | None
    lead_tag: Tag | None
    outside_captions: list[str]
    sources: dict[str, str] = field(default_factory=dict)
    author: str = ""


@dataclass
class Extraction:
    """What extraction made of one page: the article (None for a listing or an empty page), the rule that
    found each field, the fields it could not find, and why a page gave no article."""

    url: str
    kind: str  # "article", "listing" or "not-article"
    profile: str
    article: Article | None = None
    sources: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "kind": self.kind, "profile": self.profile, "reason": self.reason,
                "article": self.article.to_dict() if self.article is not None else None,
                "sources": dict(self.sources), "missing": list(self.missing)}


def _first(page: Page, selectors: tuple[str, ...]) -> tuple[Tag | None, str]:
    """The first element matched by selectors that has text (or a machine-readable datetime), and its selector."""
    for selector in selectors:
        tag = page.select_one(selector)
        if tag is not None and (clean(tag.get_text(" ")) or tag.get("datetime")):
            return tag, selector
    return None, ""


def listing_reason(profile: Profile, page: Page) -> str:
    """Why the URL shape or repeated teaser items say the page is a listing, tag or search page ("" if not)."""
    shape = listing_shape(page.url)
    if shape:
        return f"URL shape of a listing, tag or search page ({shape.strip('?&/')!r})"
    if profile.not_article_url is not None:
        m = profile.not_article_url.search(page.path_query)
        if m:
            return f"URL shape the {profile.name} profile marks as not an article ({m.group(0)!r})"
    # Teaser items in a sidebar beside a story are not a listing: only count them when no story is there.
    if knows_template(profile, page):
        return ""
    counts = [(len(page.select(selector)), selector) for selector in profile.listing_items]
    teasers, selector = max(counts, default=(0, ""))
    # A category with a single story is still a listing: one teaser and no
    # headline of the page's own (<h1>) says so.
    if teasers >= 2:
        return f"{teasers} teaser items ({selector}) and no article container"
    if teasers == 1 and page.soup.find("h1") is None:
        return f"one teaser item ({selector}) and no headline of its own"
    return ""


def declines(profile: Profile, page: Page) -> bool:
    """True when the URL shape or repeated teaser items say the page is a listing, tag or search page."""
    return bool(listing_reason(profile, page))


def knows_template(profile: Profile, page: Page) -> bool:
    """True when the profile's article container is on the page."""
    return any(page.select_one(selector) is not None for selector in profile.body)


class NotArticle(Exception):
    """The page holds no single story; args[0] says why, kind says whether it is a listing."""

    def __init__(self, reason: str, kind: str = "not-article") -> None:
        super().__init__(reason)
        self.kind = kind


def locate(profile: Profile, page: Page) -> Located:
    """Find every field's element: profile selectors first, generic finders for what they leave open."""
    sources: dict[str, str] = {}
    who = f"{profile.name} profile selector"
    body_tag, selector = _first(page, profile.body)
    if body_tag is not None:
        sources["body"] = f"{who} {selector}"
    else:
        body_tag = generic.find_main(page.soup)
        if body_tag is None:
            raise NotArticle("no block of text found")
        if generic.looks_like_listing(body_tag) and not generic.is_teaser(body_tag):
            # Related-news boxes inside a story look like teasers until they are taken out.
            generic.drop_chrome(body_tag)
        if generic.is_teaser(body_tag) or generic.looks_like_listing(body_tag):
            raise NotArticle("the densest block is a list of teasers (headline links)", "listing")
        sources["body"] = "content density"

    title_tag, selector = _first(page, profile.title)
    if title_tag is not None:
        title = clean(title_tag.get_text(" "))
        sources["title"] = f"{who} {selector}"
    else:
        title, title_tag, rule = generic.find_title(page, body_tag)
        if title:
            sources["title"] = rule
    if sources["body"] == "content density" and generic.linked_headline(body_tag, page.url, title):
        raise NotArticle("the text block opens with a link to another story (a lone teaser)", "listing")

    date_tag, selector = _first(page, profile.date)
    stamp = date_from(date_tag) if date_tag is not None else None
    if stamp is not None:
        sources["published"] = f"{who} {selector}"
    else:
        stamp, date_tag, rule = generic.find_date(page, title_tag, body_tag)
        if stamp is not None:
            sources["published"] = rule

    author_tag, selector = _first(page, profile.author)
    author = ""
    if author_tag is not None:
        author = author_from(author_tag)
        sources["author"] = f"{who} {selector}"
    if not author or generic.is_placeholder_author(author):
        # The byline as printed first: JSON-LD joins several writers its own way ("A, B" for "A - B").
        author, rule = "", ""
        author_tag = generic.find_author(page, body_tag)
        if author_tag is not None:
            author, rule = author_from(author_tag), "byline block (class or itemprop author)"
        else:
            named = signals.jsonld_author(page)
            if named and not generic.is_placeholder_author(named):
                author, rule = named, "JSON-LD author"
            else:
                author, author_tag = generic.find_labelled_author(body_tag)
                rule = "'Tác giả:' line beside the text"
        if author:
            sources["author"] = rule
        else:
            sources.pop("author", None)
    lead_tag, selector = _first(page, profile.lead)
    if lead_tag is not None:
        sources["summary"] = f"{who} {selector}"
    elif not profile.lead:
        lead_tag = generic.find_lead(page, body_tag)
        if lead_tag is not None:
            sources["summary"] = "sapo block (class sapo/lead/desc)"
    outside = [clean(t.get_text(" ")) for sel in profile.captions for t in page.select(sel)
               if not any(p is body_tag for p in t.parents)]
    return Located(title, title_tag, body_tag, stamp, date_tag, author_tag, lead_tag, outside, sources, author)


def body_lines(profile: Profile, found: Located) -> list[str] | None:
    """The body container's paragraphs once fields and chrome have left it; None if it is a listing."""
    body = found.body_tag
    for selector in profile.drop:
        for tag in body.select(selector):
            tag.decompose()
    for placed in (found.title_tag, found.date_tag, found.author_tag, found.lead_tag):
        if placed is not None and not placed.decomposed and placed is not body and any(p is body for p in placed.parents):
            placed.decompose()
    generic.drop_chrome(body)
    # Whether the block sits among teaser-like blocks was settled when it was chosen, with its headline
    # still in it; a short story is not a teaser for losing its headline and stamp.
    if generic.looks_like_listing(body, kin=False):
        return None
    return [p for p in paragraphs(body) if not is_boilerplate_line(p) and p != found.title]


def take_byline(lines: list[str], author: str) -> tuple[list[str], str, bool]:
    """Lines without the trailing byline, the author (from that byline when none was found), and whether
    the author came from the text."""
    from_text = False
    if lines and is_source_line(lines[-1]):
        lines = lines[:-1]
    if not author and len(lines) >= 2 and _AFFILIATION.match(lines[-1]) and len(lines[-1]) <= 64 \
            and looks_like_byline(lines[-2]) and not generic.is_placeholder_author(lines[-2]):
        # A signed essay ends "Name" then "Học viện ..." (the writer's institution): neither is text.
        author, from_text = strip_author_label(lines[-2]).strip(), True
        lines = lines[:-1]
    elif lines and _LABELLED.match(lines[-1]) and not author:
        author, from_text = strip_author_label(lines[-1]).strip(" -–:"), True
    elif not author and lines and looks_like_byline(lines[-1]):
        author, from_text = strip_author_label(lines[-1]).strip(), True
    if author and generic.is_placeholder_author(author):
        lines = lines[:-1] if from_text else lines
        author, from_text = "", False
    # Bylines repeat under the text, whole or one name a line.
    names = {author, *(n.strip() for n in re.split(r"\s+-\s+|,", author))} if author else set()
    while lines and strip_author_label(lines[-1]).strip(" -–:") in names:
        lines = lines[:-1]
    return lines, author, from_text


_AFFILIATION = re.compile(r"^\(?(?:học viện|trường|viện|đại học|sở|ban|bộ|ủy ban|ubnd|trung tâm|báo|tạp chí|hội|"
                          r"phòng|văn phòng|cục|vụ|tổng cục|(?:huyện|tỉnh|thành|đảng) ủy|khoa)\s", re.I)
_LABELLED = re.compile(r"^(?:tác giả(?: bài viết)?|người viết)\s*:\s*\S.{0,48}$", re.I)


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
    return [lead, *outside_captions, *lines[:index], *lines[index + 1:]], lead


# A meta author naming an organisation is the site, not a writer.
_ORGANISATION = re.compile(r"\b(?:cổng|báo|tạp chí|sở|ubnd|ban|trung tâm|đài|hội|bộ|văn phòng|tỉnh|thành phố|"
                           r"huyện|portal|magazine|news|online|vn)\b", re.I)


def meta_author(page: Page) -> str:
    """<meta name=author> / article:author when it names a person (last of the author rules)."""
    value, _ = signals.meta(page, "author", "article:author", "dc.creator")
    if not value or len(value) > 48 or generic.is_placeholder_author(value) or _ORGANISATION.search(value):
        return ""
    return value


FIELDS = ("title", "published", "author", "summary", "body")


def analyse(profile: Profile, page: Page) -> Extraction:
    """Extract with profile's selectors and the generic rules behind them (mutates page)."""
    url = profile.fix_url(canonical_of(page))
    reason = listing_reason(profile, page)
    if reason:
        return Extraction(page.url, "listing", profile.name, reason=reason)
    # Metadata in <script> (JSON-LD) and <meta> is read before scripts leave the tree.
    signals.jsonld_objects(page)
    signals.meta_map(page)
    strip_noise(page.soup)
    category = breadcrumb_of(page, profile)
    try:
        found = locate(profile, page)
    except NotArticle as exc:
        return Extraction(page.url, exc.kind, profile.name, reason=str(exc))
    sources = found.sources
    lead_raw = clean(found.lead_tag.get_text(" ")) if found.lead_tag is not None else ""
    lines = body_lines(profile, found)
    if lines is None:
        return Extraction(page.url, "listing", profile.name, sources=sources,
                          reason="the text block is a list of teasers once chrome is removed")
    captions = captions_in(found.body_tag)
    lines, author, from_text = take_byline(lines, found.author)
    if from_text:
        sources["author"] = "byline at the end of the text"
    if not author:
        author = meta_author(page)
        if author:
            sources["author"] = "meta author"
    lines, lead = put_lead_first(lines, lead_raw, found.outside_captions, captions)
    if lead and "summary" not in sources:
        sources["summary"] = "first paragraph of the text"
    if lead_raw and lead != lead_raw:
        sources["summary"] += " (agency credit removed)"
    body = "\n".join(p for p in lines if p)
    if len(body) < _MIN_BODY_CHARS:
        return Extraction(page.url, "not-article", profile.name, sources=sources,
                          reason=f"text too short for an article ({len(body)} characters, {_MIN_BODY_CHARS} needed)")
    if not found.title and len(body) < 4 * _MIN_BODY_CHARS:
        return Extraction(page.url, "not-article", profile.name, sources=sources,
                          reason="no headline and little text")
    article = Article(url=url, title=found.title, body=body, summary=lead,
                      published=found.stamp.value if found.stamp is not None else None,
                      author=author, category=category)
    if category:
        sources["category"] = "breadcrumb"
    values = {"title": article.title, "published": article.published, "author": article.author,
              "summary": article.summary, "body": article.body}
    missing = tuple(f for f in FIELDS if not values[f])
    return Extraction(url, "article", profile.name, article, sources, missing)


def run(profile: Profile, page: Page) -> Article | None:
    """Extract an Article with profile's selectors; None for pages without article text (mutates page)."""
    return analyse(profile, page).article
