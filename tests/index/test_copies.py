"""Copy detection's pure parts: datelines, shingles, fingerprints, the copy rule, the grouper."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from govsearch.index.copies import (BANDS, FINGERPRINT_FIELD, GROUP_FIELD, KEY_FIELD, KEY_WIDTH,
                                    CopyGrouper, Fingerprint, band_keys, copy_fields, fingerprint,
                                    is_copy, numbers_agree, signature)
from govsearch.text import analyze, swap_tone_style
from govsearch.text.shingles import copy_terms, shingle_hashes, strip_dateline

STORY = (
    "Sáng 12/3, Ban Dân vận Tỉnh uỷ Thái Nguyên tổ chức hội nghị sơ kết công tác dân vận quý I. "
    "Đồng chí Trưởng ban Dân vận Tỉnh uỷ chủ trì hội nghị và phát biểu chỉ đạo. "
    "Trong quý, các cấp uỷ đảng đã lãnh đạo thực hiện tốt phong trào thi đua dân vận khéo, "
    "xây dựng được 214 mô hình mới ở cơ sở, góp phần phát triển kinh tế - xã hội. "
    "Hội nghị đã thảo luận về những khó khăn, vướng mắc trong việc vận động nhân dân hiến đất làm đường "
    "giao thông nông thôn và đề ra giải pháp trong thời gian tới. "
    "Quang cảnh hội nghị (Ảnh: Thu Hằng)"
)
OTHER_STORY = (
    "Chiều 12/3, Uỷ ban nhân dân tỉnh Thái Nguyên họp phiên thường kỳ tháng 3 để bàn về tình hình "
    "giải ngân vốn đầu tư công. Chủ tịch Uỷ ban nhân dân tỉnh yêu cầu các sở, ngành đẩy nhanh tiến độ "
    "các dự án giao thông trọng điểm, tháo gỡ khó khăn trong giải phóng mặt bằng và báo cáo kết quả "
    "trước ngày 30 tháng 3. Tỉnh phấn đấu giải ngân hết kế hoạch vốn được giao trong năm."
)


def fp_of(text: str, title: str = "") -> Fingerprint | None:
    return fingerprint(copy_terms(analyze(title)[1], text, analyze(text)[1]))


def test_datelines_are_dropped_but_a_sentence_is_not():
    assert strip_dateline("CTTĐT - Sáng 12/3, hội nghị") == "Sáng 12/3, hội nghị"
    assert strip_dateline("(Chinhphu.vn) - Chiều nay") == "Chiều nay"
    assert strip_dateline("CTTĐT - (Chinhphu.vn) - Chiều nay") == "Chiều nay"
    assert strip_dateline("Baochinhphu.vn – Chiều nay") == "Chiều nay"
    assert strip_dateline("GD&TĐ - Học sinh") == "Học sinh"
    # a sentence that happens to have a dash is kept
    assert strip_dateline("Đội tuyển Nga - chủ nhà World Cup") == "Đội tuyển Nga - chủ nhà World Cup"
    assert strip_dateline("Kinh tế - xã hội phát triển") == "Kinh tế - xã hội phát triển"


def test_copy_terms_skip_the_dateline_syllables_and_fall_back_to_the_title_for_short_texts():
    text = "CTTĐT - " + STORY
    assert copy_terms([], text, analyze(text)[1]) == analyze(STORY)[1]
    short = "Hội nghị diễn ra sáng nay."
    title = analyze("Tỉnh uỷ họp bàn")[1]
    assert copy_terms(title, short, analyze(short)[1]) == title + analyze(short)[1]


def test_shingles_are_stable_ordered_and_see_through_tone_style_nfd_and_case():
    a = shingle_hashes(analyze(STORY)[1])
    assert a.dtype == np.uint32 and a.size == len(analyze(STORY)[1]) - 2
    swapped = " ".join(swap_tone_style(w) for w in STORY.split(" "))
    assert swapped != STORY
    for variant in (swapped, unicodedata.normalize("NFD", STORY), STORY.upper()):
        assert np.array_equal(shingle_hashes(analyze(variant)[1]), a)
    # order matters: "a b c" is not "c b a"
    assert shingle_hashes(["a", "b", "c"])[0] != shingle_hashes(["c", "b", "a"])[0]
    # a fixed value: signatures stored in an index must not change between processes or versions
    assert int(shingle_hashes(["dân", "vận", "khéo"])[0]) == int(shingle_hashes(["dân", "vận", "khéo"])[0])
    assert shingle_hashes([]).size == 0 and shingle_hashes(["một"]).size == 1


def test_signatures_estimate_similarity_and_short_texts_have_none():
    same, other = fp_of(STORY), fp_of(OTHER_STORY)
    assert same is not None and other is not None
    assert is_copy(same, fp_of("CTTĐT - " + STORY))[0]
    assert is_copy(same, same) == (True, 1.0)
    copy, score = is_copy(same, other)
    assert not copy and score < 0.2
    assert signature(analyze("Quá ngắn để so sánh")[1]) is None
    assert copy_fields(analyze("Quá ngắn")[1]) == {}


def test_fingerprints_round_trip_through_bytes():
    fp = fp_of(STORY)
    back = Fingerprint.from_bytes(fp.to_bytes(), fp.sig)
    assert np.array_equal(back.sig, fp.sig) and back.length == fp.length and back.numbers == fp.numbers
    assert {"12", "3", "214"} <= fp.numbers
    assert Fingerprint.from_bytes(b"abc", fp.sig) is None and Fingerprint.from_bytes(None, fp.sig) is None
    fields = copy_fields(copy_terms([], STORY, analyze(STORY)[1]))
    assert len(fields[KEY_FIELD]) == KEY_WIDTH
    assert np.array_equal(np.frombuffer(fields[KEY_FIELD][:BANDS * 8], "<u8"), band_keys(fp.sig))
    # the signature is kept once, in the key column, not again in the stored fingerprint
    assert np.array_equal(np.frombuffer(fields[KEY_FIELD][BANDS * 8:], "<u4"), fp.sig)
    assert len(fields[FINGERPRINT_FIELD]) < 100


def test_numbers_must_agree_unless_the_fuller_text_has_them():
    base = fp_of(STORY)
    # the same template for another day is not a copy, however similar the words
    other_day = fp_of(STORY.replace("12/3", "19/3").replace("214", "220"))
    assert not numbers_agree(base, other_day)
    assert not is_copy(base, other_day)[0]
    # the fuller text may hold numbers the trimmed copy lost
    trimmed = fp_of(STORY.split(" Trong quý")[0] + " Hội nghị đã thảo luận về những khó khăn, vướng mắc trong "
                    "việc vận động nhân dân hiến đất làm đường giao thông nông thôn và đề ra giải pháp.")
    assert "214" not in trimmed.numbers
    assert numbers_agree(base, trimmed) and numbers_agree(trimmed, base)
    # but one of equal length with a number of its own is another story
    swapped = fp_of(STORY.replace("214", "215"))
    assert not numbers_agree(base, swapped)


class _Committed:
    """A committed index of one article, as ColumnLookup answers for it."""

    def __init__(self, fields: dict, group: int) -> None:
        self.fp = Fingerprint.from_bytes(fields[FINGERPRINT_FIELD],
                                         np.frombuffer(fields[KEY_FIELD][BANDS * 8:], "<u4"))
        self.keys = np.frombuffer(fields[KEY_FIELD][:BANDS * 8], "<u8")
        self._group = group

    def candidates(self, keys):
        return [0] if np.any(keys == self.keys) else []

    def sig(self, docnum):
        return self.fp.sig

    def group(self, docnum):
        return self._group

    def fingerprint(self, docnum):
        return self.fp


def fields_of(text: str) -> dict:
    return dict(copy_fields(copy_terms([], text, analyze(text)[1])))


def test_the_grouper_joins_copies_in_the_batch_and_in_the_index():
    committed = fields_of(STORY)
    grouper = CopyGrouper(_Committed(committed, group=7))
    copy = fields_of("CTTĐT - " + STORY.replace(" (Ảnh: Thu Hằng)", " (Ảnh: Cổng TTĐT)"))
    assert grouper.assign(copy, seq=20) == 7 and copy[GROUP_FIELD] == 7
    other = fields_of(OTHER_STORY)
    assert grouper.assign(other, seq=21) == 22  # a group of its own: seq + 1
    # a copy of the batch's own article joins it, not yet committed
    again = fields_of(OTHER_STORY + " Tin: Minh Anh")
    assert grouper.assign(again, seq=22) == 22
    short = {}
    assert grouper.assign(short, seq=23) == 24  # no fingerprint: alone


def test_the_grouper_without_a_committed_index():
    grouper = CopyGrouper(None)
    a, b = fields_of(STORY), fields_of(STORY)
    assert grouper.assign(a, 0) == 1 and grouper.assign(b, 1) == 1


@pytest.mark.parametrize("edit", [
    lambda s: "CTTĐT - " + s,
    lambda s: unicodedata.normalize("NFD", s),
    lambda s: " ".join(swap_tone_style(w) for w in s.split(" ")),
    lambda s: s.replace("(Ảnh: Thu Hằng)", "Các đại biểu dự hội nghị (Ảnh: Văn phòng Tỉnh uỷ)"),
    lambda s: s.rsplit(". ", 2)[0] + ".",  # the ending trimmed
])
def test_edited_republications_are_copies(edit):
    assert is_copy(fp_of(STORY), fp_of(edit(STORY)))[0]
