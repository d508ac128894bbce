"""ParsedQuery -> a query plan: what must match, and which terms score how much.

The Vietnamese rules (VIETNAMESE.md):
- Every unit is required; above LONG_QUERY units, a document needs
  MIN_SHOULD_MATCH of them.
- A syllable matches through its folded form (the folded fields hold the fold
  of every exact syllable, so this is a superset of exact matching); a
  syllable typed with diacritics scores mostly through the exact fields, so
  exact matches rank above folded-only ones ("dân vận" before "dẫn vấn").
- For syllables typed without diacritics, the reading the index makes most
  likely (`suggest.restore_accents`) is added as optional scoring terms, so
  "dan van" ranks "dân vận" first.
- Adjacent syllables score through the title bigram fields; adjacency in the
  body is scored by `rank.adjacency` over the top candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from whoosh import query as Q

from .parse import ParsedQuery, Syllable, Unit
from .vector import ScoredTerm

# Field weights. Exact above folded, title above body.
W_TITLE, W_BODY = 3.0, 1.0
W_TITLE_F, W_BODY_F = 1.0, 0.3
# For syllables typed without diacritics, the folded fields are the match.
W_TITLE_FA, W_BODY_FA = 3.0, 1.0
# Adjacency in the title (bigrams) and the likely accented reading.
W_TITLE_BI, W_TITLE_BIF = 2.0, 1.0
W_RESTORED_TITLE, W_RESTORED_BODY, W_RESTORED_BI = 1.5, 0.5, 1.5

# Score factor for a title that holds every pair of consecutive typed syllables.
TITLE_RUN = 1.25

# Above this many units, documents need not contain them all...
LONG_QUERY = 8
# ...but this share of them.
MIN_SHOULD_MATCH = 0.75


@dataclass(slots=True)
class Alternative:
    """One way to satisfy a unit: all `syllables` (each through any of `fields`), or a phrase."""

    syllables: list[Syllable]
    fields: tuple[str, ...]
    phrase: Q.Query | None = None


@dataclass(slots=True)
class ScoreGroup:
    """Scoring of one unit: the best of its alternatives.

    A plain word has one alternative, scored as the sum of its terms. The
    forms of an abbreviation ("UBND" / "ủy ban nhân dân") are one concept:
    the document scores by its best form, a long form by the mean of its
    syllables, so four common syllables do not outweigh one rare abbreviation.
    """

    alternatives: list[list[list[ScoredTerm]]]  # alternative -> syllable -> terms

    @staticmethod
    def single(terms: list[ScoredTerm]) -> "ScoreGroup":
        return ScoreGroup([[terms]])


@dataclass(slots=True)
class Plan:
    units: list[list[Alternative]]
    scoring: list[ScoreGroup] = field(default_factory=list)
    min_match: int = 0
    # consecutive typed syllables as folded title bigrams: a title holding
    # all of them holds the query as typed, and earns TITLE_RUN
    title_run: list[str] = field(default_factory=list)


def syllable_terms(s: Syllable, title_only: bool = False) -> list[ScoredTerm]:
    if s.accented:
        terms = [ScoredTerm("title", s.exact, W_TITLE), ScoredTerm("title_f", s.folded, W_TITLE_F)]
        if not title_only:
            terms += [ScoredTerm("body", s.exact, W_BODY), ScoredTerm("body_f", s.folded, W_BODY_F)]
    else:
        terms = [ScoredTerm("title_f", s.folded, W_TITLE_FA)]
        if not title_only:
            terms.append(ScoredTerm("body_f", s.folded, W_BODY_FA))
    return terms


def phrase_query(sylls: list[Syllable], title_only: bool) -> Q.Query:
    """Whoosh phrase query: exact when any syllable has diacritics, folded otherwise."""
    accented = any(s.accented for s in sylls)
    fields = ["title"] if title_only else ["title", "body"]
    if accented:
        return Q.Or([Q.Phrase(f, [s.exact for s in sylls]) for f in fields])
    return Q.Or([Q.Phrase(f + "_f", [s.folded for s in sylls]) for f in fields])


def _alternative(sylls: list[Syllable], u: Unit) -> Alternative:
    fields = ("title_f",) if u.title_only else ("title_f", "body_f")
    phrase = phrase_query(sylls, u.title_only) if (u.phrase and len(sylls) > 1) else None
    return Alternative(sylls, fields, phrase)


def build_plan(pq: ParsedQuery, restored: list[str] | None = None) -> Plan:
    """The plan of a parsed query; `restored` is the likely reading of its plain units."""
    plan = Plan(units=[[_alternative(alt, u) for alt in u.alternatives] for u in pq.units])
    n = len(plan.units)
    plan.min_match = n if n <= LONG_QUERY else math.ceil(MIN_SHOULD_MATCH * n)
    groups = plan.scoring
    for u in pq.units:
        groups.append(ScoreGroup([[syllable_terms(s, u.title_only) for s in alt] for alt in u.alternatives]))
    boosts: list[ScoredTerm] = []
    # title adjacency of consecutive typed syllables
    for a, b in zip(pq.units, pq.units[1:]):
        if a.plain and b.plain:
            sa, sb = a.main[0], b.main[0]
            if sa.accented or sb.accented:
                boosts.append(ScoredTerm("title_bi", f"{sa.exact}_{sb.exact}", W_TITLE_BI))
            boosts.append(ScoredTerm("title_bif", f"{sa.folded}_{sb.folded}", W_TITLE_BIF))
            plan.title_run.append(f"{sa.folded}_{sb.folded}")
    plain = [u for u in pq.units if u.plain]
    if restored and len(restored) == len(plain):
        for u, r in zip(plain, restored):
            if not u.main[0].accented and r != u.main[0].exact:
                boosts.append(ScoredTerm("title", r, W_RESTORED_TITLE))
                if not u.title_only:
                    boosts.append(ScoredTerm("body", r, W_RESTORED_BODY))
        for r1, r2 in zip(restored, restored[1:]):
            boosts.append(ScoredTerm("title_bi", f"{r1}_{r2}", W_RESTORED_BI))
    if boosts:
        groups.append(ScoreGroup.single(boosts))
    return plan


def exclusion_phrases(pq: ParsedQuery) -> list[Q.Query]:
    """Whoosh queries for excluded multi-syllable phrases (-"..." )."""
    return [Q.Or([Q.Phrase("title_f", [s.folded for s in sylls]), Q.Phrase("body_f", [s.folded for s in sylls])])
            for sylls in pq.excluded if len(sylls) > 1]
