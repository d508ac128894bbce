"""A cited document's page (/van-ban/KEY) and its JSON twin, the cites filter and the document-type facet."""

from __future__ import annotations

import re
import warnings
from html import unescape
from urllib.parse import quote

import pytest

from govsearch import SearchEngine
from govsearch.web import create_app

from ..search.test_cites import cites_articles
from .test_pages import links, params

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def cites_client(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(cites_articles())
    with TestClient(create_app(engine=engine)) as c:
        yield c
    engine.close()


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_document_page_lists_the_citing_articles_newest_first(cites_client):
    r = cites_client.get("/van-ban/100/2019/NĐ-CP")
    assert r.status_code == 200 and "content-security-policy" in r.headers
    html = main_of(r.text)
    assert '<h1 class="doc-heading">Nghị định 100/2019/NĐ-CP</h1>' in html
    assert '<dd class="doc-type">Nghị định</dd>' in html and '<dd class="doc-issuer">CP</dd>' in html
    assert "2 bài viết trích dẫn văn bản này, mới nhất trước" in html
    titles = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<h2><a href="[^"]+">(.*?)</a></h2>', html)]
    assert titles == ["Sửa đổi Nghị định 100/2019/NĐ-CP", "Tăng mức phạt vi phạm giao thông"]
    # the snippets show where each article cites the document
    assert html.count("<mark>100/2019/NĐ-CP</mark>") >= 2
    assert "<script" not in r.text


def test_document_page_under_another_spelling_redirects_to_its_one_address(cites_client):
    r = cites_client.get("/van-ban/100/2019/nd-cp", params={"page": 1}, follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/van-ban/" + quote("100/2019/NĐ-CP", safe="/") + "?page=1"


def test_document_page_of_a_partial_key_and_of_nothing(cites_client):
    r = cites_client.get("/van-ban/" + quote("TT 99"))
    assert r.status_code == 200
    assert '<h1 class="doc-heading">Thông tư số 99</h1>' in r.text
    assert "Chưa có bài viết nào trích dẫn văn bản này" in r.text
    r = cites_client.get("/van-ban/d%C3%A2n-v%E1%BA%ADn")
    assert r.status_code == 404 and "Không tìm thấy trang này" in r.text


def test_document_page_pages(tmp_path):
    from govsearch import Article
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(Article(url=f"https://a.vn/{n}", title=f"Bài {n}", body="Thực hiện Chỉ thị 05-CT/TW.",
                            published=f"2023-01-{n + 1:02d}", source="a.vn") for n in range(13))
    with TestClient(create_app(engine=engine)) as c:
        html = c.get("/van-ban/05-CT/TW").text
        assert html.count('class="hit"') == 10 and "Bài 12" in html
        nxt = unescape(re.search(r'<a class="next" rel="next" href="([^"]+)"', html)[1])
        assert params(nxt)["page"] == ["2"]
        html = c.get("/van-ban/05-CT/TW" + nxt).text
        assert html.count('class="hit"') == 3 and "Bài 0" in html
    engine.close()


def test_document_json_twin(cites_client):
    r = cites_client.get("/api/van-ban/11-qdi/tw")
    data = r.json()
    assert r.status_code == 200
    assert data["document"] == {"key": "11-QĐi/TW", "doc_type": "Quy định", "issuer": "TW", "number": "11",
                                "year": None, "full": True}
    assert data["total"] == 1 and data["hits"][0]["cites"] == ["11-QĐi/TW", "05-CT/TW"]
    assert data["sort"] == "date"
    r = cites_client.get("/api/van-ban/hello")
    assert r.status_code == 404 and "not a document number" in r.json()["error"]


def test_api_search_cites(cites_client):
    r = cites_client.get("/api/search", params={"cites": "100/2019/NĐ-CP"})
    assert r.status_code == 200 and r.json()["total"] == 2
    r = cites_client.get("/api/search", params={"q": "phạt", "cites": "100/2019/NĐ-CP"})
    assert r.json()["total"] == 1
    r = cites_client.get("/api/search", params={"cites_type": "Thông tư"})
    assert [h["cites"] for h in r.json()["hits"]] == [["10/2020/TT-BTC"]]
    r = cites_client.get("/api/search", params={"cites": "dân vận"})
    assert r.status_code == 400 and "not a document number" in r.json()["error"]
    assert cites_client.get("/api/search").status_code == 422


def test_results_page_facets_document_types_and_links_the_most_cited(cites_client):
    html = cites_client.get("/", params={"q": "nghị định"}).text
    types = links(html, "facet-doctype")
    assert "Nghị định" in types
    target = types["Nghị định"]
    assert params(target) == {"q": ["nghị định"], "cites_type": ["Nghị định"]}
    assert unescape('href="/van-ban/100/2019/N%C4%90-CP"') in html
    # following the type facet narrows the results, and the form keeps the filter for the next query
    narrowed = cites_client.get("/" + target).text
    assert 'name="cites_type" value="Nghị định"' in narrowed
    assert links(narrowed, "facet-doctype")["Nghị định"] == "?q=ngh%E1%BB%8B+%C4%91%E1%BB%8Bnh"  # a second click removes it


def test_results_page_with_only_a_cites_filter(cites_client):
    r = cites_client.get("/", params={"q": "", "cites": "100/2019/nd-cp"})
    assert r.status_code == 200 and "Khoảng 2 kết quả" in r.text
    assert 'name="cites" value="100/2019/NĐ-CP"' in r.text
    r = cites_client.get("/", params={"q": "x", "cites": "dân vận"})
    assert r.status_code == 400 and "không phải là số hiệu văn bản" in r.text
