"""The "N bản khác" line in a real Chromium, at desktop and phone width (see test_browser.py)."""

from __future__ import annotations

import pytest

from govsearch import SearchEngine

from .data import COPY_SOURCES, copy_articles, web_articles
from .test_browser import DESKTOP, PHONE, box, browser, open_page, pytestmark, serve_index  # noqa: F401 (fixtures, skip)


@pytest.fixture(scope="module")
def copies_server(tmp_path_factory):
    index = tmp_path_factory.mktemp("browser-copies") / "ix"
    with SearchEngine(index) as engine:
        engine.add_many(web_articles() + copy_articles())
    with serve_index(index) as base:
        yield base


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_copies_line_opens_without_javascript_and_fits_the_screen(browser, copies_server, viewport):  # noqa: F811
    context, page = open_page(browser, copies_server, viewport)
    try:
        page.goto(copies_server + "/?q=tr%E1%BB%93ng+r%E1%BB%ABng+g%E1%BB%97+l%E1%BB%9Bn")
        assert page.locator(".hit").count() == 1
        assert "(1 tin sau khi gộp bản sao)" in page.inner_text(".summary")
        summary = page.locator(".hit details.copies summary")
        assert summary.inner_text() == "3 bản khác: " + ", ".join(COPY_SOURCES[1:])
        links = page.locator(".hit details.copies li a")
        assert not links.first.is_visible()  # closed until asked
        summary.click()
        assert links.count() == 3 and links.first.is_visible()
        assert links.all_inner_texts() == COPY_SOURCES[1:]
        assert links.nth(1).get_attribute("href") == "https://quangninh.gov.vn/tin-tuc/trong-rung-go-lon.html"
        # the line sits under the hit's address, inside the screen, with nothing to scroll sideways
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        url, line = box(page, ".hit .url"), box(page, ".hit details.copies")
        assert line["y"] >= url["y"] + url["height"] - 1 and line["x"] + line["width"] <= width
        assert not page.refused and not page.foreign
        # with JavaScript off the <details> still opens: it is HTML, not a script
        nojs = page.context.browser.new_context(viewport=viewport, java_script_enabled=False)
        p2 = nojs.new_page()
        p2.goto(copies_server + "/?q=tr%E1%BB%93ng+r%E1%BB%ABng+g%E1%BB%97+l%E1%BB%9Bn")
        p2.locator(".hit details.copies summary").click()
        assert p2.locator(".hit details.copies li a").first.is_visible()
        nojs.close()
        # "collapse=false" lists the four copies as hits
        page.goto(copies_server + "/?q=tr%E1%BB%93ng+r%E1%BB%ABng+g%E1%BB%97+l%E1%BB%9Bn&collapse=false")
        assert page.locator(".hit").count() == 4 and page.locator("details.copies").count() == 0
    finally:
        context.close()
