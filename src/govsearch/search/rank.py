"""Ranking signals beyond BM25 (adjacency of the typed words), and snippets.

Adjacency is read from the index's pair sidecar for every matching document
at once (no second stage over a short list, which is what let "dân vận"
typed as written rank scattered matches above the phrase). Snippets come
from the stored text of the hits shown, from a bounded prefix of it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..text import fold, normalize, swap_tone_style
from .build import FOLDED_PAIR_CREDIT, Plan
from .parse import ParsedQuery
from .phrases import run_in_text
from .vector import PAIRS, Snapshot

# Adjacency bonus, as a share of the best base score among the matches: for
# a document holding every typed pair as typed, and again when every pair of
# a run stands together (the run as a whole, most likely as a phrase). Large
# on purpose: holding the typed words together outranks holding them apart
# ("dân vận" must not rank "dân ... vận" above "công tác dân vận"). 3.0 was
# chosen on 60 queries per kind of bench/relevance.py at 58k (1.0: body kinds
# MRR@10 0.75-0.82; 2.0: 0.92-0.96; 3.0: 0.96-1.00, title kinds unchanged);
# the README reports the other queries, held out from that choice. WHOLE_RUN
# (0.5, 1.0 and 1.5 read the same on that bench) is 1.5 so that a run of three
# standing whole in a body outranks its pairs standing apart under a title
# that holds two of the words (tests/search/test_ranking.py).
ADJACENT = 3.0
WHOLE_RUN = 1.5
# Documents whose stored text is read to tell a whole run of three or more
# syllables from its pairs standing apart (the best-scoring ones).
RUN_CHECK = 60

SNIPPET_CHARS = 240
# Snippets and highlights read at most this much of a text: the work per hit
# stays bounded however large an article is (a 7 MB body took 8 s a query).
HIGHLIGHT_SCAN_CHARS = 20_000


def adjacency_bonus(snap: Snapshot, plan: Plan, scores: np.ndarray, matched: np.ndarray,
                    searcher=None) -> np.ndarray:
    """Per document: the bonus for holding the plan's pairs together (title or body).

    A pair typed with diacritics earns full credit where it stands as typed
    and FOLDED_PAIR_CREDIT where it stands only folded; a pair typed without
    diacritics earns full credit for its folded form. Computed for every
    document in one pass over the pairs' posting lists.
    """
    credit = np.zeros(snap.size, dtype=np.float32)
    whole = np.zeros(snap.size, dtype=np.float32)
    n_pairs = sum(len(run) for run in plan.pairs)
    runs = [run for run in plan.pairs if run]
    if not n_pairs:
        return credit
    for run, phrase in zip(plan.pairs, plan.runs):
        if not run:
            continue
        run_held = matched.copy()
        for p in run:
            typed = snap.mask_of(snap.docs(PAIRS, p.typed))
            credit += typed
            if p.accented:
                folded_only = snap.mask_of(snap.docs(PAIRS, p.folded)) & ~typed
                credit += FOLDED_PAIR_CREDIT * folded_only
            run_held &= typed
        if len(run) > 1 and searcher is not None:
            # Every pair held is not yet the run: "chuyển đổi" and "thay đổi
            # số" hold both pairs of "chuyển đổi số". The stored text decides,
            # for the RUN_CHECK best of those documents (bounded work).
            run_held = run_in_text(snap, searcher, phrase, _best(run_held, scores, RUN_CHECK))
        whole += run_held
    top = float(scores[matched].max()) if matched.any() else 0.0
    return top * (ADJACENT * credit / n_pairs + WHOLE_RUN * whole / len(runs))


def _best(mask: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """The documents of `mask`, at most its k best-scoring (ties: lower document number)."""
    docs = np.flatnonzero(mask)
    if docs.size <= k:
        return docs
    order = np.lexsort((docs, -scores[docs]))
    return np.sort(docs[order[:k]])


@dataclass(slots=True, frozen=True)
class QueryTerms:
    """What to mark in a text: exact syllables typed with diacritics, folded ones typed without."""

    exact: frozenset[str]
    folded: frozenset[str]
    folded_all: frozenset[str]
    phrases: frozenset[str] = frozenset()  # folded, space-joined: abbreviation expansions


def query_terms(pq: ParsedQuery) -> QueryTerms:
    exact: set[str] = set()
    folded: set[str] = set()
    folded_all: set[str] = set()
    phrases: set[str] = set()
    for u in pq.units:
        for alt in u.alternatives:
            if len(alt) > 1:
                # groups (an expansion such as "ủy ban nhân dân", a document
                # number, a quoted phrase) are marked only where they stand
                # whole, not syllable by syllable
                phrases.add(" ".join(s.folded for s in alt))
                continue
            for s in alt:
                folded_all.add(s.folded)
                if s.accented:
                    # both tone styles, as they may be written in the text
                    exact.update({s.exact, swap_tone_style(s.exact)})
                else:
                    folded.add(s.folded)
    return QueryTerms(frozenset(exact), frozenset(folded), frozenset(folded_all), frozenset(phrases))


def highlight(text: str, terms: QueryTerms, max_chars: int | None = None) -> str:
    """HTML-escaped text with query syllables in <mark>; cut to the best window if asked.

    Syllables typed with diacritics are marked where the text has them with
    the same diacritics, those typed without wherever their fold matches; a
    document found only through folding has its folded matches marked, so it
    shows why it matched. Regular expressions over the whole text: this runs
    for every hit shown, so it must be cheap.
    """
    # what lies past the scanned prefix is never shown, so never read
    text = normalize(text[:HIGHLIGHT_SCAN_CHARS] if max_chars else text[:HIGHLIGHT_SCAN_CHARS * 5])
    lowered = text.lower()
    folded = fold(lowered)
    if len(folded) != len(text) or len(lowered) != len(text):
        # case mapping or folding changed the length (stray combining marks):
        # offsets would not line up, so show the text unmarked
        return html.escape(text[:max_chars] if max_chars else text)
    spans = _find(lowered, terms.exact) + _find(folded, terms.folded) + _find(folded, terms.phrases)
    if not spans and terms.exact:
        spans = _find(folded, terms.folded_all)
    spans.sort()
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        start = _best_window(spans, max_chars)
        end = min(len(text), start + max_chars)
        # cut on spaces, not inside a word
        if start > 0:
            sp = text.find(" ", start)
            start = sp + 1 if 0 <= sp < start + 30 else start
        if end < len(text):
            sp = text.rfind(" ", start, end)
            end = sp if sp > start else end
    out = ["… " if start > 0 else ""]
    pos = start
    for s, e, _ in spans:
        if s < pos or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append(" …")
    return "".join(out).strip()


def _find(text: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
    if not terms:
        return []
    return [(m.start(), m.end(), fold(m.group(0))) for m in _terms_pattern(terms).finditer(text)]


@lru_cache(maxsize=256)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    # a phrase's syllables may be separated by any run of non-letters
    alternatives = "|".join(r"[\W_]+".join(re.escape(w) for w in t.split(" "))
                            for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def _best_window(spans: list[tuple[int, int, str]], size: int) -> int:
    """Start of the window with the most distinct matched syllables (then most matches)."""
    if not spans:
        return 0
    best_start, best_key = 0, (-1, -1)
    for i, (s, _, _) in enumerate(spans[:200]):
        begin = max(0, s - 60)
        inside = []
        for _, e2, w in spans[i:]:
            if e2 > begin + size:
                break
            inside.append(w)
        key = (len(set(inside)), len(inside))
        if key > best_key:
            best_start, best_key = begin, key
    return best_start
