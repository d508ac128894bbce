"""The cluster indexes exactly govsearch.text's terms, positions included, for real sentences."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from govsearch import Article, SearchEngine
from govsearch.backends.client import Client
from govsearch.backends.documents import doc_id, pair_term, to_doc
from govsearch.index.pairs import article_pairs
from govsearch.text import analyze, bigrams

from ..conftest import SAMPLE, SMALL

pytestmark = pytest.mark.cluster

FIELDS = ("title", "title_f", "title_bi", "title_bif", "body", "body_f", "pairs")


def sentences(n: int) -> list[str]:
    """Up to n sentences of the shared sample (else of the tests' own corpus), at most 3 per article."""
    texts = [a.title + ". " + a.body for a in SMALL]
    if SAMPLE.exists():
        with open(SAMPLE, encoding="utf-8") as f:
            texts = [json.loads(line)["body"] for line in f]
    out: list[str] = []
    for text in texts:
        parts = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if len(s.strip()) > 20]
        out += parts[:3]
        if len(out) >= n:
            break
    return out[:n]


def expected(title: str, body: str) -> dict[str, dict[str, list[int] | int]]:
    t, b = analyze(title), analyze(body)

    def positions(terms: list[str]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for i, term in enumerate(terms):
            out[term].append(i)
        return dict(out)

    keys, counts = article_pairs(t, b)
    return {"title": positions(t[0]), "title_f": positions(t[1]), "title_bi": positions(bigrams(t[0])),
            "title_bif": positions(bigrams(t[1])), "body": positions(b[0]), "body_f": positions(b[1]),
            "pairs": {pair_term(int(k)): int(c) for k, c in zip(keys, counts)}}


def test_cluster_terms_equal_govsearch_text(cluster, index_url):
    found = sentences(300)
    assert len(found) >= (300 if SAMPLE.exists() else 20)
    # each sentence as a title (with the next as its body): every field sees real text
    articles = [Article(url=f"urn:s:{i}", title=s, body=found[(i + 1) % len(found)])
                for i, s in enumerate(found)]
    with SearchEngine(index_url) as engine:
        assert engine.add_many(articles) == len(articles)
        index = engine.index
        # the analysed fields are not kept in _source (deploy/opensearch), so the
        # cluster is asked to analyse the very documents govsearch sent it
        # (artificial documents) and, separately, to find what it indexed
        for a in articles[:10]:
            # (the next article holds the same sentence as its body)
            assert a.url in [h.url for h in engine.search(f'"{a.title}"', limit=3, collapse=False).hits], a.title
    client = Client(cluster.base)
    try:
        stored = client.request("GET", f"/{index}/_doc/{doc_id(articles[0].url)}")["_source"]
        assert "doc" in stored and not set(FIELDS) & set(stored), sorted(stored)
        mismatches = []
        for start in range(0, len(articles), 50):
            chunk = articles[start:start + 50]
            r = client.request("POST", f"/{index}/_mtermvectors", {
                "docs": [{"doc": {f: sent[f] for f in FIELDS}, "fields": list(FIELDS)}
                         for sent in (to_doc(a) for a in chunk)],
                "parameters": {"positions": True, "offsets": False,
                               "term_statistics": False, "field_statistics": False}})
            for a, doc in zip(chunk, r["docs"], strict=True):
                want = expected(a.title, a.body)
                for field in FIELDS:
                    terms = doc["term_vectors"].get(field, {}).get("terms", {})
                    if field == "pairs":
                        got = {term: info["term_freq"] for term, info in terms.items()}
                    else:
                        got = {term: [t["position"] for t in info["tokens"]] for term, info in terms.items()}
                    if got != want[field]:
                        mismatches.append((a.url, field, set(got) ^ set(want[field])))
    finally:
        client.close()
    assert not mismatches, mismatches[:5]
