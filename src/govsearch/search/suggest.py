"""Accent restoration and "did you mean", answered from the index itself.

For a syllable typed without diacritics we enumerate its possible accented
spellings (a handful to ~70: hats, horns, đ and six tones), keep those the
index holds, and choose the most likely sequence with a small Viterbi over
document frequencies: unigrams from the body, bigrams from the title bigram
field. Every lookup is one `doc_frequency` call, so there is no lexicon scan
at query time and nothing to build at index time.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import product

from ..text import fold, place_tone

# Letters that a keyboard without Vietnamese input collapses.
_HATS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = set("aăâeêioôơuưy")

# Viterbi weights: how much a title bigram counts against single syllables.
_BIGRAM_WEIGHT = 2.0
_CANDIDATES_PER_SYLLABLE = 6
MIN_CORRECTION_DF = 3


@lru_cache(maxsize=4096)
def accent_variants(folded: str) -> tuple[str, ...]:
    """Every canonical accented spelling whose fold is `folded` (itself included)."""
    if not folded.isascii() or not folded.isalpha() or len(folded) > 7:
        return (folded,)
    import unicodedata
    options = [_HATS.get(c, c) if (c != "d" or i == 0) else "d" for i, c in enumerate(folded)]
    out: list[str] = []
    seen: set[str] = set()
    for letters in product(*options):
        base = "".join(letters)
        first_vowel = next((i for i, c in enumerate(base) if c in _VOWELS), None)
        for mark in _TONE_MARKS:
            if first_vowel is None:
                word = base
            else:
                word = unicodedata.normalize(
                    "NFC", base[:first_vowel + 1] + mark + base[first_vowel + 1:])
            word = place_tone(word)
            if word not in seen and fold(word) == folded:
                seen.add(word)
                out.append(word)
            if first_vowel is None:
                break
    return tuple(out)


def restore_accents(reader, folded_syllables: list[str]) -> list[str]:
    """The most likely accented reading of a sequence of folded syllables.

    Syllables that already carry diacritics should be passed as they are;
    they have exactly one candidate (themselves).
    """
    cands: list[list[tuple[str, float]]] = []
    for syl in folded_syllables:
        options = accent_variants(syl) if syl == fold(syl) else (syl,)
        scored = [(w, reader.doc_frequency("body", w) + reader.doc_frequency("title", w))
                  for w in options]
        scored = [x for x in scored if x[1] > 0] or [(syl, 0)]
        scored.sort(key=lambda x: -x[1])
        cands.append([(w, math.log1p(df)) for w, df in scored[:_CANDIDATES_PER_SYLLABLE]])
    if not cands:
        return []
    # best[j] = (score, path) of the best path ending in candidate j
    best = [(s, [w]) for w, s in cands[0]]
    for layer in cands[1:]:
        nxt = []
        for w, s in layer:
            options = []
            for prev_score, path in best:
                bi = reader.doc_frequency("title_bi", f"{path[-1]}_{w}")
                options.append((prev_score + s + _BIGRAM_WEIGHT * math.log1p(bi), path))
            score, path = max(options, key=lambda x: x[0])
            nxt.append((score, path + [w]))
        best = nxt
    return max(best, key=lambda x: x[0])[1]


def correct_syllable(reader, folded: str) -> str | None:
    """A common folded syllable one edit away from an unknown one, the most frequent.

    Candidates come from the title lexicon (small, and holding the syllables
    people search for) and must occur in at least MIN_CORRECTION_DF
    documents, so a rare typo in the index is never offered as a correction.
    """
    if len(folded) < 3 or not folded.isalpha():
        return None
    found = {w for w in reader.terms_within("title_f", folded, 1, prefix=1) if w != folded}
    scored = [(reader.doc_frequency("body_f", w) + reader.doc_frequency("title_f", w), w) for w in sorted(found)]
    # a small index has too few documents for the threshold to mean anything
    min_df = MIN_CORRECTION_DF if reader.doc_count() >= 1000 else 1
    scored = [x for x in scored if x[0] >= min_df]
    return max(scored)[1] if scored else None
