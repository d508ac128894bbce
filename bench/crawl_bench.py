"""Crawl throughput against local portals, politeness off.

Run: python bench/crawl_bench.py [--hosts 4] [--articles 300] [--concurrency 16] [--per-host 4]
                                [--workers 2] [--batch 200] [--passes full,no-index,fetch,refresh]

A separate process serves `--hosts` synthetic Netsite/NukeViet-style portals
on 127.0.0.1 (listing pages of 20 teasers chained by /page-N, article pages of
~18 KB with menus, related links and a Vietnamese body), so the servers do not
compete with the crawler for the GIL. Three passes over fresh state:

  full      crawl + govsearch.extract + SearchEngine index (falls back to a
            trivial extractor / in-memory sink if those packages are missing,
            and says so)
  no-index  crawl + real extractor, articles dropped (what indexing costs)
  fetch     crawl + trivial extractor, articles dropped (the crawler alone)
  refresh   after a (silent) fetch pass, `crawl(refresh_articles=True)` on the
            same state: every URL asked again with If-None-Match, every one
            answering 304 (what revalidating a whole portal costs)

Reports pages/s (HTML pages fetched, robots/sitemap included) and articles/s
(for refresh: how many answered 304).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import re
import shutil
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from govsearch.article import Article  # noqa: E402
from govsearch.crawl import CrawlSummary, crawl  # noqa: E402

SEED_TEXT = ROOT.parent / "shared" / "pages" / "seed-thainguyen-dan-van.txt"
FALLBACK_TEXT = ("Công tác dân vận là công việc gian nan, kết quả khó định lượng, liên quan đến tâm tư, "
                 "thái độ tình cảm, nguyện vọng của Nhân dân. ") * 20
PER_LISTING = 20


def _paragraphs() -> list[str]:
    text = SEED_TEXT.read_text("utf-8") if SEED_TEXT.exists() else FALLBACK_TEXT
    paras = [p.strip() for p in text.split("\n") if len(p.strip()) > 80]
    return paras or [FALLBACK_TEXT]


def _chrome(n_links: int = 120) -> str:
    items = "".join(f'<li><a href="/news/chuyen-muc-{i % 12}/">Chuyên mục số {i} của cổng thông tin</a></li>'
                    for i in range(n_links))
    return f'<div id="header"><div class="top-clock">Hôm nay, ngày 26 tháng 11 năm 2026</div></div><nav><ul>{items}</ul></nav>'


class Portal:
    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.paras = _paragraphs()
        self.chrome = _chrome()
        self.pages = (articles + PER_LISTING - 1) // PER_LISTING

    def article(self, i: int) -> str:
        body = "".join(f"<p>{self.paras[(i + k) % len(self.paras)]} (bài {i}, đoạn {k})</p>" for k in range(6))
        related = "".join(f'<li><a href="/news/tin-tuc/bai-viet-so-{(i + k) % self.articles}-{(i + k) % self.articles}.html">'
                          f"Tin liên quan {k}</a></li>" for k in range(1, 6))
        title = f"Hội nghị tổng kết công tác dân vận số {i} năm 2025"
        return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
                f'<link rel="canonical" href="/news/tin-tuc/bai-viet-so-{i}-{i}.html">'
                f'<meta name="generator" content="NukeViet v4.5"></head><body>{self.chrome}'
                f'<div class="news_column"><h1 class="title">{title}</h1>'
                f'<span class="h5">Thứ tư - {1 + i % 28:02d}/10/2025 08:{i % 60:02d}</span>'
                f'<div class="hometext">Sáng nay, Ban Dân vận Tỉnh ủy tổ chức hội nghị số {i}.</div>'
                f'<div id="news-bodyhtml" class="bodytext">{body}</div>'
                f'<p class="h5 text-right"><strong>Tác giả bài viết: </strong>Hoàng Minh</p></div>'
                f'<ul class="related">{related}</ul><div id="footer">Bản quyền thuộc UBND tỉnh</div></body></html>')

    def listing(self, n: int) -> str:
        start = (n - 1) * PER_LISTING
        items = "".join(f'<li><a href="/news/tin-tuc/bai-viet-so-{i}-{i}.html">Bài viết số {i}</a> '
                        f'<em>(0{1 + i % 9}/10/2025)</em></li>' for i in range(start, min(start + PER_LISTING, self.articles)))
        nxt = f'<a href="/news/tin-tuc/page-{n + 1}">Trang sau</a>' if n < self.pages else ""
        return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin tức - trang {n}</title>'
                f'</head><body>{self.chrome}<ul class="list">{items}</ul>{nxt}</body></html>')


_ARTICLE = re.compile(r"^/news/tin-tuc/bai-viet-so-(\d+)-\d+\.html$")


def _serve(n_hosts: int, articles: int, ports: mp.Queue[int]) -> None:
    portal = Portal(articles)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            ctype = "text/html; charset=utf-8"
            if path == "/robots.txt":
                body, ctype = "User-agent: *\nDisallow: /admin/\n", "text/plain"
            elif path in ("/", "/news/tin-tuc/"):
                body = portal.listing(1)
            elif path.startswith("/news/chuyen-muc-"):
                body = portal.listing(1 + int(path.split("-")[-1].strip("/")) % portal.pages)
            elif path.startswith("/news/tin-tuc/page-"):
                body = portal.listing(int(path.rsplit("-", 1)[1]))
            elif (m := _ARTICLE.match(path)) and int(m.group(1)) < articles:
                body = portal.article(int(m.group(1)))
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode("utf-8")
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    for _ in range(n_hosts):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        ports.put(srv.server_address[1])
    threading.Event().wait()


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def trivial_extract(html: bytes | str, url: str) -> Article | None:
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    m = _H1.search(text)
    return Article(url=url, title=m.group(1), body=text[:2000]) if m else None


class NullSink:
    def __init__(self) -> None:
        self.n = 0

    def add_many(self, articles: list[Article]) -> int:
        self.n += len(articles)
        return len(articles)


def run_pass(label: str, seeds: list[str], extract, sink, index_dir: Path, args: argparse.Namespace,
             quiet: bool = False, **extra) -> CrawlSummary:
    t0 = time.perf_counter()
    kwargs = dict(index_dir=index_dir, delay=0, per_host=args.per_host, concurrency=args.concurrency,
                  timeout=10, retries=1, backoff=0.05, extract=extract, workers=args.workers,
                  batch_size=args.batch, **extra)
    if sink is not None:
        kwargs["sink"] = sink
    summary = crawl(seeds, **kwargs)
    wall = time.perf_counter() - t0
    if not quiet:
        print(f"{label:<10} {summary.pages_fetched:>6} pages {summary.articles_indexed:>6} articles "
              f"{wall:7.2f} s  {summary.pages_fetched / wall:7.1f} pages/s  {summary.articles_indexed / wall:7.1f} articles/s"
              + (f"  304: {summary.not_modified}" if summary.refresh else "")
              + (f"  problems: {len(summary.problems)}" if summary.problems else ""))
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hosts", type=int, default=4)
    ap.add_argument("--articles", type=int, default=300, help="articles per host")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--per-host", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2, help="extraction processes (0: threads)")
    ap.add_argument("--batch", type=int, default=200, help="articles per hand-over to the index")
    ap.add_argument("--passes", default="full,no-index,fetch,refresh")
    args = ap.parse_args()

    ports: mp.Queue[int] = mp.Queue()
    server = mp.Process(target=_serve, args=(args.hosts, args.articles, ports), daemon=True)
    server.start()
    seeds = [f"http://127.0.0.1:{ports.get(timeout=10)}/" for _ in range(args.hosts)]

    try:
        from govsearch.extract import extract as real_extract
        extract_note = "govsearch.extract.extract"
    except ImportError:
        real_extract, extract_note = trivial_extract, "TRIVIAL extractor (govsearch.extract missing)"
    try:
        from govsearch import SearchEngine  # noqa: F401
        index_note = "SearchEngine (Whoosh) index"
        real_sink = None
    except ImportError:
        index_note, real_sink = "IN-MEMORY sink (SearchEngine missing)", NullSink()

    print(f"{args.hosts} hosts x {args.articles} articles, concurrency {args.concurrency}, "
          f"{args.per_host} connections per host, delay 0, {args.workers} extraction processes; {mp.cpu_count()} CPUs")
    print(f"full pass: {extract_note} -> {index_note}")
    tmp = Path(tempfile.mkdtemp(prefix="govsearch-crawl-bench-"))
    try:
        for label in args.passes.split(","):
            d = tmp / label
            if label == "full":
                run_pass(label, seeds, real_extract, real_sink, d, args)
            elif label == "no-index":
                run_pass(label, seeds, real_extract, NullSink(), d, args)
            elif label == "fetch":
                run_pass(label, seeds, trivial_extract, NullSink(), d, args)
            elif label == "refresh":
                run_pass(label, seeds, trivial_extract, NullSink(), d, args, quiet=True)
                run_pass(label, seeds, trivial_extract, NullSink(), d, args, refresh_articles=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        server.terminate()


if __name__ == "__main__":
    main()
