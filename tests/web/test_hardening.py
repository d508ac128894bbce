"""What the web app owes a server operator: security headers, no disk paths, the stats page,
a 503 (not a 500) over a damaged index, and front ends built on the public API only."""

from __future__ import annotations

import ast
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from govsearch import SearchEngine
from govsearch.web import create_app
from govsearch.web.security import script_hashes

from .conftest import TestClient
from .data import web_articles

WEB = Path(__file__).resolve().parents[2] / "src" / "govsearch" / "web"


def test_every_response_has_the_security_headers(client):
    responses = [client.get("/"), client.get("/", params={"q": "dân vận"}), client.get("/stats"),
                 client.get("/", params={"q": "x", "page": "x"}), client.get("/no/such/page"),
                 client.get("/api/search", params={"q": "dân vận"}), client.get("/api/search"),
                 client.get("/api/stats"), client.get("/static/style.css"), client.get("/openapi.json"),
                 client.get("/docs"), client.get("/static-docs/swagger-ui-bundle.js")]
    for r in responses:
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert r.headers["x-frame-options"] == "DENY", r.url
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], r.url
    page = responses[1].headers["content-security-policy"]
    assert "script-src 'none'" in page and "default-src 'self'" in page


def test_docs_policy_allows_exactly_its_own_inline_script(client):
    r = client.get("/docs")
    csp = r.headers["content-security-policy"]
    hashes = script_hashes(r.content)
    assert len(hashes) == 1 and "<script>" in r.text
    script_src = re.search(r"script-src ([^;]+)", csp)[1].split()
    assert script_src == ["'self'", *hashes]
    assert "unsafe-inline" not in csp


def test_index_path_is_on_no_page(client, web_engine):
    for url in ["/", "/stats", "/api/stats", "/?q=dân+vận", "/api/search?q=dân+vận"]:
        assert str(web_engine.path) not in client.get(url).text, url


def test_stats_page(client, web_engine):
    r = client.get("/stats")
    html = r.text
    assert r.status_code == 200 and "<h1>Thống kê chỉ mục</h1>" in html
    assert '<dd class="documents">29</dd>' in html
    assert '<dd class="source-count">5</dd>' in html
    assert '<dd class="range">từ 01/01/2019 đến 24/12/2024</dd>' in html
    assert re.search(r'<dd class="size">\d+,\d (KB|MB)</dd>', html)
    assert f'<dd class="schema">{web_engine.stats().schema_version}</dd>' in html
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"n\">(\d+)</td></tr>", html)
    stats = web_engine.stats()
    assert dict(rows) == {h: str(n) for h, n in stats.sources.items()}
    assert [int(n) for _, n in rows] == sorted((int(n) for _, n in rows), reverse=True)
    assert '<a href="/api/stats">' in html


def test_search_page_links_the_stats_page_not_the_json(client):
    html = client.get("/", params={"q": "dân vận"}).text
    assert '<a href="/stats">Thống kê chỉ mục</a>' in html


def test_pages_under_a_mount_link_within_it(web_engine):
    from fastapi import FastAPI
    outer = FastAPI()
    outer.mount("/tim-kiem", create_app(engine=web_engine))
    with TestClient(outer) as c:
        html = c.get("/tim-kiem/stats").text
        assert 'action="/tim-kiem/"' in html and 'href="/tim-kiem/api/stats"' in html
        assert c.get("/tim-kiem/stats").headers["x-frame-options"] == "DENY"
        docs = c.get("/tim-kiem/docs")
        assert "/tim-kiem/openapi.json" in docs.text
        assert script_hashes(docs.content)[0] in docs.headers["content-security-policy"]


# --- a damaged index ------------------------------------------------------------------------------

def _truncate(suffix: str):
    def damage(ix: Path) -> None:
        for f in ix.iterdir():
            if f.name.endswith(suffix):
                f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    return damage


def _delete(suffix: str):
    def damage(ix: Path) -> None:
        for f in ix.iterdir():
            if f.name.endswith(suffix):
                f.unlink()
    return damage


DAMAGES = {"truncated terms": _truncate(".trm"), "deleted postings": _delete(".pst"),
           "truncated table of contents": _truncate(".toc"), "truncated stored fields": _truncate("_stored.col")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("whole") / "ix"
    with SearchEngine(path) as engine:
        engine.add_many(web_articles())
    return path


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_damaged_index_is_a_503_that_says_how_to_rebuild(built, tmp_path, damage, caplog):
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    damage(ix)
    with TestClient(create_app(ix), raise_server_exceptions=False) as c:
        page = c.get("/", params={"q": "dân vận"})
        assert page.status_code == 503, page.text[:300]
        shown = unescape(re.search(r'<p class="error" role="alert">(.*?)</p>', page.text, re.DOTALL)[1])
        assert shown.startswith("Chỉ mục bị hỏng nên tạm thời không tìm kiếm được.")
        assert "`govsearch check`" in shown and "`govsearch import TỆP.jsonl`" in shown
        assert str(ix) not in page.text
        api = c.get("/api/search", params={"q": "dân vận"})
        assert api.status_code == 503
        assert api.json() == {"error": "the index is damaged: run `govsearch check` to see what is damaged, "
                                       "then rebuild it (delete the index directory and run "
                                       "`govsearch import FILE.jsonl` or `govsearch crawl` again)"}
        assert c.get("/api/search", params={"q": "dân vận", "sort": "date"}).status_code == 503
    # the operator's log has what went wrong, with the path
    assert any("could not be read" in r.getMessage() and str(ix) in r.getMessage() for r in caplog.records)


def test_damage_in_an_embedders_engine_is_a_503_too(built, tmp_path):
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    engine = SearchEngine(ix, create=False)
    _delete(".pst")(ix)
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as c:
        assert c.get("/api/search", params={"q": "dân vận"}).status_code == 503
        assert c.get("/stats").status_code == 503
        assert c.get("/api/search", params={"q": "dân vận"}).status_code == 503  # an embedder's engine is kept
    engine.close()


def test_an_index_rebuilt_in_place_is_served_without_a_restart(built, tmp_path):
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    # damaged before the server has read it (files it has open stay readable to it)
    _truncate(".trm")(ix)
    with TestClient(create_app(ix), raise_server_exceptions=False) as c:
        assert c.get("/api/search", params={"q": "dân vận"}).status_code == 503
        shutil.rmtree(ix)
        with SearchEngine(ix) as engine:
            engine.add_many(web_articles()[:10])
        r = c.get("/api/search", params={"q": "dân vận"})
        assert r.status_code == 200 and r.json()["total"] == 10


# --- the public API only --------------------------------------------------------------------------

def test_web_imports_only_the_public_api():
    """web/ is a front end: of govsearch it may import the package itself, and its own modules."""
    for source in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                inside_web = node.level == 1
                public = (node.level == 0 and node.module == "govsearch") or (node.level == 2 and not node.module)
                assert inside_web or public or not (node.level or (node.module or "").startswith("govsearch")), \
                    f"{source.name}:{node.lineno} imports {'.' * node.level}{node.module}"
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("govsearch.") for a in node.names), f"{source.name}:{node.lineno}"


def test_an_unexpected_error_is_a_vietnamese_500_with_the_headers(web_engine):
    app = create_app(engine=web_engine)

    @app.get("/hong")
    def broken() -> None:
        raise RuntimeError("a bug, not the index")

    @app.get("/api/hong")
    def broken_api() -> None:
        raise RuntimeError("a bug, not the index")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/hong")
        assert r.status_code == 500 and "Máy chủ gặp lỗi khi xử lý yêu cầu này." in r.text
        assert "a bug" not in r.text and "Traceback" not in r.text
        assert r.headers["x-frame-options"] == "DENY" and "script-src 'none'" in r.headers["content-security-policy"]
        api = c.get("/api/hong")
        assert api.status_code == 500 and api.json() == {"error": "internal server error"}
