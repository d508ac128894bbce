"""The text a copy is recognised by: syllable shingles without the republisher's marks.

A story republished on another portal keeps its sentences but gains a
dateline ("CTTĐT - ", "(Chinhphu.vn) - "), another tone style or NFD
(both gone after `analyze`'s folding), and loses or changes a few
paragraphs. Shingles of a few folded syllables see through the first and
degrade gracefully with the second: each changed sentence costs only its own
shingles. Pure functions; the MinHash over them is `govsearch.index.copies`.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from .normalize import analyze, normalize

# Syllables per shingle: three folded syllables are about one Vietnamese word
# and a half, rare enough that two different stories on the same topic share
# few of them (bench/copies_bench.py measured 3 against 2 and 4).
SHINGLE = 3

# A dateline: a short mark before " - " that is an agency or a portal, not the
# start of a sentence ("Đội tuyển Nga - " is a sentence): in parentheses, a
# web address, or written without lower-case letters ("CTTĐT", "GD&TĐ", "VOV.VN").
_DATELINE_RE = re.compile(r"\s*(\([^()\n]{1,30}\)|[^\s()]+(?: [^\s()]+){0,2})\s*[-–—]\s+")


_OPENING = 200


def _is_mark(mark: str) -> bool:
    if mark.startswith("(") and mark.endswith(")"):
        return True
    if re.search(r"\.(?:vn|com|net|org)\b", mark, re.IGNORECASE):
        return True
    letters = [c for c in mark if c.isalpha()]
    return len(mark) <= 20 and bool(letters) and not any(c.islower() for c in letters)


def _dateline_end(text: str) -> int:
    """Where the text starts after the agency or portal marks it opens with (in normalize(text))."""
    end = 0
    for _ in range(3):  # a republisher's mark before the source's own: "CTTĐT - (Chinhphu.vn) - "
        m = _DATELINE_RE.match(text, end)
        if m is None or not _is_mark(m.group(1)):
            break
        end = m.end()
    return end


def strip_dateline(text: str) -> str:
    """The text without the agency or portal marks it opens with ("CTTĐT - (Chinhphu.vn) - ")."""
    text = normalize(text)
    return text[_dateline_end(text):]


def copy_terms(title_folded: list[str], text: str, text_folded: list[str],
               min_terms: int = 40) -> list[str]:
    """The folded syllables a copy is compared on: those of the text (`analyze(text)[1]`,
    given, as the index has them already) after its datelines; with the title's before
    them when the text is too short to tell stories apart."""
    # datelines are short: normalizing the opening is enough (all of a long text costs ~0.3 ms)
    norm = normalize(text[:_OPENING])
    end = _dateline_end(norm)
    terms = text_folded[len(analyze(norm[:end])[1]):] if end else text_folded
    if len(terms) < min_terms:
        terms = title_folded + terms
    return terms


def _syllable_hash(term: str) -> int:
    return zlib.crc32(term.encode("utf-8"))


_HASHES: dict[str, int] = {}
_MIX = np.uint64(0x9E3779B97F4A7C15)


def shingle_hashes(terms: list[str], size: int = SHINGLE) -> np.ndarray:
    """The 32-bit hashes of the text's `size`-syllable shingles, in order (stable across processes).

    A text shorter than one shingle is one shingle of what it has.
    """
    if not terms:
        return np.zeros(0, dtype=np.uint32)
    cache = _HASHES
    if len(cache) > 500_000:
        cache.clear()
    for t in set(terms).difference(cache):
        cache[t] = _syllable_hash(t)
    base = np.fromiter(map(cache.__getitem__, terms), dtype=np.uint64, count=len(terms))
    n = max(base.size - size + 1, 1)
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(min(size, base.size)):
            # order matters ("a b c" is not "c b a"): multiply-and-add, then fold to 32 bits
            acc = (acc ^ base[i:i + n]) * _MIX
        acc ^= acc >> np.uint64(29)
    # repeated shingles are left in: a MinHash takes each value's minimum, so they change
    # nothing, and removing them cost more than hashing them twice
    return (acc & np.uint64(0xFFFFFFFF)).astype(np.uint32)


__all__ = ["SHINGLE", "copy_terms", "shingle_hashes", "strip_dateline"]
