"""Second runs: conditional requests, content hashes, revisit intervals."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from govsearch.crawl import crawl

from .conftest import FAST, MemorySink, tiny_extract
from .server import Handler, Site, article_html, listing_html


class Versioned:
    """Pages whose content the test can change; answers 304 to a matching
    If-None-Match or If-Modified-Since like a real server."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.content: dict[str, str] = {}
        self.validators = True
        self.modified = "Wed, 01 Oct 2025 08:00:00 GMT"

    def set(self, path: str, html: str) -> None:
        self.content[path] = html
        self.site.route(path, self.serve)

    def serve(self, h: Handler) -> None:
        body = self.content[h.path]
        if not self.validators:
            h.send(200, body)
            return
        etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:12] + '"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send(200, body, headers={"ETag": etag, "Last-Modified": self.modified})


def build(site: Site) -> Versioned:
    site.robots("")
    v = Versioned(site)
    arts = [f"/bai-{i}.html" for i in range(5)]
    v.set("/", listing_html("home", arts))
    for i, p in enumerate(arts):
        v.set(p, article_html(f"Bài {i}", f"Nội dung {i}"))
    return v


ALL_DUE = {"article": 0, "listing": 0, "page": 0, "feed": 0, "sitemap": 0}


def test_second_run_sends_validators_and_reindexes_only_changes(site: Site, tmp_path: Path) -> None:
    v = build(site)
    sink = MemorySink()
    first = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=ALL_DUE, **FAST)
    assert first.articles_indexed == 5 and len(sink.deliveries) == 5
    site.hits.clear()

    v.set("/bai-2.html", article_html("Bài 2 (cập nhật)", "Nội dung mới"))
    second = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=ALL_DUE, **FAST)
    page_hits = [h for h in site.hits if h.path != "/robots.txt" and h.path != "/sitemap.xml"]
    assert len(page_hits) == 6
    assert all("if-none-match" in h.headers and "if-modified-since" in h.headers for h in page_hits)
    assert second.not_modified == 5
    assert second.articles_indexed == 1
    assert sink.deliveries[5:] == [site.url("/bai-2.html")]
    assert sink.docs[site.url("/bai-2.html")].title == "Bài 2 (cập nhật)"
    assert site.count("/robots.txt") == 0  # cached for a day


def test_unchanged_text_without_validators_is_not_reindexed(site: Site, tmp_path: Path) -> None:
    v = build(site)
    v.validators = False
    sink = MemorySink()
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=ALL_DUE, **FAST)
    # The page chrome changes (a clock), the article text does not.
    v.set("/bai-1.html", article_html("Bài 1", "Nội dung 1", extra_head=f"<!-- {time.time()} -->"))
    second = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=ALL_DUE, **FAST)
    assert second.pages_fetched == 6 and second.not_modified == 0
    assert second.unchanged == 5 and second.articles_indexed == 0
    assert len(sink.deliveries) == 5


def test_listings_are_revisited_sooner_than_articles(site: Site, tmp_path: Path) -> None:
    v = build(site)
    sink = MemorySink()
    revisit = {"listing": 0, "article": 3600}
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=revisit, **FAST)
    v.set("/", listing_html("home", [f"/bai-{i}.html" for i in range(6)]))
    v.set("/bai-5.html", article_html("Bài 5", "mới"))
    site.hits.clear()
    second = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=revisit, **FAST)
    assert sorted(site.paths()) == ["/", "/bai-5.html"]  # the listing again, then only the new article
    assert second.articles_indexed == 1
    # The next visit time is fixed when a page is visited: the listing (due
    # at once) is asked again and answers 304; the articles wait their hour.
    site.hits.clear()
    third = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert site.paths() == ["/"] and third.not_modified == 1
    # ...and with the default intervals now stored, an immediate fourth run has nothing to do.
    site.hits.clear()
    fourth = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert fourth.pages_fetched == 0 and site.paths() == []


def test_sitemap_lastmod_brings_a_changed_article_forward(site: Site, tmp_path: Path) -> None:
    v = build(site)
    site.robots(f"Sitemap: {site.url('/sm.xml')}\n")

    def sitemap(lastmod: str) -> str:
        return ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                f"<url><loc>{site.url('/bai-1.html')}</loc><lastmod>{lastmod}</lastmod></url></urlset>")
    v.set("/sm.xml", sitemap("2025-10-01"))
    sink = MemorySink()
    revisit = {"sitemap": 0, "listing": 3600, "article": 3600}
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=revisit, **FAST)
    assert len(sink.deliveries) == 5
    v.set("/sm.xml", sitemap("2025-11-20"))
    v.set("/bai-1.html", article_html("Bài 1 (sửa)", "đã sửa"))
    site.hits.clear()
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, revisit=revisit, **FAST)
    assert sorted(site.paths()) == ["/bai-1.html", "/sm.xml"]  # articles wait an hour, unless the sitemap says
    assert sink.docs[site.url("/bai-1.html")].title == "Bài 1 (sửa)"
