"""The JSON API: the same JSON as `govsearch query --json`, and 4xx JSON errors, never a 500."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from govsearch.cli import app as cli_app
from govsearch.web import create_app

from .conftest import TestClient


def test_search_returns_the_cli_json(client, web_engine):
    r = client.get("/api/search", params={"q": "dan van", "limit": 5, "page": 2})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    cli = CliRunner().invoke(cli_app, ["query", "dan van", "--index", str(web_engine.path),
                                       "--limit", "5", "--page", "2", "--json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.stdout)
    # Timing is the only thing allowed to differ between two runs.
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected
    assert data["total"] == 26 and data["page"] == 2 and len(data["hits"]) == 5
    assert data["suggestion"] == "dân vận"
    assert "<mark>" in data["hits"][0]["snippet"]


def test_search_filters_sort_and_repeated_source(client):
    r = client.get("/api/search", params=[("q", "dân vận"), ("source", "dcs.vn"),
                                          ("source", "baochinhphu.vn"), ("since", "2021"),
                                          ("until", "31/12/2022"), ("sort", "date")])
    data = r.json()
    assert r.status_code == 200, data
    assert set(data["facets"]["source"]) <= {"dcs.vn", "baochinhphu.vn"}
    assert set(data["facets"]["year"]) <= {"2021", "2022"}
    dates = [h["published"] for h in data["hits"]]
    assert dates == sorted(dates, reverse=True) and dates


@pytest.mark.parametrize("params, status, words", [
    ({}, 422, "q"),
    ({"q": "x", "limit": 0}, 422, "limit"),
    ({"q": "x", "limit": 101}, 422, "limit"),
    ({"q": "x", "limit": "ten"}, 422, "limit"),
    ({"q": "x", "page": 0}, 422, "page"),
    ({"q": "x", "page": 10_000}, 422, "page"),
    ({"q": "x", "sort": "popular"}, 422, "sort"),
    ({"q": "x", "since": "yesterday"}, 400, "since"),
    ({"q": "x", "until": "2022-02-30"}, 400, "until"),
    ({"q": "x", "since": "2023", "until": "2022"}, 400, "after"),
])
def test_bad_parameters_are_4xx_json_with_a_message(client, params, status, words):
    r = client.get("/api/search", params=params)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"} and words in body["error"]


def test_odd_queries_never_fail(client):
    for q in ["", "   ", '"dân vận', "!!!", "-", "site:", "a" * 2000, "dân vận OR", "<script>"]:
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)


def test_article_by_url(client):
    url = "https://dcs.vn/tin-tuc/dan-van-4.html"
    r = client.get("/api/articles", params={"url": url})
    assert r.status_code == 200
    assert r.json()["url"] == url and r.json()["source"] == "dcs.vn"
    missing = client.get("/api/articles", params={"url": "https://dcs.vn/none"})
    assert missing.status_code == 404 and "no article" in missing.json()["error"]
    assert client.get("/api/articles").status_code == 422


def test_stats_without_the_index_path(client, web_engine):
    r = client.get("/api/stats")
    data = r.json()
    assert data["documents"] == 29
    assert data["sources"]["thainguyen.gov.vn"] == 6
    assert data["earliest"].startswith("2019")
    assert "path" not in data and str(web_engine.path) not in r.text
    # the CLI keeps it: the operator runs it on the server
    cli = CliRunner().invoke(cli_app, ["stats", "--index", str(web_engine.path), "--json"])
    assert json.loads(cli.stdout)["path"] == str(web_engine.path)
    assert {k: v for k, v in json.loads(cli.stdout).items() if k != "path"} == data


def test_errors_are_one_line(client):
    for params in [{}, {"q": "x", "limit": 0, "page": 0}, {"q": "x", "since": "hôm qua"}]:
        error = client.get("/api/search", params=params).json()["error"]
        assert error and "\n" not in error, error


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/nope")
    assert r.status_code == 404 and "error" in r.json()


def test_missing_index_is_503_until_it_exists(tmp_path):
    from govsearch import SearchEngine

    from .data import web_articles

    path = tmp_path / "later"
    with TestClient(create_app(path)) as c:
        r = c.get("/api/search", params={"q": "dân vận"})
        assert r.status_code == 503 and "govsearch import" in r.json()["error"]
        assert str(path) not in r.text
        page = c.get("/", params={"q": "dân vận"})
        assert page.status_code == 503 and "Chưa có chỉ mục" in page.text and str(path) not in page.text
        assert c.get("/stats").status_code == 503
        # The first request after an import creates the index opens it: no restart.
        with SearchEngine(path) as writer:
            writer.add_many(web_articles())
        r = c.get("/api/search", params={"q": "dân vận"})
        assert r.status_code == 200 and r.json()["total"] == 26


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/articles", "/api/stats"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI comes from this server, not a CDN (there may be no internet).
    assert "cdn" not in docs.text.lower() and "/static-docs/swagger-ui-bundle.js" in docs.text
    assert client.get("/static-docs/swagger-ui-bundle.js").status_code == 200
