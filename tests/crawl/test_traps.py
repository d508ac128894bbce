"""Crawl traps and odd encodings, against real local servers: endless
pagination, gzipped sitemaps, UTF-16 without a BOM, over-long URLs, and
articles indexed with fields missing."""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from pathlib import Path

from govsearch.article import Article
from govsearch.crawl import crawl

from .conftest import FAST, MemorySink, tiny_extract
from .server import Handler, Site, article_html, listing_html


def page_of(path: str) -> int:
    m = re.search(r"page=(\d+)", path)
    return int(m.group(1)) if m else 1


def test_endless_pagination_of_identical_pages_stops_early(site: Site, tmp_path: Path) -> None:
    site.robots("")
    arts = [f"/bai-{i}.html" for i in range(5)]

    def listing(h: Handler) -> None:
        n = page_of(h.path)
        pager = [f"/tin-tuc?page={k}" for k in range(n + 1, n + 6)]  # a pager window, like real CMSs
        h.send(200, listing_html(f"Tin tức trang {n}", ["/", "/gioi-thieu"] + arts + pager))

    site.route("/tin-tuc", listing)
    for i, p in enumerate(arts):
        site.page(p, article_html(f"Bài {i}", f"Nội dung {i}"))
    site.page("/gioi-thieu", listing_html("Giới thiệu", []))
    sink = MemorySink()
    summary = crawl([site.url("/tin-tuc")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
                    max_pages=500, **FAST)
    pages = [page_of(p) for p in site.paths() if p.startswith("/tin-tuc")]
    assert max(pages) <= 6, sorted(pages)  # page 1's pager window, and not one page further
    assert summary.articles_indexed == 5
    stopped = [p for p in summary.problems if p.kind == "pagination-stopped"]
    assert len(stopped) == 1 and "added no new links" in stopped[0].detail


def test_a_real_archive_is_paged_to_its_end_even_after_its_sitemap(site: Site, tmp_path: Path) -> None:
    # 30 archive pages of 3 new articles each; the sitemap lists them all
    # first, which must not make the listings look like they add nothing.
    every = [f"/bai-{i}.html" for i in range(90)]
    site.robots(f"Sitemap: {site.url('/sm.xml')}\n")
    site.page("/sm.xml", "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
              + "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in every) + "</urlset>",
              ctype="application/xml")

    def listing(h: Handler) -> None:
        n = page_of(h.path)
        nxt = [f"/luu-tru?page={n + 1}"] if n < 30 else []
        h.send(200, listing_html(f"Lưu trữ {n}", ["/"] + every[(n - 1) * 3:n * 3] + nxt))

    site.route("/luu-tru", listing)
    site.page("/", listing_html("home", []))
    site.fallback = lambda h: h.send(200, article_html(h.path, "Nội dung"))
    sink = MemorySink()
    crawl([site.url("/luu-tru")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert max(page_of(p) for p in site.paths() if p.startswith("/luu-tru")) == 30
    assert len(sink.docs) == 90


def urlset(site: Site, paths: list[str], padding: bytes = b"") -> bytes:
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return (f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}".encode()
            + padding + b"</urlset>")


def test_gzipped_sitemaps_are_fetched_and_read(site: Site, tmp_path: Path) -> None:
    site.robots(f"Sitemap: {site.url('/sitemap_index.xml.gz')}\n")
    index = ("<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<sitemap><loc>{site.url('/sitemap-1.xml.gz')}</loc></sitemap></sitemapindex>")
    site.page("/sitemap_index.xml.gz", gzip.compress(index.encode()), ctype="application/x-gzip")
    site.page("/sitemap-1.xml.gz", gzip.compress(urlset(site, ["/a.html", "/b.html"])), ctype="application/gzip")
    site.page("/", listing_html("home", []))  # the articles are linked from nowhere else
    site.page("/a.html", article_html("A", "a"))
    site.page("/b.html", article_html("B", "b"))
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert sorted(sink.docs) == [site.url("/a.html"), site.url("/b.html")]
    assert summary.errors == 0, summary.problems


def test_a_gzipped_sitemap_is_read_only_up_to_the_cap(site: Site, tmp_path: Path) -> None:
    # 51 MB unpacked (about 50 KB on the wire): the URLs in the first 50 MB
    # count, the rest is not unpacked, and the operator is told.
    chunk = b" " * (1024 * 1024) + b"<!---->"
    body = gzip.compress(urlset(site, ["/a.html"], padding=chunk * 51), compresslevel=9)
    assert len(body) < 1024 * 1024
    site.robots(f"Sitemap: {site.url('/sitemap.xml.gz')}\n")
    site.page("/sitemap.xml.gz", body, ctype="application/x-gzip")
    site.page("/", listing_html("home", []))
    site.page("/a.html", article_html("A", "a"))
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert list(sink.docs) == [site.url("/a.html")]
    big = [p for p in summary.problems if p.kind == "too-large"]
    assert len(big) == 1 and big[0].url == site.url("/sitemap.xml.gz") and "50 MB" in big[0].detail


def bare_html(title: str, body: str) -> str:
    # No <meta charset>: the bytes are all there is to go on.
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"


def test_utf16_without_bom_or_charset_is_decoded(site: Site, tmp_path: Path) -> None:
    site.robots("")
    site.page("/", listing_html("home", ["/le.html", "/be.html", "/utf32.html"]))
    site.page("/le.html", bare_html("Hội nghị tổng kết", "Ủy ban nhân dân tỉnh").encode("utf-16-le"), ctype="text/html")
    site.page("/be.html", bare_html("Thông báo kết luận", "Sở Nội vụ").encode("utf-16-be"), ctype="text/html")
    # UTF-32 without a BOM is nothing anyone should serve: reported, not dropped in silence.
    site.page("/utf32.html", bare_html("Bốn byte", "mỗi ký tự").encode("utf-32-le"), ctype="text/html")
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert sink.docs[site.url("/le.html")].title == "Hội nghị tổng kết"
    assert sink.docs[site.url("/le.html")].body == "Ủy ban nhân dân tỉnh"
    assert sink.docs[site.url("/be.html")].title == "Thông báo kết luận"
    bad = [p for p in summary.problems if p.kind == "undecodable"]
    assert [p.url for p in bad] == [site.url("/utf32.html")]
    assert any("undecodable" in line for line in summary.lines())


def test_a_link_dropped_for_its_length_is_reported(site: Site, tmp_path: Path) -> None:
    site.robots("")
    long_path = "/tin/" + "a" * 600 + ".html"
    site.page("/", listing_html("home", [long_path, "/ok.html"]))
    site.page("/ok.html", article_html("OK", "ok"))
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert long_path not in site.paths() and "/ok.html" in site.paths()
    dropped = [p for p in summary.problems if p.kind == "url-too-long"]
    assert len(dropped) == 1 and dropped[0].url.startswith(site.url("/tin/aaaa"))
    assert "dropped" in dropped[0].detail and "limit 400" in dropped[0].detail


_TIME = re.compile(r"<time>(.*?)</time>")
_BY = re.compile(r"<b class=author>(.*?)</b>")


def dated_extract(html: bytes | str, url: str) -> Article | None:
    base = tiny_extract(html, url)
    if base is None:
        return None
    text = html if isinstance(html, str) else html.decode()
    when = _TIME.search(text)
    by = _BY.search(text)
    return Article(url=base.url, title=base.title, body=base.body, author=by.group(1) if by else "",
                   published=datetime.fromisoformat(when.group(1)) if when else None)


def test_the_summary_names_articles_indexed_with_fields_missing(site: Site, tmp_path: Path) -> None:
    site.robots("")
    paths = ["/full.html", "/no-date.html", "/no-author.html"] + [f"/bare-{i}.html" for i in range(4)]
    site.page("/", listing_html("home", paths))
    site.page("/full.html", article_html("Đủ", "x <time>2025-10-01T08:00</time> <b class=author>Minh</b>"))
    site.page("/no-date.html", article_html("Không ngày", "x <b class=author>Lan</b>"))
    site.page("/no-author.html", article_html("Không tác giả", "x <time>2025-10-02T08:00</time>"))
    for i in range(4):
        site.page(f"/bare-{i}.html", article_html(f"Trống {i}", "x"))
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=dated_extract, sink=sink, **FAST)
    assert summary.articles_indexed == 7  # still indexed, with the field empty
    missing = {p.url: p.missing for p in summary.partial}
    assert site.url("/full.html") not in missing
    assert missing[site.url("/no-date.html")] == ("date",)
    assert missing[site.url("/no-author.html")] == ("author",)
    assert missing[site.url("/bare-0.html")] == ("date", "author")
    line = next(ln for ln in summary.lines() if "partial extraction" in ln)
    assert line.startswith(f"{site.netloc}: partial extraction: 6 articles indexed with fields empty "
                           "(no date: 5, no author: 5), e.g. ")
    assert line.endswith(" and 3 more")
