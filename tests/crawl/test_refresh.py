"""`crawl --refresh`: listings, feeds and sitemaps asked again now, with
conditional requests, against a server that answers 304 like a real one."""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from govsearch.crawl import crawl

from .conftest import FAST, MemorySink, tiny_extract
from .server import Handler, Site, article_html, listing_html

MODIFIED = "Wed, 01 Oct 2025 08:00:00 GMT"


class Conditional:
    """Pages that answer 304 to a matching If-None-Match, or (for pages
    served without an ETag) to an If-Modified-Since not older than their
    Last-Modified."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.content: dict[str, tuple[str, str]] = {}
        self.no_etag: set[str] = set()

    def set(self, path: str, body: str, ctype: str = "text/html; charset=utf-8") -> None:
        self.content[path] = (body, ctype)
        self.site.route(path, self.serve)

    def serve(self, h: Handler) -> None:
        body, ctype = self.content[h.path]
        etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:12] + '"'
        if h.path in self.no_etag:
            since = h.headers.get("If-Modified-Since")
            if since and email.utils.parsedate_to_datetime(since) >= email.utils.parsedate_to_datetime(MODIFIED):
                h.send_response(304)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            h.send(200, body, ctype, headers={"Last-Modified": MODIFIED})
            return
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send(200, body, ctype, headers={"ETag": etag, "Last-Modified": MODIFIED})


def feed(site: Site, paths: list[str]) -> str:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link></item>" for p in paths)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>"


def sitemap(site: Site, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


def build(site: Site) -> Conditional:
    site.robots(f"Sitemap: {site.url('/sm.xml')}\n")
    c = Conditional(site)
    arts = [f"/bai-{i}.html" for i in range(3)]
    head = f'<link rel="alternate" type="application/rss+xml" href="{site.url("/rss.xml")}">'
    c.set("/", listing_html("home", arts, extra_head=head))
    c.set("/rss.xml", feed(site, arts), "application/rss+xml")
    c.set("/sm.xml", sitemap(site, arts), "application/xml")
    for i, p in enumerate(arts):
        c.set(p, article_html(f"Bài {i}", f"Nội dung {i}"))
        c.no_etag.add(p)  # articles validate by date only
    return c


def test_refresh_asks_listings_feeds_and_sitemaps_again_with_validators(site: Site, tmp_path: Path) -> None:
    c = build(site)
    sink = MemorySink()
    first = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert first.articles_indexed == 3 and not first.refresh

    # Right after a crawl nothing is due: a plain second run asks nothing.
    site.hits.clear()
    idle = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert idle.pages_fetched == 0 and site.paths() == []

    site.hits.clear()
    again = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, refresh=True, **FAST)
    assert sorted(site.paths()) == ["/", "/rss.xml", "/sm.xml"]  # articles wait their month
    assert all(h.headers.get("if-none-match") for h in site.hits)
    assert again.refresh and again.refreshed == 3
    assert again.not_modified == 3 and again.pages_fetched == 3 and again.articles_indexed == 0
    assert "refresh: 3 URLs made due now, 3 answered 304 (not modified)" in again.lines()

    # A feed that did change answers 200, and its new article is fetched.
    arts = [f"/bai-{i}.html" for i in range(4)]
    c.set("/rss.xml", feed(site, arts), "application/rss+xml")
    c.set("/bai-3.html", article_html("Bài 3", "Mới"))
    site.hits.clear()
    newer = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, refresh=True, **FAST)
    assert sorted(site.paths()) == ["/", "/bai-3.html", "/rss.xml", "/sm.xml"]
    assert newer.not_modified == 2 and newer.articles_indexed == 1
    assert site.url("/bai-3.html") in sink.docs


def test_refresh_articles_revalidates_articles_by_date(site: Site, tmp_path: Path) -> None:
    build(site)
    sink = MemorySink()
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    site.hits.clear()
    again = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
                  refresh_articles=True, **FAST)
    paths = sorted(site.paths())
    assert paths == ["/", "/bai-0.html", "/bai-1.html", "/bai-2.html", "/rss.xml", "/sm.xml"]
    articles = [h for h in site.hits if h.path.startswith("/bai-")]
    assert all(h.headers.get("if-modified-since") == MODIFIED and "if-none-match" not in h.headers
               for h in articles)
    assert again.refreshed == 6 and again.not_modified == 6 and again.articles_indexed == 0
    assert len(sink.deliveries) == 3  # nothing handed over twice


def test_refresh_from_the_command_line(site: Site, tmp_path: Path) -> None:
    build(site)
    ix = str(tmp_path / "ix")
    env = {**os.environ, "COLUMNS": "200"}

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govsearch.cli", "crawl", site.url("/"), "--delay", "0",
                               "--index", ix, *extra], capture_output=True, text=True, timeout=120, env=env)

    first = run("--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["pages_fetched"] == 6 and "refreshed" not in json.loads(first.stdout)
    # The real extractor finds these stub pages too short to be articles, so
    # all six are listings (or feeds, sitemaps) and all six are asked again.
    p = run("--refresh")
    assert p.returncode == 0, p.stderr
    assert "refresh: 6 URLs made due now, 6 answered 304 (not modified)" in p.stderr.splitlines()
    data = json.loads(run("--refresh", "--json").stdout)
    assert data["refreshed"] == 6 and data["not_modified"] == 6 and data["pages_fetched"] == 6
