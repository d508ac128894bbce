"""The cluster backend through the public API and the CLI: index, search, facets, update, delete."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import unicodedata
from datetime import datetime

import pytest

from govsearch import Article, QueryError, SearchEngine
from govsearch.search.cluster import ClusterEngine

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


# A story republished on two other portals (a dateline, another caption, NFD and no caption), and the
# same announcement a year before (other numbers: not a copy). Its words (folded too) are none of QUERIES': scores
# the embedded engine and Lucene's one-byte field lengths put within a fraction of a percent of each
# other could swap two hits.
FOREST = ("Sáng 5/4, tại huyện Yên Sơn, Hạt Kiểm lâm Tuyên Quang phối hợp với các doanh nghiệp chế biến "
          "gỗ tổ chức lễ ra quân trồng rừng gỗ lớn năm 2024. Năm nay toàn huyện phấn đấu trồng mới 1.250 ha "
          "rừng sản xuất, trong đó 300 ha rừng gỗ lớn đạt tiêu chuẩn FSC. Các hộ trồng rừng được hỗ trợ cây "
          "giống keo mô, phân bón và tập huấn kỹ thuật tỉa thưa, kéo dài chu kỳ khai thác từ 5 năm lên 10 "
          "năm để nâng cao giá trị gỗ. Lãnh đạo Hạt đề nghị chính quyền các xã tiếp tục khuyến khích các hộ "
          "liên kết với doanh nghiệp, bảo đảm đầu ra ổn định cho gỗ nguyên liệu.\n(Ảnh: Minh Đức)")


def _forest(source: str, day: int, body: str, year: int = 2024) -> Article:
    return Article(url=f"https://{source}/tin/trong-rung-go-lon-{year}.html", title=f"Ra quân trồng rừng gỗ lớn "
                   f"năm {year}", body=body, published=datetime(year, 4, day, 8, 0), source=source)


FOREST_COPIES = [
    _forest("tuyenquang.gov.vn", 5, FOREST),
    _forest("baochinhphu.vn", 6, "(Chinhphu.vn) - " + FOREST.replace("Minh Đức", "Hạt Kiểm lâm")),
    _forest("nongnghiep.vn", 7, unicodedata.normalize("NFD", FOREST.rsplit("\n", 1)[0])),
    _forest("tuyenquang.gov.vn", 4, FOREST.replace("2024", "2023").replace("1.250", "1.100")
            .replace("300", "260"), year=2023),
]
# In URL order: both engines break ties of score alike (the embedded one by document number, the
# cluster by URL), as copies with the same terms score the same.
WITH_COPIES = sorted(SMALL + FOREST_COPIES, key=lambda a: a.url)
COPY_QUERIES = ["trồng rừng gỗ lớn", "trong rung go lon", "gỗ lớn source:baochinhphu.vn", "tiêu chuẩn FSC",
                '"trồng rừng"', "gỗ lớn since:2024-04-06"]


@pytest.fixture
def engines(index_url):
    """The same articles in the embedded index and in the cluster."""
    with tempfile.TemporaryDirectory() as d:
        embedded = SearchEngine(d)
        embedded.add_many(WITH_COPIES)
        cluster = SearchEngine(index_url)
        cluster.add_many(WITH_COPIES)
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


@pytest.mark.parametrize("collapse", [True, False], ids=["collapsed", "all-copies"])
def test_same_results_facets_and_snippets_as_the_embedded_engine(engines, collapse):
    embedded, cluster = engines
    assert len(cluster) == len(WITH_COPIES)
    for q in QUERIES + COPY_QUERIES:
        a, b = embedded.search(q, collapse=collapse), cluster.search(q, collapse=collapse)
        assert b.total == a.total, q
        assert (b.groups, b.pages) == (a.groups, a.pages), q
        if collapse or q in QUERIES:
            assert [h.url for h in b.hits] == [h.url for h in a.hits], q
        else:
            # copies differ in length by a few syllables, which Lucene's one-byte field
            # lengths may not tell apart: every copy a hit, they may come in another order
            assert sorted(h.url for h in b.hits) == sorted(h.url for h in a.hits), q
            continue
        assert [[c.to_dict() for c in h.copies] for h in b.hits] == \
            [[c.to_dict() for c in h.copies] for h in a.hits], q
        assert [h.copies_total for h in b.hits] == [h.copies_total for h in a.hits], q
        assert b.facets == a.facets, q
        assert (b.suggestion, b.notices) == (a.suggestion, a.notices), q
        assert [h.snippet for h in b.hits] == [h.snippet for h in a.hits], q
        assert [h.title_highlighted for h in b.hits] == [h.title_highlighted for h in a.hits], q
        # the same BM25; Lucene stores field lengths in one byte, and the
        # pairs field's length is its own (the embedded engine uses the body's)
        for ha, hb in zip(a.hits, b.hits):
            assert hb.score == pytest.approx(ha.score, rel=0.25), (q, ha.url)
    # the copies were there to collapse
    story = cluster.search("trồng rừng gỗ lớn", collapse=collapse)
    assert [h.copies_total for h in story.hits] == ([2, 0] if collapse else [0] * 4)


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
