"""Second-stage ranking and snippets, both from the stored text of the top hits.

The index holds no body bigrams (their cost at index time is in
govsearch.index.schema), so adjacency of the query's syllables in the lead
and body is scored here, over the top candidates only, from the positions
the index keeps: each adjacent pair of query syllables found next to each
other earns a bonus, more if the diacritics match as typed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import fold, normalize, swap_tone_style
from .parse import ParsedQuery, Syllable

# Bonus per adjacent query pair found in the body, as a fraction of the top score.
ADJACENT_EXACT = 0.12
ADJACENT_FOLDED = 0.06
# A body holding the query as one run of syllables in order.
WHOLE_RUN = 0.10

SNIPPET_CHARS = 240


@dataclass(slots=True)
class TextMatch:
    """How a document's text answers the query."""

    adjacent_exact: int
    adjacent_folded: int
    whole_run: bool


def query_sequences(pq: ParsedQuery) -> list[list[Syllable]]:
    """Runs of syllables whose adjacency matters: consecutive plain words, and each group."""
    runs: list[list[Syllable]] = []
    current: list[Syllable] = []
    for u in pq.units:
        if u.plain and len(u.alternatives) == 1:
            current.append(u.main[0])
            continue
        if len(current) > 1:
            runs.append(current)
        current = []
        # A name with several forms (UBND / ủy ban nhân dân) earns no
        # adjacency bonus: rewarding its long form standing together would
        # rank documents that abbreviate it below those that do not.
        if len(u.main) > 1 and len(u.alternatives) == 1:
            runs.append(u.main)
    if len(current) > 1:
        runs.append(current)
    return runs


def _segments(searcher) -> list[tuple[object, int]]:
    subs = searcher.subsearchers
    return list(subs) if subs else [(searcher, 0)]


def term_positions(searcher, field: str, term: str, docnums: list[int]) -> dict[int, set[int]]:
    """Positions of `term` in `field` for each of `docnums` that holds it.

    Reads the term's posting list once per segment, skipping straight to the
    wanted documents, so the cost grows with the candidates, not the corpus.
    """
    out: dict[int, set[int]] = {}
    segs = _segments(searcher)
    bounds = [off for _, off in segs[1:]] + [1 << 62]
    wanted = sorted(docnums)
    i = 0
    for (sub, offset), upper in zip(segs, bounds):
        local = []
        while i < len(wanted) and wanted[i] < upper:
            local.append(wanted[i] - offset)
            i += 1
        if not local:
            continue
        reader = sub.reader()
        if (field, term) not in reader:
            continue
        m = reader.postings(field, term)
        for doc in local:
            m.skip_to(doc)
            if not m.is_active():
                break
            if m.id() == doc:
                out[doc + offset] = set(m.value_as("positions"))
    return out


def adjacency(searcher, docnums: list[int], runs: list[list[Syllable]]) -> dict[int, TextMatch]:
    """For each candidate, which adjacent query pairs stand together in its lead and body."""
    cache: dict[tuple[str, str], dict[int, set[int]]] = {}

    def pos(field: str, term: str) -> dict[int, set[int]]:
        key = (field, term)
        if key not in cache:
            cache[key] = term_positions(searcher, field, term, docnums)
        return cache[key]

    def together(field: str, a: str, b: str, doc: int) -> bool:
        pa, pb = pos(field, a).get(doc), pos(field, b).get(doc)
        return bool(pa and pb and any(p + 1 in pb for p in pa))

    result: dict[int, TextMatch] = {}
    for doc in docnums:
        n_exact = n_folded = 0
        whole = True
        for run in runs:
            for a, b in zip(run, run[1:]):
                if (a.accented or b.accented) and together("body", a.exact, b.exact, doc):
                    n_exact += 1
                elif together("body_f", a.folded, b.folded, doc):
                    n_folded += 1
                else:
                    whole = False
        result[doc] = TextMatch(n_exact, n_folded, whole and bool(runs))
    return result


def bonus(m: TextMatch, top_score: float) -> float:
    return top_score * (ADJACENT_EXACT * m.adjacent_exact + ADJACENT_FOLDED * m.adjacent_folded
                        + (WHOLE_RUN if m.whole_run else 0.0))


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
    text = normalize(text)
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
        for s2, e2, w in spans[i:]:
            if e2 > begin + size:
                break
            inside.append(w)
        key = (len(set(inside)), len(inside))
        if key > best_key:
            best_start, best_key = begin, key
    return best_start
