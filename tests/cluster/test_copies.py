"""Copies shown once on the cluster: groups found at index time from band-key terms, collapsed at search
time, as the embedded engine does (tests/search/test_collapse.py holds the embedded side)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import pytest

from govsearch import Article, SchemaVersionError, SearchEngine
from govsearch.backends import store
from govsearch.backends.client import Client
from govsearch.backends.copies import ClusterLookup, band_terms
from govsearch.index.copies import band_keys

from ..search.test_collapse import COPIES, STORY, TITLE, others, story
from ..test_cli import run, write_jsonl

pytestmark = pytest.mark.cluster

# the copies first in the import, the original among them: the group is not import order
IMPORT = [COPIES[2], COPIES[1], *others(12), COPIES[0], COPIES[3]]


@pytest.fixture
def engine(index_url):
    with SearchEngine(index_url) as e:
        e.add_many(IMPORT)
        yield e


def _group(engine, url: str) -> int:
    from govsearch.backends.documents import doc_id
    r = engine.client.request("GET", f"/{engine.index}/_doc/{doc_id(url)}")
    return int(r["_source"]["copy_group"])


def test_a_story_republished_on_other_portals_is_one_hit_listing_its_copies(engine):
    r = engine.search("sơ kết dân vận")
    urls = [h.url for h in r.hits]
    assert urls.count(COPIES[0].url) == 1 and not {c.url for c in COPIES[1:]} & set(urls)
    hit = r.hits[urls.index(COPIES[0].url)]
    assert hit.source == "baochinhphu.vn" and hit.copies_total == 3
    assert [c.source for c in hit.copies] == ["thainguyen.gov.vn", "quangninh.gov.vn", "dangcongsan.vn"]
    assert r.collapsed and r.groups == r.total - 3 and r.notices == []
    d = r.to_dict()
    assert d["groups"] == r.groups and d["collapsed"] is True
    assert d["hits"][urls.index(COPIES[0].url)]["copies"][0] == {
        "url": COPIES[1].url, "title": TITLE, "source": "thainguyen.gov.vn",
        "published": "2024-03-13T09:00:00+07:00"}
    every = engine.search("sơ kết dân vận", collapse=False)
    assert {c.url for c in COPIES} <= {h.url for h in every.hits}
    assert every.groups is None and every.total == r.total and all(h.copies == [] for h in every.hits)
    # the group is the one each copy got at index time, whatever the import order
    assert len({_group(engine, c.url) for c in COPIES}) == 1
    assert len({_group(engine, a.url) for a in IMPORT}) == len(IMPORT) - 3


def test_filters_choose_the_members_and_facets_count_articles(engine):
    by_date = engine.search("dân vận", sort="date")
    assert by_date.hits[0].url == COPIES[0].url and by_date.hits[0].copies_total == 3
    only = engine.search("sơ kết dân vận", source="quangninh.gov.vn")
    assert [h.url for h in only.hits] == [COPIES[2].url] and only.hits[0].copies == []
    later = engine.search("sơ kết dân vận", since=datetime(2024, 3, 14))
    hit = next(h for h in later.hits if h.url in {c.url for c in COPIES})
    assert hit.url == COPIES[2].url and [c.url for c in hit.copies] == [COPIES[3].url]
    full = engine.search("sơ kết dân vận")
    assert sum(full.facets["source"].values()) == full.total and full.facets["month"]["2024-03"] == 4


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_paging_is_one_order_of_groups_whatever_the_page_size(engine, sort):
    whole = engine.search("dân vận", sort=sort, limit=100)
    assert len(whole.hits) == whole.groups == whole.total - 3
    for size in (1, 2, 3, 5):
        n = -(-whole.groups // size)
        pages = [engine.search("dân vận", sort=sort, limit=size, page=p) for p in range(1, n + 2)]
        assert pages[0].pages == n and pages[-1].hits == []
        listed = [h.url for p in pages for h in p.hits]
        assert listed == [h.url for h in whole.hits], size
        assert len(set(listed)) == len(listed)
        assert [h.copies_total for p in pages for h in p.hits] == [h.copies_total for h in whole.hits]


def test_a_deleted_or_rewritten_copy_leaves_its_group(engine):
    assert engine.delete(COPIES[0].url)
    hit = engine.search("sơ kết dân vận").hits[0]
    # the group lives on in its other members; the earliest of them is the original now
    assert hit.url == COPIES[1].url and [c.url for c in hit.copies] == [COPIES[2].url, COPIES[3].url]
    engine.add(Article(url=COPIES[1].url, title="Tỉnh uỷ giao ban tháng 3",
                       body="Chiều 20/3, Thường trực Tỉnh uỷ giao ban với các ban xây dựng Đảng về công tác "
                            "tổ chức cán bộ, kiểm tra, giám sát và tuyên giáo trong tháng tới.",
                       published=datetime(2024, 3, 20, 14, 0), source="thainguyen.gov.vn"))
    r = engine.search("sơ kết dân vận")
    hit = next(h for h in r.hits if h.url in {c.url for c in COPIES})
    assert hit.url == COPIES[2].url and [c.url for c in hit.copies] == [COPIES[3].url]
    alone = engine.search("giao ban tháng 3").hits[0]
    assert alone.url == COPIES[1].url and alone.copies == []
    # and back as it was: it joins the group again
    engine.add(COPIES[1])
    assert engine.search("sơ kết dân vận").hits[0].copies_total == 2


def test_later_imports_join_the_groups_there_and_an_earlier_copy_becomes_the_original(index_url):
    with SearchEngine(index_url) as e:
        e.add_many([COPIES[1], *others(12)])
        e.add(COPIES[3])                                 # another import, a crawl: a later bulk
        e.add(COPIES[0])                                 # the original, published first, arrives last
        hit = e.search("sơ kết dân vận").hits[0]
        assert hit.url == COPIES[0].url and [c.url for c in hit.copies] == [COPIES[1].url, COPIES[3].url]
    with SearchEngine(index_url) as e:                   # opened again
        e.add(COPIES[2])
        assert e.search("sơ kết dân vận").hits[0].copies_total == 3


def test_copies_across_bulks_and_within_one_are_grouped_alike(index_url, monkeypatch):
    # bulks of 2: copies in the same bulk (not yet searchable) and in earlier ones
    monkeypatch.setattr(store, "BULK_DOCS", 2)
    with SearchEngine(index_url) as e:
        assert e.add_many(IMPORT) == len(IMPORT)
        r = e.search("sơ kết dân vận")
        assert r.hits[0].url == COPIES[0].url and r.hits[0].copies_total == 3 and r.groups == r.total - 3


def test_reindexing_an_article_does_not_make_it_a_copy_of_its_old_version(index_url):
    with SearchEngine(index_url) as e:
        e.add(COPIES[0])
        old = _group(e, COPIES[0].url)
        fp_terms = band_terms(band_keys(_signature(COPIES[0])))
        client = Client(e.url.base)
        try:
            # the lookup of a bulk replacing the URL does not offer its old version
            assert len(ClusterLookup.fetch(client, e.index, fp_terms, [])) == 1
            assert len(ClusterLookup.fetch(client, e.index, fp_terms, [COPIES[0].url])) == 0
        finally:
            client.close()
        e.add(COPIES[0])
        assert len(e) == 1 and _group(e, COPIES[0].url) != old
        r = e.search("sơ kết dân vận")
        assert r.total == r.groups == 1 and r.hits[0].copies == []
        # the same URL twice in one import: one article, no copy of itself
        e.add_many([COPIES[1], dataclasses.replace(COPIES[1], title=TITLE + " (cập nhật)")])
        assert len(e) == 2
        hit = e.search("sơ kết dân vận").hits[0]
        assert hit.copies_total == 1 and hit.copies[0].title == TITLE + " (cập nhật)"


def _signature(article: Article):
    from govsearch.index.copies import signature
    from govsearch.text import analyze
    from govsearch.text.shingles import copy_terms
    return signature(copy_terms(analyze(article.title)[1], article.text, analyze(article.text)[1]))


def test_the_same_template_for_another_day_and_exact_duplicates(index_url):
    later = story("baochinhphu.vn", 19, STORY.replace("12/3", "19/3").replace("214", "226"), n=2)
    a = Article(url="urn:id:vnds-1", title="Vận động dân không rải vàng mã khi đưa tang", body=STORY)
    b = Article(url="urn:id:vnds-2", title="Vận động dân không rải vàng mã khi đưa tang", body=STORY)
    with SearchEngine(index_url) as e:
        e.add_many([COPIES[0], later])
        r = e.search("sơ kết dân vận")
        assert r.total == r.groups == 2
        e.add_many([b, a])
        r = e.search("vàng mã")
        # undated: the URL decides, whichever came first
        assert [h.url for h in r.hits] == ["urn:id:vnds-1"] and r.hits[0].copies[0].url == "urn:id:vnds-2"
        assert (r.total, r.groups) == (2, 1)


def test_cli_and_json_api_collapse_on_the_cluster(index_url, tmp_path):
    import warnings

    from govsearch.web import create_app
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in IMPORT])), "--index", index_url)
    data = json.loads(run("query", "sơ kết dân vận", "--index", index_url, "--json").stdout)
    assert data["collapsed"] is True and data["groups"] == data["total"] - 3
    assert data["hits"][0]["copies_total"] == 3 and data["notices"] == []
    p = run("query", "sơ kết dân vận", "--index", index_url)
    assert f"{data['total']} results ({data['groups']} after merging copies" in p.stdout
    every = json.loads(run("query", "sơ kết dân vận", "--index", index_url, "--all-copies", "--json").stdout)
    assert every["groups"] is None and len(every["hits"]) == min(10, every["total"])
    with TestClient(create_app(index_url)) as c:
        api = c.get("/api/search", params={"q": "sơ kết dân vận", "collapse": "false"}).json()
        assert api["collapsed"] is False and {x["url"] for x in api["hits"]} >= {a.url for a in COPIES}
        page = c.get("/", params={"q": "sơ kết dân vận"})
        assert "3 bản khác" in page.text


def test_an_index_of_the_previous_schema_is_refused_with_the_rebuild_message(cluster, index_url):
    name = f"v2-{index_url.rsplit('/', 1)[1]}"
    client = Client(cluster.base)
    try:
        client.request("PUT", f"/{name}", {"mappings": {"_meta": {"govsearch_schema": 2}}})
        with pytest.raises(SchemaVersionError, match="schema 2, this govsearch writes 3: reindex"):
            SearchEngine(f"opensearch://127.0.0.1:{cluster.nodes[0].http_port}/{name}")
    finally:
        client.request("DELETE", f"/{name}", ok=(404,))
        client.request("DELETE", f"/_index_template/govsearch-{name}", ok=(404,))
        client.close()
