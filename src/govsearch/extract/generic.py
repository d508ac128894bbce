"""The fallback for unknown portals: find title, stamp and main text by structure alone."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from .dates import DateMatch, find_datetimes, is_clock
from .html import clean, link_density, text_of
from .profile import Page, Profile

# Class/id words that mark page chrome rather than the article.
_CHROME_WORDS = (
    "related relate relation lienquan lien-quan tinkhac tin-khac other othernews cungchuyenmuc cung-chuyen-muc "
    "share sharing social socials toolbar tools tool-bar print fontsize font-size textsize comment comments binhluan "
    "tags keyword keywords rating vote footer banner ads advert advertisement sidebar menu navbar nav breadcrumb "
    "breadcrumbs pagination paging pager viewcount luotxem hitstotal hits counter audio player listen docbai "
    "facebook zalo login search timkiem weather clock date-now datenow marquee widget"
).split()
_CHROME = re.compile(r"(?:^|[-_\s])(?:" + "|".join(map(re.escape, _CHROME_WORDS)) + r")(?:$|[-_\s\d])", re.I)
_CONTENT = re.compile(r"content|detail|article|body|entry|post|news|noidung|chitiet|main", re.I)

# Headings that open a box of other stories.
_OTHER_NEWS = re.compile(
    r"^(?:tin|bài|bài viết|các tin|các bài|tin tức|xem thêm)\s*(?:liên quan|khác|cùng|mới|đã đưa|đọc nhiều|xem nhiều)",
    re.I,
)
_SITE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+")
_STAMP_MAX = 90  # a stamp line is short; a prose sentence mentioning a date is not a stamp


def _attrs(tag: Tag) -> str:
    classes = tag.get("class") or []
    return " ".join([*(classes if isinstance(classes, list) else [classes]), str(tag.get("id") or "")])


def is_chrome(tag: Tag) -> bool:
    """True for page furniture: header/nav/footer/aside tags or chrome-named classes."""
    if tag.name in ("nav", "footer", "aside", "header") and not tag.find(["h1"]):
        return True
    if not _CHROME.search(_attrs(tag)):
        return False
    # A print view ("#print") or a "post-share"-named wrapper can hold the whole story: furniture is small.
    return tag.find("h1") is None and len(tag.get_text(" ", strip=True)) < 1500


def in_chrome(tag: Tag) -> bool:
    """True when tag or any ancestor is page furniture."""
    node: Tag | None = tag
    while node is not None and node.name not in ("body", "html", "[document]"):
        if is_chrome(node):
            return True
        node = node.parent
    return False


_INLINE = frozenset("a span strong b em i u small sup sub abbr font label time".split())
_LEAD_CLASS = re.compile(r"sapo|lead|summary|desc|hometext|chapeau|intro|tomtat|tom-tat|tom_tat", re.I)
_AUTHOR_CLASS = re.compile(r"author|tacgia|tac-gia|byline|writer", re.I)


def drop_chrome(root: Tag) -> None:
    """Remove furniture and other-news boxes inside an article container, in place."""
    for tag in list(root.find_all(True)):
        if tag.decomposed:
            continue
        # Inline keyword links ("cms-relate") carry words of the sentence around them.
        if tag.name in _INLINE and tag.find_parent("p") is not None:
            continue
        if is_chrome(tag):
            tag.decompose()
    for heading in list(root.find_all(["h2", "h3", "h4", "h5", "p", "div", "strong"])):
        if heading.decomposed:
            continue
        if len(clean(heading.get_text(" "))) < 40 and _OTHER_NEWS.match(clean(heading.get_text(" "))):
            box = heading.find_next_sibling(["ul", "ol", "div"])
            if box is not None:
                box.decompose()
            heading.decompose()


def site_title_parts(page: Page) -> list[str]:
    """The <title> / og:title split at site-name separators, longest first."""
    raw = page.meta("og:title") or (page.soup.title.get_text() if page.soup.title else "")
    parts = [clean(p) for p in _SITE_SEPARATORS.split(clean(raw)) if clean(p)]
    return sorted(parts, key=len, reverse=True)


def find_title(page: Page) -> tuple[str, Tag | None]:
    """The headline and its element: a heading agreeing with <title>/og:title, else the best guess."""
    head_title = clean(page.meta("og:title") or (page.soup.title.get_text() if page.soup.title else ""))
    headings = [h for h in page.soup.find_all(["h1", "h2", "h3"]) if not in_chrome(h)]
    best: tuple[str, Tag | None] = ("", None)
    for h in headings:
        text = clean(h.get_text(" "))
        if len(text) >= 10 and head_title and text in head_title and len(text) > len(best[0]):
            best = (text, h)
    if best[1] is not None:
        return best
    h1 = next((h for h in headings if h.name == "h1" and len(clean(h.get_text(" "))) >= 10), None)
    if h1 is not None:
        return clean(h1.get_text(" ")), h1
    parts = site_title_parts(page)
    return (parts[0] if parts else ""), None


def _own_text_length(tag: Tag) -> int:
    return len(clean(tag.get_text(" "))) - sum(len(clean(a.get_text(" "))) for a in tag.find_all("a"))


def find_main(soup: BeautifulSoup) -> Tag | None:
    """The container holding the most unlinked paragraph text, readability-style."""
    scores: dict[int, float] = defaultdict(float)
    nodes: dict[int, Tag] = {}
    for block in soup.find_all(["p", "td", "pre", "blockquote", "div", "li", "figcaption"]):
        if block.name in ("div", "td", "li") and block.find(["p", "div", "table", "ul", "ol"]):
            continue  # only leaf-ish blocks carry text weight
        length = _own_text_length(block)
        if length < 25:
            continue
        weight = 1.0 + min(3.0, length / 100)
        # A <div>/<td> of bare text with <br> breaks is itself the container; a <p> is scored to its parents.
        chain = [block, *block.parents] if block.name in ("div", "td") else list(block.parents)
        for depth, ancestor in enumerate(chain):
            if ancestor.name in ("body", "html", "[document]") or depth > 2:
                break
            nodes[id(ancestor)] = ancestor
            scores[id(ancestor)] += weight * length / (1 + depth)
    best, best_score = None, 0.0
    for key, score in scores.items():
        node = nodes[key]
        if in_chrome(node):
            continue
        score *= 1.0 - link_density(node)
        if _CONTENT.search(_attrs(node)):
            score *= 1.25
        if score > best_score:
            best, best_score = node, score
    return best


def _headline_links(root: Tag) -> list[str]:
    """Texts of links that read like headlines and stand alone, as list items do."""
    found = []
    for a in root.find_all("a", href=True):
        text = clean(a.get_text(" "))
        if len(text.split()) < 4:
            continue
        block = a.find_parent(["p", "li", "div", "h2", "h3", "h4", "td", "article"])
        block_text = clean(block.get_text(" ")) if block is not None else text
        if len(text) / max(1, len(block_text)) > 0.5 or (block is not None and block.name in ("li", "h2", "h3", "h4")):
            found.append(text)
    return found


def _teaser_share(root: Tag) -> float:
    """Share of root's text in sibling blocks of one kind that each lead with a headline link."""
    groups: dict[tuple[int, str, str], list[Tag]] = defaultdict(list)
    for a in root.find_all("a", href=True):
        if len(clean(a.get_text(" ")).split()) < 4:
            continue
        block = a
        while block.parent is not None and block.parent is not root and block.parent.name not in ("body", "html"):
            block = block.parent
        if block is a or block.parent is None:
            continue
        key = (id(block.parent), block.name or "", _attrs(block))
        if block not in groups[key]:
            groups[key].append(block)
    total = len(text_of(root)) or 1
    best = max((g for g in groups.values() if len(g) >= 2), key=len, default=[])
    return sum(len(text_of(b)) for b in best) / total


def _has_headline(tag: Tag) -> bool:
    return any(len(clean(a.get_text(" ")).split()) >= 4 for a in tag.find_all("a", href=True))


def is_teaser(node: Tag) -> bool:
    """True when node (or a close ancestor) is one of several same-kind blocks that each carry a headline link."""
    if len(text_of(node)) > 800:
        return False
    for block in [node, *list(node.parents)[:2]]:
        parent = block.parent
        if parent is None or block.name in ("body", "html"):
            break
        kin = [c for c in parent.find_all(block.name, recursive=False) if _attrs(c) == _attrs(block)]
        if len(kin) >= 2 and sum(_has_headline(c) for c in kin) >= 2 and _has_headline(block):
            return True
    return False


def linked_headline(node: Tag, url: str, title: str = "") -> bool:
    """True when node opens with a headline linking to another page: a lone teaser, not the story."""
    text = text_of(node)
    # The story's own headline inside the container means the container is the story.
    if len(text) > 800 or (title and title in text):
        return False
    for block in [node, *list(node.parents)[:2]]:
        first = next((t for t in block.find_all(string=True) if t.strip()), None)
        link = first.find_parent("a") if first is not None else None
        if link is None or not any(p is block for p in link.parents) or not link.get("href"):
            continue
        if len(clean(link.get_text(" ")).split()) >= 6 and urljoin(url, str(link["href"])) != url:
            return True
    return False


def looks_like_listing(root: Tag) -> bool:
    """True for a container of teaser items: many headline links, or repeated teaser blocks."""
    headlines = _headline_links(root)
    # An article may embed a box of other headlines; a listing is mostly headlines and their teasers.
    share = sum(map(len, headlines)) / max(1, len(text_of(root)))
    if len(headlines) >= 4 and share >= 0.15:
        return True
    if len(headlines) >= 3 and link_density(root) > 0.35:
        return True
    return _teaser_share(root) > 0.6 or is_teaser(root)


def stamp_candidates(soup: BeautifulSoup) -> list[tuple[Tag, DateMatch]]:
    """Short date-bearing text elements outside page chrome, in document order, clocks left out."""
    out: list[tuple[Tag, DateMatch]] = []
    for node in soup.find_all(string=True):
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in ("script", "style", "title", "a"):
            continue
        line = clean(parent.get_text(" "))
        if not line or len(line) > _STAMP_MAX or is_clock(line) or in_chrome(parent):
            continue
        hits = find_datetimes(str(node))
        if not hits and node is parent.find(string=True):
            # A stamp split over inline tags ("<b>16:51</b> | 13/01/2022") is read from its whole line once.
            hits = find_datetimes(line)
        if hits and parent.name == "time" and parent.get("datetime"):
            # The machine-readable value keeps the seconds and the offset the text drops.
            hits = find_datetimes(str(parent["datetime"])) or hits
        if hits:
            out.append((parent, hits[0]))
    return out


def find_date(page: Page, title: Tag | None, main: Tag | None) -> tuple[DateMatch | None, Tag | None]:
    """The publication stamp: metadata first, else the nearest stamp after the headline, before the text ends."""
    for name in ("article:published_time", "datePublished", "pubdate", "publishdate", "dc.date.issued"):
        hits = find_datetimes(page.meta(name))
        if hits:
            return hits[0], None
    for tag in page.soup.find_all(attrs={"itemprop": "datePublished"}):
        hits = find_datetimes(str(tag.get("content") or tag.get("datetime") or tag.get_text(" ")))
        if hits:
            return hits[0], tag
    candidates = stamp_candidates(page.soup)
    if not candidates:
        return None, None
    order = {id(t): i for i, t in enumerate(page.soup.find_all(True))}
    start = order.get(id(title), -1) if title is not None else -1
    end = max((order.get(id(t), -1) for t in main.find_all(True)), default=-1) if main is not None else -1
    end = max(end, order.get(id(main), -1)) if main is not None else len(order)
    between = [(t, m) for t, m in candidates if start < order.get(id(t), -1) <= end]
    after = [(t, m) for t, m in between if not _in_prose(t, main)]
    if not after:
        # A stamp printed as the text's first paragraph: a line that is little more than the date.
        after = [(t, m) for t, m in between if len(clean(t.get_text(" "))) <= 40]
    if after:
        tag, match = after[0]
        return match, tag
    before = [(t, m) for t, m in candidates if order.get(id(t), -1) < start]
    if before:
        tag, match = before[-1]
        return match, tag
    return None, None


def _in_prose(tag: Tag, root: Tag | None) -> bool:
    """True when tag sits inside root's paragraphs (prose dates are not stamps)."""
    if root is None:
        return False
    return any(parent is root for parent in tag.parents) and (tag.name == "p" or tag.find_parent("p") is not None)


def find_lead(page: Page, main: Tag) -> Tag | None:
    """A sapo block named as such (class sapo/lead/desc...), outside the main text."""
    for tag in page.soup.find_all(class_=_LEAD_CLASS):
        if tag.name in ("meta", "a", "img") or in_chrome(tag) or any(p is tag for p in main.parents):
            continue
        if len(clean(tag.get_text(" ")).split()) >= 8 and not looks_like_listing(tag):
            return tag
    return None


def find_author(page: Page, main: Tag) -> Tag | None:
    """A short byline block named as such (class author/byline/tacgia)."""
    for tag in page.soup.find_all(class_=_AUTHOR_CLASS):
        text = clean(tag.get_text(" "))
        if 2 <= len(text) <= 60 and tag.name not in ("meta",) and not in_chrome(tag):
            return tag
    return None


GENERIC = Profile(name="generic", matches=lambda page: True)
