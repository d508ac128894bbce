"""A small well-behaved portal: discovery through listings, pagination,
sitemaps and feeds; traps stay bounded; politeness headers are sent."""

from __future__ import annotations

from pathlib import Path

from govsearch.crawl import CrawlProgress, crawl
from govsearch.crawl.portals import Portal

from .conftest import FAST, MemorySink, tiny_extract
from .server import Site, article_html, listing_html


def build_portal(site: Site, n_articles: int = 12) -> list[str]:
    """Home -> category listing (3 pages) -> articles; plus a sitemap and a feed
    that each know about articles the listings do not link."""
    site.robots(f"User-agent: *\nDisallow: /private/\nSitemap: {site.url('/sitemap-news.xml')}\n")
    arts = [f"/tin-tuc/bai-{i}.html" for i in range(n_articles)]
    per = 4
    pages = [arts[i:i + per] for i in range(0, n_articles, per)]
    for p, chunk in enumerate(pages, start=1):
        links = list(chunk)
        if p < len(pages):
            links.append(f"/tin-tuc/page-{p + 1}")
        site.page("/tin-tuc" if p == 1 else f"/tin-tuc/page-{p}", listing_html(f"Tin tức {p}", links))
    for i, path in enumerate(arts):
        site.page(path, article_html(f"Bài {i}", f"Nội dung bài số {i} về Thái Nguyên.",
                                     links=["/tin-tuc", "/private/secret.html"]))
    # Traps: an endless calendar and a session-id link that must collapse.
    site.page("/", listing_html("Trang chủ", ["/tin-tuc", "/lich-cong-tac?month=1&year=2030",
                                              "/tin-tuc?PHPSESSID=abc", "/search?q=x", "/tin-tuc#top"],
                                extra_head='<link rel="alternate" type="application/rss+xml" href="/rss">'))
    site.page("/private/secret.html", article_html("Secret", "should never be fetched"))
    site.page("/sitemap-news.xml",
              "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
              f"<url><loc>{site.url('/sm/only-in-sitemap.html')}</loc><lastmod>2025-10-01</lastmod></url>"
              "</urlset>", ctype="application/xml")
    site.page("/sm/only-in-sitemap.html", article_html("Sitemap bài", "Chỉ có trong sitemap."))
    site.page("/rss", "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
              f"<item><title>x</title><link>{site.url('/feed/only-in-feed.html')}</link>"
              "<pubDate>Wed, 01 Oct 2025 08:00:00 +0700</pubDate></item></channel></rss>",
              ctype="application/rss+xml; charset=utf-8")
    site.page("/feed/only-in-feed.html", article_html("Feed bài", "Chỉ có trong RSS."))
    return arts + ["/sm/only-in-sitemap.html", "/feed/only-in-feed.html"]


def test_small_site_is_crawled_completely(site: Site, tmp_path: Path) -> None:
    expected = build_portal(site)
    sink = MemorySink()
    seen: list[CrawlProgress] = []
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
                    progress=seen.append, user_agent="govsearch-test/1.0 (+https://example.org/contact)", **FAST)
    assert set(sink.docs) == {site.url(p) for p in expected}
    assert summary.articles_indexed == len(expected)
    assert summary.problems == [], summary.problems
    assert summary.queue_length == 0
    paths = site.paths()
    # Each page fetched once; robots.txt once; disallowed and trap URLs never.
    assert all(paths.count(p) == 1 for p in set(paths)), sorted(paths)
    assert "/private/secret.html" not in paths
    assert not any("lich-cong-tac" in p or "search" in p or "PHPSESSID" in p for p in paths)
    assert paths[0] == "/robots.txt"
    assert all(h.headers["user-agent"] == "govsearch-test/1.0 (+https://example.org/contact)" for h in site.hits)
    assert seen and seen[-1].articles_indexed == len(expected)
    assert seen[-1].pages_fetched == summary.pages_fetched
    assert (tmp_path / "crawl.sqlite").exists()


def test_max_pages_stops_and_next_run_continues(site: Site, tmp_path: Path) -> None:
    expected = build_portal(site)
    sink = MemorySink()
    first = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, max_pages=5, **FAST)
    assert first.pages_fetched == 5
    assert first.queue_length > 0
    second = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert set(sink.docs) == {site.url(p) for p in expected}
    assert first.pages_fetched + second.pages_fetched == len(set(site.paths())) - 1  # minus robots.txt
    assert all(n == 1 for n in (site.paths().count(p) for p in set(site.paths())))


def test_portal_patterns_and_host_cap(site: Site, tmp_path: Path) -> None:
    """An endless pagination trap is cut by the per-host cap."""
    site.robots("User-agent: *\nAllow: /\n")

    def endless(h):  # every page links to the next one, forever
        n = int(h.path.rsplit("-", 1)[1])
        h.send(200, listing_html(f"p{n}", [f"/list/page-{n + 1}", f"/a/{n}.html"]))

    site.fallback = lambda h: (endless(h) if h.path.startswith("/list/page-")
                               else h.send(200, article_html(h.path, "x")))
    portal = Portal(name="t", seeds=(site.url("/list/page-1"),), allowed_hosts=(site.netloc,),
                    article_patterns=(r"/a/\d+\.html$",), listing_patterns=(r"/list/page-\d+$",),
                    exclude_patterns=(r"/a/1\d\.html$",), max_pages=30)
    sink = MemorySink()
    summary = crawl(portals=[portal], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert summary.pages_fetched <= 31
    assert any(p.kind == "host-cap" for p in summary.problems)
    assert not any(u.endswith(("/a/10.html", "/a/11.html")) for u in sink.docs)


def test_two_crawls_on_one_state_file_are_refused(site: Site, tmp_path: Path) -> None:
    import pytest

    from govsearch.crawl import CrawlBusyError
    from govsearch.crawl.state import CrawlState

    site.robots("")
    held = CrawlState(tmp_path / "crawl.sqlite")
    try:
        with pytest.raises(CrawlBusyError):
            crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST)
    finally:
        held.close()
    assert crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST).pages_fetched


def test_state_file_from_the_future_is_refused(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    from govsearch.crawl import CrawlStateError
    from govsearch.crawl.state import CrawlState

    db = sqlite3.connect(tmp_path / "crawl.sqlite")
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(CrawlStateError):
        CrawlState(tmp_path / "crawl.sqlite")
    CrawlState(tmp_path / "other.sqlite").close()  # a fresh file is fine


def test_deep_pagination_without_patterns_reaches_every_article(site: Site, tmp_path: Path) -> None:
    """Page 30 of an archive is 30 links from the home page; its articles must
    still be reached although no portal file describes the site."""
    site.robots("")
    pages = 30

    def listing(h):
        n = 1 if h.path == "/" else int(h.path.rsplit("-", 1)[1])
        links = [f"/bai/{n}-{k}.html" for k in range(2)] + ([f"/tin-tuc/trang-{n + 1}"] if n < pages else [])
        h.send(200, listing_html(f"trang {n}", links))
    site.route("/", listing)
    site.fallback = lambda h: (listing(h) if h.path.startswith("/tin-tuc/trang-")
                               else h.send(200, article_html(h.path, "x")) if h.path.startswith("/bai/")
                               else h.send(404, "no"))
    sink = MemorySink()
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert len(sink.docs) == 2 * pages
