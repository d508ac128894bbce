"""End to end in a real headless Chromium against `govsearch serve` on 127.0.0.1.

Uses Debian's /usr/bin/chromium (`.ci/run` installs it), not `playwright install`:
there is no internet to download browsers from.
Set GOVSEARCH_UPDATE_SCREENSHOT=1 to rewrite docs/search-results.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from govsearch import SearchEngine

from .conftest import free_port
from .data import web_articles

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "search-results.png"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is absent (apt-get install -y chromium; .ci/run does)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real uvicorn server, started the way users start it: `govsearch serve`."""
    index = tmp_path_factory.mktemp("browser") / "ix"
    with SearchEngine(index) as engine:
        engine.add_many(web_articles())
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "serve", "--index", str(index),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"govsearch serve did not start: {proc.stdout.read().decode()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    foreign: list[str] = []
    # Nothing may come from anywhere but our server: no CDN, no fonts.
    pg.on("request", lambda req: foreign.append(req.url)
          if not req.url.startswith((server, "data:", "about:")) else None)
    yield pg
    context.close()
    assert not foreign, foreign


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_search_highlight_page_and_facet(page, server, tmp_path):
    page.goto(server + "/")
    page.fill("input[name=q]", "dan van")  # typed without diacritics
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=dan+van*")
    assert page.input_value("input[name=q]") == "dan van"
    assert page.locator(".hit").count() == 10
    marks = page.locator(".hit mark").all_inner_texts()
    assert "dân" in marks and "vận" in marks
    assert "Khoảng 26 kết quả" in page.inner_text(".summary")
    assert page.inner_text(".suggestion") == "Có phải bạn muốn tìm: dân vận?"
    shot = SCREENSHOT if os.environ.get("GOVSEARCH_UPDATE_SCREENSHOT") else tmp_path / "results.png"
    page.screenshot(path=str(shot), full_page=False)

    page.click("nav.pages >> text=2")
    page.wait_for_url("**page=2*")
    assert query_of(page.url) == {"q": ["dan van"], "page": ["2"]}
    assert page.get_attribute("ol.hits", "start") == "11"
    assert page.locator(".hit").count() == 10

    page.click(".facet-year >> text=2020")
    page.wait_for_url("**since=2020-01-01*")
    assert query_of(page.url) == {"q": ["dan van"], "since": ["2020-01-01"], "until": ["2020-12-31"]}
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(d.endswith("/2020") for d in dates)
    assert page.input_value("input[name=since]") == "2020-01-01"

    page.click(".facet-source >> text=dcs.vn")
    page.wait_for_url("**source=dcs.vn*")
    assert set(page.locator(".hit .source").all_inner_texts()) == {"dcs.vn"}
    assert query_of(page.url)["since"] == ["2020-01-01"]  # the year filter is kept

    # A new query from the box keeps the chosen source; the suggestion link searches it.
    page.click(".suggestion a")
    page.wait_for_url("**q=d%C3%A2n+v%E1%BA%ADn*")
    assert page.input_value("input[name=q]") == "dân vận"


def test_sort_by_date_and_date_range_form(page, server):
    page.goto(server + "/?q=d%C3%A2n+v%E1%BA%ADn")
    page.click("text=Mới nhất")
    page.fill("input[name=since]", "2021-01-01")
    page.fill("input[name=until]", "2022-12-31")
    page.click(".dates button")
    page.wait_for_url("**until=2022-12-31*")
    q = query_of(page.url)
    assert q["sort"] == ["date"] and q["since"] == ["2021-01-01"]
    years = [d[-4:] for d in page.locator(".hit time").all_inner_texts()]
    assert years == sorted(years, reverse=True) and set(years) <= {"2021", "2022"}


def test_empty_results_page(page, server):
    page.goto(server + "/?q=xyzzy")
    assert "Không tìm thấy kết quả nào" in page.inner_text(".empty")


def test_openapi_docs_render_offline(page, server):
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/search" in p for p in paths)
