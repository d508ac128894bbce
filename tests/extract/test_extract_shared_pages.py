"""Real portal pages from shared/pages (read at test time, never copied): skipped where shared/ is absent."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from govsearch.crawl.discover import page_links
from govsearch.extract import canonical_url, detect_cms, extract

from tests.fixtures.portals.server import PORTALS

SHARED = PORTALS.parents[2].parent / "shared"

PAGES = SHARED / "pages"
pytestmark = pytest.mark.skipif(not (PAGES / "index.tsv").exists(), reason="shared/pages not present")


def rows() -> list[dict[str, str]]:
    if not (PAGES / "index.tsv").exists():
        return []
    with open(PAGES / "index.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def html_rows(complete: bool) -> list[dict[str, str]]:
    return [r for r in rows() if r["file"].startswith("html/") and r["complete"].startswith("yes") == complete]


@pytest.mark.parametrize("row", html_rows(True), ids=lambda r: r["file"])
def test_complete_newspaper_pages(row: dict[str, str]) -> None:
    article = extract((PAGES / row["file"]).read_bytes(), row["url"])
    assert article is not None
    assert article.title == row["title"]
    stamp = row["date"].split("datetime=")[1].rstrip(")")
    assert article.published == datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    assert article.body.split("\n")[1] == row["first_sentence"]
    assert not article.summary.startswith("(PLO)")
    assert article.url == row["url"]
    # Other stories' timestamps and headlines sit all around these pages.
    assert "Tin liên quan" not in article.body


@pytest.mark.parametrize("row", html_rows(False), ids=lambda r: r["file"])
def test_nukeviet_savefile_heads(row: dict[str, str]) -> None:
    data = (PAGES / row["file"]).read_bytes()
    assert detect_cms(data, row["url"]) == "nukeviet"
    canonical = canonical_url(data, row["url"])
    assert "/savefile/" not in canonical
    assert canonical == row["url"].replace("/savefile/", "/", 1)
    if b'type="application/rss+xml">' in data:
        assert page_links(data, row["url"]).feeds, "NukeViet announces its news RSS in the head"
    # A head without a body is not an article.
    assert extract(data, row["url"]) is None
