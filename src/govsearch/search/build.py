"""ParsedQuery -> Whoosh query objects, the Vietnamese way (VIETNAMESE.md).

- Every unit is required (long queries relax: see LONG_QUERY).
- A syllable typed with diacritics matches the exact fields and, weaker, the
  folded ones: exact matches rank above folded-only ones.
- A syllable typed without diacritics matches the folded fields; the reading
  the index makes most likely (see `suggest.restore_accents`) is added as an
  optional boost, so "dan van" ranks "dân vận" before "dẫn vấn".
- Adjacent syllables earn a boost through the title bigram fields; adjacency
  in the body is scored by `rank.rerank` over the top candidates.
"""

from __future__ import annotations

from datetime import datetime

from whoosh import query as Q

from ..index.schema import local_naive
from .parse import ParsedQuery, Syllable, Unit

# Field weights. Exact above folded, title above body.
W_TITLE, W_BODY = 3.0, 1.0
W_TITLE_F, W_BODY_F = 1.2, 0.4
# For syllables typed without diacritics, the folded fields are the match.
W_TITLE_FA, W_BODY_FA = 3.0, 1.0
# Adjacency in the title (bigrams) and the likely accented reading.
W_TITLE_BI, W_TITLE_BIF = 2.0, 1.0
W_RESTORED_TITLE, W_RESTORED_BODY, W_RESTORED_BI = 1.5, 0.6, 1.5

# Above this many units, documents need not contain them all.
LONG_QUERY = 8

# Whoosh 2.7 matches everything when a range has an open lower bound
# (WHOOSH.md, bug 1): date filters always get an explicit one.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2999, 12, 31)


def syllable_query(s: Syllable, title_only: bool = False) -> Q.Query:
    if s.accented:
        subs = [Q.Term("title", s.exact, boost=W_TITLE), Q.Term("title_f", s.folded, boost=W_TITLE_F)]
        if not title_only:
            subs += [Q.Term("body", s.exact, boost=W_BODY), Q.Term("body_f", s.folded, boost=W_BODY_F)]
    else:
        subs = [Q.Term("title_f", s.folded, boost=W_TITLE_FA)]
        if not title_only:
            subs.append(Q.Term("body_f", s.folded, boost=W_BODY_FA))
    return Q.Or(subs)


def _sequence_query(sylls: list[Syllable], phrase: bool, title_only: bool) -> Q.Query:
    if len(sylls) == 1:
        return syllable_query(sylls[0], title_only)
    if not phrase:
        return Q.And([syllable_query(s, title_only) for s in sylls])
    accented = any(s.accented for s in sylls)
    fields = [("title", "title_f", W_TITLE)] + ([] if title_only else [("body", "body_f", W_BODY)])
    subs: list[Q.Query] = []
    for exact_field, folded_field, weight in fields:
        if accented:
            subs.append(Q.Phrase(exact_field, [s.exact for s in sylls], boost=weight))
        subs.append(Q.Phrase(folded_field, [s.folded for s in sylls], boost=weight * (0.4 if accented else 1.0)))
    return Q.Or(subs)


def unit_query(u: Unit) -> Q.Query:
    alts = [_sequence_query(alt, u.phrase, u.title_only) for alt in u.alternatives]
    return alts[0] if len(alts) == 1 else Q.Or(alts)


def build_query(pq: ParsedQuery, restored: list[str] | None = None) -> Q.Query:
    """The scoring query. `restored` is the likely accented reading of the plain units."""
    required = [unit_query(u) for u in pq.units]
    if len(required) > LONG_QUERY:
        main: Q.Query = Q.Or(required)
        boosters: list[Q.Query] = [Q.And(required)]
    else:
        main = required[0] if len(required) == 1 else Q.And(required)
        boosters = []
    plain = [u for u in pq.units if u.plain]
    # title adjacency of consecutive typed syllables
    for a, b in zip(pq.units, pq.units[1:]):
        if not (a.plain and b.plain):
            continue
        sa, sb = a.main[0], b.main[0]
        if sa.accented or sb.accented:
            boosters.append(Q.Term("title_bi", f"{sa.exact}_{sb.exact}", boost=W_TITLE_BI))
        boosters.append(Q.Term("title_bif", f"{sa.folded}_{sb.folded}", boost=W_TITLE_BIF))
    if restored and len(restored) == len(plain):
        for u, r in zip(plain, restored):
            if not u.main[0].accented and r != u.main[0].exact:
                boosters.append(Q.Term("title", r, boost=W_RESTORED_TITLE))
                if not u.title_only:
                    boosters.append(Q.Term("body", r, boost=W_RESTORED_BODY))
        for r1, r2 in zip(restored, restored[1:]):
            boosters.append(Q.Term("title_bi", f"{r1}_{r2}", boost=W_RESTORED_BI))
    if not boosters:
        return main
    return Q.AndMaybe(main, Q.Or(boosters))


def match_query(pq: ParsedQuery) -> Q.Query:
    """The same matches as `build_query`, for counting: folded fields only, no boosts.

    Folded fields hold every exact term's fold, so this matches exactly the
    documents the scoring query does, with half the posting lists.
    """
    def seq(sylls: list[Syllable], phrase: bool, title_only: bool) -> Q.Query:
        fields = ["title_f"] if title_only else ["title_f", "body_f"]
        if len(sylls) == 1:
            return Q.Or([Q.Term(f, sylls[0].folded) for f in fields])
        if phrase:
            accented = any(s.accented for s in sylls)
            exact_fields = ["title"] if title_only else ["title", "body"]
            if accented:
                return Q.Or([Q.Phrase(f, [s.exact for s in sylls]) for f in exact_fields]
                            + [Q.Phrase(f, [s.folded for s in sylls]) for f in fields])
            return Q.Or([Q.Phrase(f, [s.folded for s in sylls]) for f in fields])
        return Q.And([seq([s], False, title_only) for s in sylls])

    units = []
    for u in pq.units:
        alts = [seq(alt, u.phrase, u.title_only) for alt in u.alternatives]
        units.append(alts[0] if len(alts) == 1 else Q.Or(alts))
    if len(units) > LONG_QUERY:
        return Q.Or(units)
    return units[0] if len(units) == 1 else Q.And(units)


def filter_query(pq: ParsedQuery, sources: list[str] | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> Q.Query | None:
    """Restrictions that do not score: sources, authors, categories, date range."""
    parts: list[Q.Query] = []
    all_sources = [s for s in (sources or []) + pq.sources if s]
    if all_sources:
        parts.append(Q.Or([Q.Term("source", s) for s in all_sources]))
    for cat in pq.categories:
        parts.append(Q.Term("category", cat.lower()))
    for sylls in pq.authors:
        parts.append(Q.And([Q.Term("author", s.exact) for s in sylls]))
    lo = since if since is not None else pq.since
    hi = until if until is not None else pq.until
    if lo is not None or hi is not None:
        start = local_naive(lo) if lo is not None else EARLIEST
        end = local_naive(hi) if hi is not None else LATEST
        parts.append(Q.DateRange("published", start, end))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def exclusion_query(pq: ParsedQuery) -> Q.Query | None:
    """Documents to leave out (-word, -"phrase"): folded, so -hoa drops hoà too."""
    if not pq.excluded:
        return None
    subs = []
    for sylls in pq.excluded:
        if len(sylls) == 1:
            s = sylls[0]
            subs += [Q.Term("title_f", s.folded), Q.Term("body_f", s.folded)] if not s.accented else \
                [Q.Term("title", s.exact), Q.Term("body", s.exact)]
        else:
            subs += [Q.Phrase("title_f", [s.folded for s in sylls]),
                     Q.Phrase("body_f", [s.folded for s in sylls])]
    return Q.Or(subs)
