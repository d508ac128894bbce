"""One profile applied to one page: fields by profile selectors, gaps filled by the generic finders."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ..article import Article
from . import generic
from .dates import DateMatch, find_datetimes, is_clock
from .html import clean, paragraphs, strip_noise
from .profile import Page, Profile

# Paging, tags, search and calendars on any CMS: never a single article.
LISTING_PATH = re.compile(
    r"/(?:tag|tags|chu-de)/|/search\b|/tim-kiem|/timkiem|/page-\d+/?$|/trang-\d+(?:\.html?)?/?$"
    r"|/lich/|/calendar/|/rss/?$|/feed/?$",
    re.I,
)
LISTING_QUERY = re.compile(r"(?:^|&)(?:q|k|keyword|keywords|tukhoa|searchtext|page|pageindex|trang)=", re.I)

# "CTTĐT - ", "(Chinhphu.vn) - ", "VNTN - ", "(PLO)- ", "(ĐCSVN) - ": agency credits before the lead.
_LEAD_PREFIX = re.compile(
    r"^\s*(?:\([^()\s]{2,24}\)|[A-ZĐÐ][A-ZĐÐ.&]{1,11}(?:\s*\([^()]{1,20}\))?)\s*[-–—:]\s*(?=\S)"
)
_AUTHOR_LABEL = re.compile(
    r"^(?:tác giả(?: bài viết)?|người viết|bài(?:,| và)? ảnh|tin(?:,| và)? ảnh|bài|tin)\s*:\s*", re.I
)
_BYLINE = re.compile(r"^[A-ZĐÐÀ-Ỹ][\wÀ-ỹĐđ.]*(?:[ ]+(?:-[ ]+)?[A-ZĐÐÀ-Ỹ][\wÀ-ỹĐđ.]*){1,5}$")
# Toolbar words, skip links and counters that leak into article containers as whole lines.
_BOILERPLATE_LINE = re.compile(
    r"^(?:truy cập nội dung luôn|bỏ qua nội dung|xem cỡ chữ|cỡ chữ|đọc bài viết|nghe bài viết|in|in bài|"
    r"in trang|gửi email|gửi bài viết|chia sẻ|lưu|lưu bài viết|bản in|quay lại|về đầu trang|"
    r"(?:đã xem|lượt xem|số lượt xem|lượt đọc)\s*:?\s*[\d.,]+|[\d.,]+\s*lượt xem|"
    r"tin liên quan|tin khác|các tin khác|bài viết liên quan)\s*[:|]?$",
    re.I,
)
_MIN_BODY_CHARS = 120


# Bodies that open sentences ("HĐND - UBND tỉnh ..."), not agencies that sign them.
_NOT_CREDITS = frozenset("UBND HĐND MTTQ BCH BTV TAND VKSND CAND QĐND ĐBQH BHXH".split())


def strip_lead_prefix(text: str) -> str:
    """The lead without its agency credit ("CTTĐT - ", "(Chinhphu.vn) - ")."""
    m = _LEAD_PREFIX.match(text)
    if m is None or m.group(0).strip(" -–—:").replace("Ð", "Đ") in _NOT_CREDITS:
        return text.strip()
    return text[m.end():].strip()


def _first(page: Page, selectors: tuple[str, ...]) -> Tag | None:
    """The first element matched by selectors that has text (or a machine-readable datetime)."""
    for selector in selectors:
        tag = page.soup.select_one(selector)
        if tag is not None and (clean(tag.get_text(" ")) or tag.get("datetime")):
            return tag
    return None


def canonical_of(page: Page) -> str:
    """rel=canonical, else og:url, resolved; a canonical pointing at a site root is ignored."""
    candidates = []
    for link in page.soup.find_all("link", href=True):
        rel = link.get("rel") or []
        if "canonical" in [r.lower() for r in (rel if isinstance(rel, list) else [rel])]:
            candidates.append(str(link["href"]))
    candidates.append(page.meta("og:url"))
    own_path = urlsplit(page.url).path
    for href in candidates:
        href = href.strip()
        if not href:
            continue
        absolute = urljoin(page.url, href)
        if not absolute.startswith(("http://", "https://")):
            continue
        # Templates that stamp the home page as every page's canonical would merge the whole site.
        if urlsplit(absolute).path in ("", "/") and own_path not in ("", "/"):
            continue
        return absolute
    return page.url


def breadcrumb_of(page: Page, profile: Profile) -> str:
    """The most specific breadcrumb entry that is not "Trang chủ"."""
    named = sorted(c for c in page.classes if "breadcrumb" in c.lower())
    trails = [page.soup.select_one(selector) for selector in profile.breadcrumb]
    trails += [page.soup.find(class_=name) for name in named]
    for tag in trails:
        if tag is None:
            continue
        items = [clean(a.get_text(" ")) for a in tag.find_all(["a", "li", "span"]) if clean(a.get_text(" "))]
        items = [i for i in items if i.lower() not in ("trang chủ", "home", "trang chu", ">", "»", "/")]
        if items:
            # The last link is the category; a trailing non-link crumb is usually the title itself.
            links = [clean(a.get_text(" ")) for a in tag.find_all("a") if clean(a.get_text(" "))]
            links = [i for i in links if i.lower() not in ("trang chủ", "home")]
            return links[-1] if links else items[-1]
    return _breadcrumb_by_shape(page)


def _breadcrumb_by_shape(page: Page) -> str:
    """A short run of links from "Trang chủ" joined by », > or /: a breadcrumb without a class name."""
    for home in page.soup.find_all("a", string=re.compile(r"^\s*trang chủ\s*$", re.I)):
        for trail in list(home.parents)[:2]:
            links = [clean(a.get_text(" ")) for a in trail.find_all("a")]
            text = clean(trail.get_text(" "))
            if 2 <= len(links) <= 5 and len(text) < 160 and re.search(r"[»>›/→]", text):
                return links[-1]
    return ""


def _date_from(tag: Tag) -> DateMatch | None:
    for attr in ("datetime", "content", "data-time", "title"):
        value = tag.get(attr)
        if value:
            hits = find_datetimes(str(value))
            if hits:
                return hits[0]
    text = clean(tag.get_text(" "))
    if is_clock(text):
        return None
    hits = find_datetimes(text)
    return hits[0] if hits else None


def _author_from(tag: Tag) -> str:
    text = clean(tag.get_text(" "))
    return _AUTHOR_LABEL.sub("", text).strip(" -–:")


def _looks_like_byline(line: str) -> bool:
    line = _AUTHOR_LABEL.sub("", line)
    return 3 <= len(line) <= 48 and not line.endswith((".", ":", "!", "?")) and bool(_BYLINE.match(line))


def _captions(root: Tag) -> set[str]:
    found = set()
    for tag in root.find_all(["figcaption", "caption"]):
        found.add(clean(tag.get_text(" ")))
    for tag in root.find_all(class_=re.compile(r"caption|image-desc|img-desc|chuthich", re.I)):
        found.add(clean(tag.get_text(" ")))
    for table in root.find_all("table"):
        if table.find("img") is not None:
            for cell in table.find_all(["td", "th"]):
                if cell.find("img") is None:
                    found.add(clean(cell.get_text(" ")))
    return {c for c in found if c}


def declines(profile: Profile, page: Page) -> bool:
    """True when the URL shape or repeated teaser items say the page is a listing, tag or search page."""
    parts = urlsplit(page.url)
    if LISTING_PATH.search(parts.path) or LISTING_QUERY.search(parts.query):
        return True
    if profile.not_article_url is not None and profile.not_article_url.search(page.path_query):
        return True
    return any(len(page.soup.select(selector)) >= 2 for selector in profile.listing_items)


def knows_template(profile: Profile, page: Page) -> bool:
    """True when the profile's article container is on the page."""
    return any(page.soup.select_one(selector) is not None for selector in profile.body)


def run(profile: Profile, page: Page) -> Article | None:
    """Extract an Article with profile's selectors; None for pages without article text (mutates page)."""
    strip_noise(page.soup)
    category = breadcrumb_of(page, profile)

    title_tag = _first(page, profile.title)
    if title_tag is not None:
        title = clean(title_tag.get_text(" "))
    else:
        title, title_tag = generic.find_title(page)

    body_tag = _first(page, profile.body)
    if body_tag is None:
        body_tag = generic.find_main(page.soup)
        if body_tag is None or generic.looks_like_listing(body_tag) or generic.linked_headline(body_tag, page.url, title):
            return None

    date_tag = _first(page, profile.date)
    stamp = _date_from(date_tag) if date_tag is not None else None
    if stamp is None:
        stamp, date_tag = generic.find_date(page, title_tag, body_tag)

    author_tag = _first(page, profile.author)
    if author_tag is None and not profile.author:
        author_tag = generic.find_author(page, body_tag)
    author = _author_from(author_tag) if author_tag is not None else ""

    lead_tag = _first(page, profile.lead)
    if lead_tag is None and not profile.lead:
        lead_tag = generic.find_lead(page, body_tag)
    lead_raw = clean(lead_tag.get_text(" ")) if lead_tag is not None else ""
    outside_captions = [clean(t.get_text(" ")) for sel in profile.captions for t in page.soup.select(sel)
                        if not any(p is body_tag for p in t.parents)]

    # Everything that was a field, or chrome, leaves the body container before its text is read.
    for selector in profile.drop:
        for tag in body_tag.select(selector):
            tag.decompose()
    for tag in (title_tag, date_tag, author_tag, lead_tag):
        if tag is not None and not tag.decomposed and any(p is body_tag for p in tag.parents):
            tag.decompose()
    generic.drop_chrome(body_tag)
    if generic.looks_like_listing(body_tag):
        return None
    captions = _captions(body_tag)
    paras = [p for p in paragraphs(body_tag) if not _BOILERPLATE_LINE.match(p) and p != title]

    if not author and paras and _looks_like_byline(paras[-1]):
        author = _AUTHOR_LABEL.sub("", paras[-1])
    # Bylines repeat under the text, whole or one name a line.
    names = {author, *(n.strip() for n in re.split(r"\s+-\s+|,", author))} if author else set()
    while paras and _AUTHOR_LABEL.sub("", paras[-1]).strip(" -") in names:
        paras.pop()

    if lead_raw:
        lead = strip_lead_prefix(lead_raw)
        paras = [lead, *outside_captions, *[p for p in paras if p != lead_raw]]
    else:
        index = next((i for i, p in enumerate(paras) if p not in captions and len(p.split()) >= 8), None)
        lead = strip_lead_prefix(paras[index]) if index is not None else ""
        if index is not None:
            # The lead opens the body whatever the page put above it (a photo caption, usually).
            paras = [lead, *paras[:index], *paras[index + 1:]]
    body = "\n".join(p for p in paras if p)
    if len(body) < _MIN_BODY_CHARS or not title:
        return None
    url = profile.fix_url(canonical_of(page))
    return Article(
        url=url,
        title=title,
        body=body,
        summary=lead,
        published=stamp.value if stamp is not None else None,
        author=author,
        category=category,
    )
