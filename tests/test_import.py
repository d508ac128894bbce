"""`govsearch import` against hostile files: no input freezes it or costs a good line."""

from __future__ import annotations

import gzip
import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

from .conftest import synthetic_records
from .test_cli import CLI, run, write_jsonl


def tiny(n: int) -> list[dict]:
    return [{"url": f"https://x.gov.vn/{i}", "title": f"Tin số {i}", "body": f"Nội dung bài {i} về dân vận."}
            for i in range(1, n + 1)]


def documents(ix: str) -> int:
    return json.loads(run("stats", "--index", ix, "--json").stdout)["documents"]


def urls(ix: str) -> set[str]:
    return {json.loads(line)["url"] for line in run("export", "--index", ix).stdout.splitlines()}


def test_invalid_utf8_is_one_bad_line_with_its_own_number(tmp_path):
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in tiny(300)]
    lines[233] = lines[233].replace("Nội".encode(), b"N\xff\xfei")  # line 234
    src = tmp_path / "a.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    ix = str(tmp_path / "ix")
    p = run("import", str(src), "--index", ix, "--batch", "100", check_code=1)
    assert "line 234: not valid UTF-8 (byte 0xff" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert documents(ix) == 299 and "https://x.gov.vn/234" not in urls(ix)
    assert {"https://x.gov.vn/233", "https://x.gov.vn/235", "https://x.gov.vn/300"} <= urls(ix)


def test_truncated_gz_indexes_what_was_read_then_reports(tmp_path):
    full = write_jsonl(tmp_path / "full.jsonl.gz", synthetic_records(400))
    data = full.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) * 6 // 10])
    ix = str(tmp_path / "ix")
    p = run("import", str(cut), "--index", ix, "--batch", "1000", check_code=4)
    assert "Traceback" not in p.stderr
    line = [ln for ln in p.stderr.splitlines() if ln.startswith("error:")]
    assert len(line) == 1 and "ends early" in line[0], p.stderr
    read = int(line[0].split("after line ")[1].split(":")[0])
    assert 100 < read < 400
    # every line read before the damage is indexed (one batch: before, none was)
    assert documents(ix) == read
    assert f"every line through line {read} is done" in line[0]


def test_lines_that_break_the_writer_are_bad_lines_not_a_lost_batch(tmp_path):
    good = tiny(6)
    deep = '{"url": "https://x.gov.vn/deep", "title": "t", "body": "b", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    records = [good[0],
               deep,
               {"url": "https://x.gov.vn/old", "title": "t", "body": "b", "published": "0001-01-01T00:00:00+14:00"},
               good[1],
               '{"url": "https://x.gov.vn/sur", "title": "t\\ud800", "body": "b"}',
               '{"url": "https://x.gov.vn/big", "title": "t", "body": "b", "n": ' + "9" * 5000 + "}",
               {"url": "https://x.gov.vn/late", "title": "t", "body": "b", "published": "9999-12-31T23:00:00-10:00"},
               good[2], {"url": "https://x.gov.vn/t", "title": ["a"], "body": "b"}, good[3], good[4], good[5]]
    ix = str(tmp_path / "ix")
    p = run("import", str(write_jsonl(tmp_path / "a.jsonl", records)), "--index", ix, check_code=1)
    err = p.stderr
    assert "Traceback" not in err
    assert "line 2: not valid JSON here (nested too deeply)" in err
    assert "line 3: published is out of range" in err
    assert "line 5: title holds a character that is not valid Unicode" in err
    assert "line 6: not valid JSON here" in err
    assert "line 7: published is out of range" in err
    assert "line 9: title and body must be strings" in err
    assert "indexed 6 articles" in err and "6 bad lines skipped" in err
    assert urls(ix) == {r["url"] for r in good}


def test_bom_and_crlf_are_read(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(json.dumps(r).encode() for r in tiny(3)) + b"\r\n")
    ix = str(tmp_path / "ix")
    run("import", str(src), "--index", ix)
    assert documents(ix) == 3


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl.gz", synthetic_records(300))
    size_mb = src.stat().st_size / 1e6
    p = subprocess.run(CLI + ["import", str(src), "--index", str(tmp_path / "ix"), "--batch", "100"],
                       capture_output=True, text=True, timeout=300,
                       env={**os.environ, "GOVSEARCH_PROGRESS_SECONDS": "0"})
    assert p.returncode == 0, p.stderr
    lines = p.stderr.splitlines()
    assert lines[0].startswith(f"importing a.jsonl.gz ({size_mb:,.1f} MB) into ")
    progress = [ln for ln in lines if ln.startswith("importing a.jsonl.gz: ")]
    assert len(progress) >= 3, p.stderr
    assert all(f" of {size_mb:,.1f} MB (" in ln and " elapsed" in ln for ln in progress)
    assert any("about" in ln and "left" in ln for ln in progress)
    counts = [int(ln.split("%), ")[1].split(" articles")[0].replace(",", "")) for ln in progress]
    assert counts == sorted(counts) and counts[-1] == 300


def _start_import(src: Path, ix: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(CLI + ["import", str(src), "--index", ix, "--batch", "50"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def _wait_for_checkpoint(ix: str, proc: subprocess.Popen) -> Path:
    checkpoint = Path(ix) / "import-checkpoint.json"
    deadline = time.time() + 120
    while time.time() < deadline and not checkpoint.exists() and proc.poll() is None:
        time.sleep(0.05)
    return checkpoint


def test_ctrl_c_says_what_was_kept_and_how_to_resume(tmp_path):
    ix = str(tmp_path / "ix")
    records = synthetic_records(600)
    src = write_jsonl(tmp_path / "big.jsonl", records)
    proc = _start_import(src, ix)
    checkpoint = _wait_for_checkpoint(ix, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert checkpoint.exists(), "the import finished before it could be interrupted; make it bigger"
    done = json.loads(checkpoint.read_text())["line"]
    last = err.strip().splitlines()[-1]
    assert last.startswith("interrupted: ") and "Traceback" not in err
    assert f"every line through line {done} is done" in last
    assert f"run the same command again to resume after line {done}" in last
    assert documents(ix) == done
    p = run("import", str(src), "--index", ix, "--batch", "50")
    assert f"resuming {src} after line {done}" in p.stderr
    assert urls(ix) == {r["url"] for r in records}


def test_a_full_disk_is_one_line_exit_3_and_keeps_what_was_committed(tmp_path):
    ix = str(tmp_path / "ix")
    records = synthetic_records(600)
    src = write_jsonl(tmp_path / "big.jsonl", records)
    limit = 400_000  # bytes per file: the growing merged segment soon needs more

    def small_files() -> None:
        # EFBIG on any write past `limit`: what a full disk looks like to the writer
        # (Python ignores SIGXFSZ, so the write fails instead of killing the process)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = _start_import(src, ix, preexec_fn=small_files)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 3, err
    assert "Traceback" not in err
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "cannot write the index at" in errors[0] and "File too large" in errors[0]
    done = int(errors[0].split("every line through line ")[1].split(" ")[0])
    assert 0 < done < 600
    assert "make room and run the same command again to resume after line" in errors[0]
    # what was committed is there and the index is sound
    assert documents(ix) == done
    run("check", "--index", ix)
    p = run("import", str(src), "--index", ix, "--batch", "50")
    assert f"after line {done}" in p.stderr
    assert urls(ix) == {r["url"] for r in records}


def test_records_without_url_get_the_id_prefix_as_source_and_print_as_is(tmp_path):
    ix = str(tmp_path / "ix")
    records = [{"id": "vnds-test-015227", "title": "Công tác dân vận ở xã", "body": "Dân vận khéo."},
               {"id": "baomoi-22494475", "title": "Dân vận ở phường", "body": "Bài về dân vận."},
               {"id": "plain", "title": "Dân vận", "body": "Dân vận."}]
    run("import", str(write_jsonl(tmp_path / "a.jsonl", records)), "--index", ix)
    data = json.loads(run("query", "dân vận", "--index", ix, "--json").stdout)
    assert {h["url"]: h["source"] for h in data["hits"]} == {
        "urn:id:vnds-test-015227": "vnds-test", "urn:id:baomoi-22494475": "baomoi", "urn:id:plain": "id"}
    assert data["facets"]["source"] == {"baomoi": 1, "id": 1, "vnds-test": 1}
    table = run("query", "dân vận", "--index", ix, "--source", "vnds-test").stdout
    assert "urn:id:vnds-test-015227" in table and "🆔" not in table
    assert "vnds-test" in table.split("urn:id:")[0]  # the Source column is filled
    stats = run("stats", "--index", ix).stdout
    assert "vnds-test" in stats and "baomoi" in stats


def test_a_second_import_waits_for_nothing_and_fails_in_one_line(tmp_path):
    """An index locked by another writer: exit 3, one line, nothing lost."""
    ix = str(tmp_path / "ix")
    from govsearch import SearchEngine
    engine = SearchEngine(ix)
    w = engine.store.ix.writer()  # hold the write lock as a running crawl would
    try:
        p = run("import", str(write_jsonl(tmp_path / "a.jsonl", tiny(3))), "--index", ix, check_code=3)
    finally:
        w.cancel()
        engine.close()
    assert "locked by another writer" in p.stderr and "Traceback" not in p.stderr
    assert "nothing from this run is indexed" in p.stderr


def test_gzip_recognized_by_content_and_bad_gz_name_refused(tmp_path):
    src = tmp_path / "a.jsonl"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r) for r in tiny(4)) + "\n")
    ix = str(tmp_path / "ix")
    run("import", str(src), "--index", ix)
    assert documents(ix) == 4


def test_a_second_crawl_on_the_same_index_is_one_line_exit_3(tmp_path):
    from tests.fixtures.portals.server import PORTALS, portal_server

    ix = str(tmp_path / "ix")
    with portal_server(PORTALS / "liferay") as site:
        first = subprocess.Popen(CLI + ["crawl", site.base + "/", "--delay", "2", "--index", ix],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            lock = Path(ix) / "crawl.sqlite.lock"
            deadline = time.time() + 60
            while time.time() < deadline and not lock.exists() and first.poll() is None:
                time.sleep(0.05)
            time.sleep(0.5)
            assert first.poll() is None, "the first crawl ended before the second could start"
            p = run("crawl", site.base + "/", "--delay", "0", "--index", ix, check_code=3)
        finally:
            first.send_signal(signal.SIGINT)
            first.communicate(timeout=60)
    assert p.stderr.startswith("error: another crawl is using") and "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0


def test_many_bad_lines_show_the_first_twenty_and_a_count(tmp_path):
    records = ["{oops"] * 30 + [json.dumps(r) for r in tiny(2)]
    p = run("import", str(write_jsonl(tmp_path / "a.jsonl", records)), "--index", str(tmp_path / "ix"),
            check_code=1)
    shown = [ln for ln in p.stderr.splitlines() if ln.startswith("line ")]
    assert len(shown) == 20 and shown[0].startswith("line 1: ") and shown[-1].startswith("line 20: ")
    assert "... and 10 more bad lines" in p.stderr and "30 bad lines skipped" in p.stderr
