"""Vietnamese text as the benchmarks see it, written apart from govsearch.text
on purpose: the bench must not share a bug with the system it judges.

Used by relevance.py (title windows), body_queries.py (body known-item
queries and the adjacent-pair index) and phrase_precision.py (does an
article hold a phrase).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).translate(_ETH)


class _FoldTable(dict):
    """str.translate table, filled on first sight of each character: folding
    a character alone gives the same as folding it in context (dropping every
    combining mark makes their canonical order irrelevant), and the pair index
    folds ~200 MB of text at 58k."""

    def __missing__(self, code: int) -> str:
        d = unicodedata.normalize("NFD", chr(code))
        out = "".join(ch for ch in d if unicodedata.category(ch) != "Mn")
        out = out.replace("đ", "d").replace("Đ", "D")
        self[code] = out
        return out


_FOLD = _FoldTable()


def fold(s: str) -> str:
    """Remove every diacritic, and map đ -> d, which decomposition keeps."""
    return s.translate(_FOLD)


def has_marks(s: str) -> bool:
    return fold(s) != s


_EDGE_PUNCT = re.compile(r"^\W+|\W+$")


def clean_token(tok: str) -> str:
    """A title word as a user would retype it: quotes, colons, commas dropped."""
    return _EDGE_PUNCT.sub("", tok)


# Both spellings of each abbreviation fold to one canonical token, so that
# uniqueness checks treat "UBND tỉnh X" and "Ủy ban nhân dân tỉnh X" as equal.
_CANON_ABBR = [
    (re.compile(r" uy ban nhan dan "), " ubnd "),
    (re.compile(r" hoi dong nhan dan "), " hdnd "),
    (re.compile(r" (?:thanh pho|tp) (?:ho chi minh|hcm) | tphcm "), " tphcm "),
    (re.compile(r" mat tran to quoc "), " mttq "),
]


def canon(s: str) -> str:
    """Folded, lowercased words, abbreviations unified: the key for
    'is this title / window unique in the corpus'."""
    t = " " + " ".join(re.findall(r"\w+", fold(nfc(s)).lower())) + " "
    for rx, rep in _CANON_ABBR:
        # Applied twice because adjacent matches share the separating space.
        t = rx.sub(rep, rx.sub(rep, t))
    return t.strip()


_STYLE_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdđghklmnprstvx])?(oa|oe|uy)")


def swap_tone_style(syllable: str) -> str | None:
    """hoá <-> hóa, uỷ <-> ủy, khoẻ <-> khỏe; None if the syllable has no
    style-dependent tone (a final consonant, a third vowel, "qu" or no tone
    all fix the position)."""
    base: list[str] = []
    tone: str | None = None
    pos = -1
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONE_MARKS:
            if tone is not None:
                return None
            tone, pos = ch, len(base) - 1
        else:
            base.append(ch)
    if tone is None:
        return None
    b = "".join(base)
    m = _STYLE_SYLLABLE.fullmatch(b.lower())
    if not m:
        return None
    first = m.start(2)
    if pos == first:
        new = first + 1
    elif pos == first + 1:
        new = first
    else:
        return None
    return unicodedata.normalize("NFC", b[: new + 1] + tone + b[new + 1 :])


# Abbreviation spans, matched on folded lowercase cleaned tokens.
_LONG_FORMS: dict[tuple[str, ...], str] = {
    ("uy", "ban", "nhan", "dan"): "UBND",
    ("hoi", "dong", "nhan", "dan"): "HĐND",
    ("thanh", "pho", "ho", "chi", "minh"): "TP.HCM",
    ("mat", "tran", "to", "quoc"): "MTTQ",
}
_SHORT_FORMS: dict[tuple[str, ...], str] = {
    ("ubnd",): "Ủy ban nhân dân",
    ("hdnd",): "Hội đồng nhân dân",
    ("tp.hcm",): "Thành phố Hồ Chí Minh",
    ("tphcm",): "Thành phố Hồ Chí Minh",
    ("tp", "hcm"): "Thành phố Hồ Chí Minh",
    ("mttq",): "Mặt trận Tổ quốc",
}
_FORMS = _LONG_FORMS | _SHORT_FORMS


def find_abbrev_spans(tokens: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every UBND-like span in a title."""
    keys = [fold(t).lower() for t in tokens]
    spans = []
    for form, repl in _FORMS.items():
        n = len(form)
        for i in range(len(keys) - n + 1):
            if tuple(keys[i : i + n]) == form:
                spans.append((i, i + n, repl))
    return spans


_WORD = re.compile(r"\w+")


def tone_canon(syllable: str) -> str:
    """One spelling for both tone styles (hoà and hòa give the same string), so
    "holds the phrase as typed" does not depend on the paper's style."""
    alt = swap_tone_style(syllable)
    return min(syllable, alt) if alt else syllable


def syllables(text: str) -> list[str]:
    """NFC, lowercased, tone-style-normalized word tokens: the form in which
    'the article holds the phrase as typed' is decided."""
    return [tone_canon(w) for w in _WORD.findall(nfc(text).lower())]


def folded_syllables(text: str) -> list[str]:
    """Lowercased word tokens with every diacritic removed (đ -> d)."""
    return _WORD.findall(fold(nfc(text)).lower())


_CLAUSE_END = re.compile(r"[:;,.?!…)\]”\"'»]$")


def clause_tokens(text: str) -> tuple[list[str], set[int]]:
    """The words of a text as a user would retype them (edge punctuation
    dropped), and the positions after which a clause ends ("Hà Nội: Không
    để ..."): a user retypes a phrase, not a span across a colon or a full
    stop, so query windows and word pairs do not cross those."""
    toks: list[str] = []
    breaks: set[int] = set()
    for w in nfc(text).split():
        t = clean_token(w)
        if not t:
            if toks:  # a lone "-" or ":" between words
                breaks.add(len(toks) - 1)
            continue
        toks.append(t)
        if _CLAUSE_END.search(w):
            breaks.add(len(toks) - 1)
    return toks, breaks
