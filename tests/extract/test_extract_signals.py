"""Each field from its own signals, on hand-made pages with the traps real portals set (shared/pages/index.tsv)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from govsearch.extract import extract, extract_page, profiles_from_toml

VN = timezone(timedelta(hours=7))
PROSE = ("Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác sáu tháng đầu năm, đánh giá kết quả "
         "thực hiện các chỉ tiêu phát triển kinh tế - xã hội và đề ra nhiệm vụ trọng tâm sáu tháng cuối năm.")
PROSE2 = ("Phát biểu kết luận, đồng chí Chủ tịch UBND huyện yêu cầu các phòng, ban chuyên môn tập trung tháo gỡ "
          "khó khăn cho doanh nghiệp, đẩy nhanh tiến độ giải ngân vốn đầu tư công trong quý III.")
TITLE = "Hội nghị sơ kết công tác sáu tháng đầu năm 2024"
URL = "http://huyen.gov.vn/tin-tuc/hoi-nghi-so-ket-1234.html"


def page(main: str, head: str = "", top: str = "", title: str = "Cổng thông tin điện tử huyện") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
            f"<div class='top'>{top}</div><div class='menu'><a href='/'>Trang chủ</a> <a href='/tin-tuc'>Tin tức</a></div>"
            f"<div class='wrap'>{main}</div><div class='footer'>Bản quyền thuộc UBND huyện</div></body></html>")


def test_dublin_core_date_in_utc_is_shown_at_plus_seven_even_across_midnight() -> None:
    head = '<meta name="DC.Date" content="2024-09-01T17:30:00.000Z">'
    html = page(f"<h1>{TITLE}</h1><div class='ngay'>02/09/2024</div><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div>",
                head)
    result = extract_page(html, URL)
    assert result.article is not None
    assert result.article.published == datetime(2024, 9, 2, 0, 30, tzinfo=VN)
    assert result.article.published.isoformat() == "2024-09-02T00:30:00+07:00"
    assert result.sources["published"] == "meta DC.Date"


def test_date_only_metadata_takes_the_time_from_the_printed_stamp() -> None:
    head = '<meta property="article:published_time" content="2023-05-12">'
    html = page(f"<h1>{TITLE}</h1><div class='ngay'>12/05/2023 3:05 CH</div><div><p>{PROSE}</p><p>{PROSE2}</p></div>", head)
    result = extract_page(html, URL)
    assert result.article is not None and result.article.published == datetime(2023, 5, 12, 15, 5, tzinfo=VN)
    assert "time from the printed stamp" in result.sources["published"]


def test_jsonld_in_utc_and_organisation_author() -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "Trang chủ", "datePublished": "2020-01-01T00:00:00+00:00"},
        {"@type": "NewsArticle", "headline": TITLE, "datePublished": "2024-06-30T23:15:00+00:00",
         "author": {"@type": "Organization", "name": "Cổng TTĐT huyện"}}]}
    head = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    html = page(f"<h2 class='title'>{TITLE}</h2><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div>", head)
    result = extract_page(html, URL)
    assert result.article is not None
    assert result.article.title == TITLE
    assert "JSON-LD headline" in result.sources["title"]
    assert result.article.published == datetime(2024, 7, 1, 6, 15, tzinfo=VN)
    assert result.sources["published"] == "JSON-LD datePublished"
    assert result.article.author == "" and "author" in result.missing


def test_site_name_og_title_and_logo_heading_do_not_win_over_the_headline() -> None:
    head = '<meta property="og:title" content="Cổng thông tin điện tử huyện">'
    html = page(f"<h2 class='tieu-de'>{TITLE}</h2><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div>", head,
                top="<header><h1 class='logo'>Cổng thông tin điện tử huyện</h1></header>")
    article = extract(html, URL)
    assert article is not None and article.title == TITLE


def test_sharepoint_page_without_the_profiles_classes_gets_title_and_date_from_generic_rules() -> None:
    # The case issue 8 measured at 0%: SharePoint recognised, its selectors absent, <title> site-wide.
    html = ("<html><head><meta name='GENERATOR' content='Microsoft SharePoint'><title> Tin tức </title></head><body>"
            "<div id='s4-workspace'><div class='header-date'>Thứ tư, 26/11/2026</div>"
            "<div class='ms-webpart-zone'><div class='NewsTool'>Xem cỡ chữ | Đọc bài viết | In | Gửi email</div>"
            f"<div class='NewsDetailTitle'>{TITLE}</div><div class='NewsDetailDate'>Ngày đăng: 15/05/2025 | 10:20</div>"
            f"<div class='ms-rtestate-field'><p><b>CTTĐT - {PROSE}</b></p><p>{PROSE2}</p></div></div></div></body></html>")
    result = extract_page(html, "http://tinh.gov.vn/Pages/tin-tuc.aspx?ItemID=42")
    assert result.profile.startswith("generic (sharepoint")
    assert result.article is not None
    assert result.article.title == TITLE
    assert result.article.published == datetime(2025, 5, 15, 10, 20, tzinfo=VN)
    assert result.article.summary == PROSE
    assert "Xem cỡ chữ" not in result.article.body and "CTTĐT" not in result.article.body


def test_a_profile_that_finds_no_date_or_title_is_not_the_last_word() -> None:
    (profile,) = profiles_from_toml('''
[[profile]]
name = "tinh"
title = [".khong-co-tieu-de"]
date = [".khong-co-ngay"]
body = [".noidung"]
[profile.match]
hosts = ["huyen.gov.vn"]
''', "test")
    head = f'<meta property="og:title" content="{TITLE}"><meta property="article:published_time" content="2024-07-05T08:00:00+07:00">'
    html = page(f"<h1>{TITLE}</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div>", head)
    result = extract_page(html, URL, profiles=[profile])
    assert result.profile == "tinh"
    assert result.article is not None and result.article.title == TITLE
    assert result.sources["title"].startswith("h1 agreeing with meta og:title")
    assert result.sources["body"] == "tinh profile selector .noidung"
    assert result.article.published == datetime(2024, 7, 5, 8, 0, tzinfo=VN)


def test_an_article_without_a_date_is_kept_with_the_date_empty() -> None:
    html = page(f"<h1>{TITLE}</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div>",
                top="<span class='clock'>Thứ bảy 08/08/2020 19:15</span><span>Hôm nay, ngày 29 tháng 8 năm 2015</span>")
    result = extract_page(html, URL)
    assert result.kind == "article" and result.article is not None
    assert result.article.published is None
    assert "published" in result.missing and "published" not in result.sources


def test_tham_khao_them_boxes_inside_the_content_leave_the_body_and_their_dates_unused() -> None:
    # baochinhphu.vn: five related-news boxes sit inside div.detail-content, each with its own date.
    boxes = "".join(
        f"<div class='VCSortableInPreviewMode' type='RelatedOneNews'><div class='kbwscwl-relatedbox'>"
        f"<strong>Tham khảo thêm</strong><a href='/tin-{i}-10223081220101947{i}.htm'>Thủ tướng chỉ đạo về việc số {i} "
        f"trong tháng tám</a><span>0{i}/08/2023 10:0{i}</span></div></div>" for i in range(1, 4))
    plain = "".join(f"<p><b>Tham khảo thêm</b> <a href='/b-{i}.htm'>Bài tham khảo số {i} về cổng thông tin điện tử</a> "
                    f"({i}/07/2023)</p>" for i in range(4, 6))
    html = page("<div class='detail'><h1 class='detail-title'>" + TITLE + "</h1>"
                "<div class='detail-time'>12/08/2023 20:10</div>"
                f"<div class='detail-content'><p>(Chinhphu.vn) - {PROSE}</p>{boxes}<p>{PROSE2}</p>{plain}</div></div>")
    article = extract(html, "https://example.gov.vn/tin-102230812201019472.htm")
    assert article is not None
    assert "Tham khảo thêm" not in article.body and "Thủ tướng chỉ đạo" not in article.body
    assert "Bài tham khảo số" not in article.body
    assert article.body.split("\n") == [PROSE, PROSE2]
    assert article.published == datetime(2023, 8, 12, 20, 10, tzinfo=VN)
    assert article.summary == PROSE


def test_bylines_labelled_at_the_end_and_placeholders() -> None:
    labelled = page(f"<h1>{TITLE}</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p>"
                    "<p style='text-align:right'><strong>Tác giả: Nguyễn Văn An</strong></p></div>")
    result = extract_page(labelled, URL)
    assert result.article is not None and result.article.author == "Nguyễn Văn An"
    assert "Tác giả" not in result.article.body
    placeholder = page(f"<h1>{TITLE}</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div>"
                       "<div class='author'>Ban biên tập</div>", '<meta name="author" content="Cổng TTĐT huyện">')
    article = extract(placeholder, URL)
    assert article is not None and article.author == ""


def test_listing_reason_is_reported() -> None:
    items = "".join(f"<div class='item'><h3><a href='/tin-tuc/bai-{i}.html'>Tin tức số {i} về hoạt động của huyện "
                    f"trong tuần</a></h3><span>0{i}/05/2024</span><p>{PROSE}</p></div>" for i in range(1, 6))
    result = extract_page(page(f"<h2>Tin tức</h2>{items}"), "http://huyen.gov.vn/tin-tuc")
    assert result.kind == "listing" and result.article is None
    assert "teaser" in result.reason
    paged = extract_page(page(f"<h1>{TITLE}</h1><p>{PROSE}</p>"), "http://huyen.gov.vn/tin-tuc/trang-3.html")
    assert paged.kind == "listing" and "trang-3" in paged.reason


def test_a_clock_in_the_top_row_of_a_table_layout_is_not_the_date() -> None:
    # Old portals lay the whole page out in one table: header clock and story share the block.
    menu = "".join(f"<a href='/muc-{i}.html'>Mục {i}</a> " for i in range(12))
    html = ("<html><head><title>Cổng TTĐT</title></head><body><table><tr><td class='top'>"
            "Chủ nhật, ngày 08 tháng 12 năm 2024 16:02 (GMT +7)</td></tr>"
            + "".join(f"<tr><td class='mnu'>{menu}</td></tr>" for _ in range(4))
            + f"<tr><td><h1>{TITLE}</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div></td></tr>"
            "</table></body></html>")
    article = extract(html, URL)
    assert article is not None and article.title == TITLE
    assert article.published is None


def test_a_source_credit_is_not_an_author() -> None:
    html = page(f"<h1>{TITLE}</h1><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p><p>Theo Báo Yên Bái</p></div>")
    article = extract(html, URL)
    assert article is not None and article.author == ""


def test_a_section_heading_that_the_title_tag_repeats_is_not_the_headline() -> None:
    html = ("<html><head><title>Tin tức - Sự kiện</title></head><body><div class='menu'><a href='/'>Trang chủ</a> "
            "<a href='/tin-tuc'>Tin tức - Sự kiện</a></div><div class='main'><h1>Tin tức - Sự kiện</h1>"
            f"<h3>{TITLE}</h3><div class='noidung'><p>{PROSE}</p><p>{PROSE2}</p></div></div></body></html>")
    article = extract(html, URL)
    assert article is not None and article.title == TITLE
