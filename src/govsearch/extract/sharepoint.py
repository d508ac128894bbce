"""SharePoint portals (yenbai.gov.vn, pbgdpl.gov.vn): /Pages/<name>.aspx?ItemID=<n>&l=<list>."""

from __future__ import annotations

import re

from .profile import Page, Profile


def _matches(page: Page) -> bool:
    if "sharepoint" in page.generator.lower() or "/pages/" in page.url.lower() and ".aspx" in page.url.lower():
        return True
    if page.has_class("ms-rtestate-field") or "s4-workspace" in page.ids or "_spPageContextInfo" in page.scripts:
        return True
    return any(i.startswith("ctl00_PlaceHolderMain") for i in page.ids)


SHAREPOINT = Profile(
    name="sharepoint",
    matches=_matches,
    title=(".news-detail .title-news", ".news-detail h1", "h1.title-news"),
    date=(".news-detail .date-time", ".news-detail .date-news", ".date-news"),
    author=(".news-detail .author-news", ".author-news"),
    lead=(".news-detail .sapo-news", ".sapo-news"),
    body=(".news-detail .content-news", ".news-detail .ms-rtestate-field"),
    breadcrumb=(".breadcrumb", ".ms-sitemapdirectional"),
    drop=(".tool-news", ".other-news"),
    listing_items=(".list-news .item-news", ".news-list li"),
    # A detail or list template without ItemID is the list's paged view, not a story; publishing pages
    # with their own names (/Pages/ten-bai-viet.aspx) are left to the content checks.
    not_article_url=re.compile(
        r"/pages/[^/?]*(?:chi-tiet|chitiet|detail|danh-sach|danhsach|list)[^/?]*\.aspx(?![^#]*[?&]itemid=)", re.I
    ),
)
