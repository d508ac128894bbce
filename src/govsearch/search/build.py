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
- Adjacency is a first-pass signal over every matching document: each pair
  of consecutive typed syllables is looked up in the index's pair sidecar
  (title and body), as typed (exact when it has diacritics) and folded. A
  document earns `Plan.pairs` credit for the pairs it holds, fully when they
  stand as typed, a little when they stand only folded; the engine turns that
  credit into a bonus large enough that holding the words together outranks
  holding them apart.
- Multi-syllable forms of a name ("thành phố hồ chí minh", "tp hcm") match
  only where they stand together (their folded pairs), so every spelling of
  one name finds the same documents. Quoted phrases match strictly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..index.pairs import pair_key
from .parse import ParsedQuery, Syllable, Unit
from .vector import PAIRS, ScoredTerm

# Field weights. Exact above folded, title above body.
W_TITLE, W_BODY = 3.0, 1.0
W_TITLE_F, W_BODY_F = 1.0, 0.3
# For syllables typed without diacritics, the folded fields are the match.
W_TITLE_FA, W_BODY_FA = 3.0, 1.0
# Adjacency in the title (bigrams) and the likely accented reading.
W_TITLE_BI, W_TITLE_BIF = 2.0, 1.0
W_RESTORED_TITLE, W_RESTORED_BODY, W_RESTORED_BI = 1.5, 0.5, 1.5
# BM25 weight of a typed pair in title + body (as typed; folded for accentless
# syllables), and of the likely reading's pair for accentless ones.
W_PAIR, W_PAIR_RESTORED = 1.0, 1.0
# Adjacency credit of a pair typed with diacritics that stands only folded.
FOLDED_PAIR_CREDIT = 0.25

# Score factor of a name's other forms against the form typed: "đại biểu quốc
# hội" finds "ĐBQH" too, but articles that say it as the user did come first.
# On bench/relevance.py at 58k: phrase precision as typed 0.943 (1.0), 0.957
# (0.7), 0.970 (0.5); known-item with the other form typed, MRR@10 0.939,
# 0.928, 0.921. Phrases not tuned on are reported apart (README).
OTHER_FORM = 0.7

# An article that holds a name as typed scores the name by its best form at
# 1 (HĐND in its title counts whole for "hội đồng nhân dân" spelled out in its
# body); one that holds only other forms, at OTHER_FORM. At 58k, phrase
# precision as typed (the 44 bench phrases / 40 held-out phrases / 22 name
# long forms) went 0.957 / 0.922 / 0.545 -> 0.991 / 0.943 / 0.718, the
# share of the top 10 holding an abbreviation typed stayed 1.000, known-item
# MRR@10 of abbreviation-swap queries 0.930 both. Also scoring a long form by
# its pairs' BM25 was measured (0.958 held out, but typing "BHXH" then ranked
# "bảo hiểm xã hội" first) and not kept.

# Score factor for a title that holds every pair of consecutive typed syllables.
TITLE_RUN = 1.25

# Above this many units, documents need not contain them all...
LONG_QUERY = 8
# ...but this share of them.
MIN_SHOULD_MATCH = 0.75


@dataclass(slots=True, frozen=True)
class Phrase:
    """Syllables that must stand together, in order, in the title or the body.

    `pairs` are the keys of their consecutive pairs (as typed, or folded);
    `exact` says whether positions are checked on exact or folded terms.
    """

    syllables: tuple[Syllable, ...]
    pairs: tuple[int, ...]
    exact: bool
    title_only: bool = False


@dataclass(slots=True)
class Alternative:
    """One way to satisfy a unit: all `syllables` (each through any of `fields`), or a phrase.

    `together`: the folded pairs a multi-syllable name form must hold (it
    stands together, in any tone style or case).
    """

    syllables: list[Syllable]
    fields: tuple[str, ...]
    phrase: Phrase | None = None
    together: tuple[int, ...] = ()


@dataclass(slots=True, frozen=True)
class PairTerm:
    """A pair of consecutive typed syllables, as the index keys it."""

    typed: int             # exact key if either syllable has diacritics, else the folded key
    folded: int
    accented: bool


@dataclass(slots=True)
class ScoreGroup:
    """Scoring of one unit: the best of its alternatives.

    A plain word has one alternative, scored as the sum of its terms. The
    forms of an abbreviation ("UBND" / "ủy ban nhân dân") are one concept:
    the document scores by its best form, a long form by the mean of its
    syllables, so four common syllables do not outweigh one rare abbreviation.
    """

    alternatives: list[list[list[ScoredTerm]]]  # alternative -> syllable -> terms
    factors: list[float] | None = None          # per alternative (None: all 1)
    # the form as typed (folded syllables, fields, folded pairs): a document
    # holding it scores its best form at 1, not at OTHER_FORM
    typed: tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]] | None = None

    @staticmethod
    def single(terms: list[ScoredTerm]) -> ScoreGroup:
        return ScoreGroup([[terms]])


@dataclass(slots=True)
class Plan:
    units: list[list[Alternative]]
    scoring: list[ScoreGroup] = field(default_factory=list)
    min_match: int = 0
    # consecutive typed syllables as folded title bigrams: a title holding
    # all of them holds the query as typed, and earns TITLE_RUN
    title_run: list[str] = field(default_factory=list)
    # runs of syllables whose adjacency earns credit, as pairs, and each run as a phrase
    pairs: list[list[PairTerm]] = field(default_factory=list)
    runs: list[Phrase] = field(default_factory=list)


def keys_of(sylls: list[Syllable] | tuple[Syllable, ...], exact: bool) -> tuple[int, ...]:
    """Pair keys of consecutive syllables, exact or folded terms."""
    if exact:
        return tuple(pair_key(a.exact, b.exact) for a, b in zip(sylls, sylls[1:]))
    return tuple(pair_key(a.folded, b.folded) for a, b in zip(sylls, sylls[1:]))


def make_phrase(sylls: list[Syllable], title_only: bool = False) -> Phrase:
    """Strict phrase: exact when any syllable has diacritics, folded otherwise."""
    exact = any(s.accented for s in sylls)
    return Phrase(tuple(sylls), keys_of(sylls, exact), exact, title_only)


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
        # adjacency credit: its forms must stand together to match at all.
        if len(u.main) > 1 and len(u.alternatives) == 1:
            runs.append(u.main)
    if len(current) > 1:
        runs.append(current)
    return runs


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


def _alternative(sylls: list[Syllable], u: Unit) -> Alternative:
    fields = ("title_f",) if u.title_only else ("title_f", "body_f")
    if u.phrase and len(sylls) > 1:
        return Alternative(sylls, fields, phrase=make_phrase(sylls, u.title_only))
    together = keys_of(sylls, exact=False) if len(u.alternatives) > 1 else ()
    return Alternative(sylls, fields, together=together)


def build_plan(pq: ParsedQuery, restored: list[str] | None = None) -> Plan:
    """The plan of a parsed query; `restored` is the likely reading of its plain units."""
    plan = Plan(units=[[_alternative(alt, u) for alt in u.alternatives] for u in pq.units])
    n = len(plan.units)
    plan.min_match = n if n <= LONG_QUERY else math.ceil(MIN_SHOULD_MATCH * n)
    groups = plan.scoring
    for u in pq.units:
        alts = [[syllable_terms(s, u.title_only) for s in alt] for alt in u.alternatives]
        as_typed = [s.folded for s in u.main]
        factors = [1.0 if [s.folded for s in alt] == as_typed else OTHER_FORM for alt in u.alternatives]
        typed_form = None
        if len(alts) > 1 and 1.0 in factors:
            match = _alternative(u.alternatives[factors.index(1.0)], u)
            if match.phrase is None:
                typed_form = (tuple(s.folded for s in match.syllables), match.fields, match.together)
        groups.append(ScoreGroup(alts, factors if len(alts) > 1 else None, typed_form))
    boosts: list[ScoredTerm] = []
    # title adjacency of consecutive typed syllables
    for ua, ub in zip(pq.units, pq.units[1:]):
        if ua.plain and ub.plain:
            sa, sb = ua.main[0], ub.main[0]
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
    reading = _reading_of(pq, restored)
    for run in query_sequences(pq):
        terms = []
        for a, b in zip(run, run[1:]):
            accented = a.accented or b.accented
            folded = pair_key(a.folded, b.folded)
            typed = pair_key(a.exact, b.exact) if accented else folded
            terms.append(PairTerm(typed, folded, accented))
            boosts.append(ScoredTerm(PAIRS, typed, W_PAIR))
            ra, rb = reading.get(id(a)), reading.get(id(b))
            if not accented and ra and rb:
                boosts.append(ScoredTerm(PAIRS, pair_key(ra, rb), W_PAIR_RESTORED))
        plan.pairs.append(terms)
        plan.runs.append(make_phrase(run))
    if boosts:
        groups.append(ScoreGroup.single(boosts))
    return plan


def _reading_of(pq: ParsedQuery, restored: list[str] | None) -> dict[int, str]:
    """The likely accented reading of each typed syllable (by identity), where one was chosen."""
    plain = [u for u in pq.units if u.plain]
    if not restored or len(restored) != len(plain):
        return {}
    return {id(u.main[0]): r for u, r in zip(plain, restored)}


def exclusion_phrases(pq: ParsedQuery) -> list[Phrase]:
    """Excluded multi-syllable phrases (-"..."), matched folded."""
    return [Phrase(tuple(sylls), keys_of(sylls, exact=False), False)
            for sylls in pq.excluded if len(sylls) > 1]
