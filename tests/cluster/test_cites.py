"""Cited documents and indexing order on the cluster: `cites`, its facets, /van-ban/KEY, `indexed_after`,
`--new-since-last`, answered as the embedded engine answers them."""

from __future__ import annotations

import json
import warnings
from datetime import datetime

import pytest

from govsearch import Article, QueryError, SavedQueries, SearchEngine

from ..conftest import SMALL
from ..search.test_cites import cites_articles
from ..test_cli import run, write_jsonl

pytestmark = pytest.mark.cluster

SEARCHES = [
    ("", {"cites": "100/2019/NĐ-CP"}),
    ("", {"cites": "100/2019/nd-cp"}),
    ("", {"cites": ["100/2019/NĐ-CP", "123/2021/NĐ-CP"]}),
    ("", {"cites": "11-qdi/tw"}),
    ("", {"cites": "99/2099/NĐ-CP"}),
    ("", {"cites_type": "Chỉ thị"}),
    ("", {"cites_type": ["Nghị định"]}),
    ("phạt", {"cites": "100/2019/NĐ-CP"}),
    ("hướng dẫn thuế", {}),
    ("nghị định", {}),
    ("", {"cites": "NĐ 100"}),
]


@pytest.fixture
def both(index_url, tmp_path):
    embedded = SearchEngine(tmp_path / "ix")
    cluster = SearchEngine(index_url)
    for engine in (embedded, cluster):
        engine.add_many(cites_articles() + SMALL)
    yield embedded, cluster
    embedded.close()
    cluster.close()


def test_cites_filter_facets_and_hits_equal_the_embedded_engine(both):
    embedded, cluster = both
    for query, kw in SEARCHES:
        a, b = embedded.search(query, **kw), cluster.search(query, **kw)
        assert (b.total, b.sort) == (a.total, a.sort), (query, kw)
        assert [h.url for h in b.hits] == [h.url for h in a.hits], (query, kw)
        assert [h.cites for h in b.hits] == [h.cites for h in a.hits], (query, kw)
        assert [h.snippet for h in b.hits] == [h.snippet for h in a.hits], (query, kw)
        assert b.facets == a.facets, (query, kw)
    r = cluster.search("", cites="100/2019/NĐ-CP")
    assert r.hits[0].cites == ["100/2019/NĐ-CP", "123/2021/NĐ-CP"]
    assert r.facets["cites_issuer"] == {"CP": 2}
    with pytest.raises(QueryError, match="not a document number"):
        cluster.search("", cites="dân vận")
    assert cluster.search("").total == 0


def test_the_document_page_through_a_cluster_backed_app(both):
    from govsearch.web import create_app
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    embedded, cluster = both
    want = embedded.search("", cites="11-QĐi/TW")
    assert want.total >= 1
    with TestClient(create_app(engine=cluster)) as c:
        r = c.get("/van-ban/100/2019/NĐ-CP")
        assert r.status_code == 200
        assert r.text.index("van-ban-2.html") < r.text.index("van-ban-1.html")  # newest first
        data = c.get("/api/van-ban/11-qdi/tw").json()
        assert data["total"] == want.total
        assert [h["cites"] for h in data["hits"]] == [h.cites for h in want.hits]
        assert c.get("/api/search", params={"q": "giao thông", "cites": "100/2019/nd-cp"}).json()["total"] == 1


def test_indexed_after_keeps_what_was_indexed_later(index_url):
    with SearchEngine(index_url) as engine:
        engine.add_many(SMALL)
        before = engine.search("dân vận")
        mark = before.indexed_through
        assert mark > 0 and before.total > 0
        assert engine.search("dân vận", indexed_after=mark).total == 0
        later = Article(url="https://dcs.vn/sau.html", title="Dân vận khéo ở cơ sở", body="Bài mới.")
        engine.add(later)
        engine.add(SMALL[0])  # indexed again: it arrives again
        after = engine.search("dân vận", indexed_after=mark, sort="date")
        assert {h.url for h in after.hits} == {later.url, SMALL[0].url} and after.total == 2
        assert after.indexed_through > mark
        # the mark is the whole index's, whatever the query matched
        assert engine.search("xyzzy").indexed_through == after.indexed_through
        saved = SavedQueries(engine.path)
        assert saved.new_since_last(engine, "dv", "dân vận").first_run
        assert saved.new_since_last(engine, "dv", "dân vận").result.total == 0


def test_cli_cites_and_new_since_last_on_the_cluster(index_url, tmp_path):
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in cites_articles()])),
        "--index", index_url)
    data = json.loads(run("query", "--cites", "100/2019/nd-cp", "--index", index_url, "--json").stdout)
    assert data["total"] == 2 and data["sort"] == "date"
    assert data["hits"][0]["cites"] == ["100/2019/NĐ-CP", "123/2021/NĐ-CP"]
    assert data["facets"]["cites_type"] == {"Nghị định": 2}
    p = run("query", "--cites", "11-QĐi/TW", "--index", index_url)
    assert "1 results" in p.stdout and "cites_type: Chỉ thị (1), Quy định (1)" in p.stdout
    p = run("query", "--cites", "dân vận", "--index", index_url, check_code=2)
    assert "not a document number" in p.stderr and "Traceback" not in p.stderr

    p = run("query", "giao thông", "--index", index_url, "--new-since-last", "gt")
    assert "first run" in p.stderr
    p = run("query", "giao thông", "--index", index_url, "--new-since-last", "gt")
    assert "0 new since its last run" in p.stderr
    extra = Article(url="https://dcs.vn/moi.html", title="Tin mới về an toàn giao thông", body="Đường mới.",
                    published=datetime(2019, 5, 5, 5, 5))
    run("import", str(write_jsonl(tmp_path / "b.jsonl", [extra.to_dict()])), "--index", index_url)
    data = json.loads(run("query", "giao thông", "--index", index_url, "--new-since-last", "gt", "--json").stdout)
    assert [h["url"] for h in data["hits"]] == [extra.url] and data["new_since_last"]["first_run"] is False
