"""`govsearch serve` as a user starts it: before any index exists, then once one does."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from govsearch import SearchEngine

from .conftest import free_port
from .data import web_articles


def test_serve_without_an_index_answers_503_then_serves_it(tmp_path):
    index = tmp_path / "not-yet"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "serve", "--index", str(index),
                             "--port", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(base + "/api/search", params={"q": "dân vận"}, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert r.status_code == 503 and r.json()["error"].startswith("no index yet")
        page = httpx.get(base + "/")
        assert page.status_code == 503 and "govsearch import" in page.text
        with SearchEngine(index) as engine:
            engine.add_many(web_articles())
        assert httpx.get(base + "/api/search", params={"q": "dân vận"}).json()["total"] == 26
    finally:
        proc.terminate()
        proc.wait(10)
    stderr = proc.stderr.read()
    assert "warning:" in stderr and "no index at" in stderr and f"http://127.0.0.1:{port}/" in stderr
