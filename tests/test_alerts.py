"""Named queries that print only what was indexed since they last ran (`query --new-since-last NAME`)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

from govsearch import Article, SavedQueries, SearchEngine

from .conftest import SMALL
from .test_cli import run, write_jsonl


def new(engine: SearchEngine, name: str, query: str, **kw):
    return SavedQueries(engine.path).new_since_last(engine, name, query, **kw)


def test_only_what_arrived_since_the_last_run(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(SMALL)
    first = new(engine, "dv", "dân vận")
    assert first.first_run and first.previous_run is None
    assert first.result.total == engine.search("dân vận").total > 0
    assert first.result.sort == "date"
    again = new(engine, "dv", "dân vận")
    assert not again.first_run and again.result.total == 0 and again.result.hits == []
    assert again.previous_run is not None
    # An article published years ago but indexed now is new: arrival is what an alert is about.
    old = Article(url="https://dcs.vn/cu.html", title="Công tác dân vận năm 2015", body="Bài cũ về dân vận.",
                  published=datetime(2015, 3, 1, 8, 0))
    undated = Article(url="https://dcs.vn/khong-ngay.html", title="Dân vận ở bản", body="Không có ngày đăng.")
    unrelated = Article(url="https://dcs.vn/khac.html", title="Giao thông nông thôn", body="Đường bê tông.")
    engine.add_many([old, undated, unrelated])
    found = new(engine, "dv", "dân vận")
    assert not found.first_run
    assert [h.url for h in found.result.hits] == [old.url, undated.url]  # newest first, undated last
    assert found.result.total == 2
    assert new(engine, "dv", "dân vận").result.total == 0
    # Another name keeps its own mark.
    assert new(engine, "other", "dân vận").first_run
    engine.close()


def test_an_article_indexed_again_counts_as_arrived(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(SMALL)
    new(engine, "dv", "dân vận")
    engine.add(SMALL[0])  # re-indexed (a crawl saw its text change; an import of the same file)
    assert [h.url for h in new(engine, "dv", "dân vận").result.hits] == [SMALL[0].url]
    engine.close()


def test_a_changed_query_or_filter_starts_again(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(SMALL)
    new(engine, "dv", "dân vận")
    changed = new(engine, "dv", "dân vận", source=["dcs.vn"])
    assert changed.first_run and "the query changed" in changed.reason
    assert {h.source for h in changed.result.hits} == {"dcs.vn"}
    assert not new(engine, "dv", "dân vận", source=["dcs.vn"]).first_run
    state = json.loads((tmp_path / "ix" / "saved-queries.json").read_text())
    assert state["dv"]["query"] == "dân vận" and state["dv"]["source"] == ["dcs.vn"]
    assert isinstance(state["dv"]["indexed_through"], int)
    engine.close()


def test_a_rebuilt_index_is_a_first_run(tmp_path):
    ix = tmp_path / "ix"
    with SearchEngine(ix) as engine:
        engine.add_many(SMALL)
        new(engine, "dv", "dân vận")
    state = (ix / "saved-queries.json").read_text()
    shutil.rmtree(ix)
    with SearchEngine(ix) as engine:
        engine.add_many(SMALL[:2])
        (ix / "saved-queries.json").write_text(state)
        rebuilt = new(engine, "dv", "dân vận")
        assert rebuilt.first_run and "rebuilt" in rebuilt.reason
        assert rebuilt.result.total == 2


def test_the_cli_remembers_and_prints_only_the_new(tmp_path):
    ix = str(tmp_path / "ix")
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in SMALL])), "--index", ix)
    p = run("query", "dân vận", "--index", ix, "--new-since-last", "dv")
    assert "saved query 'dv': first run (no earlier run under this name)" in p.stderr
    assert "results" in p.stdout
    p = run("query", "dân vận", "--index", ix, "--new-since-last", "dv")
    assert "saved query 'dv': 0 new since its last run (" in p.stderr
    assert p.stdout.startswith("0 results")
    extra = Article(url="https://dcs.vn/moi.html", title="Tin mới về công tác dân vận", body="Dân vận khéo.",
                    published=datetime(2020, 5, 5, 5, 5))
    run("import", str(write_jsonl(tmp_path / "b.jsonl", [extra.to_dict()])), "--index", ix)
    data = json.loads(run("query", "dân vận", "--index", ix, "--new-since-last", "dv", "--json").stdout)
    assert [h["url"] for h in data["hits"]] == [extra.url] and data["total"] == 1
    assert data["new_since_last"]["name"] == "dv" and data["new_since_last"]["first_run"] is False
    assert data["new_since_last"]["previous_run"]
    bad = run("query", "dân vận", "--index", ix, "--new-since-last", " ", check_code=2)
    assert bad.stderr.strip() == "error: a saved query needs a name"
