"""Liferay portals (thainguyen.gov.vn, tapchicongsan.org.vn): asset publisher and web content display."""

from __future__ import annotations

import re

from .profile import Page, Profile


def _matches(page: Page) -> bool:
    if "liferay" in page.generator.lower() or "/-/asset_publisher/" in page.url or "/-/" in page.url:
        return True
    if page.has_class("portlet-boundary") or page.has_class("journal-content-article"):
        return True
    return "Liferay" in page.scripts


LIFERAY = Profile(
    name="liferay",
    matches=_matches,
    title=(".asset-full-content .asset-title", ".asset-full-content h1", ".journal-content-article h1",
           "h1.header-title", "h3.header-title"),
    date=(".asset-full-content .asset-date", ".asset-full-content .publish-date", ".journal-content-article .date"),
    author=(".asset-full-content .asset-author", ".journal-content-article .author"),
    lead=(".asset-full-content .asset-summary", ".journal-content-article .sapo"),
    body=(".asset-full-content .journal-content-article", ".asset-full-content .asset-content",
          ".journal-content-article"),
    breadcrumb=("ol.breadcrumb", ".breadcrumb"),
    drop=(".taglib-social-bookmarks", ".asset-links", ".asset-ratings", ".toolbar", ".taglib-icon"),
    listing_items=(".asset-abstract",),
    # Liferay paginates asset publishers with a cur= parameter.
    not_article_url=re.compile(r"[?&]_[\w]*_cur=\d+|[?&]cur=\d+|/-/search", re.I),
)
