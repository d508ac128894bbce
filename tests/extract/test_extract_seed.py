"""The project's seed article (thainguyen.gov.vn, Liferay) extracts exactly, without boilerplate."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from govsearch.extract import extract

from tests.fixtures.portals.server import PORTALS, fetch

SHARED = PORTALS.parents[2].parent / "shared"

PATH = "/tin-tuc-su-kien/-/asset_publisher/L0n17VJXquP/content/can-bo-dan-van-phai-kien-tri"
TITLE = "Cán bộ dân vận phải kiên trì, không nóng vội, không chủ quan, phải nhiệt tình và trách nhiệm"


@pytest.fixture(scope="module")
def seed(portals):  # type: ignore[no-untyped-def]
    base = portals["liferay"].base
    _, body, headers = fetch(base + PATH)
    article = extract(body, base + PATH, headers.get("Content-Type"))
    assert article is not None
    return base, article


def test_seed_fields(seed) -> None:  # type: ignore[no-untyped-def]
    base, article = seed
    assert article.title == TITLE
    assert article.published == datetime(2022, 1, 13, 16, 51, tzinfo=timezone(timedelta(hours=7)))
    assert article.published.utcoffset() == timedelta(hours=7)
    assert article.author == "Hoàng Minh"
    assert article.category == "Tin tức - Sự kiện"
    assert article.url == base + PATH
    assert article.source == "127.0.0.1"
    assert article.summary.startswith("Dự Hội nghị tại điểm cầu tỉnh Thái Nguyên có các đồng chí")


def test_seed_body_is_clean(seed) -> None:  # type: ignore[no-untyped-def]
    _, article = seed
    for junk in ("Truy cập nội dung luôn", "Xem cỡ chữ", "Đọc bài viết", "Gửi email", "Lượt xem", "Hoàng Minh",
                 "thainguyen.gov.vn", "Thứ Sáu, 29/11/2024", "Tin liên quan", "Tổng kết công tác dân vận năm 2023"):
        assert junk not in article.body, junk
    assert article.body.split("\n")[1] == "Các đại biểu tham dự tại điểm cầu tỉnh Thái Nguyên"
    assert "theo quy định số 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị" in article.body


@pytest.mark.skipif(not (SHARED / "pages" / "seed-thainguyen-dan-van.txt").exists(), reason="shared/ not present")
def test_seed_body_matches_the_seed_text(seed) -> None:  # type: ignore[no-untyped-def]
    _, article = seed
    text = (SHARED / "pages" / "seed-thainguyen-dan-van.txt").read_text("utf-8")
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if len(p.split()) > 20]
    assert len(paragraphs) == 3
    body = " ".join(article.body.split())
    for paragraph in paragraphs:
        assert paragraph in body
