"""Accent restoration and "did you mean", answered from the index itself.

For a syllable typed without diacritics we enumerate its possible accented
spellings (a handful to ~70: hats, horns, đ and six tones), keep those the
index holds, and choose the most likely sequence with a small Viterbi:
each syllable scores by how common it is, each transition by how much more
often the two stand together in titles and bodies than chance would put
them (pointwise mutual information over token counts, from the pair
sidecar). Association, not raw pair counts, is what tells a term from a
word boundary: in the 58k corpus "dân vẫn" ("người dân | vẫn còn") stands
together 282 times and "dân vận" only 143, but "vẫn" is so common that 282
is close to chance (PMI 1.16) while "dân vận" is a term (PMI 1.44).

A first-order path can still join two strong pairs that never meet: "thay
đổi so với" makes "đổi so" a strong pair, so "chuyen doi so" read "chuyển
đổi so". For three syllables or more the few best paths are re-scored by a
second-order association: how much more often than chance the documents
holding one pair of the path also hold the next (document-level PMI of
consecutive pairs). Every document holding "đổi số" holds "chuyển đổi"; few
holding "đổi so" do.

Every lookup is a term-info read or one pair lookup: no lexicon scan at
query time and nothing to build at index time.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import product

import numpy as np

from ..index.pairs import pair_key
from ..text import fold, place_tone
from .vector import PAIRS, Snapshot

# Letters that a keyboard without Vietnamese input collapses.
_HATS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = set("aăâeêioôơuưy")

# Viterbi weights: a syllable's log document frequency, and the PMI of a
# transition, shrunk toward 0 by c / (c + _PMI_SHRINK) for a pair seen c
# times (PMI overrates rare pairs: two syllables seen twice, both times
# together, look like the strongest term of all). A pair seen fewer than
# _MIN_PAIR times scores _UNSEEN_PMI.
_UNIGRAM_WEIGHT = 0.5
_PMI_WEIGHT = 3.0
_PMI_SHRINK = 5.0
_MIN_PAIR = 2
_UNSEEN_PMI = -1.0
# Spellings kept per syllable, the most common first. Six lost the right one
# where the folded syllable has many common spellings: "sạt lở" (lở is 9th of
# "lo"), "hạn hán", "xoá đói giảm nghèo" read "sát lo", "hắn hắn", "xoá đội".
_CANDIDATES_PER_SYLLABLE = 12
# Second-order re-scoring: paths kept per candidate, complete paths re-scored,
# and the weight of each consecutive pair-of-pairs' shrunk document PMI.
_PATHS_PER_CANDIDATE = 3
_RESCORED_PATHS = 6
_RUN_WEIGHT = 3.0
MIN_CORRECTION_DF = 3


class Frequencies:
    """Counts the reading is chosen from: one index generation's terms and pairs.

    Kept on the snapshot (one per index generation), so the syllables and
    pairs of earlier queries cost nothing the next time.
    """

    def __init__(self, reader, snap: Snapshot) -> None:
        self.reader = reader
        self.snap = snap
        self._terms: dict[str, tuple[int, float]] = {}
        self._pairs: dict[tuple[str, str], float] = {}
        self._tokens: float | None = None

    @classmethod
    def of(cls, reader, snap: Snapshot) -> Frequencies:
        freq = snap.extras.get("frequencies")
        if not isinstance(freq, Frequencies):
            freq = snap.extras["frequencies"] = cls(reader, snap)
        return freq

    def _term(self, term: str) -> tuple[int, float]:
        hit = self._terms.get(term)
        if hit is None:
            r = self.reader
            hit = (r.doc_frequency("body", term) + r.doc_frequency("title", term),
                   r.frequency("body", term) + r.frequency("title", term))
            if len(self._terms) < 200_000:
                self._terms[term] = hit
        return hit

    def df(self, term: str) -> int:
        return self._term(term)[0]

    def count(self, term: str) -> float:
        return self._term(term)[1]

    def tokens(self) -> float:
        if self._tokens is None:
            self._tokens = float(self.reader.field_length("body") + self.reader.field_length("title")) or 1.0
        return self._tokens

    def pair_count(self, a: str, b: str) -> float:
        """Times a, b stand together (deleted articles not yet merged away count too)."""
        hit = self._pairs.get((a, b))
        if hit is None:
            key = pair_key(a, b)
            hit = float(sum(seg.total(key) for seg in self.snap.pair_segments))
            if len(self._pairs) < 200_000:
                self._pairs[(a, b)] = hit
        return hit

    def documents(self) -> int:
        return max(int(self.snap.size), 1)

    def _pair_docs(self, a: str, b: str) -> np.ndarray:
        return self.snap.postings(PAIRS, pair_key(a, b))[0]

    def prefetch_runs(self, runs: list[tuple[tuple[str, str], tuple[str, str]]]) -> None:
        """Hook for a backend that reads counts remotely: every run about to be asked for."""

    def run_counts(self, first: tuple[str, str], second: tuple[str, str]) -> tuple[int, int, int]:
        """Documents holding the pair `first`, the pair `second`, and both."""
        da, db = self._pair_docs(*first), self._pair_docs(*second)
        if da.size == 0 or db.size == 0:
            return int(da.size), int(db.size), 0
        return int(da.size), int(db.size), int(np.intersect1d(da, db, assume_unique=True).size)

    def run_association(self, a: str, b: str, c: str) -> float:
        """Shrunk document PMI of the pairs (a, b) and (b, c): do they meet in one run?"""
        if _bare_run(a, b, c):
            return 0.0
        d1, d2, both = self.run_counts((a, b), (b, c))
        if both < _MIN_PAIR:
            return _UNSEEN_PMI
        pmi = math.log(both * self.documents() / (d1 * d2))
        return pmi * both / (both + _PMI_SHRINK)

    def association(self, a: str, b: str) -> float:
        """Shrunk PMI of b following a (token counts); 0 where it cannot be told.

        A pair of two terms without diacritics shares its key with the folded
        pairs of every spelling ("dan van" is also "dân vận" folded), so its
        count says nothing about the bare spelling: neutral.
        """
        if a.isascii() and b.isascii():
            return 0.0
        together = self.pair_count(a, b)
        if together < _MIN_PAIR:
            return _UNSEEN_PMI
        ca, cb = self.count(a), self.count(b)
        if ca <= 0 or cb <= 0:
            return _UNSEEN_PMI
        pmi = math.log(together * self.tokens() / (ca * cb))
        return pmi * together / (together + _PMI_SHRINK)


def _bare_run(a: str, b: str, c: str) -> bool:
    """A pair of the run without diacritics shares its key with every spelling's: no evidence."""
    return (a.isascii() and b.isascii()) or (b.isascii() and c.isascii())


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


def restore_accents(freq: Frequencies, folded_syllables: list[str]) -> list[str]:
    """The most likely accented reading of a sequence of folded syllables.

    Syllables that already carry diacritics should be passed as they are;
    they have exactly one candidate (themselves).
    """
    cands: list[list[tuple[str, float]]] = []
    for syl in folded_syllables:
        options = accent_variants(syl) if syl == fold(syl) else (syl,)
        scored = [(w, freq.df(w)) for w in options]
        scored = [x for x in scored if x[1] > 0] or [(syl, 0)]
        scored.sort(key=lambda x: -x[1])
        cands.append([(w, _UNIGRAM_WEIGHT * math.log1p(df)) for w, df in scored[:_CANDIDATES_PER_SYLLABLE]])
    if not cands:
        return []
    # paths[j]: the best few (score, path) ending in candidate j of the layer
    paths: list[list[tuple[float, list[str]]]] = [[(s, [w])] for w, s in cands[0]]
    for layer in cands[1:]:
        nxt = []
        for w, s in layer:
            extended = [(prev_score + s + _PMI_WEIGHT * freq.association(path[-1], w), path + [w])
                        for ending in paths for prev_score, path in ending]
            extended.sort(key=lambda x: -x[0])
            nxt.append(extended[:_PATHS_PER_CANDIDATE])
        paths = nxt
    complete = sorted((x for ending in paths for x in ending), key=lambda x: -x[0])
    if len(folded_syllables) < 3 or len(complete) == 1:
        return complete[0][1]
    top = complete[:_RESCORED_PATHS]
    freq.prefetch_runs([((p[i], p[i + 1]), (p[i + 1], p[i + 2])) for _, p in top for i in range(len(p) - 2)
                        if not _bare_run(*p[i:i + 3])])
    rescored = [(score + _RUN_WEIGHT * sum(freq.run_association(*path[i:i + 3])
                                           for i in range(len(path) - 2)), path)
                for score, path in top]
    return max(rescored, key=lambda x: x[0])[1]


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
