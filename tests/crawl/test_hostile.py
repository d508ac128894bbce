"""Servers that misbehave: the crawl must finish, stay polite and report each
problem exactly once."""

from __future__ import annotations

import threading
import time
import unicodedata
from pathlib import Path

from govsearch.crawl import crawl
from govsearch.crawl.portals import Portal

from .conftest import FAST, MemorySink, tiny_extract
from .server import Handler, Site, article_html, closed_port, listing_html, reset_connection

VI_TITLE = "Đại hội đại biểu Đảng bộ tỉnh Thái Nguyên lần thứ XX"


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode like a legacy Vietnamese page: precomposed base letters (â, ơ, đ)
    followed by a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m not in _TONES))
        out += (base + "".join(m for m in d[1:] if m in _TONES)).encode("cp1258")
    return bytes(out)


def kinds(summary) -> list[tuple[str, str]]:
    return sorted((p.kind, p.url.rsplit("/", 1)[-1]) for p in summary.problems)


def test_hostile_site(site: Site, tmp_path: Path) -> None:
    site.robots("User-agent: *\nAllow: /\n")
    pages = ["/ok.html", "/slow.html", "/flaky-500.html", "/always-500.html", "/reset-twice.html",
             "/always-reset.html", "/loop-a", "/huge-stream.html", "/huge-declared.html",
             "/wrong-charset.html", "/cp1258.html", "/image.png-like", "/missing.html", "/offsite"]
    site.page("/", listing_html("home", pages + ["/ok.html#again", "/ok.html?utm_source=x"]))
    site.page("/ok.html", article_html("OK", "fine"))

    def slow(h: Handler) -> None:
        time.sleep(1.5)
        h.send(200, article_html("slow", "too late"))
    site.route("/slow.html", slow)

    calls: dict[str, int] = {}

    def flaky(h: Handler) -> None:
        calls["flaky"] = calls.get("flaky", 0) + 1
        if calls["flaky"] <= 2:
            h.send(500, "oops")
        else:
            h.send(200, article_html("Flaky", "third time lucky"))
    site.route("/flaky-500.html", flaky)
    site.page("/always-500.html", "down", status=503)

    def reset_twice(h: Handler) -> None:
        calls["reset"] = calls.get("reset", 0) + 1
        if calls["reset"] <= 2:
            reset_connection(h)
        else:
            h.send(200, article_html("Reset", "survived resets"))
    site.route("/reset-twice.html", reset_twice)
    site.route("/always-reset.html", reset_connection)
    site.page("/loop-a", "", status=302, headers={"Location": "/loop-b"})
    site.page("/loop-b", "", status=301, headers={"Location": site.url("/loop-a")})

    sent = {"stream": 0}

    def huge_stream(h: Handler) -> None:
        # 50 MB with no Content-Length: only streaming can notice the size.
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Connection", "close")
        h.end_headers()
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        try:
            for _ in range(50 * 16):
                h.wfile.write(chunk)
                sent["stream"] += len(chunk)
        except OSError:
            pass
        h.close_connection = True
    site.route("/huge-stream.html", huge_stream)

    def huge_declared(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(50 * 1024 * 1024))
        h.end_headers()
        try:
            for _ in range(800):
                h.wfile.write(b"y" * 65536)
                sent["declared"] = sent.get("declared", 0) + 65536
        except OSError:
            pass
        h.close_connection = True
    site.route("/huge-declared.html", huge_declared)

    # Claims Latin-1, is UTF-8.
    site.page("/wrong-charset.html", article_html(VI_TITLE, "Nội dung tiếng Việt").encode("utf-8"),
              ctype="text/html; charset=iso-8859-1")
    # Legacy Vietnamese code page, declared only in <meta>; cp1258 writes tones as combining marks.
    legacy = article_html(VI_TITLE, "Nội dung").replace("<meta charset='utf-8'>",
                                                         "<meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>")
    site.page("/cp1258.html", to_cp1258(legacy), ctype="text/html")
    site.page("/image.png-like", b"\x89PNG\r\n", ctype="image/png")
    site.page("/offsite", "", status=302, headers={"Location": "https://example.invalid/elsewhere"})

    sink = MemorySink()
    t0 = time.monotonic()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
                    **{**FAST, "timeout": 0.5, "retries": 2, "max_bytes": 1024 * 1024})
    elapsed = time.monotonic() - t0
    assert elapsed < 15

    assert kinds(summary) == sorted([
        ("timeout", "slow.html"),
        ("http-error", "always-500.html"),
        ("connection-error", "always-reset.html"),
        ("redirect-loop", "loop-a"),
        ("too-large", "huge-stream.html"),
        ("too-large", "huge-declared.html"),
        ("http-error", "missing.html"),
    ]), summary.problems
    # Retried until success, then indexed.
    assert site.url("/flaky-500.html") in sink.docs and calls["flaky"] == 3
    assert site.url("/reset-twice.html") in sink.docs and calls["reset"] == 3
    assert site.count("/always-500.html") == 3 and site.count("/loop-a") == 1
    # The cap cut the downloads short: nowhere near 50 MB left the server.
    assert sent["stream"] < 12 * 1024 * 1024
    assert sent.get("declared", 0) < 12 * 1024 * 1024
    # Charset: the text came out right either way.
    assert sink.docs[site.url("/wrong-charset.html")].title == VI_TITLE
    assert sink.docs[site.url("/cp1258.html")].title == VI_TITLE
    assert site.count("/ok.html") == 1
    assert summary.errors == 7
    assert summary.skipped >= 2  # the PNG and the off-site redirect
    assert summary.queue_length == 0


def test_429_retry_after_is_honoured(site: Site, tmp_path: Path) -> None:
    site.robots("")
    state = {"n": 0}

    def limited(h: Handler) -> None:
        state["n"] += 1
        if state["n"] == 1:
            h.send(429, "slow down", headers={"Retry-After": "1"})
        else:
            h.send(200, article_html("Limited", "after waiting"))
    site.route("/a.html", limited)
    sink = MemorySink()
    summary = crawl([site.url("/a.html")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
                    **{**FAST, "backoff": 0.01})
    hits = [h.at for h in site.hits if h.path == "/a.html"]
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.95
    assert summary.problems == [] and site.url("/a.html") in sink.docs


def test_retry_after_is_capped(site: Site, tmp_path: Path) -> None:
    site.robots("")
    site.page("/a.html", "busy", status=429, headers={"Retry-After": "3600"})
    t0 = time.monotonic()
    summary = crawl([site.url("/a.html")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(),
                    **{**FAST, "retries": 1, "max_retry_after": 0.3})
    assert time.monotonic() - t0 < 3
    assert [(p.kind, p.detail) for p in summary.problems] == [("http-error", "HTTP 429")]


def test_robots_disallow_all(site: Site, site2: Site, tmp_path: Path) -> None:
    site.robots("User-agent: *\nDisallow: /\n")
    site.page("/", listing_html("home", ["/a.html"]))
    site2.robots("User-agent: govsearch\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    site2.page("/", listing_html("home", ["/a.html"]))
    summary = crawl([site.url("/"), site2.url("/")], index_dir=tmp_path, extract=tiny_extract,
                    sink=MemorySink(), user_agent="govsearch/0.1 (+https://example.org/bot)", **FAST)
    assert site.paths() == ["/robots.txt"]
    assert site2.paths() == ["/robots.txt"]
    assert sorted((p.host, p.kind) for p in summary.problems) == sorted(
        [(site.netloc, "robots-disallow-all"), (site2.netloc, "robots-disallow-all")])


def test_robots_partial_disallow_is_obeyed(site: Site, tmp_path: Path) -> None:
    site.robots("User-agent: *\nDisallow: /admin\n")
    site.page("/", listing_html("home", ["/admin/x.html", "/public.html"]))
    site.page("/public.html", article_html("P", "p"))
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST)
    assert "/admin/x.html" not in site.paths() and "/public.html" in site.paths()
    assert summary.problems == []


def test_crawl_delay_spaces_requests(site: Site, tmp_path: Path) -> None:
    site.robots("User-agent: *\nCrawl-delay: 0.3\n")
    links = [f"/a{i}.html" for i in range(5)]
    site.page("/", listing_html("home", links))
    for p in links:
        site.page(p, article_html(p, "x"))
    sink = MemorySink()
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
          **{**FAST, "per_host": 2, "concurrency": 8})
    times = sorted(h.at for h in site.hits if h.path != "/robots.txt" and not h.path.endswith(".xml"))
    assert len(times) == 6
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.299, gaps  # measured where it matters: at the server
    assert len(sink.docs) == 5


def test_unreachable_hosts_reported_once_and_crawl_ends(tmp_path: Path) -> None:
    port = closed_port()
    seeds = [f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/tin-tuc", "http://govsearch-test.invalid/",
             "http://govsearch-test.invalid/a.html"]
    t0 = time.monotonic()
    summary = crawl(seeds, index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST)
    assert time.monotonic() - t0 < 10
    assert sorted((p.host, p.kind) for p in summary.problems) == sorted(
        [(f"127.0.0.1:{port}", "unreachable"), ("govsearch-test.invalid", "unreachable")])
    lines = summary.lines()
    assert len(lines) == 3 and all("\n" not in ln for ln in lines)
    assert summary.pages_fetched == 0
    # Nothing was given up on: the next run will try these again.
    assert summary.queue_length == 4


def test_redirect_within_site_is_followed_and_recorded(site: Site, tmp_path: Path) -> None:
    site.robots("")
    site.page("/", listing_html("home", ["/old.html", "/new.html"]))
    site.page("/old.html", "", status=301, headers={"Location": "/new.html"})
    site.page("/new.html", article_html("New", "moved here"))
    sink = MemorySink()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert list(sink.docs) == [site.url("/new.html")]
    assert site.count("/new.html") == 1  # the redirect target is not fetched again on its own
    assert summary.problems == []


def test_host_that_dies_mid_crawl(tmp_path: Path) -> None:
    site = Site().start()
    site.robots("")
    links = [f"/a{i}.html" for i in range(20)]
    site.page("/", listing_html("home", links))
    served = {"n": 0}

    def article(h: Handler) -> None:
        served["n"] += 1
        if served["n"] < 3:
            h.send(200, article_html(h.path, "x"))
            return
        # Last answer: close the kept-alive connection, then go away for good.
        h.send(200, article_html(h.path, "x"), headers={"Connection": "close"})
        h.close_connection = True
        threading.Thread(target=site.stop).start()
    for p in links:
        site.route(p, article)
    sink = MemorySink()
    t0 = time.monotonic()
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=sink,
                    **{**FAST, "per_host": 1})
    assert time.monotonic() - t0 < 10
    assert 3 <= len(sink.docs) <= 4
    assert [(p.host, p.kind, p.url) for p in summary.problems] == [(site.netloc, "unreachable", "")]
    assert summary.queue_length >= 10  # owed to the next run (the failed few are retried after 6 h)


def test_robots_server_error_keeps_out(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "busy", status=503)
    site.page("/", listing_html("home", ["/a.html"]))
    summary = crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST)
    assert set(site.paths()) == {"/robots.txt"}
    assert [(p.kind, p.url) for p in summary.problems] == [("robots-unavailable", "")]


def test_endless_unknown_links_are_bounded_by_depth(site: Site, tmp_path: Path) -> None:
    """A trap no pattern recognises (a calendar under an unusual name): each
    page links to the "next" one forever."""
    site.robots("")
    site.fallback = lambda h: h.send(200, listing_html(h.path, [f"/su-kien/ky-{int(h.path.rsplit('-', 1)[-1]) + 1}"]))
    summary = crawl([site.url("/su-kien/ky-0")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(), **FAST)
    assert 5 <= summary.pages_fetched <= 9
    assert summary.queue_length == 0


def test_redirect_to_another_allowed_host(site: Site, site2: Site, tmp_path: Path) -> None:
    """www.-style moves: the target host's own robots.txt is read first and its
    politeness applies."""
    site.robots("")
    site2.robots("User-agent: *\nDisallow: /private/\n")
    site.page("/", listing_html("home", ["/moved.html", "/moved-private.html"]))
    site.page("/moved.html", "", status=301, headers={"Location": site2.url("/new.html")})
    site.page("/moved-private.html", "", status=301, headers={"Location": site2.url("/private/x.html")})
    site2.page("/new.html", article_html("Moved", "here now"))
    portal = Portal(name="two hosts", seeds=(site.url("/"),), allowed_hosts=(site.netloc, site2.netloc))
    sink = MemorySink()
    summary = crawl(portals=[portal], index_dir=tmp_path, extract=tiny_extract, sink=sink, **FAST)
    assert list(sink.docs) == [site2.url("/new.html")]
    assert site2.paths()[0] == "/robots.txt" and "/private/x.html" not in site2.paths()
    assert summary.problems == []


def test_429_holds_back_the_whole_host(site: Site, tmp_path: Path) -> None:
    site.robots("")
    site.page("/", listing_html("home", [f"/a{i}.html" for i in range(4)]))
    state = {"limited": False}

    def page(h: Handler) -> None:
        if h.path == "/a0.html" and not state["limited"]:
            state["limited"] = True
            h.send(429, "slow down", headers={"Retry-After": "1"})
        else:
            h.send(200, article_html(h.path, "x"))
    for i in range(4):
        site.route(f"/a{i}.html", page)
    crawl([site.url("/")], index_dir=tmp_path, extract=tiny_extract, sink=MemorySink(),
          **{**FAST, "per_host": 2})
    articles = [h for h in site.hits if h.path.startswith("/a")]
    assert len(articles) == 5, [h.path for h in articles]  # four pages and the one retry
    first_429 = next(h.at for h in articles if h.path == "/a0.html")
    later = [h.at - first_429 for h in articles if h.at > first_429]
    # Only the request already in flight on the second connection may arrive
    # during the pause (it may also have arrived just before the 429);
    # nothing new is started until Retry-After has passed.
    assert sum(1 for t in later if t < 0.95) <= 1, later
    assert sum(1 for t in later if t >= 0.95) >= 3, later
