"""A node stops under a query load and during an import: searches keep answering, the import
completes, and once the node is back its own copies hold every committed document."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from govsearch import Article, SearchEngine

from ..conftest import SAMPLE, SMALL, sample_articles

pytestmark = pytest.mark.cluster

MARKED = [Article(url=f"https://moc.gov.vn/{i}", title=f"Bài mốc zxqv số {i}", body="Nội dung của bài mốc.")
          for i in range(20)]


def _manager(cluster) -> str:
    r = httpx.get(cluster.base + "/_cat/cluster_manager", params={"format": "json"}, timeout=10)
    return r.json()[0]["node"]


def _health(port: int, **params) -> dict:
    return httpx.get(f"http://127.0.0.1:{port}/_cluster/health", params=params, timeout=150).json()


def test_a_node_stops_during_queries_and_an_import_and_nothing_committed_is_lost(cluster, index_url):
    articles = sample_articles(1000) if SAMPLE.exists() else SMALL
    name = index_url.rsplit("/", 1)[1]
    # Stop the node that is not the cluster manager (with two nodes the
    # manager's vote is the one that keeps the cluster writable), and reach the
    # cluster through the node that stops: the client must move to the other.
    victim = next(i for i, n in enumerate(cluster.nodes) if n.name != _manager(cluster))
    survivor = 1 - victim
    url = f"opensearch://127.0.0.1:{cluster.nodes[victim].http_port}/{name}"
    engine = SearchEngine(url)
    first, rest = articles[: len(articles) // 3], articles[len(articles) // 3:]
    engine.add_many(MARKED + first)
    assert _health(cluster.nodes[victim].http_port, index=name, wait_for_status="green",
                   timeout="60s")["status"] == "green"
    assert engine.search("zxqv").total == len(MARKED)

    answers: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def load() -> None:
        with SearchEngine(url) as reader:
            while not stop.is_set():
                try:
                    answers.append(reader.search("zxqv", limit=5).total)
                except Exception as e:  # noqa: BLE001 - every failure is what the test counts
                    errors.append(f"{type(e).__name__}: {e}")

    written: list[int] = []
    write_errors: list[str] = []

    def write() -> None:
        # the rest of the import, in small batches so some are in flight when the node stops
        try:
            with SearchEngine(url) as writer:
                for i in range(0, len(rest), 50):
                    written.append(writer.add_many(rest[i:i + 50]))
        except Exception as e:  # noqa: BLE001
            write_errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=load) for _ in range(2)]
    importer = threading.Thread(target=write)
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        importer.start()
        time.sleep(1.0)
        before = len(answers)
        cluster.stop_node(victim)
        importer.join(300)
        # written while the node is down: acknowledged, so committed
        extra = [Article(url=f"https://extra.gov.vn/{i}", title=f"Bài viết khi một nút dừng {i}",
                         body="Hội nghị tổng kết công tác chuyển đổi số.") for i in range(50)]
        assert engine.add_many(extra) == len(extra)
        time.sleep(2.0)
        during = len(answers) - before
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors[:3]
    assert not write_errors, write_errors
    assert sum(written) == len(rest)
    assert during > 0, "no search answered while the node was down"
    assert set(answers) == {len(MARKED)}, "every search saw every marked document"

    cluster.start_node(victim)
    cluster.wait(2)
    health = _health(cluster.nodes[survivor].http_port, index=name, wait_for_status="green",
                     wait_for_no_initializing_shards="true", timeout="120s")
    assert health["status"] == "green", health
    everything = MARKED + articles + extra
    assert len(engine) == len(everything)
    # the rejoined node's own copies hold everything, including what was written while it was away
    local = httpx.get(f"http://127.0.0.1:{cluster.nodes[victim].http_port}/{name}/_count",
                      params={"preference": "_only_local"}, timeout=30).json()
    assert local["count"] == len(everything) and local["_shards"]["successful"] == 2, local
    missing = [a.url for a in everything if engine.get(a.url) is None]
    assert not missing, missing[:5]
    engine.close()
