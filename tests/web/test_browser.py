"""End to end in a real headless Chromium against `govsearch serve` on 127.0.0.1.

Uses Debian's /usr/bin/chromium (`.ci/run` installs it), not `playwright install`:
there is no internet to download browsers from.
Set GOVSEARCH_UPDATE_SCREENSHOT=1 to rewrite docs/search-results.png and docs/search-results-phone.png.
"""

from __future__ import annotations

import contextlib
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
DOCS = Path(__file__).resolve().parents[2] / "docs"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is absent (apt-get install -y chromium; .ci/run does)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


@contextlib.contextmanager
def serve_index(index: Path):
    """`govsearch serve` on the index, started the way users start it; yields its base URL."""
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
def server(tmp_path_factory):
    """A real uvicorn server over the web tests' articles."""
    index = tmp_path_factory.mktemp("browser") / "ix"
    with SearchEngine(index) as engine:
        engine.add_many(web_articles())
    with serve_index(index) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, server, viewport, locale="vi-VN"):
    context = browser.new_context(viewport=viewport, locale=locale)
    pg = context.new_page()
    pg.foreign = []
    pg.refused = []
    # Nothing may come from anywhere but our server: no CDN, no fonts.
    pg.on("request", lambda req: pg.foreign.append(req.url)
          if not req.url.startswith((server, "data:", "about:")) else None)
    # and nothing the page needs may be blocked by our Content-Security-Policy
    pg.on("console", lambda m: pg.refused.append(m.text) if "Content Security Policy" in m.text else None)
    return context, pg


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def any_page(request, browser, server):
    context, pg = open_page(browser, server, request.param)
    yield pg
    context.close()
    assert not pg.foreign, pg.foreign
    assert not pg.refused, pg.refused


@pytest.fixture
def page(browser, server):
    context, pg = open_page(browser, server, DESKTOP)
    yield pg
    context.close()
    assert not pg.foreign, pg.foreign
    assert not pg.refused, pg.refused


def shot_path(name: str, tmp_path: Path) -> Path:
    return DOCS / name if os.environ.get("GOVSEARCH_UPDATE_SCREENSHOT") else tmp_path / name


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
    page.screenshot(path=str(shot_path("search-results.png", tmp_path)), full_page=False)

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
    assert page.input_value("input[name=since]") == "01/01/2020"
    assert page.input_value("input[name=until]") == "31/12/2020"

    page.click(".facet-source >> text=dcs.vn")
    page.wait_for_url("**source=dcs.vn*")
    assert set(page.locator(".hit .source").all_inner_texts()) == {"dcs.vn"}
    assert query_of(page.url)["since"] == ["2020-01-01"]  # the year filter is kept

    # A new query from the box keeps the chosen source; the suggestion link searches it.
    page.click(".suggestion a")
    page.wait_for_url("**q=d%C3%A2n+v%E1%BA%ADn*")
    assert page.input_value("input[name=q]") == "dân vận"


def test_sort_by_date_and_date_range_form(any_page, server):
    page = any_page
    page.goto(server + "/?q=d%C3%A2n+v%E1%BA%ADn")
    page.click("text=Mới nhất")
    # the fields are dd/mm/yyyy text whatever the browser's language (an en-US browser too)
    assert page.get_attribute("input[name=since]", "placeholder") == "dd/mm/yyyy"
    page.fill("input[name=since]", "01/01/2021")
    page.fill("input[name=until]", "31/12/2022")
    page.click(".dates button")
    page.wait_for_url("**until=31%2F12%2F2022*")
    q = query_of(page.url)
    assert q["sort"] == ["date"] and q["since"] == ["01/01/2021"]
    years = [d[-4:] for d in page.locator(".hit time").all_inner_texts()]
    assert years == sorted(years, reverse=True) and set(years) <= {"2021", "2022"}
    assert "Khoảng 8 kết quả" in page.inner_text(".summary")
    assert page.input_value("input[name=since]") == "01/01/2021"
    # ISO typed by hand works too, and a bad date is a Vietnamese message with the date left to fix
    page.fill("input[name=since]", "2022-01-01")
    page.click(".dates button")
    page.wait_for_url("**since=2022-01-01*")
    assert "Khoảng 4 kết quả" in page.inner_text(".summary")
    page.fill("input[name=since]", "30/02/2022")
    page.click(".dates button")
    page.wait_for_url("**since=30%2F02%2F2022*")
    assert page.inner_text(".error").startswith("Ngày bắt đầu «30/02/2022» không phải là ngày hợp lệ")
    assert page.input_value("input[name=since]") == "30/02/2022"
    page.fill("input[name=since]", "01/02/2022")
    page.click(".dates button")
    page.wait_for_url("**since=01%2F02%2F2022*")
    assert page.locator(".hit").count() > 0


def text_lines(page, selector) -> int:
    """How many lines the text inside the element takes."""
    return page.eval_on_selector(selector, """el => { const r = document.createRange(); r.selectNodeContents(el);
        return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }""")


def box(page, selector):
    b = page.locator(selector).first.bounding_box()
    assert b, selector
    return b


@pytest.mark.parametrize("viewport, shot", [(DESKTOP, None), (PHONE, "search-results-phone.png")],
                         ids=["desktop", "phone"])
def test_layout(browser, server, viewport, shot, tmp_path):
    context, page = open_page(browser, server, viewport)
    try:
        page.goto(server + "/?q=d%C3%A2n+v%E1%BA%ADn")
        width = viewport["width"]
        # nothing wider than the screen: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        q, button = box(page, ".searchbox input[name=q]"), box(page, ".searchbox button")
        # the search button sits on the input's line, to its right, inside the screen
        assert abs((q["y"] + q["height"] / 2) - (button["y"] + button["height"] / 2)) < 2
        assert button["x"] >= q["x"] + q["width"] and button["x"] + button["width"] <= width
        assert q["width"] >= (200 if width < 500 else 400)
        # and its label on one line (at 390 px it used to break into "Tìm / kiếm")
        assert text_lines(page, ".searchbox button") == 1
        filters, results, pager = box(page, ".filters"), box(page, ".results .hits"), box(page, "nav.pages")
        years = box(page, ".facet-year")
        if width >= 1000:
            # a column beside the results, starting at the top
            assert filters["x"] + filters["width"] <= results["x"] and filters["y"] <= results["y"] + 40
        else:
            # above the results and the pager, and short enough to leave the first hit on screen
            assert filters["y"] + filters["height"] <= results["y"] <= pager["y"]
            assert years["y"] < results["y"]
            assert box(page, ".hit h2")["y"] < viewport["height"]
            since, until = box(page, "input[name=since]"), box(page, "input[name=until]")
            assert abs(since["y"] - until["y"]) < 2  # the two dates side by side
        assert not page.refused and not page.foreign
        page.screenshot(path=str(shot_path(shot, tmp_path) if shot else tmp_path / "desktop.png"))
    finally:
        context.close()


def test_stats_page_from_the_search_page(any_page, server):
    page = any_page
    page.goto(server + "/?q=d%C3%A2n+v%E1%BA%ADn")
    page.click("footer >> text=Thống kê chỉ mục")
    page.wait_for_url("**/stats")
    assert page.inner_text("h1") == "Thống kê chỉ mục"
    assert page.inner_text("dd.documents") == "29"
    assert page.locator("table.sources tbody tr").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    # its search box searches
    page.fill("input[name=q]", "UBND tỉnh")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=UBND*")
    assert page.locator(".hit").count() >= 1


def test_empty_results_page(page, server):
    page.goto(server + "/?q=xyzzy")
    assert "Không tìm thấy kết quả nào" in page.inner_text(".empty")


def test_openapi_docs_render_offline_under_their_csp(page, server):
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/search" in p for p in paths)
    # "Try it out" runs a search from the page (a fetch the CSP must allow)
    page.click(".opblock-summary-path[data-path=\"/api/search\"]")
    page.click("text=Try it out")
    page.fill("input[placeholder=\"q\"]", "dân vận")
    page.click("text=Execute")
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=15_000)
    assert status.inner_text().strip() == "200"
    assert '"total": 26' in page.inner_text(".live-responses-table tbody .response-col_description")
    # (the page fixture asserts no "Content Security Policy" refusals in the console)


def test_a_page_runs_no_inline_script(page, server):
    """The pages' CSP blocks scripts: an injected one would not run (none of ours needs one)."""
    page.goto(server + "/?q=d%C3%A2n+v%E1%BA%ADn")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"document.title=1\">')")
    page.wait_for_timeout(300)
    assert page.title() != "1"
    assert any("Content Security Policy" in m for m in page.refused)
    page.refused.clear()


def test_timeline_bar_click_filters_to_its_month_and_the_feed_is_linked(page, server, tmp_path):
    page.goto(server + "/?q=d%C3%A2n+v%E1%BA%ADn")
    bars = page.locator("figure.timeline svg a")
    assert bars.count() >= 10
    box = page.locator("figure.timeline svg").bounding_box()
    assert box and box["width"] > 300 and 30 < box["height"] < 200  # drawn, at a readable size
    label = bars.first.get_attribute("aria-label")  # "MM/YYYY: n bài"
    page.locator("figure.timeline").screenshot(path=str(shot_path("timeline.png", tmp_path)))
    bars.first.locator("rect").click()
    page.wait_for_url("**since=*")
    month = label.split(":")[0]
    assert query_of(page.url)["since"] == [f"{month[3:]}-{month[:2]}"]
    assert f"Khoảng {label.split(': ')[1].split()[0]} kết quả" in page.inner_text(".summary")
    assert page.locator("figure.timeline rect.bar.active").count() == 1
    feed = page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    assert feed.startswith("/feed.atom?") and page.locator("a.feed").get_attribute("href") == feed


def test_cited_document_facet_leads_to_the_documents_page(page, server):
    page.goto(server + "/?q=qu%C3%A1n+tri%E1%BB%87t")
    assert "Quy định" in page.inner_text(".facet-doctype")
    page.click(".facet-doctype .cited >> text=11-QĐi/TW")
    page.wait_for_url("**/van-ban/11-Q%C4%90i/TW")
    assert page.inner_text("h1.doc-heading") == "Quy định 11-QĐi/TW"
    assert page.locator(".hit").count() == 1
    assert "1 bài viết trích dẫn văn bản này" in page.inner_text(".summary")
