"""Crash safety: a crawl killed at any moment resumes without losing or
duplicating anything. The crawl runs in a child process; the server counts
completed responses and, for the deterministic cases, kills the child itself."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from .server import Handler, Site, article_html, listing_html

CHILD = Path(__file__).with_name("crawl_child.py")
N_ARTICLES = 30


class Portal:
    """Listing pages (5 articles each, chained by page-N) and articles; logs
    each response only once it has been completely written."""

    def __init__(self, site: Site, latency: float = 0.0) -> None:
        self.site = site
        self.latency = latency
        self.completed: list[str] = []
        self.kill_after: int | None = None   # SIGKILL the child when this many pages have completed
        self.child: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        site.fallback = self.serve

    def serve(self, h: Handler) -> None:
        with self.lock:
            pages_done = sum(1 for p in self.completed if p != "/robots.txt")
            if self.kill_after is not None and pages_done >= self.kill_after and self.child is not None:
                # Die mid-request: this response is never delivered.
                os.kill(self.child.pid, signal.SIGKILL)
                self.child.wait()
                self.kill_after = None
                return
        if self.latency:
            time.sleep(self.latency)
        path = h.path
        if path == "/" or path.startswith("/page-"):
            n = 1 if path == "/" else int(path.split("-")[1])
            links = [f"/bai-{i}.html" for i in range((n - 1) * 5, min(n * 5, N_ARTICLES))]
            if n * 5 < N_ARTICLES:
                links.append(f"/page-{n + 1}")
            body = listing_html(f"Trang {n}", links)
        elif path.startswith("/bai-"):
            i = int(path[5:].split(".")[0])
            body = article_html(f"Bài {i}", f"Nội dung bài {i}")
        elif path == "/robots.txt":
            h.send(200, "User-agent: *\nAllow: /\n", ctype="text/plain")
            with self.lock:
                self.completed.append(path)
            return
        else:
            h.send(404, "no")
            with self.lock:
                self.completed.append(path)
            return
        h.send(200, body)
        with self.lock:
            self.completed.append(path)

    def spawn(self, tmp: Path, batch: int = 3, per_host: int = 1) -> subprocess.Popen[bytes]:
        self.child = subprocess.Popen(
            [sys.executable, str(CHILD), str(tmp / "state"), str(tmp / "sink.sqlite"), self.site.url("/"),
             str(batch), str(per_host)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self.child


def sink_contents(tmp: Path) -> tuple[set[str], Counter[str]]:
    db = sqlite3.connect(tmp / "sink.sqlite")
    docs = {u for (u,) in db.execute("SELECT url FROM docs")}
    deliveries = Counter(u for (u,) in db.execute("SELECT url FROM deliveries"))
    db.close()
    return docs, deliveries


def finish(portal: Portal, tmp: Path) -> dict:
    child = portal.spawn(tmp)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


def expected_urls(site: Site) -> set[str]:
    return {site.url(f"/bai-{i}.html") for i in range(N_ARTICLES)}


def test_kill_9_at_chosen_moments_then_resume(site: Site, tmp_path: Path) -> None:
    portal = Portal(site)
    for kill_after in (4, 11, 23):
        portal.kill_after = kill_after
        child = portal.spawn(tmp_path)
        child.communicate(timeout=60)
        assert child.returncode == -signal.SIGKILL
    result = finish(portal, tmp_path)
    assert result["queue"] == 0 and result["problems"] == []
    docs, deliveries = sink_contents(tmp_path)
    assert docs == expected_urls(site)
    assert all(n == 1 for n in deliveries.values()), deliveries   # each article handed over exactly once
    counts = Counter(portal.completed)
    assert all(n == 1 for n in counts.values()), counts          # no page (nor robots.txt) fetched twice
    assert len(counts) == N_ARTICLES + 6 + 1 + 1                 # articles, listings, robots.txt, sitemap.xml


def test_kill_9_at_random_moments_then_resume(site: Site, tmp_path: Path) -> None:
    portal = Portal(site, latency=0.01)
    rng = random.Random(os.getpid())
    for _ in range(3):
        before = len(portal.completed)
        child = portal.spawn(tmp_path, batch=4, per_host=2)
        # Let it get a random distance into the work, then a random bit more,
        # so the kill lands anywhere: mid-request, mid-extract, mid-sink, mid-commit.
        target = before + rng.randint(2, 9)
        deadline = time.monotonic() + 20
        while len(portal.completed) < target and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.02))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
    finish(portal, tmp_path)
    docs, deliveries = sink_contents(tmp_path)
    assert docs == expected_urls(site)                           # nothing lost
    assert all(n == 1 for n in deliveries.values()), deliveries  # nothing indexed twice
    # A response the server completed just before the kill may not have been
    # recorded yet; at most the requests in flight (2 per kill) are repeated.
    repeats = sum(n - 1 for n in Counter(portal.completed).values())
    assert repeats <= 2 * 3


def test_ctrl_c_stops_gracefully_and_resumes(site: Site, tmp_path: Path) -> None:
    portal = Portal(site, latency=0.02)
    child = portal.spawn(tmp_path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(portal.completed) < 8:
        time.sleep(0.01)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err.decode()
    first = json.loads(out.decode().strip().splitlines()[-1])
    assert first["interrupted"] and first["queue"] > 0
    docs_after_stop, _ = sink_contents(tmp_path)
    assert len(docs_after_stop) == first["articles"]  # everything extracted was handed over before exiting
    finish(portal, tmp_path)
    docs, deliveries = sink_contents(tmp_path)
    assert docs == expected_urls(site)
    assert all(n == 1 for n in deliveries.values())
    assert all(n == 1 for n in Counter(portal.completed).values())


def test_ctrl_c_does_not_wait_out_a_long_retry_after(site: Site, tmp_path: Path) -> None:
    site.robots("")
    site.page("/", listing_html("home", ["/busy.html"]))
    site.page("/busy.html", "later", status=429, headers={"Retry-After": "60"})
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(tmp_path / "state"), str(tmp_path / "sink.sqlite"), site.url("/")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while "/busy.html" not in site.paths() and time.monotonic() < deadline:
        time.sleep(0.01)
    t0 = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err.decode()
    assert time.monotonic() - t0 < 9
    assert json.loads(out.decode().strip().splitlines()[-1])["interrupted"]
