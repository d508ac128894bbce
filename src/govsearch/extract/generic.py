"""The fallback for unknown portals: find title, stamp and main text by structure alone."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from .dates import DateMatch, find_datetimes, is_clock
from .html import clean, link_density, text_of
from . import signals
from .profile import Page, Profile

# Class/id words that mark page chrome rather than the article.
_CHROME_WORDS = (
    "related relate relation lienquan lien-quan tinkhac tin-khac other othernews cungchuyenmuc cung-chuyen-muc "
    "share sharing social socials toolbar tools tool-bar print fontsize font-size textsize comment comments binhluan "
    "tags keyword keywords rating vote footer banner ads advert advertisement sidebar menu navbar nav breadcrumb "
    "breadcrumbs pagination paging pager viewcount luotxem hitstotal hits counter audio player listen docbai "
    "facebook zalo login search timkiem weather clock date-now datenow marquee widget"
).split()
_CHROME = re.compile(r"(?:^|[-_\s])(?:" + "|".join(map(re.escape, _CHROME_WORDS)) + r")(?:$|[-_\s\d])"
                     r"|(?:^|[-_\s])(?:related|relate|lienquan|sharedaddy|sharing|comment)(?:posts?|news|articles?|items?"
                     r"|box|list|form|area)", re.I)
_CONTENT = re.compile(r"content|detail|article|body|entry|post|news|noidung|chitiet|main", re.I)

# Headings that open a box of other stories.
_OTHER_NEWS = re.compile(
    r"^(?:(?:tin|bài|bài viết|các tin|các bài|tin tức|tin bài|xem thêm|đọc thêm)\s*"
    r"(?:liên quan|khác|cùng|mới|đã đưa|đọc nhiều|xem nhiều|nổi bật)"
    r"|tham khảo thêm|xem thêm|đọc thêm|có liên quan|có thể bạn quan tâm|video khác|video liên quan|ý kiến bạn đọc|gửi ý kiến|ý kiến của bạn|viết bình luận|bình luận|bạn có thể quan tâm|những tin mới hơn|những tin cũ hơn)",
    re.I,
)
_SITE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+")
_STAMP_MAX = 90
_ABOVE_REACH = 12  # elements between a stamp printed above the headline and the headline  # a stamp line is short; a prose sentence mentioning a date is not a stamp


def _attrs(tag: Tag) -> str:
    classes: str | list[str] = tag.get("class") or []
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
        if is_chrome(tag) or (tag.name == "form" and len(tag.get_text(" ", strip=True)) < 1500):
            # A form inside the text is a comment or search box.
            tag.decompose()
    for tag in list(root.find_all(type=re.compile(r"related|link", re.I))):
        if not tag.decomposed and tag.name not in ("input", "a", "link", "script"):
            tag.decompose()
    for heading in list(root.find_all(["h2", "h3", "h4", "h5", "h6", "p", "div", "strong", "b", "span", "section",
                                       "table", "aside", "li"])):
        if heading.decomposed:
            continue
        text = clean(heading.get_text(" "))
        if not _OTHER_NEWS.match(text):
            continue
        if len(text) < 40:
            # A bare box label: the label's own line goes, with the run of link lines after it.
            while heading.parent is not None and heading.parent is not root and \
                    clean(heading.parent.get_text(" ")) == text:
                heading = heading.parent
            _drop_links_after(heading)
            heading.decompose()
        elif len(text) < 600 and heading.find("a", href=True) is not None and heading is not root:
            # "Tham khảo thêm <headline> <date>": the label, another story's link and its stamp in one box.
            heading.decompose()


def _drop_links_after(heading: Tag) -> None:
    """Remove the siblings after a box label that are other stories' links, up to the next prose."""
    for _ in range(12):
        sibling = heading.find_next_sibling()
        if sibling is None:
            return
        text = clean(sibling.get_text(" "))
        if text and link_density(sibling) < 0.5 and not (len(text) < 40 and find_datetimes(text)):
            return
        sibling.decompose()


def site_title_parts(page: Page) -> list[str]:
    """The <title> / og:title split at site-name separators, longest first."""
    raw = page.meta("og:title") or (page.soup.title.get_text() if page.soup.title else "")
    parts = [clean(p) for p in _SITE_SEPARATORS.split(clean(raw)) if clean(p)]
    return sorted(parts, key=len, reverse=True)


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


# Title-named blocks, camelCase too ("ArticleTitle", "NewsTitle", "lblTitle"); not "subtitle".
_TITLE_CLASS = re.compile(r"(?<!sub)(?:title|tieude|tieu-de|tieu_de|headline)|(?:^|[-_\s])(?:tit|heading)(?:$|[-_\s\d])",
                          re.I)
_MIN_TITLE_WORDS = 3


def _title_refs(page: Page) -> list[tuple[str, str]]:
    """What the page's metadata says the headline is: (normalised text, signal)."""
    refs = []
    for name in ("og:title", "twitter:title"):
        value, _ = signals.meta(page, name)
        if value:
            refs.append((_norm(value), f"meta {name}"))
            break
    headline = signals.jsonld_field(page, "headline", "name")
    if headline:
        refs.append((_norm(headline), "JSON-LD headline"))
    value, _ = signals.microdata(page, "headline")
    if value:
        refs.append((_norm(value), "itemprop headline"))
    if page.soup.title is not None and clean(page.soup.title.get_text()):
        refs.append((_norm(page.soup.title.get_text()), "<title>"))
    return refs


def _link_texts(page: Page) -> frozenset[str]:
    """Normalised texts of the page's links (menus, breadcrumbs), once per page."""
    cached = page.__dict__.get("_link_texts")
    if cached is None:
        cached = frozenset(_norm(a.get_text(" ")) for a in page.soup.find_all("a"))
        page.__dict__["_link_texts"] = cached
    return cached


def _agrees(text: str, ref: str) -> bool:
    # A <title> adds the site name; an og:title may be cut short with an ellipsis.
    return text == ref or (len(text) >= 12 and (text in ref or (len(ref) >= 24 and text.startswith(ref))))


def headline_candidates(page: Page) -> list[Tag]:
    """Headings and title-named blocks outside chrome that could be the story's headline."""
    out = []
    for tag in page.soup.find_all(["h1", "h2", "h3", "div", "span", "p", "td", "strong", "b"]):
        if tag.name in ("div", "span", "p", "td", "strong", "b") and not _TITLE_CLASS.search(_attrs(tag)):
            continue
        text = clean(tag.get_text(" "))
        if len(text.split()) < _MIN_TITLE_WORDS or len(text) > 300 or in_chrome(tag) or _is_brand(tag):
            continue
        out.append(tag)
    return out


_BRAND = re.compile(r"logo|brand|site-?title|site-?name|sitename|banner|masthead|slogan", re.I)


def _is_brand(tag: Tag) -> bool:
    """True for the site's own name: logo and banner blocks, a page <header> outside the article."""
    for node in [tag, *list(tag.parents)[:4]]:
        if node.name in ("body", "html", "[document]"):
            break
        if _BRAND.search(_attrs(node)):
            return True
        if node.name == "header" and node.find_parent(["article", "main"]) is None \
                and not _CONTENT.search(_attrs(node)):
            return True
    return False


def find_title(page: Page, body: Tag | None = None) -> tuple[str, Tag | None, str]:
    """The headline, its element and the rule that found it.

    A heading that agrees with og:title, JSON-LD, itemprop or <title> wins (most agreeing signals,
    then h1 before other headings); else JSON-LD's headline, the heading just above the text,
    og:title, the longest part of <title>.
    """
    refs = _title_refs(page)
    candidates = headline_candidates(page)
    best: tuple[tuple[int, int, int], str, Tag, str] | None = None
    rank = {"h1": 3, "h2": 2}
    for i, tag in enumerate(candidates):
        text = clean(tag.get_text(" "))
        agreeing = [sig for ref, sig in refs if _agrees(_norm(text), ref)]
        if not agreeing:
            continue
        if agreeing == ["<title>"] and _norm(text) in _link_texts(page):
            continue  # a section heading ("Tin tức - Sự kiện") that the section's <title> repeats
        key = (len(agreeing), rank.get(tag.name or "", 1), -i)
        if best is None or key > best[0]:
            best = (key, text, tag, f"{tag.name} agreeing with {', '.join(agreeing)}")
    if best is not None:
        # A heading nested in another candidate (span.title inside h1) is the same headline.
        tag = best[2]
        while tag is not None and tag.parent is not None and clean(tag.parent.get_text(" ")) == best[1]:
            tag = tag.parent
        return best[1], tag, best[3]
    near = _nearly_agreeing(candidates, refs)
    if near is not None:
        return clean(near.get_text(" ")), near, f"{near.name} nearly agreeing with the metadata"
    headline = signals.jsonld_field(page, "headline")
    if headline:
        return headline, None, "JSON-LD headline"
    above = _heading_above(page, candidates, body)
    if above is not None:
        return clean(above.get_text(" ")), above, f"{above.name} above the text"
    opening = _heading_opening(candidates, body)
    if opening is not None:
        return clean(opening.get_text(" ")), opening, f"{opening.name} opening the text"
    value, name = signals.meta(page, "og:title", "twitter:title")
    if value:
        return value, None, f"meta {name}"
    parts = site_title_parts(page)
    return (parts[0], None, "<title> minus site name") if parts else ("", None, "")


_NEAR = 0.8  # shared words over all words: "tháng 7 năm 2024" printed, "tháng 7/2024" in og:title


def _nearly_agreeing(candidates: list[Tag], refs: list[tuple[str, str]]) -> Tag | None:
    """The printed <h1> whose words are nearly those of a metadata title: editors retouch og:title and
    JSON-LD headlines ("tháng 7/2024" for "tháng 7 năm 2024"), the page prints its own."""
    best: tuple[float, int, Tag] | None = None
    for i, tag in enumerate(candidates):
        if tag.name != "h1":
            continue
        words = set(_norm(tag.get_text(" ")).split())
        for ref, signal in refs:
            if signal == "<title>":
                continue  # a <title> adds the site's name and repeats section headings: too weak to near-match
            ref_words = set(ref.split())
            score = len(words & ref_words) / max(1, len(words | ref_words))
            if score >= _NEAR and (best is None or (score, -i) > best[:2]):
                best = (score, -i, tag)
    return best[2] if best is not None else None


def doc_order(page: Page) -> dict[int, int]:
    """Document position of every element (by id), computed once per page."""
    cached = page.__dict__.get("_order")
    if cached is None:
        cached = {id(t): i for i, t in enumerate(page.soup.find_all(True))}
        page.__dict__["_order"] = cached
    return cached


def _heading_above(page: Page, candidates: list[Tag], body: Tag | None) -> Tag | None:
    """The last headline candidate before the body text (an h1 anywhere when the body is unknown)."""
    if body is None:
        return next((t for t in candidates if t.name == "h1"), None)
    order = doc_order(page)
    start = order.get(id(body), -1)
    before = [t for t in candidates if order.get(id(t), -1) < start and not any(p is t for p in body.parents)]
    return before[-1] if before else None


def _heading_opening(candidates: list[Tag], body: Tag | None) -> Tag | None:
    """A heading or title-named block that is the text block's first line (old ASP.NET templates print
    the headline inside the story's block, under a <title> that is only the site name); not its sapo."""
    if body is None:
        return None
    first = next((t for t in body.find_all(string=True) if t.strip()), None)
    if first is None:
        return None
    for tag in candidates:
        if tag is body or _LEAD_CLASS.search(_attrs(tag)) or not any(p is tag for p in first.parents):
            continue
        if first.find_parent("a", href=True) is not None:
            continue  # a headline linking elsewhere is a teaser's, not the page's own
        if any(p is body for p in tag.parents) and len(clean(body.get_text(" "))) > 2 * len(clean(tag.get_text(" "))):
            return tag
    return None


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
    if best is not None and best.parent is not None and _LEAD_CLASS.search(_attrs(best)) \
            and best.parent.name not in ("body", "html"):
        # A long sapo outscores a short text beside it: the story is the block holding both.
        best = best.parent
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
        if block.name in ("body", "html", "[document]"):
            break  # the page's first link is its logo or menu, whatever the page holds
        first = next((t for t in block.find_all(string=True) if t.strip()), None)
        link = first.find_parent("a") if first is not None else None
        if link is None or not any(p is block for p in link.parents) or not link.get("href"):
            continue
        if _is_brand(link):
            continue
        if len(clean(link.get_text(" ")).split()) >= 6 and urljoin(url, str(link["href"])) != url:
            return True
    return False


def looks_like_listing(root: Tag, kin: bool = True) -> bool:
    """True for a container of teaser items: many headline links, or repeated teaser blocks (kin: or
    root itself one of several same-kind blocks carrying headline links)."""
    headlines = _headline_links(root)
    # An article may embed a box of other headlines; a listing is mostly headlines and their teasers.
    share = sum(map(len, headlines)) / max(1, len(text_of(root)))
    if len(headlines) >= 4 and share >= 0.15:
        return True
    if len(headlines) >= 3 and link_density(root) > 0.35:
        return True
    return _teaser_share(root) > 0.6 or (kin and is_teaser(root))


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


def _in_teaser_block(tag: Tag) -> bool:
    """True when a stamp sits beside another story's headline link (related boxes, listing items)."""
    for block in list(tag.parents)[:3]:
        if block.name in ("body", "html", "[document]"):
            break
        if len(clean(block.get_text(" "))) > 400:
            break
        if any(len(clean(a.get_text(" ")).split()) >= 4 for a in block.find_all("a", href=True)):
            return True
    return False


def printed_stamps(page: Page, title: Tag | None, main: Tag | None) -> list[tuple[Tag, DateMatch, str]]:
    """Printed stamps that may be the story's, nearest the headline first, each with where it sat."""
    candidates = [(t, m) for t, m in stamp_candidates(page.soup) if not _in_teaser_block(t)]
    if not candidates:
        return []
    order = doc_order(page)
    start = order.get(id(title), -1) if title is not None else -1
    if main is not None:
        body_start = order.get(id(main), -1)
        end = max([body_start, *(order.get(id(t), -1) for t in main.find_all(True))])
    else:
        body_start, end = len(order), len(order)
    if title is None and main is not None:
        # No headline element to measure from: stamps inside the text's own block only.
        scope = main
        for _ in range(2):
            if scope.parent is not None and scope.parent.name not in ("body", "html"):
                scope = scope.parent
        candidates = [(t, m) for t, m in candidates if any(p is scope for p in t.parents)]
    out: list[tuple[Tag, DateMatch, str]] = []
    between = [(t, m) for t, m in candidates if start < order.get(id(t), -1) <= end]
    out += [(t, m, "printed stamp after the headline") for t, m in between
            if order.get(id(t), -1) < body_start or not _in_prose(t, main)]
    # A stamp printed as the text's first paragraph: a line that is little more than the date.
    out += [(t, m, "printed stamp opening the text") for t, m in between
            if (t, m, "printed stamp after the headline") not in out and len(clean(t.get_text(" "))) <= 40]
    if title is not None:
        # Above the headline, but inside the same article block (not the header clock): the block holding
        # both headline and text, or when that is the whole page, the few elements just before the headline.
        block = _common_block(title, main)
        if block is not None:
            before = [(t, m) for t, m in candidates if order.get(id(t), -1) < start
                      and any(p is block for p in t.parents)]
        else:
            near = [title, *list(title.parents)[:2]]
            siblings = [s for n in near for s in list(n.find_previous_siblings(limit=4)) if isinstance(s, Tag)]
            before = [(t, m) for t, m in candidates if order.get(id(t), -1) < start
                      and any(t is s or any(p is s for p in t.parents) for s in siblings)]
        # Only just above it: a clock in a table layout's top row shares the block but sits far away.
        before = [(t, m) for t, m in before if start - order.get(id(t), -1) <= _ABOVE_REACH]
        out += [(t, m, "printed stamp above the headline") for t, m in reversed(before)]
    if main is not None:
        # Old portals print "Cập nhật: <date>" under the text: the first stamp after it, in the story's block.
        block = (_common_block(title, main) if title is not None else None) or main.parent
        below = [(t, m) for t, m in candidates if order.get(id(t), -1) > end
                 and block is not None and any(p is block for p in t.parents)]
        out += [(t, m, "printed stamp below the text") for t, m in below[:1]]
    return out


def _common_block(title: Tag, main: Tag | None) -> Tag | None:
    """The smallest element holding headline and text, unless that is the page's <body>."""
    if main is None:
        return None
    mains = {id(p) for p in main.parents} | {id(main)}
    for parent in title.parents:
        if id(parent) in mains:
            return None if parent.name in ("body", "html", "[document]") else parent
    return None


def find_date(page: Page, title: Tag | None, main: Tag | None) -> tuple[DateMatch | None, Tag | None, str]:
    """The publication stamp, its element and the rule: metadata first, else the printed stamp nearest
    the headline; a date-only value takes its time from a printed stamp of the same day."""
    for match, source, tag in signals.published_signals(page):
        if not match.has_time:
            # Printed stamps are the costly part (every text node is read): only when metadata falls short.
            printed = printed_stamps(page, title, main)
            same_day = next(((t, m) for t, m, _ in printed if m.has_time and m.value.date() == match.value.date()),
                            None)
            if same_day is not None:
                return same_day[1], same_day[0], f"{source}, time from the printed stamp"
        return match, tag, source
    printed = printed_stamps(page, title, main)
    if printed:
        tag, match, source = printed[0]
        if tag.name == "time" and tag.get("datetime"):
            source = "time[datetime] " + source.removeprefix("printed stamp ")
        return match, tag, source
    return None, None, ""


def _in_prose(tag: Tag, root: Tag | None) -> bool:
    """True when tag sits inside root's paragraphs (prose dates are not stamps)."""
    if root is None:
        return False
    return any(parent is root for parent in tag.parents) and (tag.name == "p" or tag.find_parent("p") is not None)


def find_lead(page: Page, main: Tag) -> Tag | None:
    """A sapo block named as such (class sapo/lead/desc...), outside the main text."""
    for tag in page.soup.find_all(class_=_LEAD_CLASS):
        if tag.name in ("meta", "a", "img") or tag is main or in_chrome(tag) or any(p is tag for p in main.parents):
            continue
        if any(p is main for p in tag.parents):
            continue  # a block inside the text (a "text-with-summary" field) is the text, not its sapo
        if len(clean(tag.get_text(" ")).split()) >= 8 and not looks_like_listing(tag):
            return tag
    return None


# Bylines that name no writer: the editorial office, an administrator account, the portal itself.
_PLACEHOLDER_AUTHOR = re.compile(
    r"^(?:ban biên tập|bbt|btv|admin|administrator|quản trị(?: viên)?|quan ?tri\b|quản lý|biên tập viên|người đăng|"
    r"cổng (?:ttđt|thông tin)|trang (?:ttđt|thông tin)|ban biên tập cổng|tòa soạn|webmaster|editor|super ?user|"
    r"người quản trị|system|guest|khách|"
    r"không rõ|đang cập nhật|sưu tầm|theo |nguồn)", re.I)


# A login ("quantri", "editor01") is one lowercase word; a person's name is capitalised.
_ACCOUNT = re.compile(r"^[a-z0-9_.@-]+$")
# One word in capitals is an agency or a role ("VNEWS", "TTXVN", "PV"), not a name.
_ACRONYM = re.compile(r"^[A-ZĐÐ0-9&]{2,}$")
# The company that built the portal signs its templates: "Netsite.,JSC", "Công ty CP ...", "... Co., Ltd".
_COMPANY = re.compile(r"(?:^|[\s.,])(?:jsc|corp|inc|ltd|co\.|company|software|solutions?)(?:$|[\s.,])|^công ty\b",
                      re.I)


def is_placeholder_author(name: str) -> bool:
    """True for bylines that name no person: "Ban biên tập", "Admin", "Cổng TTĐT tỉnh", an account name
    ("quantri"), an agency in capitals ("VNEWS"), the portal's vendor ("Netsite.,JSC")."""
    name = clean(name).strip(" -–:.")
    return (not name or bool(_PLACEHOLDER_AUTHOR.match(name)) or "http" in name or ".vn" in name.lower()
            or bool(_ACCOUNT.match(name) or _ACRONYM.match(name) or _COMPANY.search(name)))


def find_author(page: Page, main: Tag) -> Tag | None:
    """A short byline block named as such (class author/byline/tacgia), not a placeholder."""
    for tag in page.soup.find_all(class_=_AUTHOR_CLASS):
        text = clean(tag.get_text(" "))
        if 2 <= len(text) <= 60 and tag.name not in ("meta",) and not in_chrome(tag):
            if not is_placeholder_author(_AUTHOR_PREFIX.sub("", text)):
                return tag
    for tag in page.soup.find_all(itemprop="author"):
        text = clean(tag.get_text(" "))
        if tag.name != "meta" and 2 <= len(text) <= 60 and not is_placeholder_author(text):
            return tag
    return None


_LABELLED_AUTHOR = re.compile(r"^(?:tác giả(?: bài viết)?|người viết|bài(?:,| và)? ảnh)\s*:\s*(\S.{0,48})$", re.I)


def find_labelled_author(main: Tag) -> tuple[str, Tag | None]:
    """A "Tác giả: <name>" line printed just outside the text (in the story's block), and its element."""
    scope = main
    for _ in range(3):
        if scope.parent is None or scope.parent.name in ("body", "html", "[document]"):
            break
        scope = scope.parent
    found: list[tuple[int, str, Tag]] = []
    for tag in scope.find_all(["p", "div", "span", "li", "td", "em", "strong", "b"]):
        text = clean(tag.get_text(" "))
        if len(text) > 64 or any(p is main for p in tag.parents):
            continue
        m = _LABELLED_AUTHOR.match(text)
        if m and not is_placeholder_author(m.group(1)) and not in_chrome(tag):
            found.append((len(text), m.group(1).strip(" -–."), tag))
    # The smallest element holding the label: its wrapper may add a "Nguồn tin:" line.
    if not found:
        return "", None
    _, name, tag = min(found, key=lambda f: f[0])
    return name, tag


_AUTHOR_PREFIX = re.compile(r"^(?:tác giả(?: bài viết)?|người viết|bài(?:,| và)? ảnh|tin(?:,| và)? ảnh|by|"
                            r"(?:được viết |viết |đăng |gửi )?bởi)\s*:?\s*", re.I)


GENERIC = Profile(name="generic", matches=lambda page: True)
