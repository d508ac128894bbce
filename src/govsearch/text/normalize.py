"""Vietnamese text normalization: the pure functions every stage shares.

Index time and query time call the same functions here, so whatever a user
types lands on the same terms the index holds. Changing any rule in this
module changes the terms, which means a reindex (bump SCHEMA_VERSION in
govsearch.index.schema).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "normalize",
    "place_tone",
    "swap_tone_style",
    "fold",
    "syllables",
    "analyze",
    "fold_term",
    "TOKEN_RE",
]

# Syllables are runs of letters and digits; "_" is excluded so it can join
# bigrams ("dân_vận") without ever colliding with a real token.
TOKEN_RE = re.compile(r"[^\W_]+")

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACES = "\u00a0\u202f\u2007"

# Ð/ð (Icelandic eth) look exactly like Đ/đ and legacy fonts produced them.
_NORMALIZE_TABLE = str.maketrans(
    {"\u00d0": "\u0110", "\u00f0": "\u0111", **{c: None for c in _ZERO_WIDTH},
     **{c: " " for c in _SPACES}}
)


def normalize(text: str) -> str:
    """NFC, eth look-alikes to Đ/đ, zero-width and soft hyphens gone, NBSP to space."""
    # Translate before composing: a zero-width character between a letter and
    # its combining mark would otherwise block composition.
    text = text.translate(_NORMALIZE_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# --- tone placement ---------------------------------------------------------

# Combining marks of the five tones: huyền, sắc, hỏi, ngã, nặng.
_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_BASE_VOWELS = "aăâeêioôơuưy"
_HAT_HORN = set("ăâêôơư")

# toned vowel -> (base vowel, tone index); (base vowel, tone index) -> toned vowel
_SPLIT_TONE: dict[str, tuple[str, int]] = {}
_ADD_TONE: dict[tuple[str, int], str] = {}
for _v in _BASE_VOWELS + _BASE_VOWELS.upper():
    for _i, _mark in enumerate(_TONE_MARKS):
        _c = unicodedata.normalize("NFC", _v + _mark)
        _SPLIT_TONE[_c] = (_v, _i)
        _ADD_TONE[(_v, _i)] = _c

_VOWELS = set(_BASE_VOWELS)
_INITIALS_2_3 = ("ngh", "ng", "nh", "ch", "gh", "kh", "ph", "th", "tr")
_INITIALS_1 = set("bcdđghklmnpqrstvx")
_FINALS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
# The only vowel pairs whose tone position depends on the writing style.
_STYLE_PAIRS = {"oa", "oe", "uy"}


def _split_initial(low: str) -> int:
    """Length of the initial consonant of an untoned, lower-case syllable."""
    for ini in _INITIALS_2_3:
        if low.startswith(ini):
            return len(ini)
    # "qu" and "gi" count as initials only when a vowel follows them:
    # "quý", "giữa" put the tone after u/i; "gì", "gìn" keep i as the vowel.
    if low[:2] in ("qu", "gi") and len(low) > 2 and low[2] in _VOWELS:
        return 2
    if low[:1] in _INITIALS_1:
        return 1
    return 0


def _tone_position(low: str) -> int | None:
    """Index in `low` (untoned, lower case) where the tone belongs, or None if invalid."""
    start = _split_initial(low)
    end = start
    while end < len(low) and low[end] in _VOWELS:
        end += 1
    if end == start or low[end:] not in _FINALS:
        return None
    vowels = low[start:end]
    if len(vowels) > 3:
        return None
    marked = [i for i, v in enumerate(vowels) if v in _HAT_HORN]
    if marked:
        # With two (ươ), the second: người, rượu, thuở.
        return start + marked[-1]
    if low[end:]:
        return end - 1  # hoàn, toán, quỳnh, loét
    if len(vowels) == 3:
        return start + 1  # xoài, ngoáy, khuỷu
    if len(vowels) == 2 and vowels in _STYLE_PAIRS:
        # Canonical form is the "new" style (hoà, thuỷ); which one we pick does
        # not matter as long as index and query agree.
        return start + 1
    return start  # mía, múa, túi, cái


_TONE_CACHE: dict[str, str] = {}


def place_tone(syllable: str) -> str:
    """Move the tone mark of one syllable to its canonical vowel; case is kept.

    Syllables with no tone, two tones, or that are not Vietnamese come back
    unchanged. Misplaced marks are repaired on the way (qúy -> quý, hòan -> hoàn).
    """
    cached = _TONE_CACHE.get(syllable)
    if cached is not None:
        return cached
    result = _place_tone(syllable)
    if len(_TONE_CACHE) < 200_000:
        _TONE_CACHE[syllable] = result
    return result


def _untoned(syllable: str) -> tuple[list[str], int, int] | None:
    """(characters without the tone mark, tone, where the mark was), for one mark only."""
    found = None
    chars = list(syllable)
    for i, c in enumerate(chars):
        split = _SPLIT_TONE.get(c)
        if split is not None:
            if found is not None:
                return None  # two tone marks: not ours to fix
            chars[i] = split[0]
            found = (split[1], i)
    if found is None:
        return None
    return chars, found[0], found[1]


def _place_tone(syllable: str) -> str:
    untoned = _untoned(syllable)
    if untoned is None:
        return syllable
    chars, tone, _ = untoned
    low = "".join(chars).lower()
    if not low.isalpha():
        return syllable
    pos = _tone_position(low)
    if pos is None:
        return syllable
    chars[pos] = _ADD_TONE[(chars[pos], tone)]
    return "".join(chars)


def swap_tone_style(syllable: str) -> str:
    """The same syllable in the other tone style (hoà <-> hòa); others unchanged.

    Used by search highlighting (a query's syllable is marked in either
    style) and by the relevance benchmark to make "other style" queries.
    """
    untoned = _untoned(syllable)
    if untoned is None:
        return syllable
    chars, tone, current = untoned
    low = "".join(chars).lower()
    start = _split_initial(low)
    if low[start:] not in _STYLE_PAIRS:
        return syllable
    target = start + 1 if current == start else start
    chars[target] = _ADD_TONE[(chars[target], tone)]
    return "".join(chars)


# --- folding ----------------------------------------------------------------

def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00)):
        for cp in block:
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base = decomposed[0]
            if (len(decomposed) > 1 and base.isascii() and base.isalpha()
                    and all(unicodedata.combining(m) for m in decomposed[1:])):
                table[cp] = base
    for cp in range(0x0300, 0x0370):  # stray combining marks (NFD input)
        table[cp] = None
    table.update({ord("đ"): "d", ord("Đ"): "D", 0x00D0: "D", 0x00F0: "d"})
    table.update({ord(c): None for c in _ZERO_WIDTH})
    table.update({ord(c): " " for c in _SPACES})
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Text without diacritics, đ -> d, as typed on a keyboard without Vietnamese input."""
    return text.translate(_FOLD_TABLE)


# --- tokens -------------------------------------------------------------------

_TERM_CACHE: dict[str, tuple[str, str]] = {}


def _terms_of(token: str) -> tuple[str, str]:
    """(exact, folded) index terms of one lower-case token."""
    if token.isascii():
        return token, token
    exact = place_tone(token)
    return exact, fold(exact)


def analyze(text: str) -> tuple[list[str], list[str]]:
    """Exact and folded index terms of a text, in order (one normalization pass).

    Exact terms are lower-case syllables in canonical tone placement; folded
    terms are the same syllables without diacritics.
    """
    tokens = TOKEN_RE.findall(normalize(text).lower())
    exact: list[str] = []
    folded: list[str] = []
    cache = _TERM_CACHE
    for tok in tokens:
        pair = cache.get(tok)
        if pair is None:
            pair = _terms_of(tok)
            if len(cache) < 500_000:
                cache[tok] = pair
        exact.append(pair[0])
        folded.append(pair[1])
    return exact, folded


def syllables(text: str) -> list[str]:
    """Exact index terms of a text: normalized, lower-case, canonical tone."""
    return analyze(text)[0]


def fold_term(term: str) -> str:
    """Folded form of one exact term (cached through the same table as analyze)."""
    pair = _TERM_CACHE.get(term)
    return pair[1] if pair is not None else fold(term)


def bigrams(terms: list[str]) -> list[str]:
    """Adjacent term pairs joined by "_": what a word segmenter would have given us."""
    return [a + "_" + b for a, b in zip(terms, terms[1:])]


__all__.append("bigrams")
