"""Decoding (BOM, labels, windows-1258, mislabelled pages), links, feeds, canonical URLs, CMS detection."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from govsearch.extract import canonical_url, decode_html, detect_cms, strip_lead_prefix
from govsearch.extract.html import paragraphs, parse

VI = "Cộng hòa xã hội chủ nghĩa Việt Nam: Uỷ ban nhân dân tỉnh Thái Nguyên"
# windows-1258 keeps tone marks apart: "ộ" is "ô" (0xF4) then a combining dot below (0xF2).
VI_1258 = bytes.fromhex("43f4f26e6720686fcc61")  # "Cộng hòa" as a Vietnamese legacy editor saves it


def page(charset_meta: str | None, text: str = VI) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_cp1258_bytes_compose_to_nfc() -> None:
    decoded = decode_html(b"<p>" + VI_1258 + b"</p>", "text/html; charset=windows-1258")
    assert "Cộng hòa" in decoded
    assert unicodedata.is_normalized("NFC", decoded)


def test_cp1258_meta_label() -> None:
    raw = page("windows-1258").replace(VI, "").encode("ascii") .replace(b"<p>", b"<p>" + VI_1258)
    assert "Cộng hòa" in decode_html(raw)


def test_header_says_utf8_but_bytes_are_cp1258() -> None:
    raw = page("windows-1258").replace(VI, "").encode("ascii").replace(b"<p>", b"<p>" + VI_1258)
    assert "Cộng hòa" in decode_html(raw, "text/html; charset=utf-8")


def test_unlabelled_legacy_bytes_fall_back_to_cp1258() -> None:
    assert "Cộng hòa" in decode_html(b"<p>" + VI_1258 + b"</p>")


def test_header_says_latin1_but_bytes_are_utf8() -> None:
    assert VI in decode_html(page("iso-8859-1").encode("utf-8"), "text/html; charset=ISO-8859-1")


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_bom_wins(bom: bytes, codec: str) -> None:
    assert VI in decode_html(bom + page("windows-1258").encode(codec), "text/html; charset=windows-1258")


def test_nfd_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", page("utf-8")).encode("utf-8")
    assert VI in decode_html(decomposed)


def test_paragraphs_split_at_blocks_and_clean_nbsp() -> None:
    soup = parse("<div><p>Một\u00a0hai</p>ba<br>bốn<span> năm</span><div>sáu</div></div>")
    assert paragraphs(soup.div) == ["Một hai", "ba", "bốn năm", "sáu"]


def test_canonical_drops_nukeviet_savefile() -> None:
    html = ('<meta name="generator" content="NukeViet v4.5">'
            '<link rel="canonical" href="https://x.gov.vn/index.php/savefile/tin-tuc/moc-thoi-gian-501.html">')
    assert canonical_url(html, "https://x.gov.vn/index.php/savefile/tin-tuc/moc-thoi-gian-501.html") == \
        "https://x.gov.vn/index.php/tin-tuc/moc-thoi-gian-501.html"


def test_canonical_to_site_root_is_ignored() -> None:
    html = '<link rel="canonical" href="https://x.gov.vn/">'
    assert canonical_url(html, "https://x.gov.vn/tin/a-1.html") == "https://x.gov.vn/tin/a-1.html"


def test_canonical_falls_back_to_og_url_then_url() -> None:
    assert canonical_url('<meta property="og:url" content="/a.html">', "http://s.vn/a.html?sid=1") == "http://s.vn/a.html"
    assert canonical_url("<p>x</p>", "http://s.vn/b.html") == "http://s.vn/b.html"


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("CTTĐT - Năm 2022, Chính phủ ban hành", "Năm 2022, Chính phủ ban hành"),
        ("(Chinhphu.vn) - Hiện nay cùng với", "Hiện nay cùng với"),
        ("VNTN - Thời gian qua", "Thời gian qua"),
        ("(PLO)- Phó Bí thư Thành ủy", "Phó Bí thư Thành ủy"),
        ("(ĐCSVN) - Nhân dân cả nước", "Nhân dân cả nước"),
        ("TCCS - Công cuộc đổi mới", "Công cuộc đổi mới"),
        ("Sáng nay - 23/9, Đại hội khai mạc", "Sáng nay - 23/9, Đại hội khai mạc"),
        ("UBND tỉnh - cơ quan hành chính", "UBND tỉnh - cơ quan hành chính"),
        ("HĐND - UBND tỉnh tổ chức hội nghị", "HĐND - UBND tỉnh tổ chức hội nghị"),
        ("TTXVN - Chiều 5/1", "Chiều 5/1"),
    ],
)
def test_strip_lead_prefix(lead: str, expected: str) -> None:
    assert strip_lead_prefix(lead) == expected


@pytest.mark.parametrize(
    ("html", "url", "family"),
    [
        ('<meta name="generator" content="NukeViet v4.5">', "https://a.gov.vn/news/x-1.html", "nukeviet"),
        ('<meta name="generator" content="Netsite.,JSC">', "https://a.gov.vn/news/x-1.html", "nukeviet"),
        ("<script>Liferay.ThemeDisplay = {};</script>", "https://thainguyen.gov.vn/", "liferay"),
        ("<p>x</p>", "https://thainguyen.gov.vn/tin-tuc/-/asset_publisher/L0n/content/abc", "liferay"),
        ("<p>x</p>", "https://yenbai.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=1", "sharepoint"),
        ("<p>x</p>", "https://thainguyen.dcs.vn/xay-dung-dang/tag/lich-su/page-5", "dcs"),
        ("<p>x</p>", "https://baochinhphu.vn/abc-102230812201019472.htm", "baochinhphu"),
        ("<p>x</p>", "https://example.vn/tin/abc.html", "generic"),
    ],
)
def test_detect_cms(html: str, url: str, family: str) -> None:
    assert detect_cms(html, url) == family
