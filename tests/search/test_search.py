"""Searching the way users type: diacritics or not, tone styles, abbreviations, document numbers."""

import unicodedata
from datetime import datetime

import pytest

from govsearch import QueryError, SearchEngine

from ..conftest import SMALL


def titles(result):
    return [h.title for h in result.hits]


def test_exact_diacritics_rank_above_folded_only_matches(small_engine):
    r = small_engine.search("dân vận")
    t = titles(r)
    assert t[0] in {"Cán bộ dân vận phải kiên trì, không nóng vội", "Tỉnh uỷ họp về công tác dân vận"}
    assert "Dẫn vấn đề ra hội nghị" in t and "Dan van la gi" in t  # found through folding...
    assert t.index("Dẫn vấn đề ra hội nghị") > 1 and t.index("Dan van la gi") > 1  # ...but ranked after


def test_accentless_query_prefers_the_likely_reading_and_suggests_it(small_engine):
    r = small_engine.search("dan van")
    assert r.suggestion == "dân vận"
    assert titles(r)[0] in {"Cán bộ dân vận phải kiên trì, không nóng vội", "Tỉnh uỷ họp về công tác dân vận"}
    assert r.total == 5  # "văn hoá ... dân cư" matches dan + van too


def test_tone_style_and_nfd_and_caps_do_not_matter(small_engine):
    for q in ["hòa bình", "hoà bình", unicodedata.normalize("NFD", "hòa bình"), "HOÀ BÌNH"]:
        assert titles(small_engine.search(q))[0] == "Hoà bình và hợp tác", q
    assert small_engine.search("Tỉnh ủy").total == small_engine.search("Tỉnh uỷ").total > 0
    assert "Văn hóa cơ sở" in titles(small_engine.search("văn hoá"))


def test_abbreviations_expand_both_ways(small_engine):
    by_abbrev = set(titles(small_engine.search("UBND tỉnh")))
    by_words = set(titles(small_engine.search("ủy ban nhân dân tỉnh")))
    expected = {"Ủy ban nhân dân tỉnh Thái Nguyên triển khai nhiệm vụ năm 2022", "UBND tỉnh chỉ đạo phòng chống dịch"}
    assert expected <= by_abbrev and expected <= by_words
    assert titles(small_engine.search("TP.HCM chuyển đổi số"))[0] == "Thành phố Hồ Chí Minh đẩy mạnh chuyển đổi số"
    assert titles(small_engine.search("tphcm"))[0] == "Thành phố Hồ Chí Minh đẩy mạnh chuyển đổi số"


def test_document_number_found_as_typed(small_engine):
    r = small_engine.search("11-QĐi/TW")
    assert titles(r)[0] == "Quán triệt Quy định số 11-QĐi/TW của Bộ Chính trị"
    assert small_engine.search("11-qdi/tw").hits[0].title == titles(r)[0]


def test_short_syllables_are_searchable(small_engine):
    assert titles(small_engine.search("an ninh"))[0] == "Bảo đảm an ninh trật tự"
    assert small_engine.search("ở").total >= 2


def test_operators(small_engine):
    assert titles(small_engine.search('"công tác dân vận"')) and all(
        "công tác dân vận" in (h.title + h.snippet).replace("<mark>", "").replace("</mark>", "").lower()
        for h in small_engine.search('"công tác dân vận"').hits)
    assert "Tỉnh uỷ họp về công tác dân vận" not in titles(small_engine.search("dân vận -tỉnh"))
    in_title = titles(small_engine.search("title:dân title:vận"))
    assert set(in_title) == {"Cán bộ dân vận phải kiên trì, không nóng vội", "Tỉnh uỷ họp về công tác dân vận",
                             "Dan van la gi", "Dẫn vấn đề ra hội nghị"}  # not "Văn hóa cơ sở": body only
    assert {h.source for h in small_engine.search("source:dcs.vn tỉnh").hits} == {"dcs.vn"}
    r = small_engine.search("tỉnh since:2022-01-01 until:2022-12-31")
    assert r.hits and all(h.published.year == 2022 for h in r.hits)


def test_filters_sort_facets_pages(small_engine):
    r = small_engine.search("tỉnh", source="thainguyen.gov.vn")
    assert r.hits and {h.source for h in r.hits} == {"thainguyen.gov.vn"}
    r = small_engine.search("tỉnh", since=datetime(2022, 1, 1))
    assert all(h.published >= datetime(2022, 1, 1, tzinfo=h.published.tzinfo) for h in r.hits)
    r = small_engine.search("tỉnh", sort="date", limit=3)
    dates = [h.published for h in r.hits]
    assert dates == sorted(dates, reverse=True)
    full = small_engine.search("tỉnh", limit=50)
    assert sum(full.facets["source"].values()) == full.total
    assert full.facets["year"]["2022"] == sum(1 for h in full.hits if h.published and h.published.year == 2022)
    p1, p2 = small_engine.search("tỉnh", limit=2), small_engine.search("tỉnh", limit=2, page=2)
    assert p1.total == p2.total == full.total
    assert [h.url for h in p1.hits + p2.hits] == [h.url for h in full.hits[:4]]


def test_snippets_mark_matched_syllables(small_engine):
    h = small_engine.search("dân vận").hits[0]
    assert "<mark>dân</mark> <mark>vận</mark>" in h.snippet.lower()
    assert "<mark>" in h.title_highlighted
    h = small_engine.search("hòa bình").hits[0]
    assert "<mark>hoà</mark>" in h.snippet  # the other tone style is marked too


@pytest.mark.parametrize("q", ['"unbalanced', "since:notadate tỉnh", "title:", "((( ]]] ---", ":", "-",
                               "source:", 'title:"', "a" * 500, "http://thainguyen.gov.vn/x tỉnh"])
def test_malformed_queries_degrade_and_never_raise(small_engine, q):
    r = small_engine.search(q)
    assert r.total >= 0


def test_malformed_query_says_so(small_engine):
    r = small_engine.search("since:notadate tỉnh")
    assert r.total > 0 and any("not a date" in n for n in r.notices)
    r = small_engine.search('"công tác')
    assert r.total > 0 and any("quote" in n for n in r.notices)


def test_bad_parameters_raise_query_error(small_engine):
    for kwargs in ({"limit": 0}, {"page": 0}, {"sort": "size"},
                   {"since": datetime(2022, 1, 1), "until": datetime(2021, 1, 1)}):
        with pytest.raises(QueryError):
            small_engine.search("tỉnh", **kwargs)


def test_misspelling_gets_a_suggestion(small_engine):
    r = small_engine.search("an ninhh")
    assert r.total == 0 and r.suggestion == "an ninh"


def test_readers_see_new_commits_without_reopening(tmp_path):
    reader = SearchEngine(tmp_path / "ix")
    reader.add(SMALL[0])
    assert reader.search("hoà bình").total == 0
    writer = SearchEngine(tmp_path / "ix")
    writer.add(SMALL[9])
    assert reader.search("hoà bình").total == 1


def test_empty_index_and_empty_query(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    assert engine.search("dân vận").total == 0
    engine.add(SMALL[0])
    r = engine.search("   ")
    assert r.total == 0 and r.hits == []
