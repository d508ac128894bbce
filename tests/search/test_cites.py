"""The legal documents articles cite, through the public API: stored at index time, filtered, faceted."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from govsearch import Article, QueryError, SearchEngine, cited_document, cited_key

from ..test_cli import run, write_jsonl


def cites_articles() -> list[Article]:
    def a(n, title, body, year, source="baochinhphu.vn"):
        return Article(url=f"https://{source}/van-ban-{n}.html", title=title, body=body,
                       published=datetime(year, 3, n + 1, 8, 0), source=source)
    return [
        a(1, "Tăng mức phạt vi phạm giao thông",
          "Theo Nghị định 100/2019/NĐ-CP, người điều khiển xe uống rượu bị phạt nặng. Nghị định 100 "
          "có hiệu lực từ 1/1/2020.", 2020),
        a(2, "Sửa đổi Nghị định 100/2019/NĐ-CP",
          "Chính phủ ban hành Nghị định 123/2021/NĐ-CP sửa đổi nghi dinh so 100/2019/ND-CP.", 2022),
        a(3, "Quán triệt Quy định số 11-QĐi/TW",
          "Hội nghị quán triệt Quy định 11-QĐi/TW và Chỉ thị 05-CT/TW của Bộ Chính trị.", 2024, "dcs.vn"),
        a(4, "Hướng dẫn thuế", "Bộ Tài chính ban hành Thông tư 10/2020/TT-BTC. Hơn 100 nghị định khác.",
          2021, "dcs.vn"),
        a(5, "Giao thông dịp Tết", "Lực lượng chức năng tăng cường kiểm tra nồng độ cồn.", 2023),
    ]


@pytest.fixture
def cites_engine(tmp_path) -> SearchEngine:
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(cites_articles())
    yield engine
    engine.close()


def test_articles_citing_a_document_newest_first_without_a_query(cites_engine):
    r = cites_engine.search("", cites="100/2019/NĐ-CP")
    assert r.total == 2 and r.sort == "date"
    assert [h.url for h in r.hits] == ["https://baochinhphu.vn/van-ban-2.html", "https://baochinhphu.vn/van-ban-1.html"]
    # the key as a user types it is the same document
    assert cites_engine.search("", cites="100/2019/nd-cp").total == 2
    # the hit says what it cites, in order of first mention
    assert r.hits[0].cites == ["100/2019/NĐ-CP", "123/2021/NĐ-CP"]
    assert r.hits[0].to_dict()["cites"] == r.hits[0].cites


def test_cites_narrows_a_query_and_several_must_all_be_cited(cites_engine):
    assert cites_engine.search("phạt", cites="100/2019/NĐ-CP").total == 1
    assert cites_engine.search("", cites=["100/2019/NĐ-CP", "123/2021/NĐ-CP"]).total == 1
    assert cites_engine.search("", cites="11-qdi/tw").hits[0].title.startswith("Quán triệt")
    assert cites_engine.search("", cites="99/2099/NĐ-CP").total == 0
    assert cites_engine.search("", cites_type="Chỉ thị").total == 1


def test_facets_count_articles_per_cited_type_issuer_and_document(cites_engine):
    r = cites_engine.search("", cites_type="Nghị định")
    assert r.total == 2
    facets = cites_engine.search("", cites=["100/2019/NĐ-CP"]).facets
    assert facets["cites_type"] == {"Nghị định": 2}
    assert facets["cites_issuer"] == {"CP": 2}
    assert facets["cites"] == {"100/2019/NĐ-CP": 2, "123/2021/NĐ-CP": 1}
    everything = cites_engine.search("", cites_type=["Nghị định"]).facets["cites"]
    assert "10/2020/TT-BTC" not in everything
    # "Hơn 100 nghị định" is a count: article 4 cites only its Thông tư
    r = cites_engine.search("hướng dẫn thuế")
    assert r.hits[0].cites == ["10/2020/TT-BTC"]
    assert r.facets["cites_type"] == {"Thông tư": 1}


def test_a_bad_key_is_a_query_error(cites_engine):
    with pytest.raises(QueryError, match="not a document number"):
        cites_engine.search("", cites="dân vận")


def test_an_empty_query_without_a_filter_still_finds_nothing(cites_engine):
    r = cites_engine.search("")
    assert r.total == 0 and r.notices == []


def test_cited_key_and_document_are_public():
    assert cited_key("100/2019/nd-cp") == "100/2019/NĐ-CP"
    doc = cited_document("11-QĐi/TW")
    assert (doc.doc_type, doc.issuer) == ("Quy định", "TW")


def test_an_index_of_the_old_schema_asks_to_be_rebuilt(tmp_path, cites_engine):
    path = cites_engine.path
    cites_engine.close()
    (path / "govsearch.json").write_text('{"schema_version": 2}\n')
    from govsearch import SchemaVersionError
    with pytest.raises(SchemaVersionError, match="rebuild"):
        SearchEngine(path)
    p = run("query", "--cites", "100/2019/NĐ-CP", "--index", str(path), check_code=3)
    assert "rebuild" in p.stderr and "Traceback" not in p.stderr


def test_cli_cites(tmp_path):
    ix = str(tmp_path / "ix")
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in cites_articles()])), "--index", ix)
    data = json.loads(run("query", "--cites", "100/2019/nd-cp", "--index", ix, "--json").stdout)
    assert data["total"] == 2 and data["sort"] == "date"
    assert data["hits"][0]["cites"] == ["100/2019/NĐ-CP", "123/2021/NĐ-CP"]
    assert data["facets"]["cites_type"] == {"Nghị định": 2}
    p = run("query", "--cites", "11-QĐi/TW", "--index", ix)
    assert "1 results" in p.stdout and "Quán triệt" in p.stdout and "cites_type: Chỉ thị (1), Quy định (1)" in p.stdout
    p = run("query", "--cites", "dân vận", "--index", ix, check_code=2)
    assert "not a document number" in p.stderr and "Traceback" not in p.stderr
    p = run("query", "--index", ix, check_code=2)
    assert "--cites" in p.stderr
