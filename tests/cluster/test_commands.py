"""`check`, `delete` and `migrate` on a cluster URL, and imports and migrations into a cluster that are
killed (a real subprocess, SIGKILL) and run again: resumed from their checkpoints, every article once."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from govsearch import SearchEngine
from govsearch.backends.client import Client

from ..conftest import SMALL, synthetic_records
from ..test_cli import CLI, run, write_jsonl

pytestmark = pytest.mark.cluster


def _articles(engine) -> dict[str, dict]:
    return {a.url: a.to_dict() for a in engine.articles()}


def test_check_a_cluster_index(cluster, index_url):
    with SearchEngine(index_url) as engine:
        engine.add_many(SMALL)
    p = run("check", "--index", index_url)
    line = p.stdout.strip()
    assert "\n" not in line and line.startswith(f"index {index_url} is readable: {len(SMALL)} documents, cluster ")
    assert "2 nodes, 2 shards" in line and "schema version 3, template version 3" in line
    data = json.loads(run("check", "--index", index_url, "--json").stdout)
    assert data["ok"] and data["documents"] == len(SMALL) and data["status"] in ("green", "yellow")

    port = cluster.nodes[0].http_port
    p = run("check", "--index", f"opensearch://127.0.0.1:{port}/no-such-index", check_code=3)
    assert "no index 'no-such-index'" in p.stderr and "govsearch cluster init" in p.stderr
    assert "Traceback" not in p.stderr
    p = run("check", "--index", "opensearch://127.0.0.1:1/x", check_code=3)
    assert "the cluster does not answer" in p.stderr and "Traceback" not in p.stderr
    run("check", "--index", "opensearch://h:port/x", check_code=2)

    # an index another govsearch built (schema 1): readable by the cluster, not by this govsearch
    name = f"old-{index_url.rsplit('/', 1)[1]}"
    client = Client(cluster.base)
    try:
        client.request("PUT", f"/{name}", {"mappings": {"_meta": {"govsearch_schema": 1}}})
        p = run("check", "--index", f"opensearch://127.0.0.1:{port}/{name}", "--json", check_code=3)
        data = json.loads(p.stdout)
        assert data["schema_version"] == 1 and "schema 1" in data["problems"][0] and "migrate" in data["rebuild"]
    finally:
        client.request("DELETE", f"/{name}", ok=(404,))
        client.close()


def test_delete_by_url_on_the_cluster(index_url):
    with SearchEngine(index_url) as engine:
        engine.add_many(SMALL)
    gone = [SMALL[0].url, SMALL[1].url]
    p = run("delete", *gone, "https://nowhere.gov.vn/x", "--index", index_url, check_code=1)
    assert "not in the index: https://nowhere.gov.vn/x" in p.stderr
    assert f"deleted 2 of 3 articles; the index holds {len(SMALL) - 2} articles" in p.stderr
    with SearchEngine(index_url) as engine:
        assert all(engine.get(u) is None for u in gone) and len(engine) == len(SMALL) - 2
        assert not {h.url for h in engine.search("dân vận", limit=100).hits} & set(gone)
    run("delete", SMALL[2].url, "--index", index_url)


def test_migrate_a_folder_to_the_cluster_and_back(index_url, tmp_path):
    src, back = tmp_path / "src", tmp_path / "back"
    records = synthetic_records(300) + [a.to_dict() for a in SMALL]
    run("import", str(write_jsonl(tmp_path / "a.jsonl", records)), "--index", str(src))
    p = run("migrate", "--from", str(src), "--to", index_url, "--batch", "70")
    assert f"migrated {len(records)} articles from {src} to {index_url}" in p.stderr
    p = run("migrate", "--from", index_url, "--to", str(back))
    assert f"{back} holds {len(records)} articles" in p.stderr
    with SearchEngine(src) as a, SearchEngine(index_url) as b, SearchEngine(back) as c:
        want = _articles(a)
        assert len(want) == len(records)
        assert _articles(b) == want
        assert _articles(c) == want
        # and the copies find as many (made-up text ties a lot: ties break by document order, or URL)
        for q in ("dân vận", "hoa binh", '"công tác"'):
            totals = [e.search(q).total for e in (a, b, c)]
            assert totals[0] and totals[0] == totals[1] == totals[2], q
    p = run("migrate", "--from", index_url, "--to", index_url, check_code=2)
    assert "the same index" in p.stderr


def _kill_when(path: Path, proc: subprocess.Popen, settle: float = 0.5) -> None:
    deadline = time.time() + 240
    while time.time() < deadline and not path.exists() and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(settle)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert path.exists(), "the command finished before it could be killed; make the input bigger"


def _state_dir(url: str) -> Path:
    with SearchEngine(url) as engine:
        return engine.path


def test_a_killed_import_into_the_cluster_resumes_from_its_checkpoint(index_url, tmp_path):
    records = synthetic_records(2000, seed=3)
    src = write_jsonl(tmp_path / "big.jsonl", records)
    checkpoint = _state_dir(index_url) / "import-checkpoint.json"
    proc = subprocess.Popen(CLI + ["import", str(src), "--index", index_url, "--batch", "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(checkpoint, proc)
    done = json.loads(checkpoint.read_text())["line"]
    assert 0 < done < len(records)
    p = run("import", str(src), "--index", index_url, "--batch", "100")
    assert f"resuming {src} after line" in p.stderr
    resumed = int(p.stderr.split("after line ")[1].split()[0])
    assert resumed >= done
    assert f"indexed {len(records) - resumed} articles" in p.stderr
    assert not checkpoint.exists()
    with SearchEngine(index_url) as engine:
        urls = [a.url for a in engine.articles()]
        assert len(engine) == len(records) == len(urls)
        assert sorted(urls) == sorted(r["url"] for r in records)


def test_a_killed_migration_resumes_and_copies_every_article_once(index_url, tmp_path):
    src = tmp_path / "src"
    records = synthetic_records(1500, seed=5)
    run("import", str(write_jsonl(tmp_path / "a.jsonl", records)), "--index", str(src))
    checkpoint = _state_dir(index_url) / "migrate-checkpoint.json"
    proc = subprocess.Popen(CLI + ["migrate", "--from", str(src), "--to", index_url, "--batch", "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(checkpoint, proc)
    done = json.loads(checkpoint.read_text())["done"]
    assert 0 < done < len(records)
    p = run("migrate", "--from", str(src), "--to", index_url, "--batch", "100")
    assert "resuming after " in p.stderr and f"of {len(records)} articles" in p.stderr
    resumed = int(p.stderr.split("resuming after ")[1].split()[0])
    assert resumed >= done
    assert f"({len(records) - resumed} sent by this run)" in p.stderr
    assert not checkpoint.exists()
    with SearchEngine(src) as a, SearchEngine(index_url) as b:
        got = list(b.articles())
        assert len(got) == len(b) == len(records)
        assert {x.url: x.to_dict() for x in got} == _articles(a)


def test_cluster_init_sets_shards_and_replicas(cluster):
    """`cluster init --shards/--replicas`: a new index's layout; an existing one keeps its shards
    (another count is refused in one line) and takes a new replica count in place."""
    name = f"layout-{int(time.time() * 1000) % 10**9}"
    url = f"opensearch://127.0.0.1:{cluster.nodes[0].http_port}/{name}"
    client = Client(cluster.base)
    try:
        p = run("cluster", "init", url, "--shards", "1", "--replicas", "0")
        assert f"created index {name}, 1 shard, 1 shard copy, cluster " in p.stdout
        with SearchEngine(url) as engine:
            engine.add_many(SMALL)
            # one shard: the same search, without the statistics round
            assert engine.search(SMALL[0].title, limit=3).hits[0].url == SMALL[0].url
        p = run("cluster", "init", url, "--replicas", "1")
        assert "already there: index" in p.stdout
        settings = client.request("GET", f"/{name}/_settings")[name]["settings"]["index"]
        assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("1", "1")
        p = run("cluster", "init", url, "--shards", "3", check_code=2)
        line = p.stderr.strip()
        assert "\n" not in line and "has 1 shard(s)" in line and "migrate" in line and "Traceback" not in line
        p = run("cluster", "init", url, "--shards", "0", check_code=2)
        assert "shards must be between 1 and 1024" in p.stderr
        with SearchEngine(url) as engine:
            assert len(engine) == len(SMALL)
    finally:
        client.request("DELETE", f"/{name}", ok=(404,))
        client.request("DELETE", f"/_index_template/govsearch-{name}", ok=(404,))
        client.close()
