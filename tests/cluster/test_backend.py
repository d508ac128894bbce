"""The cluster backend through the public API and the CLI: index, search, facets, update, delete."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from datetime import datetime

import pytest

from govsearch import Article, QueryError, SearchEngine
from govsearch.backends.opensearch import ClusterEngine

from ..conftest import SMALL
from ..test_cli import run, write_jsonl

pytestmark = pytest.mark.cluster

QUERIES = ["dân vận", '"dân vận"', "UBND tỉnh", "ủy ban nhân dân", "hồ chí minh", "dân vận -tỉnh",
           "title:dân", "11-QĐi/TW", "hội nghị source:dcs.vn", "dân since:2022", "phát triển until:2021",
           "hoà bình", "an ninh trật tự",
           # typed without diacritics: the reading restored from the cluster's counts
           "dan van", "dan van tinh", "hoa binh", "van hoa", "uy ban nhan dan", "thanh pho ho chi minh",
           # no results: "did you mean", from the cluster's title terms one edit away
           "dan vam", "hoaa binh", "chuyen doi sox", "xyzzy",
           # a name typed in full or abbreviated; three syllables read together
           "hội đồng nhân dân", "HĐND tỉnh", "chuyen doi so", "xay dung nong thon"]


@pytest.fixture
def engines(index_url):
    """The same articles in the embedded index and in the cluster."""
    with tempfile.TemporaryDirectory() as d:
        embedded = SearchEngine(d)
        embedded.add_many(SMALL)
        cluster = SearchEngine(index_url)
        cluster.add_many(SMALL)
        yield embedded, cluster
        embedded.close()
        cluster.close()


def test_a_cluster_url_opens_the_cluster_backend(index_url, monkeypatch):
    with SearchEngine(index_url) as engine:
        assert isinstance(engine, ClusterEngine)
    # the one-slash spelling a pathlib.Path makes of it, and $GOVSEARCH_INDEX
    monkeypatch.setenv("GOVSEARCH_INDEX", index_url.replace("://", ":/"))
    with SearchEngine() as engine:
        assert isinstance(engine, ClusterEngine) and engine.index == index_url.rsplit("/", 1)[1]


def test_same_results_facets_and_snippets_as_the_embedded_engine(engines):
    embedded, cluster = engines
    assert len(cluster) == len(SMALL)
    for q in QUERIES:
        # the cluster does not collapse copies yet (it says so: test_the_cluster_says_it_lists_every_copy)
        a, b = embedded.search(q, collapse=False), cluster.search(q, collapse=False)
        assert b.total == a.total, q
        assert [h.url for h in b.hits] == [h.url for h in a.hits], q
        assert b.facets == a.facets, q
        assert (b.suggestion, b.notices) == (a.suggestion, a.notices), q
        assert [h.snippet for h in b.hits] == [h.snippet for h in a.hits], q
        assert [h.title_highlighted for h in b.hits] == [h.title_highlighted for h in a.hits], q
        # the same BM25; Lucene stores field lengths in one byte, and the
        # pairs field's length is its own (the embedded engine uses the body's)
        for ha, hb in zip(a.hits, b.hits):
            assert hb.score == pytest.approx(ha.score, rel=0.25), (q, ha.url)


def test_the_cluster_says_it_lists_every_copy(engines):
    from govsearch.backends.opensearch import NO_COLLAPSE
    _, cluster = engines
    result = cluster.search("tỉnh")
    assert NO_COLLAPSE in result.notices and result.groups is None and not result.collapsed
    assert NO_COLLAPSE not in cluster.search("tỉnh", collapse=False).notices


def test_paging_date_sort_source_filter_and_notices(engines):
    embedded, cluster = engines
    whole = cluster.search("tỉnh", limit=100)
    paged = [h.url for p in (1, 2, 3) for h in cluster.search("tỉnh", limit=2, page=p).hits]
    assert paged == [h.url for h in whole.hits][:len(paged)] and len(set(paged)) == len(paged)
    by_date = cluster.search("tỉnh", sort="date", limit=100)
    dates = [h.published for h in by_date.hits]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True) and dates[len(dated):] == [None] * (len(dates) - len(dated))
    assert [h.url for h in by_date.hits] == [h.url for h in embedded.search("tỉnh", sort="date", limit=100).hits]
    only = cluster.search("hội nghị", source="dcs.vn")
    assert only.total and {h.source for h in only.hits} == {"dcs.vn"}
    assert cluster.search("", limit=5).total == 0
    assert cluster.search('"dân vận', collapse=False).notices == embedded.search('"dân vận').notices
    with pytest.raises(QueryError):
        cluster.search("dân", limit=0)
    with pytest.raises(QueryError):
        cluster.search("dân", since="2023-01-01", until="2022-01-01")


def test_update_and_delete_by_url(index_url):
    with SearchEngine(index_url) as engine:
        engine.add_many(SMALL)
        first = SMALL[0]
        assert engine.get(first.url) == first
        changed = dataclasses.replace(first, title="Bài đã sửa về chuyển đổi số", body="Nội dung mới.")
        engine.add(changed)
        assert len(engine) == len(SMALL)
        assert engine.get(first.url).title == changed.title
        assert first.url not in {h.url for h in engine.search('"kiên trì"').hits}
        assert first.url in {h.url for h in engine.search("bài đã sửa").hits}
        assert engine.delete(first.url) is True
        assert engine.delete(first.url) is False
        assert engine.get(first.url) is None and len(engine) == len(SMALL) - 1
        assert engine.search("bài đã sửa").total == 0
        exported = sorted(a.url for a in engine.articles())
        assert exported == sorted(a.url for a in SMALL[1:])
        stats = engine.stats()
        assert stats.documents == len(SMALL) - 1
        assert sum(stats.sources.values()) == len(SMALL) - 1
        assert stats.earliest == min(a.published for a in SMALL[1:] if a.published)


def test_a_missing_index_is_an_index_error(cluster):
    from govsearch import IndexNotFoundError
    with pytest.raises(IndexNotFoundError):
        SearchEngine(f"opensearch://127.0.0.1:{cluster.nodes[0].http_port}/no-such-index", create=False)


def test_cli_import_query_export_stats_on_the_cluster(index_url, tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in SMALL])
    p = run("import", str(src), "--index", index_url)
    assert f"indexed {len(SMALL)} articles" in p.stderr
    q = json.loads(run("query", "dân vận", "--index", index_url, "--json").stdout)
    assert q["total"] == 5 and q["hits"][0]["url"] == SMALL[0].url
    assert "<mark>dân</mark>" in q["hits"][0]["snippet"]
    assert q["facets"]["source"]["thainguyen.gov.vn"] == 3
    out = tmp_path / "out.jsonl"
    run("export", "--index", index_url, "-o", str(out))
    assert sorted(json.loads(line)["url"] for line in out.read_text().splitlines()) == sorted(a.url for a in SMALL)
    stats = json.loads(run("stats", "--index", index_url, "--json").stdout)
    assert stats["documents"] == len(SMALL) and stats["path"] == index_url
    bad = run("query", "dân", "--index", "opensearch://127.0.0.1:1/x", check_code=3)
    assert "error:" in bad.stderr and "Traceback" not in bad.stderr


def test_a_dated_article_keeps_its_time(index_url):
    a = Article(url="https://x.gov.vn/1", title="Thời gian", body="Bài có giờ.",
                published=datetime(2024, 2, 29, 23, 30))
    with SearchEngine(index_url) as engine:
        engine.add(a)
        assert engine.get(a.url).published == a.published
        assert engine.search("thời gian", since="2024-02-29", until="2024-02-29").total == 1
        assert engine.search("thời gian", since="2024-03-01").total == 0


def test_cli_crawl_into_the_cluster(index_url):
    from tests.fixtures.portals.server import PORTALS, portal_server

    with portal_server(PORTALS / "liferay") as site:
        p = run("crawl", site.base + "/", "--delay", "0", "--index", index_url, "--json")
    summary = json.loads(p.stdout)
    assert summary["articles_indexed"] >= 3 and summary["errors"] == 0
    seed = "Cán bộ dân vận phải kiên trì, không nóng vội, không chủ quan, phải nhiệt tình và trách nhiệm"
    top = json.loads(run("query", "can bo dan van kien tri", "--index", index_url, "--json").stdout)["hits"][0]
    assert top["title"] == seed and top["published"] == "2022-01-13T16:51:00+07:00"


def test_web_api_on_the_cluster(index_url):
    import warnings

    from govsearch.web import create_app
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient deprecation, as in tests/web
        from fastapi.testclient import TestClient

    with SearchEngine(index_url) as engine:
        engine.add_many(SMALL)
    with TestClient(create_app(index_url)) as client:
        r = client.get("/api/search", params={"q": "dan van", "limit": 2})
        assert r.status_code == 200
        data = r.json()
        assert data["total"] == 5 and data["suggestion"] == "dân vận" and len(data["hits"]) == 2
        assert client.get("/api/stats").json()["documents"] == len(SMALL)
        home = client.get("/")
        assert home.status_code == 200 and "12 bài viết" in home.text
        page = client.get("/", params={"q": "dân vận"})
        assert page.status_code == 200 and "<mark>dân</mark>" in page.text
