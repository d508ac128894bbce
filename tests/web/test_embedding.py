"""govsearch as embedders meet it: the example app, threads sharing one engine, processes sharing one index."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from govsearch import Article, IndexLockedError, SearchEngine
from govsearch.web import create_app

from .conftest import TestClient, free_port
from .data import web_articles

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "embed_fastapi.py"


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise RuntimeError(f"{url} did not come up: {out}")
        time.sleep(0.1)


def test_example_app_runs(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, str(EXAMPLE), "--index", str(tmp_path / "ix"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_up(base + "/search?q=x", proc)
        found = httpx.get(base + "/search", params={"q": "dan van kheo"}).json()
        assert found["total"] == 2 and found["did_you_mean"] == "dân vận khéo"
        assert "<mark>" in found["items"][0]["excerpt_html"]
        posted = httpx.post(base + "/articles", json={
            "url": "https://xaanphu.gov.vn/tin/4", "title": "Chuyển đổi số ở xã An Phú",
            "body": "Xã An Phú triển khai chuyển đổi số, dịch vụ công trực tuyến."})
        assert posted.status_code == 201 and posted.json()["documents"] == 4
        # searchable as soon as the POST has returned
        assert httpx.get(base + "/search", params={"q": "chuyen doi so"}).json()["total"] == 1
        # govsearch's own page, mounted under a prefix: links and CSS resolve under it
        page = httpx.get(base + "/tim-kiem/", params={"q": "dân vận"})
        assert page.status_code == 200 and "<mark>dân</mark>" in page.text
        css = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text)[1]
        assert "/tim-kiem/static/" in css and httpx.get(css).status_code == 200
        assert httpx.get(base + "/tim-kiem/api/search", params={"q": "tiếp công dân"}).json()["total"] == 1
    finally:
        proc.terminate()
        proc.wait(10)


def test_many_threads_search_while_another_adds(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(web_articles())
    errors: list[BaseException] = []
    seen: list[list[int]] = []
    stop = threading.Event()

    def searcher() -> None:
        totals: list[int] = []
        try:
            while not stop.is_set():
                assert engine.search("dân vận").total >= 26
                totals.append(engine.search("hòa giải cơ sở").total)
        except BaseException as e:  # noqa: BLE001 - any failure must fail the test
            errors.append(e)
        seen.append(totals)

    threads = [threading.Thread(target=searcher) for _ in range(8)]
    for t in threads:
        t.start()
    for n in range(15):
        engine.add(Article(url=f"https://moi.gov.vn/{n}", title=f"Hòa giải cơ sở số {n}",
                           body="Tổ hòa giải cơ sở giải quyết mâu thuẫn trong khu dân cư."))
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert engine.search("hoa giai co so").total == 15
    for totals in seen:
        # each thread sees commits in order: never a document that disappears again
        assert totals == sorted(totals) and totals
    engine.close()
    with SearchEngine(tmp_path / "ix", create=False) as fresh:
        assert fresh.search("hoa giai co so").total == 15


# Whoosh (whoosh-reloaded 2.7.5): after a commit that merges segments,
# Searcher.refresh() returns a reader holding the merged segment *and* the
# segments merged into it, so every merged document would be counted twice.
# SearchEngine.searcher() opens a new searcher instead; this holds it to that.
def test_a_long_lived_engine_counts_new_documents_once(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(web_articles())
    engine.search("dân vận")
    for n in range(8):  # the 5th commit merges the small segments
        engine.add(Article(url=f"https://moi.gov.vn/{n}", title=f"Hòa giải cơ sở số {n}", body="Tổ hòa giải."))
        assert engine.search("hoa giai co so").total == n + 1
        assert engine.search("dân vận").total == 26
    engine.close()


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from govsearch import Article, SearchEngine
    from govsearch.index.schema import doc_fields
    engine = SearchEngine(sys.argv[1])
    with engine.store.writer() as w:   # holds the index's write lock
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
        w.add_document(**doc_fields(Article(url="https://a.gov.vn/1", title="Bài của tiến trình thứ nhất", body="nội dung một")))
    print("committed", flush=True)
""")


def test_second_writer_process_gets_locked_error_or_waits(tmp_path):
    path = tmp_path / "ix"
    SearchEngine(path).add_many(web_articles())
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "2"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        second = Article(url="https://b.gov.vn/2", title="Bài của tiến trình thứ hai", body="nội dung hai")
        t0 = time.monotonic()
        with pytest.raises(IndexLockedError, match="locked by another writer"):
            SearchEngine(path).add(second)
        assert time.monotonic() - t0 < 1.0  # fails fast by default
        t0 = time.monotonic()
        SearchEngine(path, lock_timeout=15).add(second)  # waits for the first writer instead
        assert time.monotonic() - t0 > 0.5
        assert holder.wait(15) == 0
    finally:
        holder.kill()
    # Both commits are there and the index reads cleanly in a fresh process.
    check = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from govsearch import SearchEngine
        e = SearchEngine({str(path)!r}, create=False)
        print(len(e), e.search("tiến trình").total, sum(1 for _ in e.articles()))
    """)], capture_output=True, text=True, check=True)
    assert check.stdout.split() == ["31", "2", "31"]


WRITER = textwrap.dedent("""
    import sys
    from govsearch import Article, SearchEngine
    engine = SearchEngine(sys.argv[1], lock_timeout=60)
    for n in range(20):
        engine.add(Article(url=f"https://{sys.argv[2]}.gov.vn/{n}", title=f"Tin {sys.argv[2]} số {n}",
                           body="Tin tức từ tiến trình ghi " + sys.argv[2]))
""")


def test_two_writer_processes_with_lock_timeout_both_finish(tmp_path):
    path = tmp_path / "ix"
    SearchEngine(path).add_many(web_articles())
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name]) for name in ("motbon", "haiba")]
    assert [p.wait(120) for p in procs] == [0, 0]
    with SearchEngine(path, create=False) as e:
        assert len(e) == 29 + 40
        assert e.search("motbon").total == 20 and e.search("haiba").total == 20


def test_server_answers_during_an_import_and_shows_new_documents(tmp_path):
    path = tmp_path / "ix"
    SearchEngine(path).add_many(web_articles())
    jsonl = tmp_path / "more.jsonl"
    with open(jsonl, "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"url": f"https://nhap.gov.vn/{n}", "title": f"Bản tin nhập khẩu số {n}",
                                "body": "Bản tin về xuất nhập khẩu nông sản " * 20,
                                "published": datetime(2025, 1, 1 + n % 28).isoformat()},
                               ensure_ascii=False) + "\n" for n in range(3000))
    with TestClient(create_app(path)) as client:
        assert client.get("/api/search", params={"q": "nhập khẩu"}).json()["total"] == 0
        importer = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "import", str(jsonl),
                                     "--index", str(path), "--batch", "300"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        totals = []
        while importer.poll() is None:
            r = client.get("/api/search", params={"q": "nhập khẩu", "limit": 1})
            assert r.status_code == 200, r.text
            totals.append(r.json()["total"])
            assert client.get("/", params={"q": "dân vận"}).status_code == 200
        assert importer.returncode == 0
        assert client.get("/api/search", params={"q": "nhập khẩu"}).json()["total"] == 3000
        assert client.get("/api/stats").json()["documents"] == 3029
    with TestClient(create_app(path)) as client:
        assert client.get("/api/search", params={"q": "nhập khẩu"}).json()["total"] == 3000
    assert totals == sorted(totals)
    assert any(0 < t < 3000 for t in totals), totals  # saw commits land while it ran
