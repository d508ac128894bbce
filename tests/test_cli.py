"""The command line, run as a user runs it: real processes, real files."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import SMALL, synthetic_records

CLI = [sys.executable, "-m", "govsearch.cli"]


def run(*args: str, check_code: int | None = 0) -> subprocess.CompletedProcess:
    p = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300,
                       env={**os.environ, "COLUMNS": "120"})
    if check_code is not None:
        assert p.returncode == check_code, (p.returncode, p.stdout, p.stderr)
    return p


def write_jsonl(path: Path, records: list) -> Path:
    with (gzip.open(path, "wt", encoding="utf-8") if path.suffix == ".gz" else open(path, "w", encoding="utf-8")) as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def test_import_query_export_stats(tmp_path):
    ix = str(tmp_path / "ix")
    src = write_jsonl(tmp_path / "a.jsonl.gz", [a.to_dict() for a in SMALL])
    p = run("import", str(src), "--index", ix)
    assert f"indexed {len(SMALL)} articles" in p.stderr

    p = run("query", "dan van", "--index", ix, "--json")
    data = json.loads(p.stdout)
    assert data["total"] == 5 and data["suggestion"] == "dân vận"
    assert data["hits"][0]["title"].startswith(("Cán bộ dân vận", "Tỉnh uỷ họp"))
    assert data["hits"][0]["published"].endswith("+07:00")
    assert "<mark>" in data["hits"][0]["snippet"]

    p = run("query", "dân vận", "--index", ix)
    assert "Có phải" not in p.stdout and "results" in p.stdout and "Cán bộ dân vận" in p.stdout

    p = run("query", "tỉnh", "--index", ix, "--source", "dcs.vn", "--since", "2023-01-01", "--sort", "date", "--json")
    hits = json.loads(p.stdout)["hits"]
    assert hits and all(h["source"] == "dcs.vn" and h["published"] >= "2023" for h in hits)

    p = run("stats", "--index", ix, "--json")
    stats = json.loads(p.stdout)
    assert stats["documents"] == len(SMALL) and stats["schema_version"] >= 1

    # export -> import round-trips
    p = run("export", "--index", ix)
    exported = [json.loads(line) for line in p.stdout.splitlines()]
    assert sorted(exported, key=lambda r: r["url"]) == sorted((a.to_dict() for a in SMALL), key=lambda r: r["url"])
    again = write_jsonl(tmp_path / "b.jsonl", exported)
    run("import", str(again), "--index", str(tmp_path / "ix2"))
    p2 = run("export", "--index", str(tmp_path / "ix2"))
    assert sorted(p2.stdout.splitlines()) == sorted(p.stdout.splitlines())


def test_bad_lines_are_reported_and_skipped(tmp_path):
    ix = str(tmp_path / "ix")
    src = write_jsonl(tmp_path / "a.jsonl", [SMALL[0].to_dict(), "{not json", {"url": "https://x.vn/1"},
                                             SMALL[1].to_dict(), {"url": "https://x.vn/2", "title": "t",
                                                                  "body": "b", "published": "13/01/2022"}, "[1, 2]"])
    p = run("import", str(src), "--index", ix, check_code=1)
    assert "line 2: not valid JSON" in p.stderr
    assert "line 3: missing field 'title'" in p.stderr
    assert "line 5: published is not ISO 8601" in p.stderr
    assert "line 6: record is not a JSON object" in p.stderr
    assert "indexed 2 articles" in p.stderr and "Traceback" not in p.stderr
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["documents"] == 2


def test_errors_are_one_line_with_stable_exit_codes(tmp_path):
    p = run("query", "dân vận", "--index", str(tmp_path / "missing"), check_code=3)
    assert p.stderr.strip().count("\n") == 0 and p.stderr.startswith("error: no index")
    from govsearch import SearchEngine
    SearchEngine(tmp_path / "empty").close()
    p = run("query", "dân vận", "--index", str(tmp_path / "empty"), check_code=3)
    assert p.stderr.startswith("error: index at") and "is empty" in p.stderr
    p = run("import", str(tmp_path / "nope.jsonl"), "--index", str(tmp_path / "ix"), check_code=4)
    assert p.stderr.startswith("error: cannot read") and "Traceback" not in p.stderr
    bad_gz = tmp_path / "bad.jsonl.gz"
    bad_gz.write_bytes(b"this is not gzip")
    p = run("import", str(bad_gz), "--index", str(tmp_path / "ix"), check_code=4)
    assert "cannot read" in p.stderr and "Traceback" not in p.stderr
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [SMALL[0].to_dict()])), "--index", str(tmp_path / "ix"))
    p = run("query", "x", "--index", str(tmp_path / "ix"), "--since", "yesterday", check_code=2)
    assert p.stderr.startswith("error: --since")
    p = run("query", "x", "--index", str(tmp_path / "ix"), "--sort", "size", check_code=2)
    p = run("query", "x", "--index", str(tmp_path / "ix"), "--limit", "0", check_code=2)
    (tmp_path / "ix" / "govsearch.json").write_text('{"schema_version": 999}')
    p = run("stats", "--index", str(tmp_path / "ix"), check_code=3)
    assert "rebuild" in p.stderr and "Traceback" not in p.stderr


def test_malformed_query_degrades_and_says_so(tmp_path):
    ix = str(tmp_path / "ix")
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in SMALL])), "--index", ix)
    p = run("query", '"công tác dân vận', "--index", ix)
    assert "note: unbalanced quote" in p.stderr and "results" in p.stdout


def test_killed_import_resumes_without_loss_or_duplicates(tmp_path):
    ix = str(tmp_path / "ix")
    lines = [json.dumps(r, ensure_ascii=False) for r in synthetic_records(600)]
    src = write_jsonl(tmp_path / "big.jsonl", lines)
    proc = subprocess.Popen(CLI + ["import", str(src), "--index", ix, "--batch", "50"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    checkpoint = Path(ix) / "import-checkpoint.json"
    deadline = time.time() + 120
    while time.time() < deadline and not checkpoint.exists() and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert checkpoint.exists(), "the import finished before it could be killed; make it bigger"
    done = json.loads(checkpoint.read_text())["line"]
    assert 0 < done < 600
    p = run("import", str(src), "--index", ix, "--batch", "50")
    assert f"resuming {src} after line" in p.stderr
    stats = json.loads(run("stats", "--index", ix, "--json").stdout)
    urls = {json.loads(line)["url"] for line in run("export", "--index", ix).stdout.splitlines()}
    expected = {(json.loads(ln).get("url") or f"urn:id:{json.loads(ln)['id']}") for ln in lines}
    assert stats["documents"] == len(expected) and urls == expected
    assert not checkpoint.exists()


def test_crawl_then_query_end_to_end(tmp_path):
    from tests.fixtures.portals.server import PORTALS, portal_server

    ix = str(tmp_path / "ix")
    with portal_server(PORTALS / "liferay") as site:
        p = run("crawl", site.base + "/", "--delay", "0", "--index", ix, "--json")
    summary = json.loads(p.stdout)
    assert summary["articles_indexed"] >= 3 and summary["errors"] == 0
    seed = "Cán bộ dân vận phải kiên trì, không nóng vội, không chủ quan, phải nhiệt tình và trách nhiệm"
    data = json.loads(run("query", "dan van", "--index", ix, "--json").stdout)
    assert seed in [h["title"] for h in data["hits"]]
    top = json.loads(run("query", "can bo dan van kien tri", "--index", ix, "--json").stdout)["hits"][0]
    assert top["title"] == seed and top["published"] == "2022-01-13T16:51:00+07:00"


def test_crawl_of_unreachable_hosts_reports_each_once(tmp_path):
    p = run("crawl", "http://127.0.0.1:9/", "http://no-such-portal.invalid/", "--delay", "0",
            "--index", str(tmp_path / "ix"), "--json", check_code=1)
    problems = json.loads(p.stdout)["problems"]
    hosts = sorted(pr["host"] for pr in problems if pr["kind"] in ("unreachable", "connection-error"))
    assert hosts == ["127.0.0.1", "no-such-portal.invalid"] or len(problems) == 2, problems
