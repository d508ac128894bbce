"""The Whoosh analyzers give exactly the terms of the pure functions."""

from pathlib import Path

import pytest

from govsearch.index.schema import SyllableField
from govsearch.text import analyze, bigrams, expand_abbreviation, forms_of, syllables
from govsearch.text.analysis import (bigram_analyzer, exact_analyzer, folded_analyzer,
                                     folded_bigram_analyzer)

SEED = Path(__file__).resolve().parents[3] / "shared" / "pages" / "seed-thainguyen-dan-van.txt"
SAMPLES = ["Cán bộ dân vận phải kiên trì, không nóng vội", "TỈNH UỶ Thái Nguyên: 11-QĐi/TW",
           "Ðảng\u00a0ủy hoá, người thuở xưa", ""]


def texts():
    out = list(SAMPLES)
    if SEED.exists():
        out.append(SEED.read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("text", texts())
def test_analyzers_match_pure_functions(text):
    exact, folded = analyze(text)
    assert [t.text for t in exact_analyzer()(text)] == exact
    assert [t.text for t in folded_analyzer()(text)] == folded
    assert [t.text for t in bigram_analyzer()(text)] == bigrams(exact)
    assert [t.text for t in folded_bigram_analyzer()(text)] == bigrams(folded)


def test_positions_for_phrases():
    toks = [(t.text, t.pos) for t in exact_analyzer()("dân vận tỉnh", positions=True)]
    assert toks == [("dân", 0), ("vận", 1), ("tỉnh", 2)]
    bi = [(t.text, t.pos) for t in bigram_analyzer()("dân vận tỉnh", positions=True)]
    assert bi == [("dân_vận", 0), ("vận_tỉnh", 1)]


@pytest.mark.parametrize("text", texts())
def test_fast_index_path_equals_analyzer_path(text):
    field = SyllableField(analyzer=exact_analyzer(), phrase=True)
    via_analyzer = sorted(field.index(text))
    via_terms = sorted(field.index(analyze(text)[0]))
    assert via_terms == via_analyzer


def test_abbreviation_table():
    assert expand_abbreviation("UBND") == (tuple(syllables("Ủy ban nhân dân")),)
    assert expand_abbreviation("ubnd") == expand_abbreviation("UBND")
    assert tuple(syllables("Thành phố Hồ Chí Minh")) in expand_abbreviation("TP.HCM")
    assert expand_abbreviation("TPHCM") == expand_abbreviation("TP.HCM")
    assert expand_abbreviation("HĐND") == expand_abbreviation("hdnd")
    assert expand_abbreviation("qđ") == ()  # ambiguous: left out on purpose
    forms = forms_of("TP.HCM")
    assert ("tp", "hcm") in forms and ("tphcm",) in forms and forms == forms_of("tphcm")
    assert tuple(syllables("Ủy ban MTTQ")) in forms_of("UBMTTQ")  # a shorter name inside a long form
