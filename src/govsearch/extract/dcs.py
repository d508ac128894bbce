"""Party committee sites (*.dcs.vn, ict.thainguyen.gov.vn): "HH:MM DD/MM/YYYY" stamps, /tag/<slug>/page-N."""

from __future__ import annotations

import re

from .profile import Page, Profile


def _matches(page: Page) -> bool:
    if page.host.endswith("dcs.vn"):
        return True
    return page.has_class("post-detail", "post-time") or page.has_class("post-list", "post-item", "post-time")


DCS = Profile(
    name="dcs",
    matches=_matches,
    title=(".post-detail h1.post-title", ".post-detail h1"),
    date=(".post-detail .post-time",),
    author=(".post-detail .post-author",),
    lead=(".post-detail .post-sapo",),
    body=(".post-detail .post-content",),
    breadcrumb=(".post-breadcrumb", ".breadcrumb"),
    drop=(".post-tags", ".post-share", ".post-related"),
    listing_items=(".post-list .post-item",),
    not_article_url=re.compile(r"/tag/[^/]+(?:/page-\d+)?/?$|/page-\d+/?$", re.I),
)
