from __future__ import annotations

import gzip
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

from govsearch.crawl import crawl
from govsearch.crawl.discover import (as_datetime, decode_html, decode_page, gunzip_bounded, page_links, parse_xml,
                                      sniff_utf16)

from .conftest import FAST, MemorySink, tiny_extract
from .server import Site, article_html, listing_html
from .test_hostile import to_cp1258

VI = "Công tác dân vận: kiên trì, không nóng vội"


def test_decode_html_variants() -> None:
    utf8 = f"<html><head><title>{VI}</title></head></html>".encode()
    assert VI in decode_html(utf8, "text/html; charset=utf-8")
    assert VI in decode_html(utf8, "text/html; charset=ISO-8859-1")          # wrong label
    assert VI in decode_html(b"\xef\xbb\xbf" + utf8, "")                      # BOM
    legacy = to_cp1258(f"<meta charset='windows-1258'><title>{VI}</title>")
    out = decode_html(legacy, "text/html")                                     # label only in <meta>
    assert VI in out and unicodedata.is_normalized("NFC", out)
    assert VI in decode_html(legacy, "text/html; charset=utf-8")              # header lies, meta is right
    assert VI in decode_html(to_cp1258(f"<title>{VI}</title>"), "")           # no label at all
    assert "ti\ufffd" not in decode_html(b"<p>ti\xe1\xba\xbfng Vi\xe1\xbb\x87t</p>", "text/html")


def test_utf16_without_bom_is_recognised_and_nuls_are_refused() -> None:
    html = f"<html><head><title>{VI}</title></head><body><p>{VI}</p></body></html>"
    assert sniff_utf16(html.encode("utf-16-le")) == "utf-16-le"
    assert sniff_utf16(html.encode("utf-16-be")) == "utf-16-be"
    assert sniff_utf16(html.encode("utf-8")) is None
    assert sniff_utf16(to_cp1258(html)) is None
    text, problem = decode_page(html.encode("utf-16-le"), "text/html")
    assert problem is None and VI in text
    text, problem = decode_page(b"\xff\xfe" + html.encode("utf-16-le"), "text/html")  # with its BOM
    assert problem is None and VI in text
    _, problem = decode_page(html.encode("utf-32-le"), "text/html")
    assert problem and "NUL" in problem


def test_gunzip_is_bounded() -> None:
    data = b"<urlset>" + b" " * 5000 + b"</urlset>"
    assert gunzip_bounded(gzip.compress(data)) == (data, False)
    assert gunzip_bounded(data) == (data, False)          # not gzip: as it is
    out, truncated = gunzip_bounded(gzip.compress(data), limit=1000)
    assert truncated and out == data[:1000]
    assert gunzip_bounded(b"\x1f\x8bnot really gzip") == (b"\x1f\x8bnot really gzip", False)


def test_page_links() -> None:
    html = """<html><head><base href="/tin-tuc/">
      <link rel="canonical" href="http://A.vn:80/tin-tuc/bai-1.html?utm_source=x">
      <link rel="alternate" type="application/rss+xml" href="/rss/tin-moi.rss">
      <link rel="alternate" hreflang="en" href="/en/">
      </head><body>
      <a href="bai-2.html#comments">2</a><a href="bai-2.html">dup</a>
      <a href="javascript:void(0)">js</a><a href="mailto:x@a.vn">mail</a><a href="#top">top</a>
      <a href="https://other.vn/x" rel="nofollow">nf</a><a href="https://other.vn/y">ext</a>
      <area href="/map.html"></body></html>"""
    out = page_links(html, "http://a.vn/tin-tuc/bai-1.html")
    assert out.canonical == "http://a.vn/tin-tuc/bai-1.html"
    assert out.feeds == ["http://a.vn/rss/tin-moi.rss"]
    assert out.links == ["http://a.vn/tin-tuc/bai-2.html", "https://other.vn/y", "http://a.vn/map.html"]
    assert page_links("", "http://a.vn/").links == []


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def test_parse_sitemaps_and_feeds() -> None:
    idx = (f"<?xml version='1.0'?><sitemapindex xmlns='{SITEMAP_NS}'><sitemap><loc>/sm-1.xml.gz</loc>"
           "<lastmod>2025-10-01T08:00:00+07:00</lastmod></sitemap></sitemapindex>").encode()
    d = parse_xml(idx, "https://a.vn/sitemap.xml")
    assert d.kind == "sitemapindex" and d.entries[0].url == "https://a.vn/sm-1.xml.gz"
    assert d.entries[0].date == datetime(2025, 10, 1, 1, 0, tzinfo=timezone.utc)
    urlset = gzip.compress((f"<urlset xmlns='{SITEMAP_NS}'><url><loc>https://a.vn/b-1.html</loc>"
                            "<lastmod>2025-09-30</lastmod></url><url><loc>https://a.vn/b-2.html</loc></url>"
                            "</urlset>").encode())
    d = parse_xml(urlset, "https://a.vn/sm-1.xml.gz")
    assert d.kind == "sitemap" and [e.url for e in d.entries] == ["https://a.vn/b-1.html", "https://a.vn/b-2.html"]
    assert d.entries[0].date is not None and d.entries[1].date is None
    atom = (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><link rel='alternate' href='/c-1.html'/>"
            b"<updated>2025-10-02T10:00:00Z</updated></entry></feed>")
    d = parse_xml(atom, "https://a.vn/atom")
    assert d.kind == "feed" and d.entries[0].url == "https://a.vn/c-1.html" and d.entries[0].date is not None
    rss = (b"<rss><channel><item><title>x</title><link> https://a.vn/d-1.html </link>"
           b"<pubDate>Thu, 02 Oct 2025 10:00:00 +0700</pubDate></item>"
           b"<item><guid>https://a.vn/d-2.html</guid></item></channel></rss>")
    d = parse_xml(rss, "https://a.vn/rss")
    assert [e.url for e in d.entries] == ["https://a.vn/d-1.html", "https://a.vn/d-2.html"]
    assert parse_xml(b"https://a.vn/e-1.html\nhttps://a.vn/e-2.html\n", "https://a.vn/s.txt").kind == "sitemap"
    assert parse_xml(b"<html><body>not xml</body></html>", "https://a.vn/").kind == "unknown"
    # No external entities, no network: a hostile XML document is just parsed.
    evil = (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
            b"<urlset><url><loc>https://a.vn/&e;</loc></url></urlset>")
    assert "root:" not in str([e.url for e in parse_xml(evil, "https://a.vn/").entries])


def test_as_datetime() -> None:
    assert as_datetime("2025-10-01") == datetime(2025, 10, 1, tzinfo=timezone(timedelta(hours=7)))
    assert as_datetime(None) is None


def test_since_filters_sitemap_feed_and_articles(site: Site, tmp_path: Path) -> None:
    site.robots(f"Sitemap: {site.url('/sitemap.xml')}\n")
    site.page("/sitemap.xml", (f"<urlset xmlns='{SITEMAP_NS}'>"
                               f"<url><loc>{site.url('/new-1.html')}</loc><lastmod>2025-10-05</lastmod></url>"
                               f"<url><loc>{site.url('/old-1.html')}</loc><lastmod>2020-01-01</lastmod></url>"
                               "</urlset>"), ctype="application/xml")
    site.page("/", listing_html("home", ["/undated.html"]))
    site.page("/new-1.html", article_html("new", "x"))
    site.page("/old-1.html", article_html("old", "x"))
    site.page("/undated.html", article_html("undated", "x"))

    def dated(html: bytes | str, url: str):
        a = tiny_extract(html, url)
        if a is not None and "undated" in url:
            a.published = datetime(2019, 5, 1)  # an old article found through a listing
        return a

    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=dated, sink=sink, since="2025-01-01", **FAST)
    assert "/old-1.html" not in site.paths()                  # never fetched: the sitemap said it is old
    assert set(sink.docs) == {site.url("/new-1.html")}       # fetched, but published before --since
    assert summary.skipped == 1


def test_worker_processes(site: Site, tmp_path: Path) -> None:
    site.robots("")
    site.page("/", listing_html("home", [f"/a{i}.html" for i in range(6)]))
    for i in range(6):
        site.page(f"/a{i}.html", article_html(f"A{i}", "x"))
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, workers=2, **FAST)
    assert len(sink.docs) == 6 and summary.problems == []


def test_summary_lines_group_many_page_problems() -> None:
    from govsearch.crawl import CrawlSummary, Problem
    s = CrawlSummary(pages_fetched=10, problems=[Problem("a.vn", "http-error", "HTTP 404", f"https://a.vn/{i}")
                                                 for i in range(50)] + [Problem("b.vn", "unreachable", "DNS lookup failed")])
    lines = s.lines()
    assert len(lines) == 3
    assert lines[1].startswith("a.vn: http-error: 50 pages, e.g. HTTP 404 (https://a.vn/0)")
    assert lines[2] == "b.vn: unreachable: DNS lookup failed"
