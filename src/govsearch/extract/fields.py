"""Field rules shared by every profile: lead credits, bylines, breadcrumbs, canonical URLs, captions."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from .dates import DateMatch, find_datetimes, is_clock
from .html import clean
from .profile import Page, Profile

# "CTTĐT - ", "(Chinhphu.vn) - ", "VNTN - ", "(PLO)- ", "(ĐCSVN) - ": agency credits before the lead.
_LEAD_PREFIX = re.compile(
    r"^\s*(?:\([^()\s]{2,24}\)|[A-ZĐÐ][A-ZĐÐ.&]{1,11}(?:\s*\([^()]{1,20}\))?)\s*[-–—:]\s*(?=\S)"
)
_AUTHOR_LABEL = re.compile(
    r"^(?:(?:tác giả(?: bài viết)?|người viết|bài(?:,| và)? ảnh|tin(?:,| và)? ảnh|bài|tin)\s*:\s*"
    r"|(?:tác giả|người viết)\s+(?=[A-ZĐÐÀ-Ỹ])"
    r"|(?:được viết |viết |đăng |gửi )?bởi\s*:?\s+|by\s+)", re.I
)
_BYLINE = re.compile(r"^[A-ZĐÐÀ-Ỹ][\wÀ-ỹĐđ.]*(?:[ ]+(?:-[ ]+)?[A-ZĐÐÀ-Ỹ][\wÀ-ỹĐđ.]*){1,5}$")
# Toolbar words, skip links and counters that leak into article containers as whole lines.
_BOILERPLATE_LINE = re.compile(
    r"^(?:truy cập nội dung luôn|bỏ qua nội dung|xem cỡ chữ|cỡ chữ|đọc bài viết|nghe bài viết|in|in bài|"
    r"in trang|gửi email|gửi bài viết|gửi cho bạn bè|gửi bạn bè|chia sẻ|lưu|lưu bài viết|bản in|quay lại|về đầu trang|"
    r"(?:đã xem|lượt xem|số lượt xem|lượt đọc)\s*:?\s*[\d.,]+|[\d.,]+\s*lượt xem|"
    r"tin liên quan|tin khác|các tin khác|bài viết liên quan)\s*[:|]?$",
    re.I,
)
# Bodies that open sentences ("HĐND - UBND tỉnh ..."), not agencies that sign them.
_NOT_CREDITS = frozenset("UBND HĐND MTTQ BCH BTV TAND VKSND CAND QĐND ĐBQH BHXH".split())


def strip_lead_prefix(text: str) -> str:
    """The lead without its agency credit ("CTTĐT - ", "(Chinhphu.vn) - ")."""
    m = _LEAD_PREFIX.match(text)
    if m is None or m.group(0).strip(" -–—:").replace("Ð", "Đ") in _NOT_CREDITS:
        return text.strip()
    return text[m.end():].strip()


def canonical_of(page: Page) -> str:
    """rel=canonical, else og:url, resolved; a canonical pointing at a site root is ignored."""
    candidates = []
    for link in page.soup.find_all("link", href=True):
        rel: str | list[str] = link.get("rel") or []
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
    trails = [page.select_one(selector) for selector in profile.breadcrumb]
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


def date_from(tag: Tag) -> DateMatch | None:
    """The stamp of a date element: a machine-readable attribute first, then its text (clocks refused)."""
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


def author_from(tag: Tag) -> str:
    """A byline element's name, without its "Tác giả:" label."""
    text = clean(tag.get_text(" "))
    return _AUTHOR_LABEL.sub("", text).strip(" -–:")


def looks_like_byline(line: str) -> bool:
    """True for a short line of capitalised words (a name) with no sentence punctuation."""
    line = _AUTHOR_LABEL.sub("", line)
    return 3 <= len(line) <= 48 and not line.endswith((".", ":", "!", "?")) and bool(_BYLINE.match(line))


def captions_in(root: Tag) -> set[str]:
    """Texts of image captions in root: figcaption, caption-named classes, text cells of image tables."""
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


def is_boilerplate_line(line: str) -> bool:
    """True for toolbar words, skip links, counters and box headings standing alone as a line, or a
    toolbar printed as one line of them ("In bài | Gửi cho bạn bè | Về đầu trang")."""
    if _BOILERPLATE_LINE.match(line):
        return True
    parts = [p.strip() for p in line.split("|")]
    return len(parts) >= 2 and all(_BOILERPLATE_LINE.match(p) for p in parts if p)


# "Theo TTXVN", "Nguồn: Sở Tư pháp" under the text: where the story came from, not part of it.
_SOURCE_LINE = re.compile(r"^(?:theo|nguồn(?: tin)?\s*:)\s*[^\s,.;:][^,;:]{1,40}$", re.I)


def is_source_line(line: str) -> bool:
    """True for a short credit line naming the story's source ("Theo TTXVN"), not a sentence."""
    return bool(_SOURCE_LINE.match(line)) and not line.endswith((".", "!", "?"))


def strip_author_label(line: str) -> str:
    """line without a leading "Tác giả:" / "Bài, ảnh:" label."""
    return _AUTHOR_LABEL.sub("", line)
