"""baochinhphu.vn and its platform siblings (vpcp.chinhphu.vn): sapo, then the stamp, then the content."""

from __future__ import annotations

import re

from .profile import Page, Profile


def _matches(page: Page) -> bool:
    host = page.host
    if host.endswith("baochinhphu.vn") or host.endswith("chinhphu.vn"):
        return True
    if page.has_class("afcbc-body") or page.has_class("box-stream-item"):
        return True
    return page.soup.find(attrs={"data-role": "publishdate"}) is not None


BAOCHINHPHU = Profile(
    name="baochinhphu",
    matches=_matches,
    title=("h1.detail-title", "[data-role=title]"),
    date=("[data-role=publishdate]", ".detail-time"),
    author=(".detail-author .name", ".detail-author"),
    lead=("[data-role=sapo]", ".detail-sapo"),
    body=("[data-role=content]", ".detail-content"),
    breadcrumb=(".detail-cate", ".breadcrumb"),
    drop=(".detail-related", ".box-related", ".VCSortableInPreviewMode[type=RelatedNews]", ".detail-tag"),
    listing_items=(".box-stream-item", ".box-category-item"),
    # Story URLs end in an 18-digit id and .htm; topic pages are plain slugs with .html.
    not_article_url=re.compile(
        r"^/(?![^/]*-\d{15,}\.htm$)[a-z0-9-]+(?:/trang-\d+)?\.html?$|/timeline/|/tim-kiem", re.I
    ),
)
