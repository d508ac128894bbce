"""Strict phrase matching: pairs from the sidecar first, positions where pairs cannot decide.

A two-syllable phrase is exactly its pair, so the sidecar answers it alone
(one array lookup instead of Whoosh's position-by-position Phrase query,
which took ~400 ms for "hà nội" over 58k articles). Longer phrases are first
narrowed to the documents holding every one of their pairs, and only those
are checked against Whoosh's stored positions, so the work grows with the
documents that nearly hold the phrase, not with the corpus. Positions are
kept for folded terms only (index/schema.py), so a phrase typed with
diacritics is required to hold every exact pair and to stand, folded, as one
run: strict unless a document holds the folded run in one place and each
exact pair somewhere else.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ..index.internals import segment_readers
from ..text import fold
from .build import Phrase
from .vector import PAIRS, Snapshot


def phrase_mask(snap: Snapshot, searcher, phrase: Phrase, within: np.ndarray | None = None) -> np.ndarray:
    """Documents holding the phrase (among `within`, if given), as a boolean mask over the snapshot."""
    mask = snap.live.copy() if within is None else snap.live & within
    for key in phrase.pairs:
        mask &= snap.mask_of(snap.docs(PAIRS, key))
    sylls = phrase.syllables
    # A pair key also stands for "a số 5" when b is a number (pairs.py), and
    # it does not say whether it stood in the title: positions decide those.
    if phrase.title_only and len(sylls) == 2 and phrase.exact:
        mask &= snap.mask_of(snap.docs("title_bi", f"{sylls[0].exact}_{sylls[1].exact}"))
    needs_positions = len(sylls) > 2 or phrase.title_only or any(s.exact[:1].isdigit() for s in sylls[1:])
    if not needs_positions or not mask.any():
        return mask
    docs = [int(d) for d in np.flatnonzero(mask)]
    fields = ("title_f",) if phrase.title_only else ("title_f", "body_f")
    held = np.zeros(snap.size, dtype=bool)
    terms = [s.folded for s in sylls]
    for field in fields:
        positions = {t: term_positions(searcher, field, t, docs) for t in set(terms)}
        for d in docs:
            if held[d]:
                continue
            first = positions[terms[0]].get(d)
            if not first:
                continue
            rest = [positions[t].get(d) for t in terms[1:]]
            if any(r is None for r in rest):
                continue
            if any(all(p + i + 1 in r for i, r in enumerate(rest)) for p in first):  # type: ignore[operator]  # no None left in rest
                held[d] = True
    return held


def term_positions(searcher, field: str, term: str, docnums: list[int]) -> dict[int, set[int]]:
    """Positions of `term` in `field` for each of `docnums` (sorted) that holds it.

    Reads the term's posting list once per segment, skipping straight to the
    wanted documents, so the cost grows with the candidates, not the corpus.
    """
    out: dict[int, set[int]] = {}
    segs = segment_readers(searcher)
    bounds = [off for _, off in segs[1:]] + [1 << 62]
    wanted = sorted(docnums)
    i = 0
    for (reader, offset), upper in zip(segs, bounds):
        local = []
        while i < len(wanted) and wanted[i] < upper:
            local.append(wanted[i] - offset)
            i += 1
        if not local or (field, term) not in reader:
            continue
        m = reader.postings(field, term)
        for doc in local:
            m.skip_to(doc)
            if not m.is_active():
                break
            if m.id() == doc:
                out[doc + offset] = set(m.value_as("positions"))
    return out


# How much of a document's stored text `run_in_text` reads.
RUN_SCAN_CHARS = 20_000


def run_in_text(snap: Snapshot, searcher, phrase: Phrase, docs: np.ndarray) -> np.ndarray:
    """Which of `docs` hold the phrase's folded syllables as one run, read from their stored text.

    For ranking, not matching: Whoosh's positions cost a scan of every
    posting block of each term (70 ms for three common syllables, whatever
    the number of documents), while a regular expression over the first
    RUN_SCAN_CHARS of a few dozen stored texts costs about 0.3 ms each.
    """
    rx = _run_regex(tuple(s.folded for s in phrase.syllables))
    held = np.zeros(snap.size, dtype=bool)
    for d in docs:
        stored = searcher.stored_fields(int(d))
        text = "\n".join((stored.get("title") or "", stored.get("summary") or "",
                           (stored.get("body") or "")[:RUN_SCAN_CHARS]))
        if rx.search(text):
            held[d] = True
    return held


def _fold_classes() -> dict[str, str]:
    """For each ASCII letter, every letter (either case) whose fold it is: a -> aáàảãạăắ…"""
    out: dict[str, set[str]] = {}
    for cp in [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        f = fold(ch).lower()
        if len(f) == 1 and f.isascii() and f.isalpha():
            out.setdefault(f, set()).update({ch, ch.lower(), ch.upper()})
    return {k: "".join(sorted(v)) for k, v in out.items()}


_CLASSES = _fold_classes()
# NFD text carries its diacritics as combining marks after the letter.
_MARKS = "[\u0300-\u036f]*"


@lru_cache(maxsize=256)
def _run_regex(folded: tuple[str, ...]) -> re.Pattern[str]:
    """Matches the folded syllables as whole words in a row, in any case and any diacritics."""
    def syllable(s: str) -> str:
        return "".join(f"[{re.escape(_CLASSES[c])}]{_MARKS}" if c in _CLASSES else re.escape(c) for c in s)
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(syllable(s) for s in folded) + r"(?![^\W_])")


__all__ = ["phrase_mask", "run_in_text", "term_positions"]
