"""bench/extract_bench.py scores a blind directory (HTML files + truth.json) without code changes."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.portals.server import PORTALS, load_truth

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "extract_bench.py"


def make_blind(tmp_path: Path) -> Path:
    """Three fixture pages copied into a blind layout: two articles (one wrong on purpose) and a listing."""
    truth = load_truth()
    pages = []
    for family, path in (("joomla", next(iter(truth["joomla"]["articles"]))),
                         ("utcportal", next(iter(truth["utcportal"]["articles"])))):
        facts = truth[family]["articles"][path]
        source = PORTALS / family / path.lstrip("/")
        target = tmp_path / family / "article.html"
        target.parent.mkdir(parents=True)
        target.write_bytes(source.read_bytes())
        pages.append({"file": f"{family}/article.html", "url": "http://blind.test" + path, "kind": "article",
                      "title": facts["title"], "published": facts["published"], "author": facts["author"] or None,
                      "body": facts["body_text"]})
    pages[1]["title"] = "A title the page does not have"
    (tmp_path / "utcportal" / "list.html").write_bytes((PORTALS / "utcportal" / "index.html").read_bytes())
    pages.append({"file": "utcportal/list.html", "url": "http://blind.test/", "kind": "listing", "title": None,
                  "published": None, "author": None, "body": None})
    (tmp_path / "truth.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_blind_directory_is_scored_per_family(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("extract_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["extract_bench"] = bench  # dataclasses look their module up while the file runs
    spec.loader.exec_module(bench)
    samples = bench.load_blind(make_blind(tmp_path))
    assert [s.family for s in samples] == ["joomla", "utcportal", "utcportal"]
    table = bench.score(bench.ours, samples)
    assert table["joomla"]["title"] == 100.0 and table["joomla"]["date"] == 100.0
    assert table["joomla"]["author"] == 100.0 and table["joomla"]["f1"] > 0.95
    assert table["utcportal"]["title"] == 0.0  # the truth was wrong on purpose: the score must see it
    assert table["utcportal"]["date"] == 100.0 and table["utcportal"]["rejected"] == 100.0
    assert table["all"]["n"] == 2 and table["all"]["listings"] == 1


def test_bench_command_line_on_a_blind_set_only(tmp_path: Path) -> None:
    blind = make_blind(tmp_path)
    p = subprocess.run([sys.executable, str(BENCH), "--no-regression", "--blind", str(blind), "--runs", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "| joomla | 1 | 100.0 | 100.0 | 100.0 |" in p.stdout
    assert "| utcportal | 1 | 0.0 | 100.0 |" in p.stdout
