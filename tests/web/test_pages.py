"""The search page, server-rendered: everything works from links and a GET form, no JavaScript."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from govsearch import Article


def links(html: str, css_class: str) -> dict[str, str]:
    """label -> href of the links inside <section class="... css_class">."""
    section = re.search(rf'<section class="[^"]*{css_class}[^"]*">(.*?)</section>', html, re.DOTALL)
    assert section, css_class
    return {label: unescape(href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', section[1])}


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_home_page(client):
    r = client.get("/")
    assert r.status_code == 200 and "Tìm kiếm trong 29 bài viết" in r.text
    assert 'name="q"' in r.text and 'method="get"' in r.text


def test_results_page(client):
    r = client.get("/", params={"q": "dan van"})
    html = r.text
    assert r.status_code == 200
    assert 'value="dan van"' in html  # the query stays in the box
    assert re.search(r"Khoảng 26 kết quả \(\d+,\d\d giây\)", html)
    assert html.count('class="hit"') == 10
    assert "<mark>dân</mark> <mark>vận</mark>" in html
    assert 'Có phải bạn muốn tìm: <a href="?q=d%C3%A2n+v%E1%BA%ADn">dân vận</a>?' in html
    assert '<span class="source">dcs.vn</span>' in html or '<span class="source">thainguyen.gov.vn</span>' in html
    assert re.search(r"<time>\d\d/\d\d/20\d\d</time>", html)


def test_facet_links_keep_the_other_parameters(client):
    html = client.get("/", params={"q": "dân vận", "sort": "date", "page": 2}).text
    sources = links(html, "facet-source")
    assert sources.keys() == {"thainguyen.gov.vn", "baochinhphu.vn", "dangcongsan.vn", "quangninh.gov.vn", "dcs.vn"}
    assert params(sources["dcs.vn"]) == {"q": ["dân vận"], "source": ["dcs.vn"], "sort": ["date"]}
    years = links(html, "facet-year")
    assert params(years["2022"]) == {"q": ["dân vận"], "since": ["2022-01-01"], "until": ["2022-12-31"],
                                     "sort": ["date"]}
    # Following the year link narrows the results; the active year's link removes the filter.
    narrowed = client.get("/" + years["2022"]).text
    assert "Khoảng 4 kết quả" in narrowed
    assert 'value="01/01/2022"' in narrowed and 'value="31/12/2022"' in narrowed
    assert params(links(narrowed, "facet-year")["2022"]) == {"q": ["dân vận"], "sort": ["date"]}
    # and the source facet counts beside it are those of 2022 only
    assert re.search(r'dcs.vn</a> <span class="count">\d</span>', narrowed)


def test_pagination(client):
    html = client.get("/", params={"q": "dân vận"}).text
    nav = re.search(r'<nav class="pages".*?</nav>', html, re.DOTALL)[0]
    assert '<strong aria-current="page">1</strong>' in nav and ">3</a>" in nav and ">4</a>" not in nav
    page3 = re.search(r'<a href="([^"]+)">3</a>', nav)[1]
    html3 = client.get("/" + unescape(page3)).text
    assert html3.count('class="hit"') == 6 and '<ol class="hits" start="21">' in html3
    assert 'rel="prev"' in html3 and 'rel="next"' not in html3


def test_empty_results(client):
    html = client.get("/", params={"q": "xyzzy quux"}).text
    assert "Không có kết quả (" in html and "Không tìm thấy kết quả nào phù hợp với <strong>xyzzy quux</strong>" in html
    assert 'class="hit"' not in html


def test_suggestion_for_a_typo_and_notices(client):
    html = client.get("/", params={"q": "dân vậm"}).text
    assert "Có phải bạn muốn tìm" in html and ">dân vận</a>" in html
    html = client.get("/", params={"q": '"dân vận'}).text
    assert '<ul class="notices"><li>Dấu ngoặc kép không khớp nên đã được bỏ qua.</li></ul>' in html
    html = client.get("/", params={"q": "dân vận since:hôm-qua"}).text
    assert "<li>«since:hôm-qua» không phải là ngày (ví dụ đúng: since:2022-01-31) nên đã được bỏ qua.</li>" in html


def error_text(html: str) -> str:
    return unescape(re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.DOTALL)[1])


@pytest.mark.parametrize("bad, shown", [
    ({"since": "hôm qua"}, "Ngày bắt đầu «hôm qua» không phải là ngày hợp lệ (nhập ngày/tháng/năm như 31/12/2022, "
                           "hoặc 2022-12-31, 2022-12, 2022)."),
    ({"until": "31/02/2022"}, "Ngày kết thúc «31/02/2022» không phải là ngày hợp lệ"),
    ({"since": "2023", "until": "2022"}, "Ngày bắt đầu (2023) ở sau ngày kết thúc (2022)."),
    ({"page": "x"}, "Số trang phải là số nguyên, không phải «x»."),
    ({"page": "0"}, "Số trang phải từ 1 đến 1000."),
    ({"sort": "hot"}, "Cách sắp xếp «hot» không có; chọn «Liên quan nhất» hoặc «Mới nhất»."),
    ({"limit": "1000"}, "Số kết quả mỗi trang phải từ 1 đến 100."),
])
def test_bad_parameters_show_a_vietnamese_message_not_a_500(client, bad, shown):
    r = client.get("/", params={"q": "dân vận", **bad})
    assert r.status_code == 400
    assert error_text(r.text).startswith(shown)
    # no English left on the page (the 400 page used to read "Tham số không hợp lệ: since ... is not a date")
    assert not re.search(r"\b(must|between|is not|after|whole number|one of)\b", r.text)
    assert 'value="dân vận"' in r.text


def test_a_bad_date_stays_in_its_field_to_be_corrected(client):
    html = client.get("/", params={"q": "dân vận", "since": "32/01/2022", "until": "2022"}).text
    assert 'name="since" value="32/01/2022"' in html and 'name="until" value="2022"' in html


def test_date_fields_are_text_in_dd_mm_yyyy(client):
    html = client.get("/", params={"q": "dân vận"}).text
    fields = re.findall(r'<input type="(\w+)" name="(since|until)" value="" form="f" inputmode="numeric" '
                        r'placeholder="dd/mm/yyyy"', html)
    assert fields == [("text", "since"), ("text", "until")]


@pytest.mark.parametrize("since, until, total", [
    ("01/01/2021", "31/12/2022", 8),     # what the field sends
    ("2021-01-01", "2022-12-31", 8),     # ISO, as the year links send it
    ("1/1/2021", "31/12/2022", 8),
    ("2021", "2022", 8),
    ("01/01/2021", "", 16),
])
def test_the_server_takes_what_the_date_fields_send(client, since, until, total):
    html = client.get("/", params={"q": "dân vận", "since": since, "until": until}).text
    assert f"Khoảng {total} kết quả" in html
    assert 'name="since" value="01/01/2021"' in html


def test_dates_in_other_forms_fill_the_date_fields_as_dd_mm_yyyy(client):
    html = client.get("/", params={"q": "dân vận", "since": "2021", "until": "31/03/2022"}).text
    assert 'value="01/01/2021"' in html and 'value="31/03/2022"' in html
    assert "Bỏ lọc thời gian" in html
    html = client.get("/", params={"q": "dân vận", "since": "2021-03", "until": "2022-02"}).text
    assert 'value="01/03/2021"' in html and 'value="28/02/2022"' in html


def test_stored_text_is_escaped_and_only_http_links(client, web_engine):
    web_engine.add(Article(url="javascript:alert(1)", title="<script>alert('dân vận')</script>",
                           body="<img src=x onerror=alert(1)> dân vận", source="evil.example"))
    html = client.get("/", params={"q": "alert dân vận"}).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_unknown_page_is_404_in_vietnamese_and_its_form_searches(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and error_text(r.text) == "Không tìm thấy trang này."
    assert 'action="/"' in r.text  # not back to /no/such/page
    r = client.post("/")
    assert r.status_code == 405 and error_text(r.text) == "Trang này không nhận yêu cầu kiểu này."


def test_static_css(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "mark" in r.text


def test_page_past_the_end_leads_back(client):
    html = client.get("/", params={"q": "dân vận", "page": 9}).text
    assert "Không tìm thấy kết quả nào" in html and "ở trang 9" in html
    prev = re.search(r'<a class="prev" rel="prev" href="([^"]+)"', html)[1]
    assert params(unescape(prev))["page"] == ["3"]
    assert ">3</a>" in html and 'rel="next"' not in html
