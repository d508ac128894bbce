"""The blind set (tests/fixtures/blind: 41 pages in 13 CMS families, written by someone who had not read
the extractor) holds issue 8's targets: title, date and author exact on every article, listings
rejected, no planted related-news text in any body, body token F1 >= 0.95 in every family.

The set was scored once before any change made for it (score-main.md, score-h-extract.md); since then
it is part of the regression set. Scoring rules are the benchmark's (bench/extract_bench.py), so the
test and `python bench/extract_bench.py` cannot disagree."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from govsearch.extract import extract

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "fixtures" / "blind"
BENCH = ROOT / "bench" / "extract_bench.py"
PAGES = json.loads((BLIND / "truth.json").read_text("utf-8"))
ARTICLES = [p for p in PAGES if p["kind"] == "article"]
LISTINGS = [p for p in PAGES if p["kind"] == "listing"]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_bench"] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


bench = _bench()


def _extract(page: dict):  # type: ignore[no-untyped-def]
    return extract((BLIND / page["file"]).read_bytes(), page["url"])


def test_the_set_is_whole() -> None:
    assert len(PAGES) == 41 and len(ARTICLES) == 27
    assert len({p["family"] for p in PAGES}) == 13
    assert all((BLIND / p["file"]).is_file() for p in PAGES)


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p["file"])
def test_article_fields_exact(page: dict) -> None:
    article = _extract(page)
    assert article is not None, "an article page was taken for a listing or an empty page"
    assert bench.norm(article.title) == bench.norm(page["title"])
    assert bench.same_time(article.published, page["published"], minute=True), article.published
    # A placeholder, an account or the portal's own name is no author: the truth says null.
    assert bench.norm(article.author) == bench.norm(page["author"])
    if page["summary"] is not None:
        assert bench.norm(article.summary) == bench.norm(page["summary"])


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p["file"])
def test_no_related_news_in_the_text(page: dict) -> None:
    article = _extract(page)
    assert article is not None
    text = bench.norm(article.summary + "\n" + article.body).lower()
    assert page["related_titles"], "every blind article has planted related items"
    assert [t for t in page["related_titles"] if bench.norm(t).lower() in text] == []


@pytest.mark.parametrize("page", LISTINGS, ids=lambda p: p["file"])
def test_listing_rejected(page: dict) -> None:
    assert _extract(page) is None


def test_every_family_meets_the_targets() -> None:
    table = bench.score(bench.ours, bench.load_blind(BLIND))
    families = {f: c for f, c in table.items() if f != "all"}
    assert len(families) == 13
    for family, cells in families.items():
        assert cells["title"] >= 98 and cells["date"] >= 98 and cells["author"] >= 98, family
        assert cells["f1"] >= 0.95, (family, cells["f1"])
        assert cells["rejected"] == 100 and cells["leaks"] == 0 and cells["errors"] == 0, family


def test_bench_reports_the_blind_set_by_default() -> None:
    p = subprocess.run([sys.executable, str(BENCH), "--no-regression", "--runs", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "## blind set tests/fixtures/blind: 41 pages (27 articles, 14 listings/traps)" in p.stdout
    assert "| vnews | 2 | 100.0 | 100.0 | 100.0 |" in p.stdout
