"""Web archives: WARC files written by Debian's wget and by `govsearch crawl --warc`, imported and searched.

Real servers (the fixture portals on 127.0.0.1), real wget, real files; the
damaged archives are real archives with bytes changed or cut.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from govsearch import SearchEngine, WarcReader, is_warc, read_warc
from govsearch.crawl.archive import WarcRecorder
from govsearch.crawl.fetch import FetchResult
from govsearch.crawl.urls import canonicalize
from tests.fixtures.portals.server import PORTALS, load_truth, start_portal

from .test_cli import CLI, run

FAMILIES = ["liferay", "nukeviet", "sharepoint", "dcs", "baochinhphu", "generic"]
WGET = shutil.which("wget")


@pytest.fixture(scope="module")
def sites():
    started = {name: start_portal(PORTALS / name) for name in FAMILIES}
    yield started
    for site in started.values():
        site.stop()


def expected_articles(sites) -> dict[str, str]:
    """URL the article is indexed under -> its title, for every fixture article of the six portals."""
    truth = load_truth()
    return {canonicalize(site.base + facts.get("canonical", path)): facts["title"]
            for name, site in sites.items() for path, facts in truth[name]["articles"].items()}


def not_articles(sites) -> set[str]:
    truth = load_truth()
    return {canonicalize(site.base + path) for name, site in sites.items() for path in truth[name]["non_articles"]}


def wget_warc(tmp_path: Path, sites, *, compress: bool = True) -> Path:
    if WGET is None:
        pytest.skip("wget is not installed (`apt-get install -y wget`; .ci/run installs it)")
    stem = tmp_path / ("site" if compress else "plain")
    args = [WGET, "--recursive", "--level=6", "--tries=1", "--timeout=5", "--no-verbose", "--delete-after",
            "--directory-prefix", str(tmp_path / "mirror"), f"--warc-file={stem}",
            *([] if compress else ["--no-warc-compression"]), *(s.base + "/" for s in sites.values())]
    p = subprocess.run(args, capture_output=True, text=True, timeout=180)
    # 8: some link answered 404 (NukeViet's "send by e-mail" link points nowhere); the rest was archived
    assert p.returncode in (0, 8), p.stderr[-2000:]
    path = stem.with_name(stem.name + (".warc.gz" if compress else ".warc"))
    assert path.stat().st_size > 10_000
    return path


@pytest.fixture(scope="module")
def gz_warc(sites, tmp_path_factory) -> Path:
    return wget_warc(tmp_path_factory.mktemp("wget"), sites)


@pytest.fixture(scope="module")
def plain_warc(sites, tmp_path_factory) -> Path:
    return wget_warc(tmp_path_factory.mktemp("wget"), sites, compress=False)


def stored(ix: Path) -> dict[str, dict]:
    with SearchEngine(ix, create=False) as engine:
        return {a.url: a.to_dict() for a in engine.articles()}


SUMMARY = re.compile(r"indexed (\d+) articles from \S+ \([\d.]+ MB\): (\d+) records read, (\d+) HTTP responses; "
                     r"skipped (\d+) listings, (\d+) pages without an article, (\d+) not HTML, (\d+) not status 200; "
                     r"(\d+) bad records; index now holds (\d+) articles")


def test_wget_warc_gz_is_imported_as_the_crawler_would_index_it(tmp_path, sites, gz_warc):
    warc = gz_warc
    assert is_warc(warc)
    ix = tmp_path / "ix"
    p = run("import", str(warc), "--index", str(ix))
    m = SUMMARY.search(p.stderr)
    assert m, p.stderr
    indexed, records, responses, listings, _, not_html, not_ok, bad, holds = map(int, m.groups())
    want = expected_articles(sites)
    have = stored(ix)
    # every fixture article, under the URL the crawler gives it, with its title; no listing or trap page
    assert {u: have[u]["title"] for u in want if u in have} == want
    assert not set(have) & not_articles(sites)
    assert holds == len(have) == len(want)
    assert listings >= 10 and not_html >= 6 and not_ok >= 1 and bad == 0
    assert records > responses > indexed  # requests, warcinfo and metadata records are read and passed over
    hits = json.loads(run("query", "dân vận", "--index", str(ix), "--json").stdout)
    assert hits["total"] >= 3 and all(h["url"] in want for h in hits["hits"])


def test_wget_plain_warc_gives_the_same_articles(tmp_path, sites, plain_warc):
    warc = plain_warc
    assert warc.read_bytes()[:8] == b"WARC/1.0"
    ix = tmp_path / "ix"
    run("import", str(warc), "--index", str(ix))
    assert set(stored(ix)) == set(expected_articles(sites))


def test_python_api_reads_every_record_with_what_it_became(tmp_path, gz_warc):
    warc = gz_warc
    reader = WarcReader(warc)
    records = list(reader)
    assert [r.number for r in records] == list(range(1, len(records) + 1))
    assert all(a.end == b.offset for a, b in zip(records, records[1:], strict=False))  # one record after another
    assert records[-1].end == warc.stat().st_size == reader.bytes_read
    listing = next(r for r in records if r.outcome == "listing")
    assert listing.article is None and listing.reason
    assert {r.reason for r in records if r.outcome == "not-200"} >= {"HTTP 404"}
    assert reader.counts.by_outcome["article"] == sum(r.article is not None for r in records)
    # reading from a record's offset gives the same records from there (how an import resumes)
    middle = records[len(records) // 2]
    again = list(read_warc(warc, start=middle.offset))
    assert [(r.uri, r.outcome) for r in again] == [(r.uri, r.outcome) for r in records[len(records) // 2:]]
    with SearchEngine(tmp_path / "ix") as engine:
        engine.add_many(r.article for r in records if r.article is not None)
        assert engine.search("UBND tỉnh").total >= 1


def test_the_crawlers_own_warc_imports_to_the_same_index(tmp_path, sites):
    # three portals of few pages: each host's Crawl-delay (1 s) sets how long a crawl takes
    sites = {name: sites[name] for name in ("liferay", "dcs", "baochinhphu")}
    warc = tmp_path / "crawl.warc.gz"
    crawled = tmp_path / "crawled"
    run("crawl", *(s.base + "/" for s in sites.values()), "--delay", "0", "--index", str(crawled),
        "--warc", str(warc))
    assert not Path(str(warc) + ".open").exists()  # closed cleanly
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as f:
        kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in
                 ArchiveIterator(f, check_digests="raise")]  # every block and payload digest holds
    assert kinds[0][0] == "warcinfo"
    requests = [u for k, u in kinds if k == "request"]
    responses = [u for k, u in kinds if k == "response"]
    assert sorted(requests) == sorted(responses) and len(responses) >= 20
    assert any(u.endswith("/robots.txt") for u in responses)
    imported = tmp_path / "imported"
    p = run("import", str(warc), "--index", str(imported))
    assert "0 bad records" in p.stderr
    assert stored(imported) == stored(crawled)  # every field of every article
    assert set(stored(imported)) == set(expected_articles(sites))
    hits = json.loads(run("query", "UBND tinh", "--index", str(imported), "--json").stdout)
    assert hits["total"] >= 1


def _damaged(warc: Path, tmp_path: Path, outcome: str = "article") -> tuple[Path, int]:
    """A copy of `warc` with the middle of one article's response record overwritten; its record number."""
    records = list(read_warc(warc))
    victim = [r for r in records if r.outcome == outcome][2]
    data = bytearray(warc.read_bytes())
    middle = (victim.offset + victim.end) // 2
    data[middle:middle + 64] = bytes(b ^ 0x5A for b in data[middle:middle + 64])
    out = tmp_path / f"damaged-{warc.name}"
    out.write_bytes(bytes(data))
    return out, victim.number


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_a_damaged_record_costs_only_itself(tmp_path, sites, compress, request):
    warc = request.getfixturevalue("gz_warc" if compress else "plain_warc")
    if not compress:
        # in a plain WARC the damage must break the framing, not only the text: cut a header line short
        records = list(read_warc(warc))
        victim = [r for r in records if r.outcome == "article"][2]
        data = warc.read_bytes()
        damaged = data[:victim.offset + 5] + data[victim.offset + 40:]
        bad = tmp_path / "damaged.warc"
        bad.write_bytes(damaged)
        number = victim.number
    else:
        bad, number = _damaged(warc, tmp_path)
    ix = tmp_path / "ix"
    p = run("import", str(bad), "--index", str(ix), check_code=1)
    assert "Traceback" not in p.stderr
    assert re.search(rf"^record {number}: record at byte \d+ cannot be read \(.+\); skipped \d+ bytes to the next "
                     rf"record$", p.stderr, re.M), p.stderr
    assert "1 bad records" in p.stderr
    # every other article is there
    assert len(set(expected_articles(sites)) - set(stored(ix))) == 1


def test_a_truncated_archive_keeps_every_whole_record_before_the_cut(tmp_path, gz_warc):
    warc = gz_warc
    records = list(read_warc(warc))
    articles = [r for r in records if r.outcome == "article"]
    cut = articles[len(articles) // 2]
    short = tmp_path / "short.warc.gz"
    short.write_bytes(warc.read_bytes()[:(cut.offset + cut.end) // 2])
    ix = tmp_path / "ix"
    p = run("import", str(short), "--index", str(ix), check_code=4)
    line = p.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: cannot read {short}: it ends inside record {cut.number} (byte {cut.offset}; "
                           f"truncated?)"), p.stderr
    assert f"every record through record {cut.number - 1} is done" in line
    assert set(stored(ix)) == {r.article.url for r in records[:cut.number - 1] if r.article is not None}


def _page(n: int) -> bytes:
    words = " ".join(f"công tác dân vận ở xã số {n} đoạn {k}." for k in range(12))
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tin {n}</title></head><body>'
            f'<div class="menu"><a href="/">Trang chủ</a></div><article><h1>Tin số {n} về dân vận</h1>'
            f'<p>{words}</p><p>{words}</p></article></body></html>').encode()


def _synthetic_warc(path: Path, n: int) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i in range(n):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://tin.example.vn/bai-{i}.html", "response",
                                                          payload=io.BytesIO(_page(i)), http_headers=headers))
    return path


def test_ctrl_c_then_the_same_command_resumes_after_the_last_committed_record(tmp_path):
    # big enough that 10-record batches are still committing when Ctrl-C comes, on an idle machine too
    n = 1000
    warc = _synthetic_warc(tmp_path / "many.warc.gz", n)
    ix = tmp_path / "ix"
    proc = subprocess.Popen(CLI + ["import", str(warc), "--index", str(ix), "--batch", "10"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    checkpoint = ix / "import-checkpoint.json"
    deadline = time.time() + 120
    while time.time() < deadline and not checkpoint.exists() and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert checkpoint.exists(), "the import finished before it could be interrupted; make it bigger"
    done = json.loads(checkpoint.read_text())["line"]
    assert f"every record through record {done} is done" in err
    assert f"run the same command again to resume after record {done}" in err
    assert len(stored(ix)) == done  # one article per record here
    p = run("import", str(warc), "--index", str(ix), "--batch", "10")
    assert f"resuming {warc} after record {done}" in p.stderr
    m = SUMMARY.search(p.stderr)
    assert m and int(m[1]) == n - done and int(m[2]) == n - done
    assert set(stored(ix)) == {f"http://tin.example.vn/bai-{i}.html" for i in range(n)}


def _exchange(url: str, body: bytes, status: int = 200) -> FetchResult:
    request = httpx.Request("GET", url, headers={"User-Agent": "govsearch-test"})
    response = httpx.Response(status, headers={"Content-Type": "text/html; charset=utf-8",
                                               "Content-Encoding": "gzip"}, request=request)
    return FetchResult(url, url, status, response.headers, body=body, response=response)


def test_a_crawl_killed_while_archiving_leaves_whole_records_and_the_next_appends_after_them(tmp_path):
    path = tmp_path / "out.warc.gz"
    archive = WarcRecorder(path)
    for i in range(3):
        archive.record(_exchange(f"http://tin.example.vn/bai-{i}.html", _page(i)))
    archive.record(_exchange("http://tin.example.vn/moved", b"", status=301))
    # A kill: no close(), the marker stays, and the last pair was half written.
    whole = path.stat().st_size
    archive._file.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000))[:700])
    archive._file.flush()
    assert Path(str(path) + ".open").exists()
    again = WarcRecorder(path)  # cuts the file back to its whole records, then appends
    assert path.stat().st_size > whole
    again.record(_exchange("http://tin.example.vn/bai-9.html", _page(9)))
    again.close()
    assert not Path(str(path) + ".open").exists()
    records = list(read_warc(path))
    assert [r.outcome for r in records].count("bad") == 0
    assert [r.uri for r in records if r.outcome == "article"] == [
        f"http://tin.example.vn/bai-{i}.html" for i in (0, 1, 2, 9)]
    moved = [r for r in records if r.uri.endswith("/moved") and r.outcome == "not-200"]
    assert moved and moved[0].reason == "HTTP 301"
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as f:
        responses = [r for r in ArchiveIterator(f) if r.rec_type == "response"]
        # the payload is stored decoded: the wire's Content-Encoding is not claimed for it
        assert all(r.http_headers.get_header("Content-Encoding") is None for r in responses)
    with open(path, "rb") as f:
        truncated = [r.rec_headers.get_header("WARC-Truncated") for r in ArchiveIterator(f)
                     if r.rec_type == "response"]
    assert truncated == [None, None, None, "unspecified", None]  # the 301's body was not read


def test_a_warc_that_cannot_be_written_is_one_line(tmp_path, sites):
    site = next(iter(sites.values()))
    p = run("crawl", site.base + "/", "--delay", "0", "--index", str(tmp_path / "ix"),
            "--warc", str(tmp_path / "no" / "such" / "dir" / "out.warc.gz"), check_code=3)
    assert p.stderr.strip().splitlines()[-1].startswith("error: cannot write the web archive ")
    assert "Traceback" not in p.stderr
