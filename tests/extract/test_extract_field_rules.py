"""Small field rules the blind set showed were missing: placeholder authors, source and toolbar lines."""

from __future__ import annotations

import pytest

from govsearch.extract import extract
from govsearch.extract.fields import is_boilerplate_line, is_source_line
from govsearch.extract.generic import is_placeholder_author


@pytest.mark.parametrize("name", ["quantri", "editor01", "VNEWS", "TTXVN", "PV", "Netsite.,JSC",
                                  "Công ty CP Phần mềm ABC", "VNPT Software Co., Ltd", "Ban biên tập", "Super User"])
def test_accounts_agencies_and_vendors_are_no_author(name: str) -> None:
    assert is_placeholder_author(name)


@pytest.mark.parametrize("name", ["Ngọc Ánh", "Hương", "Nguyễn Thị Minh Hằng", "Quan Trí", "T.Hương", "Lê Thu Hà"])
def test_people_are_authors(name: str) -> None:
    assert not is_placeholder_author(name)


def test_source_credit_lines() -> None:
    assert is_source_line("Theo TTXVN") and is_source_line("Nguồn tin: Sở Tư pháp")
    assert not is_source_line("Theo phương án, toàn tỉnh dự kiến sáp nhập 212 xóm.")
    assert not is_source_line("Theo Sở Tư pháp, việc ứng dụng trợ lý ảo giúp người dân tra cứu")


def test_toolbar_printed_as_one_line() -> None:
    assert is_boilerplate_line("In bài | Gửi cho bạn bè | Về đầu trang")
    assert not is_boilerplate_line("Kinh tế | Xã hội")


ESSAY = """<html><head><title>Tạp chí</title><meta name="author" content="Super User"></head><body>
<div class="logo"><a href="/">Tạp chí Lý luận - Cơ quan của Học viện</a></div>
<main><h1>Đổi mới công tác dân vận của chính quyền các cấp</h1>
<div class="content">
<p>Công tác dân vận của chính quyền là một bộ phận quan trọng trong công tác dân vận của Đảng, góp phần củng cố niềm tin.</p>
<p>Những năm qua, chính quyền các cấp đã chú trọng tiếp xúc, đối thoại với Nhân dân, giải quyết kịp thời kiến nghị chính đáng.</p>
<p style="text-align: right"><strong>Trần Văn Bình</strong><br><em>Trường Chính trị tỉnh</em></p>
<p>Theo TTXVN</p>
</div></main></body></html>"""


def test_signed_essay_gives_its_author_and_drops_institution_and_source() -> None:
    article = extract(ESSAY, "https://tapchi.test/doi-moi-cong-tac-dan-van-123.html")
    assert article is not None
    assert article.author == "Trần Văn Bình"
    assert "Trường Chính trị tỉnh" not in article.body and "TTXVN" not in article.body
    assert article.body.endswith("giải quyết kịp thời kiến nghị chính đáng.")


RETOUCHED = """<html><head><title>Chính phủ họp phiên thường kỳ tháng 7/2024</title>
<meta property="og:title" content="Chính phủ họp phiên thường kỳ tháng 7/2024">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Chính phủ họp phiên thường kỳ tháng 7/2024"}</script>
</head><body><div class="logo"><a href="/">Báo điện tử Chính phủ</a></div>
<h1 class="detail-title">Chính phủ họp phiên thường kỳ tháng 7 năm 2024</h1>
<div class="detail-content"><p>Chiều 3/8, Thủ tướng Chính phủ chủ trì phiên họp Chính phủ thường kỳ tháng 7 năm 2024,
thảo luận tình hình kinh tế - xã hội bảy tháng và nhiệm vụ, giải pháp trọng tâm thời gian tới.</p>
<p>Các thành viên Chính phủ đánh giá kinh tế vĩ mô ổn định, lạm phát được kiểm soát, các cân đối lớn được bảo đảm.</p>
</div></body></html>"""


def test_the_printed_headline_beats_a_retouched_metadata_title() -> None:
    article = extract(RETOUCHED, "https://news.test/chinh-phu-hop-phien-thuong-ky-102240803.htm")
    assert article is not None and article.title == "Chính phủ họp phiên thường kỳ tháng 7 năm 2024"
