"""NukeViet and Netsite (its derivative): /news/<cat>/<slug>-<id>.html and /savefile/ print views."""

from __future__ import annotations

import re

from .profile import Page, Profile

_SAVEFILE = re.compile(r"/savefile(?=/)")


def drop_savefile(url: str) -> str:
    """The article URL a /savefile/ view is an alias of."""
    return _SAVEFILE.sub("", url, count=1)


def _matches(page: Page) -> bool:
    generator = page.generator.lower()
    if "nukeviet" in generator or "netsite" in generator:
        return True
    if "news-bodyhtml" in page.ids or page.has_class("news_column"):
        return True
    return "nv_base_siteurl" in page.scripts


NUKEVIET = Profile(
    name="nukeviet",
    matches=_matches,
    title=(".news_column h1.title", "#print #content > h1", ".news_column h1", "#content h1"),
    date=(".news_column span.h5", ".news_column .time", "#print ul.info li", "#content ul.info li"),
    author=(".news_column p:-soup-contains('Tác giả')", "#print ul.info li:-soup-contains('Tác giả')",
            "#content ul.info li:-soup-contains('Tác giả')"),
    lead=(".news_column .hometext", "#print .hometext", "#content .hometext"),
    body=("#news-bodyhtml", "#print .bodytext", "#content .bodytext"),
    captions=(".news_column figure.article figcaption", ".news_column .imghome figcaption"),
    breadcrumb=(".breadcrumbs-wrap .breadcrumbs", ".breadcrumbs", ".breadcrumb"),
    drop=(".list-inline", ".hitstotal", ".news_column .other-news"),
    listing_items=(".news_column .panel-body.viewcat", ".viewcat_list > li", ".news-list-item"),
    not_article_url=re.compile(r"/(?:print|sendmail|rss|search|topic|tag|groups)/|/page-\d+/?$", re.I),
    fix_url=drop_savefile,
)
