"""References to legal documents: the shapes news prints them in, their keys, and the traps."""

from __future__ import annotations

import unicodedata

import pytest

from govsearch.text.citations import citation_of_key, find_citations, find_mentions, normalize_key


def keys(text: str) -> list[str]:
    return [m.citation.key for m in find_mentions(text)]


@pytest.mark.parametrize("text, key, doc_type, issuer", [
    ("Theo Nghị định 100/2019/NĐ-CP của Chính phủ", "100/2019/NĐ-CP", "Nghị định", "CP"),
    ("Quyết định số 89/2016/QĐ-UBND ngày 5/3/2016", "89/2016/QĐ-UBND", "Quyết định", "UBND"),
    ("quán triệt Quy định số 11-QĐi/TW", "11-QĐi/TW", "Quy định", "TW"),
    ("Thông tư 10/2020/TT-BTC hướng dẫn", "10/2020/TT-BTC", "Thông tư", "BTC"),
    ("Nghị quyết 66-NQ/TW của Bộ Chính trị", "66-NQ/TW", "Nghị quyết", "TW"),
    ("Chỉ thị 05-CT/TW về học tập", "05-CT/TW", "Chỉ thị", "TW"),
    ("Luật Đầu tư số 59/2020/QH14 có hiệu lực", "59/2020/QH14", "Luật", "QH14"),
    ("Công văn số 123/UBND-KT của tỉnh", "123/UBND-KT", "Công văn", "UBND"),
    ("Quyết định 749/QĐ-TTg phê duyệt", "749/QĐ-TTg", "Quyết định", "TTg"),
    ("Thông tư liên tịch số 06/2013/TTLT-BCA-BQP-BTC-BNN&PTNT-VKSNDTC",
     "06/2013/TTLT-BCA-BQP-BTC-BNN&PTNT-VKSNDTC", "Thông tư liên tịch", "BCA"),
])
def test_each_shape_has_its_key_type_and_issuer(text, key, doc_type, issuer):
    (c,) = find_citations(text)
    assert (c.key, c.doc_type, c.issuer) == (key, doc_type, issuer)


@pytest.mark.parametrize("variant", [
    "NGHỊ ĐỊNH SỐ 100/2019/NĐ-CP",                      # capitals
    "nghị định số 100/2019/nđ-cp",                      # lower case
    "Nghi dinh so 100/2019/ND-CP",                      # no diacritics, D for Đ
    "Nghị định 100/2019/NĐ - CP",                       # spaced dash
    "Nghị định số 100 / 2019 / NĐ-CP",                  # spaced slashes
    "Nghị định 100/2019/NÐ-CP",                         # Icelandic eth for Đ
    unicodedata.normalize("NFD", "Nghị định số 100/2019/NĐ-CP"),
])
def test_spellings_of_one_document_have_one_key(variant):
    assert keys(variant) == ["100/2019/NĐ-CP"]


def test_tone_style_and_nfd_leave_offsets_on_the_nfc_text():
    text = unicodedata.normalize("NFD", "Ủy ban hoà giải theo Quyết định số 12/QĐ-UBND.")
    (m,) = find_mentions(text)
    nfc = unicodedata.normalize("NFC", text)
    assert nfc[m.start:m.end] == "Quyết định số 12/QĐ-UBND"


def test_canonical_forms_of_codes():
    assert keys("Chỉ thị 5-CT/TƯ") == ["05-CT/TW"]            # two digits; TƯ is TW
    assert keys("Nghị quyết số 21/NQ-TW") == ["21-NQ/TW"]     # a Party number in the state's shape
    assert keys("Quyết định số 1468 / QĐ - TTg") == ["1468/QĐ-TTg"]
    assert keys("Kết luận số 5278/KL-BNN-TTr") == ["5278/KL-BNN-TTr"]
    assert keys("Nghị quyết 30c/NQ-CP") == ["30c/NQ-CP"]
    # the issuer's name after the code is prose, not code
    assert keys("NGHỊ ĐỊNH SỐ 100/2019/NĐ-CP - Chính phủ") == ["100/2019/NĐ-CP"]


def test_a_bare_number_takes_the_articles_full_key_or_keeps_a_partial_one():
    text = "Theo Nghị định số 100/2019/NĐ-CP, mức phạt tăng. Nghị định 100 có hiệu lực từ 1/1/2020."
    assert keys(text) == ["100/2019/NĐ-CP", "100/2019/NĐ-CP"]
    # nothing to resolve to: the partial key, which no full key can equal
    (c,) = find_citations("Thực hiện Nghị định số 100 của Chính phủ")
    assert c.key == "NĐ 100" and not c.full and c.doc_type == "Nghị định"
    assert keys("Thông tư 20/2011 của Bộ Công Thương ... bỏ Thông tư 20") == ["TT 20/2011", "TT 20/2011"]
    # two candidates: no guess
    assert keys("Thông tư 12/2017 của Bộ GTVT và Thông tư 12/2020 của Bộ Y tế; Thông tư 12") == \
        ["TT 12/2017", "TT 12/2020", "TT 12"]


def test_a_nghi_dinh_is_the_governments_so_its_year_completes_the_key():
    assert keys("Nghị định 155/2016 về môi trường") == ["155/2016/NĐ-CP"]
    assert keys("Nghị định 71 năm 2010 của Chính phủ") == ["71/2010/NĐ-CP"]
    assert keys("Nghị định số 59 ngày 18/7/2011 của Chính phủ") == ["59/2011/NĐ-CP"]
    # other types do not say their issuer
    assert keys("Quyết định số 89 ngày 12/3/2016 của UBND tỉnh") == ["QĐ 89"]
    assert keys("Thông tư 02/2017 - BYT quy định giá") == ["02/2017/TT-BYT"]


def test_lists():
    assert keys("các Nghị định 100 và 123 của Chính phủ") == ["NĐ 100", "NĐ 123"]
    assert keys("các Nghị định số 100/2019/NĐ-CP, 123/2021/NĐ-CP") == ["100/2019/NĐ-CP", "123/2021/NĐ-CP"]
    assert keys("(Chỉ thị số 12, 23, 29, 32).") == ["CT 12", "CT 23", "CT 29", "CT 32"]
    assert keys("5 quyết định số 191/QĐ-UBND; 192/QĐ-UBND") == ["191/QĐ-UBND", "192/QĐ-UBND"]
    # a number after a reference that is a count, not the next item
    assert keys("theo Quyết định số 123, 45 hộ dân được hỗ trợ") == ["QĐ 123"]


@pytest.mark.parametrize("text", [
    "hơn 100 nghị định, 200 thông tư được ban hành",
    "Chính phủ ban hành 5 nghị định",
    "Công an Hà Nội kỷ luật 14 cảnh sát giao thông",
    "giống đạo luật 100 năm trước",
    "đạo luật 1917 về nhập cư",
    "Hiến pháp này cũng quy định 250 ghế tại Thượng viện",
    "đưa ra kế hoạch 100 ngày",
    "thoái vốn kế hoạch 11.600 tỷ đồng",
    "ĐH Kinh tế - Luật 1.400 chỉ tiêu",
    "KẾ HOẠCH  5 Thanh Trì 06:00 14:00",
    "Nhấn mạnh 2015 là năm cuối của Kế hoạch 5 năm",
    "quyết định 2 lần liên tiếp",
    "điều luật 146 Bộ luật hình sự",
    "tăng 5-10/ha, giảm 3/5 số hộ",
    "ngày 20/5/2007 thành lập",
])
def test_what_looks_like_a_reference_but_is_not(text):
    assert keys(text) == []


def test_quyet_dinh_followed_by_its_date_is_a_reference():
    assert keys("Quyết định 89 ngày 12/3/2016") == ["QĐ 89"]


def test_normalize_key_reads_keys_as_users_type_them():
    assert normalize_key("100/2019/nd-cp") == "100/2019/NĐ-CP"
    assert normalize_key(" 11-qdi/tw ") == "11-QĐi/TW"
    assert normalize_key("5-CT/TW") == "05-CT/TW"
    assert normalize_key("123/UBND-KT") == "123/UBND-KT"
    assert normalize_key("NĐ 100") == "NĐ 100"
    assert normalize_key("nd 100") == "NĐ 100"
    assert normalize_key("tt 20/2011") == "TT 20/2011"
    assert normalize_key("NĐ 100/2019") == "100/2019/NĐ-CP"
    for bad in ("", "hello", "100", "dân vận", "XX 12"):
        assert normalize_key(bad) is None, bad


def test_citation_of_key():
    c = citation_of_key("100/2019/NĐ-CP")
    assert (c.doc_type, c.issuer, c.number, c.year, c.full) == ("Nghị định", "CP", "100", 2019, True)
    c = citation_of_key("QĐ 89")
    assert (c.doc_type, c.number, c.full) == ("Quyết định", "89", False)
    assert citation_of_key("nothing") is None


def test_find_citations_lists_each_document_once_in_order():
    text = "Thông tư 10/2020/TT-BTC và Nghị định 100/2019/NĐ-CP; Thông tư 10/2020/TT-BTC nêu rõ."
    assert [c.key for c in find_citations(text)] == ["10/2020/TT-BTC", "100/2019/NĐ-CP"]


def test_the_quick_check_skips_only_articles_the_parser_finds_nothing_in():
    """The check that spares most articles the parse must be a superset: on the shared sample,
    every article it skips yields nothing when parsed in full."""
    import json
    import re

    from govsearch.text import citations as C

    from ..conftest import SAMPLE, need_shared

    skipped = 0
    for line in need_shared(SAMPLE).open(encoding="utf-8"):
        rec = json.loads(line)
        nfc = unicodedata.normalize("NFC", rec["title"] + "\n" + rec["body"])
        if C._may_cite(nfc):
            continue
        skipped += 1
        low = C._fold_text(nfc)
        for m in C._MENTION_RE.finditer(low):
            word = m.group("word")
            code = C._WORD_CODE.get(re.sub(r"\s+", " ", word)) if word else None
            assert C._mention(m, nfc, low, code, False, None) is None, nfc[m.start():m.end() + 20]
    assert skipped > 500  # it does spare most of them
