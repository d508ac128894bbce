"""Copies shown once on the page and in the JSON API: the "N bản khác" line, collapse=false."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from typer.testing import CliRunner

from govsearch import SearchEngine
from govsearch.cli import app as cli_app
from govsearch.web import create_app

from .conftest import TestClient
from .data import COPY_SOURCES, copy_articles, web_articles


@pytest.fixture
def copies_engine(tmp_path):
    with SearchEngine(tmp_path / "ix") as engine:
        engine.add_many(web_articles() + copy_articles())
        yield engine


@pytest.fixture
def copies_client(copies_engine):
    with TestClient(create_app(engine=copies_engine)) as c:
        yield c


def test_the_api_lists_copies_under_the_original_and_matches_the_cli(copies_client, copies_engine):
    r = copies_client.get("/api/search", params={"q": "trồng rừng gỗ lớn"})
    data = r.json()
    assert r.status_code == 200, data
    assert data["total"] == 4 and data["groups"] == 1 and data["collapsed"] is True and data["pages"] == 1
    hit = data["hits"][0]
    assert hit["source"] == "baochinhphu.vn" and hit["copies_total"] == 3
    assert [c["source"] for c in hit["copies"]] == COPY_SOURCES[1:]
    assert hit["copies"][0]["url"] == "https://thainguyen.gov.vn/tin-tuc/trong-rung-go-lon.html"
    cli = CliRunner().invoke(cli_app, ["query", "trồng rừng gỗ lớn", "--index", str(copies_engine.path), "--json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.stdout)
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected


def test_collapse_false_lists_every_copy(copies_client, copies_engine):
    data = copies_client.get("/api/search", params={"q": "trồng rừng gỗ lớn", "collapse": "false"}).json()
    assert data["total"] == 4 and data["groups"] is None and data["collapsed"] is False
    assert sorted(h["source"] for h in data["hits"]) == sorted(COPY_SOURCES)
    assert all(h["copies"] == [] for h in data["hits"])
    cli = CliRunner().invoke(cli_app, ["query", "trồng rừng gỗ lớn", "--index", str(copies_engine.path),
                                       "--all-copies", "--json"])
    expected = json.loads(cli.stdout)
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected
    bad = copies_client.get("/api/search", params={"q": "rừng", "collapse": "perhaps"})
    assert bad.status_code == 422 and "error" in bad.json()


def test_the_page_shows_the_copies_line_and_the_merged_count(copies_client):
    html = copies_client.get("/", params={"q": "trồng rừng gỗ lớn"}).text
    assert re.search(r"Khoảng 4 kết quả \(1 tin sau khi gộp bản sao\)", html)
    assert html.count('class="hit"') == 1
    details = re.search(r'<details class="copies">(.*?)</details>', html, re.DOTALL)[1]
    assert "<summary>3 bản khác: thainguyen.gov.vn, quangninh.gov.vn, dcs.vn</summary>" in details
    assert '<a href="https://quangninh.gov.vn/tin-tuc/trong-rung-go-lon.html">quangninh.gov.vn</a>' in details
    assert "<time>09/04/2024</time>" in details
    # collapse=false on the page: four hits, no line, and the links keep it
    html = copies_client.get("/", params={"q": "rừng", "collapse": "false"}).text
    assert html.count('class="hit"') == 4 and 'class="copies"' not in html
    assert "gộp bản sao" not in html
    sorts = re.findall(r'href="(\?[^"]*sort=date[^"]*)"', html)
    assert sorts and all("collapse=false" in unescape(s) for s in sorts)


def test_a_search_without_copies_says_nothing_of_them(copies_client):
    html = copies_client.get("/", params={"q": "dân vận"}).text
    assert "gộp bản sao" not in html and 'class="copies"' not in html
    assert re.search(r"Khoảng 26 kết quả \(", html)


def test_the_feed_has_one_entry_per_story(copies_client):
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse(copies_client.get("/feed.atom", params={"q": "trồng rừng gỗ lớn"}).content)
    assert [e.id for e in feed.entries] == ["https://baochinhphu.vn/tin-tuc/trong-rung-go-lon.html"]
