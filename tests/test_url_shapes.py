"""The crawler and extraction read listing-URL shapes from one list (govsearch.extract.url_shapes):
what the crawler refuses as search results or a calendar, or counts as a page of an archive,
extraction declines too; what the crawler takes for an article URL, extraction extracts."""

from __future__ import annotations

import pytest

from govsearch.crawl.urls import page_number, trap_reason
from govsearch.extract import extract_page

PROSE = ("Sáng 12/3, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác cải cách hành chính quý I, "
         "đánh giá kết quả đạt được và đề ra nhiệm vụ trọng tâm cho những tháng còn lại của năm.")
PAGE = ("<html lang='vi'><head><title>Hội nghị sơ kết cải cách hành chính quý I</title></head><body>"
        "<h1>Hội nghị sơ kết cải cách hành chính quý I</h1>"
        f"<div class='noidung'><p>{PROSE}</p><p>{PROSE}</p></div></body></html>")


def declined(url: str) -> bool:
    return extract_page(PAGE, url).kind == "listing"


@pytest.mark.parametrize("url", [
    "https://huyen.gov.vn/tim-kiem.html?tukhoa=lu",
    "https://huyen.gov.vn/search?q=cai+cach",
    "https://huyen.gov.vn/ket-qua-tim-kiem/?keyword=x",
    "https://huyen.gov.vn/lich-cong-tac/tuan-12",
    "https://huyen.gov.vn/lich?month=12&year=2031",
    "https://huyen.gov.vn/events/calendar/2031/12",
])
def test_a_trap_to_the_crawler_is_no_article_to_extraction(url: str) -> None:
    assert trap_reason(url) in ("search results", "calendar")
    assert declined(url)


@pytest.mark.parametrize("url, number", [
    ("https://huyen.gov.vn/tin-tuc/page-3", 3),
    ("https://huyen.gov.vn/tin-tuc/trang-4.html", 4),
    ("https://huyen.gov.vn/news/?PageIndex=76", 76),
    ("https://huyen.gov.vn/web/guest/tin-tuc?_cur=5", 5),
])
def test_a_page_of_an_archive_is_paging_to_both(url: str, number: int) -> None:
    assert trap_reason(url) is None and page_number(url) == number
    assert declined(url)


@pytest.mark.parametrize("url", [
    "https://huyen.gov.vn/tin-tuc/hoi-nghi-so-ket-cai-cach-hanh-chinh-12.html",
    "https://huyen.gov.vn/tim-kiem-cuu-nan-nguoi-mat-tich-tren-song-12.html",
    "https://huyen.gov.vn/du-lich/mua-hoa-ban-tay-bac-7.html",
    "https://huyen.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=101&l=Tintrongtinh",
])
def test_an_article_url_is_an_article_to_both(url: str) -> None:
    assert trap_reason(url) is None and page_number(url) is None
    extraction = extract_page(PAGE, url)
    assert extraction.kind == "article", extraction.reason


@pytest.mark.parametrize("url", ["https://huyen.gov.vn/tag/cai-cach-hanh-chinh/", "https://huyen.gov.vn/rss/"])
def test_tag_pages_and_feeds_are_followed_by_the_crawler_but_not_extracted(url: str) -> None:
    assert trap_reason(url) is None
    assert declined(url)
