"""Vietnamese normalization, tone placement and folding, on real cases."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsearch.text import analyze, bigrams, fold, normalize, place_tone, swap_tone_style, syllables


@pytest.mark.parametrize("old, new", [
    ("hoá", "hóa"), ("uỷ", "ủy"), ("Tỉnh uỷ", "Tỉnh ủy"), ("toà", "tòa"), ("hoà", "hòa"),
    ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("Hoà Bình", "Hòa Bình"), ("xoá", "xóa"),
])
def test_old_and_new_tone_styles_give_the_same_terms(old, new):
    assert syllables(old) == syllables(new)


@pytest.mark.parametrize("word", ["thuở", "người", "khuỷu", "quý", "gì", "gìn", "giữa", "rượu",
                                  "tuổi", "hoàn", "toán", "quỳnh", "loét", "xoài", "ngoáy",
                                  "mía", "múa", "túi", "cái", "chuyển", "Đảng"])
def test_canonical_words_stay_as_they_are(word):
    assert place_tone(word) == word


@pytest.mark.parametrize("wrong, right", [("qúy", "quý"), ("hòan", "hoàn"), ("baì", "bài"),
                                          ("ngừơi", "người"), ("QÚY", "QUÝ")])
def test_misplaced_marks_are_repaired_and_case_kept(wrong, right):
    assert place_tone(wrong) == right


def test_non_vietnamese_and_double_marks_are_left_alone():
    for word in ["covid", "2022", "café", "néé", "àá", "x"]:
        assert place_tone(word) == word


def test_nfd_input_gives_the_same_terms():
    text = "Cán bộ dân vận phải kiên trì, Tỉnh ủy Thái Nguyên"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert analyze(nfd) == analyze(text)


def test_eth_look_alike_is_d_with_stroke():
    assert syllables("Ðảng ủy") == syllables("Đảng ủy") == ["đảng", "uỷ"]
    assert fold("Ðiện thoại") == "Dien thoai"


def test_nbsp_zero_width_and_soft_hyphen():
    assert syllables("dân\u00a0vận") == ["dân", "vận"]
    assert syllables("Đả\u200bng vi\u00adên") == ["đảng", "viên"]
    assert normalize("a\u00a0b\ufeff") == "a b"


def test_all_caps_headline():
    assert syllables("TỈNH UỶ THÁI NGUYÊN HỌP") == syllables("Tỉnh ủy Thái Nguyên họp")


def test_abbreviations_and_document_numbers_tokenize_as_typed():
    assert syllables("TP.HCM") == ["tp", "hcm"]
    assert syllables("11-QĐi/TW") == ["11", "qđi", "tw"]
    assert analyze("11-QĐi/TW")[1] == ["11", "qdi", "tw"]


def test_no_stopwords_and_no_minimum_length():
    assert syllables("an ninh ở ý to may") == ["an", "ninh", "ở", "ý", "to", "may"]


def test_fold_removes_all_marks_and_maps_d():
    assert fold("Đảng Cộng sản Việt Nam") == "Dang Cong san Viet Nam"
    assert fold("người thuở khuỷu") == "nguoi thuo khuyu"


def test_bigrams():
    assert bigrams(["cán", "bộ", "dân", "vận"]) == ["cán_bộ", "bộ_dân", "dân_vận"]


def test_swap_tone_style():
    assert swap_tone_style("hoá") == "hóa" and swap_tone_style("hóa") == "hoá"
    assert swap_tone_style("Thủy") == "Thuỷ"
    assert swap_tone_style("quý") == "quý"  # qu + y: not a style pair
    assert swap_tone_style("hoàn") == "hoàn"  # final consonant: one placement only


# --- properties -------------------------------------------------------------

_LETTERS = ("aăâbcdđeêghiklmnoôơpqrstuưvxy" "AĂÂĐÊÔƠƯ"
            "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
_EXTRA = "\u0300\u0301\u0309\u0303\u0323\u00d0\u00f0\u00a0\u200b\u00ad .,-/0123456789"
vietnamese_words = st.text(alphabet=_LETTERS, min_size=1, max_size=7)
messy_text = st.text(alphabet=_LETTERS + _EXTRA, max_size=40)


@settings(max_examples=400, deadline=None)
@given(vietnamese_words)
def test_place_tone_is_idempotent(word):
    once = place_tone(word)
    assert place_tone(once) == once
    assert fold(once) == fold(word)  # only the position of the mark moves


@settings(max_examples=400, deadline=None)
@given(vietnamese_words)
def test_style_swap_round_trips(word):
    canonical = place_tone(word)
    swapped = swap_tone_style(canonical)
    assert place_tone(swapped) == canonical
    assert swap_tone_style(swapped) == canonical


@settings(max_examples=400, deadline=None)
@given(messy_text)
def test_fold_of_normalized_equals_fold(text):
    assert fold(normalize(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(messy_text)
def test_analyze_is_stable_under_nfd(text):
    assert analyze(unicodedata.normalize("NFD", text)) == analyze(text)
