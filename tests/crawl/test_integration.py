"""End to end over the extract package's fixture portals: crawl all six CMS
families at once with the real extractor into a real SearchEngine index."""

from __future__ import annotations

import json
import time
from collections import Counter
from urllib.parse import unquote

import pytest

pytest.importorskip("govsearch.extract")
from govsearch import SearchEngine  # noqa: E402
from govsearch.crawl import crawl  # noqa: E402
from govsearch.crawl.urls import canonicalize  # noqa: E402

from tests.fixtures.portals.server import PORTALS, start_portal  # noqa: E402

FAMILIES = ["liferay", "nukeviet", "sharepoint", "dcs", "baochinhphu", "generic"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    truth = json.loads((PORTALS / "truth.json").read_text("utf-8"))
    sites = {name: start_portal(PORTALS / name) for name in FAMILIES}
    index_dir = tmp_path_factory.mktemp("index")
    try:
        t0 = time.monotonic()
        # Default extractor and sink: govsearch.extract.extract into SearchEngine(index_dir).
        summary = crawl([s.base + "/" for s in sites.values()], index_dir=index_dir, delay=0,
                        timeout=5, retries=1, backoff=0.05)
        elapsed = time.monotonic() - t0
        yield truth, sites, summary, SearchEngine(index_dir), elapsed
    finally:
        for s in sites.values():
            s.stop()


def test_every_fixture_article_is_indexed_once(crawled) -> None:
    truth, sites, summary, engine, _ = crawled
    want: set[str] = set()
    for name, site in sites.items():
        for path, facts in truth[name]["articles"].items():
            url = canonicalize(site.base + facts.get("canonical", path))
            want.add(url)
            art = engine.get(url)
            assert art is not None, (name, path)
            assert art.title == facts["title"], (name, path)
    stored = {a.url for a in engine.articles()}
    assert want <= stored
    for name, site in sites.items():
        for path in truth[name]["non_articles"]:
            assert canonicalize(site.base + path) not in stored, (name, path)
    assert summary.articles_indexed == len(stored)
    assert summary.queue_length == 0
    # The only problem the fixtures contain: NukeViet's "send by e-mail" link points nowhere.
    assert [(p.kind, p.detail, p.url.split("/", 3)[-1]) for p in summary.problems] == [
        ("http-error", "HTTP 404", "news/sendmail/1")]


def test_only_articles_are_indexed(crawled) -> None:
    truth, sites, _, engine, _ = crawled
    want = {canonicalize(site.base + facts.get("canonical", path))
            for name, site in sites.items() for path, facts in truth[name]["articles"].items()}
    assert {a.url for a in engine.articles()} == want


def test_politeness_and_traps(crawled) -> None:
    truth, sites, summary, _, _ = crawled
    for name, site in sites.items():
        paths = [unquote(p) for p in site.requests]
        assert paths[0] == "/robots.txt", name
        counts = Counter(paths)
        assert all(n == 1 for n in counts.values()), (name, counts)
        for p in paths:
            assert not p.startswith("/lich/"), (name, p)          # the endless calendar (robots + trap rules)
            assert "tim-kiem" not in p and "/search" not in p, (name, p)
            assert "savefile" not in p and "jsessionid" not in p.lower() and "PHPSESSID" not in p, (name, p)
            assert "utm_source" not in p and "sid=" not in p, (name, p)


def test_crawl_delay_of_fixture_portals_was_obeyed(crawled) -> None:
    _, sites, summary, _, elapsed = crawled
    # Every fixture robots.txt says Crawl-delay: 1; the busiest portal sets the pace.
    busiest = max(len(s.requests) for s in sites.values())
    assert elapsed >= busiest - 2
