"""The generic fallback alone, on every fixture template and on hand-made pages with the known traps."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from govsearch.extract import extract
from govsearch.extract.generic import GENERIC
from govsearch.extract.html import parse
from govsearch.extract.pipeline import declines, run
from govsearch.extract.profile import Page

from tests.fixtures.portals.server import fetch, load_truth

TRUTH = load_truth()

VN = timezone(timedelta(hours=7))
ARTICLES = [(f, p) for f, t in TRUTH.items() for p in t["articles"]]
NON_ARTICLES = [(f, p) for f, t in TRUTH.items() for p in t["non_articles"]]


def generic_only(data: bytes | str, url: str, content_type: str | None = None):  # type: ignore[no-untyped-def]
    page = Page(parse(data, content_type), url)
    return None if declines(GENERIC, page) else run(GENERIC, page)


def f1(a: str, b: str) -> float:
    x, y = Counter(a.lower().split()), Counter(b.lower().split())
    common = sum((x & y).values())
    return 0.0 if not common else 2 * common / (sum(x.values()) + sum(y.values()))


@pytest.mark.parametrize(("family", "path"), ARTICLES)
def test_generic_fallback_on_every_template(portals, family: str, path: str) -> None:  # type: ignore[no-untyped-def]
    truth = TRUTH[family]["articles"][path]
    base = portals[family].base
    _, body, headers = fetch(base + path)
    article = generic_only(body, base + path, headers.get("Content-Type"))
    assert article is not None
    assert article.title == truth["title"]
    if truth["published"] is None:
        assert article.published is None
    else:
        assert article.published is not None and article.published.isoformat() == truth["published"]
    assert f1(article.body, truth["body_text"]) > 0.9


@pytest.mark.parametrize(("family", "path"), NON_ARTICLES)
def test_generic_fallback_rejects_listings(portals, family: str, path: str) -> None:  # type: ignore[no-untyped-def]
    base = portals[family].base
    _, body, headers = fetch(base + path)
    assert generic_only(body, base + path, headers.get("Content-Type")) is None


PROSE = ("Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác sáu tháng đầu năm, đánh giá kết quả "
         "thực hiện các chỉ tiêu phát triển kinh tế - xã hội và đề ra nhiệm vụ trọng tâm sáu tháng cuối năm.")


def shell(main: str, top: str = "") -> str:
    return (f"<html><head><title>Hội nghị sơ kết sáu tháng đầu năm - Cổng TTĐT huyện</title></head><body>"
            f"<div id='top'>{top}</div><div class='menu'><a href='/'>Trang chủ</a> | <a href='/tin'>Tin tức</a></div>"
            f"{main}<div class='footer'>Bản quyền thuộc UBND huyện</div></body></html>")


def test_header_clock_is_skipped_for_the_stamp_after_the_title() -> None:
    html = shell(f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><p class='ngay'>09:59 | 31/05/2013</p>"
                 f"<div class='noidung'><p>(ĐCSVN) - {PROSE}</p><p>{PROSE}</p></div>",
                 top="Hôm nay, ngày 29 tháng 8 năm 2015")
    article = extract(html, "http://huyen.gov.vn/tin/hoi-nghi-so-ket-12.html")
    assert article is not None
    assert article.title == "Hội nghị sơ kết sáu tháng đầu năm"
    assert article.published == datetime(2013, 5, 31, 9, 59, tzinfo=VN)
    assert article.summary.startswith("Sáng nay, Ủy ban nhân dân huyện")


def test_clock_without_hom_nay_in_the_header_is_not_the_stamp() -> None:
    html = shell(f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div class='time'>15:05 | 08/07/2020</div>"
                 f"<div class='noidung'><p>{PROSE}</p><p>{PROSE}</p></div>",
                 top="<header><span>Thứ bảy 08/08/2020 19:15</span></header>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None and article.published == datetime(2020, 7, 8, 15, 5, tzinfo=VN)


def test_related_news_dates_are_never_the_stamp() -> None:
    html = shell(f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE}</p></div>"
                 "<div class='tin-lien-quan'><h3>Tin liên quan</h3><ul>"
                 "<li><a href='/tin/b-2.html'>Huyện tổ chức hội nghị tổng kết năm cũ</a> (12/01/2020)</li>"
                 "<li><a href='/tin/c-3.html'>Huyện tiếp đoàn công tác của tỉnh về làm việc</a> (05/01/2020)</li></ul></div>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None
    assert article.published is None
    assert "Huyện tổ chức hội nghị tổng kết năm cũ" not in article.body


def test_prose_dates_inside_the_text_are_not_the_stamp() -> None:
    html = shell(f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div class='noidung'><p>{PROSE}</p>"
                 f"<p>Ngày 18/02/2019, Bộ Chính trị ban hành quy định số 11-QĐi/TW. {PROSE}</p></div>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None and article.published is None


def test_stamp_printed_before_the_title() -> None:
    html = shell(f"<div class='ngay'>15/05/2025</div><div>Xem cỡ chữ</div><h1>Hội nghị sơ kết sáu tháng đầu năm</h1>"
                 f"<div class='noidung'><p>CTTĐT - {PROSE}</p><p>{PROSE}</p></div>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None
    assert article.published == datetime(2025, 5, 15, tzinfo=VN)
    assert "Xem cỡ chữ" not in article.body and not article.body.startswith("CTTĐT")


def test_title_is_the_heading_not_the_title_tag() -> None:
    html = shell(f"<h2>Tin nổi bật</h2><h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div><p>{PROSE}</p><p>{PROSE}</p></div>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None and article.title == "Hội nghị sơ kết sáu tháng đầu năm"


def test_title_from_title_tag_without_site_name_when_no_heading() -> None:
    html = shell(f"<div class='noidung'><p>{PROSE}</p><p>{PROSE}</p></div>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None and article.title == "Hội nghị sơ kết sáu tháng đầu năm"


def test_empty_or_tiny_pages_are_not_articles() -> None:
    assert extract("", "http://huyen.gov.vn/") is None
    assert extract("<html><body><h1>Trang chủ</h1><p>Xin chào</p></body></html>".encode(), "http://huyen.gov.vn/") is None


def test_xhtml_with_bare_text_and_br_breaks() -> None:
    html = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>Hội nghị sơ kết sáu tháng đầu năm - Cổng TTĐT</title></head><body>"
            f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div>{PROSE}<br/>{PROSE}<br/><br/>Kết thúc hội nghị.</div>"
            "</body></html>")
    for data in (html, html.encode("utf-8")):
        article = extract(data, "http://huyen.gov.vn/tin/a-1.html")
        assert article is not None
        assert article.body.split("\n") == [PROSE, PROSE, "Kết thúc hội nghị."]


def test_old_table_layout_portal() -> None:
    html = ("<html><head><title>Hội nghị sơ kết sáu tháng đầu năm</title></head><body><table>"
            "<tr><td colspan=2><a href='/'>Trang chủ</a> | <a href='/gioi-thieu'>Giới thiệu</a></td></tr>"
            "<tr><td width=200><a href='/tin/b-2.html'>Huyện tổ chức hội nghị tổng kết năm cũ</a><br>"
            "<a href='/tin/c-3.html'>Huyện tiếp đoàn công tác của tỉnh về làm việc</a></td>"
            f"<td><font size=4><b>Hội nghị sơ kết sáu tháng đầu năm</b></font><br><i>Cập nhật: 08:05, 03/03/2023</i>"
            f"<p>{PROSE}</p><p>{PROSE}</p><p align=right><b>Nguyễn Văn An</b></p></td></tr></table></body></html>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None
    assert article.title == "Hội nghị sơ kết sáu tháng đầu năm"
    assert article.published == datetime(2023, 3, 3, 8, 5, tzinfo=VN)
    assert article.author == "Nguyễn Văn An"
    assert "Huyện tổ chức hội nghị tổng kết năm cũ" not in article.body
    assert article.body.split("\n") == [PROSE, PROSE]


@pytest.mark.parametrize(
    ("url", "listing"),
    [
        ("http://huyen.gov.vn/tim-kiem-cuu-nan-nguoi-mat-tich-tren-song-12.html", False),
        ("http://huyen.gov.vn/tin/search-and-rescue-drill-12.html", False),
        ("http://huyen.gov.vn/tim-kiem.html?tukhoa=lu", True),
        ("http://huyen.gov.vn/tim-kiem/", True),
        ("http://huyen.gov.vn/search?q=lu", True),
        ("http://huyen.gov.vn/tag/phong-chong-lu-bao", True),
        ("http://huyen.gov.vn/tin-tuc/trang-3.html", True),
        ("http://huyen.gov.vn/tin-tuc/page-3", True),
        ("http://huyen.gov.vn/news/?PageIndex=76", True),
    ],
)
def test_url_shapes(url: str, listing: bool) -> None:
    html = shell(f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE}</p></div>")
    assert (extract(html, url) is None) is listing


def test_stamp_as_the_first_paragraph_of_the_text() -> None:
    html = shell(f"<h1>Hội nghị sơ kết sáu tháng đầu năm</h1><div class='noidung'><p><em>Thứ Năm, 13/01/2022 16:51</em></p>"
                 f"<p>{PROSE}</p><p>Ngày 18/02/2019, Bộ Chính trị ban hành quy định.</p><p>{PROSE}</p></div>")
    article = extract(html, "http://huyen.gov.vn/tin/a-1.html")
    assert article is not None
    assert article.published == datetime(2022, 1, 13, 16, 51, tzinfo=VN)
    assert "Thứ Năm, 13/01/2022 16:51" not in article.body
    assert "Ngày 18/02/2019, Bộ Chính trị ban hành quy định." in article.body
