"""The plan govsearch builds for a query (search.build.Plan) as OpenSearch's query DSL.

The same plan the embedded engine ranks by, clause for clause:
- matching (a filter, no score): every unit, or Plan.min_match of them; a
  unit by any alternative; a syllable through its folded term in any of the
  alternative's fields; a name's form only where its folded pairs stand
  together; a phrase strictly (positions, on exact fields when typed with
  diacritics, else folded);
- source, category, author and date bounds as filters, `-word` and
  `-"phrase"` as must_not;
- scoring: each score group's terms as BM25 term queries weighted like the
  embedded engine's, the best alternative of a concept (dis_max), a long form
  by the mean of its syllables (at OTHER_FORM unless the document holds the
  form typed); a title that holds every typed pair times TITLE_RUN; then the adjacency bonus, which the embedded
  engine sizes by the best base score among the matches: `base_query` first gives that score, and
  `ranked_query` adds the bonus as constant-score clauses.
"""

from __future__ import annotations

from dataclasses import replace

from datetime import datetime
from typing import Any

from ...article import VIETNAM_TZ
from ...backends.documents import pair_term
from ..build import FOLDED_PAIR_CREDIT, TITLE_RUN, Phrase, Plan, exclusion_phrases
from ..parse import ParsedQuery
from ..rank import ADJACENT, WHOLE_RUN
from ..vector import PAIRS

Query = dict[str, Any]


def _term(field: str, value: object, boost: float | None = None) -> Query:
    value = pair_term(value) if field == PAIRS and isinstance(value, int) else value
    body: dict[str, Any] = {"value": value}
    if boost is not None:
        body["boost"] = boost
    return {"term": {field: body}}


def _any(clauses: list[Query]) -> Query:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _all(clauses: list[Query]) -> Query:
    return clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}


def phrase_query(ph: Phrase) -> Query:
    sylls = ph.syllables
    fields: tuple[str, ...]
    if ph.exact:
        fields, words = ("title", "body"), [s.exact for s in sylls]
    else:
        fields, words = ("title_f", "body_f"), [s.folded for s in sylls]
    if ph.title_only:
        fields = fields[:1]
    text = " ".join(words)
    return _any([{"match_phrase": {f: {"query": text, "analyzer": "whitespace"}}} for f in fields])


def match_query(plan: Plan) -> Query:
    units = []
    for alternatives in plan.units:
        alts = []
        for alt in alternatives:
            if alt.phrase is not None:
                alts.append(phrase_query(alt.phrase))
                continue
            need = [_any([_term(f, s.folded) for f in alt.fields]) for s in alt.syllables]
            need += [_term(PAIRS, key) for key in alt.together]
            alts.append(_all(need))
        units.append(_any(alts))
    return {"bool": {"should": units, "minimum_should_match": plan.min_match}}


def _local(dt: datetime) -> str:
    return (dt.replace(tzinfo=VIETNAM_TZ) if dt.tzinfo is None else dt).isoformat()


def filters(pq: ParsedQuery, sources: list[str], since: datetime | None,
            until: datetime | None) -> list[Query]:
    out: list[Query] = []
    all_sources = [s.lower().removeprefix("www.") for s in sources + pq.sources if s]
    if all_sources:
        out.append({"terms": {"source": all_sources}})
    for cat in pq.categories:
        out.append(_term("category", cat.lower()))
    for sylls in pq.authors:
        for s in sylls:
            out.append(_term("author", s.exact))
    lo = since if since is not None else pq.since
    hi = until if until is not None else pq.until
    if lo is not None or hi is not None:
        bounds = {}
        if lo is not None:
            bounds["gte"] = _local(lo)
        if hi is not None:
            bounds["lte"] = _local(hi)
        out.append({"range": {"published": bounds}})
    return out


def exclusions(pq: ParsedQuery) -> list[Query]:
    out: list[Query] = []
    for sylls in pq.excluded:
        if len(sylls) == 1:
            s = sylls[0]
            out += [_term("title", s.exact), _term("body", s.exact)] if s.accented else \
                [_term("title_f", s.folded), _term("body_f", s.folded)]
    out += [phrase_query(ph) for ph in exclusion_phrases(pq)]
    return out


def scoring_query(plan: Plan) -> Query:
    groups = []
    for group in plan.scoring:
        if len(group.alternatives) == 1:
            groups += [_term(st.field, st.term, st.weight)
                       for syllable in group.alternatives[0] for st in syllable]
            continue
        alts = []
        factors = group.factors or [1.0] * len(group.alternatives)
        for alt, factor in zip(group.alternatives, factors):
            # a long form by the mean of its syllables; a form not typed at OTHER_FORM (build.py)
            terms = [_term(st.field, st.term, st.weight * factor / len(alt)) for syllable in alt for st in syllable]
            alts.append({"bool": {"should": terms}})
            if factor != 1.0 and group.typed is not None:
                # a document holding the form typed scores this form at 1 too
                folded, fields, together = group.typed
                holds = _all([_any([_term(f, syl) for f in fields]) for syl in folded]
                             + [_term(PAIRS, key) for key in together])
                whole = [_term(st.field, st.term, st.weight / len(alt)) for syllable in alt for st in syllable]
                alts.append({"bool": {"filter": [holds], "should": whole}})
        groups.append({"dis_max": {"queries": alts, "tie_breaker": 0.0}})
    query: Query = {"bool": {"should": groups}}
    if plan.title_run:
        holds = _all([_term("title_bif", pair) for pair in plan.title_run])
        query = {"function_score": {"query": query, "functions": [{"filter": holds, "weight": TITLE_RUN}],
                                    "score_mode": "multiply", "boost_mode": "multiply"}}
    return query


def base_query(plan: Plan, pq: ParsedQuery, sources: list[str], since: datetime | None,
               until: datetime | None) -> Query:
    """What matches, scored without the adjacency bonus."""
    return {"bool": {"filter": [match_query(plan)] + filters(pq, sources, since, until),
                     "must_not": exclusions(pq),
                     "should": [scoring_query(plan)]}}


def adjacency_clauses(plan: Plan, top: float) -> list[Query]:
    """The adjacency bonus (search.rank.adjacency_bonus) as constant scores, for a best base score `top`."""
    runs = [run for run in plan.pairs if run]
    n_pairs = sum(len(run) for run in runs)
    if not n_pairs or top <= 0:
        return []
    per_pair = top * ADJACENT / n_pairs
    out: list[Query] = []
    for run, phrase in zip(plan.pairs, plan.runs):
        if not run:
            continue
        for p in run:
            out.append({"constant_score": {"filter": _term(PAIRS, p.typed), "boost": per_pair}})
            if p.accented:
                folded_only = {"bool": {"filter": [_term(PAIRS, p.folded)], "must_not": [_term(PAIRS, p.typed)]}}
                out.append({"constant_score": {"filter": folded_only, "boost": per_pair * FOLDED_PAIR_CREDIT}})
        held = _all([_term(PAIRS, p.typed) for p in run])
        if len(run) > 1:
            # the run standing whole, folded (the embedded engine reads it from the stored text)
            held = _all([held, phrase_query(replace(phrase, exact=False, title_only=False))])
        out.append({"constant_score": {"filter": held, "boost": top * WHOLE_RUN / len(runs)}})
    return out


def ranked_query(base: Query, plan: Plan, top: float) -> Query:
    bonus = adjacency_clauses(plan, top)
    if not bonus:
        return base
    query = {"bool": dict(base["bool"])}
    query["bool"]["should"] = list(base["bool"]["should"]) + bonus
    return query
