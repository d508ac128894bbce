"""The pair sidecar: keys, the pairs of an article, and agreement with Whoosh's own positions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as Q

from govsearch import SearchEngine
from govsearch.index.internals import segment_readers, u64_column
from govsearch.index.pairs import PairBatch, _hashes, _mix, article_pairs, pair_key
from govsearch.search.vector import PAIRS
from govsearch.text import analyze

from ..conftest import art, sample_articles



@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
@settings(max_examples=200)
def test_scalar_key_is_the_array_key(a, b):
    assert pair_key(a, b) == int(_mix(_hashes([a]), _hashes([b]))[0])
    assert pair_key(a, b) != pair_key(b, a) or a == b


def _pairs_of(title: str, body: str) -> dict[int, int]:
    keys, counts = article_pairs(analyze(title), analyze(body))
    return dict(zip(keys.tolist(), counts.tolist()))


def test_article_pairs_exact_folded_and_the_numbered_citation():
    p = _pairs_of("Công tác dân vận", "Thực hiện Nghị định số 100/2019 về dân vận.")
    assert p[pair_key("dân", "vận")] == 2 and p[pair_key("dan", "van")] == 2  # title and body
    assert pair_key("định", "100") in p and pair_key("dinh", "100") in p      # "số" skipped before a number
    assert p[pair_key("100", "2019")] == 1                                     # ASCII: exact = folded, counted once
    assert pair_key("vận", "thực") not in p                                    # no pair spans title and body
    assert pair_key("số", "về") not in p


def test_batch_postings_sorted_and_found():
    items = [(7, *article_pairs(analyze("dân vận"), analyze(""))),
             (3, *article_pairs(analyze("dân vận dân vận"), analyze("")))]
    batch = PairBatch.build(items)
    assert np.all(np.diff(batch.keys.astype(np.float64)) > 0)
    seqs, counts = batch.postings(pair_key("dân", "vận"))
    assert seqs.tolist() == [3, 7] and counts.tolist() == [2, 1]
    assert batch.postings(pair_key("vận", "vận"))[0].size == 0


def test_sidecar_agrees_with_whoosh_positions(tmp_path):
    """For folded pairs, the documents the sidecar names are exactly those where Whoosh's
    own positions put the two syllables next to each other (title or body)."""
    docs = sample_articles(300)
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(docs, commit_every=37)          # many segments, merges, and pair compaction
    searcher = engine.searcher()
    snap = engine._snapshot(searcher)
    rng = np.random.default_rng(7)
    checked = 0
    for i in rng.choice(len(docs), 25, replace=False):
        folded = analyze(docs[int(i)].text)[1]
        for j in rng.choice(max(len(folded) - 1, 1), min(4, max(len(folded) - 1, 0)), replace=False):
            a, b = folded[int(j)], folded[int(j) + 1]
            if b[:1].isdigit():
                continue  # "a số 5" is stored as (a, 5) on purpose
            whoosh_docs = set(searcher.docs_for_query(
                Q.Or([Q.Phrase("body_f", [a, b]), Q.Phrase("title_f", [a, b])])))
            ours = set(snap.docs(PAIRS, pair_key(a, b)).tolist()) & set(np.flatnonzero(snap.live).tolist())
            if any(w[:1].isdigit() for w in (a,)):
                assert whoosh_docs <= ours
            else:
                assert ours == whoosh_docs, (a, b)
            checked += 1
    assert checked >= 40


def test_replaced_and_deleted_articles_leave_the_pairs(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many([art(1, "Công tác dân vận", "Bài một."), art(2, "Tin khác", "Không liên quan.")])
    engine.add(art(1, "Tin đã sửa", "Bài một, sửa lại."))          # replaces URL 1
    engine.add(art(3, "Dân vận khéo", "Bài ba."))
    assert engine.delete("https://thainguyen.gov.vn/tin-tuc/3.html")
    snap = engine._snapshot(engine.searcher())
    assert snap.docs(PAIRS, pair_key("dân", "vận")).size == 0
    # compaction drops the seqs no live document holds
    engine.store.optimize_pairs()
    segs = engine.store.pairs.open_segments()
    assert len(segs) == 1
    live = set(engine.store.live_seqs().tolist())
    assert set(np.unique(segs[0].seqs).tolist()) == live


def test_pairs_of_a_failed_batch_are_never_seen(tmp_path):
    """Pairs are written before Whoosh commits; if the commit never happens their seqs
    belong to no document, and the next batch takes new seqs. (A stream that fails
    keeps what it gave before failing: article 2 is indexed, then the error raised.)"""
    engine = SearchEngine(tmp_path / "ix")
    engine.add(art(1, "Công tác dân vận", "Bài một."))

    def failing():
        yield art(2, "Dân vận khéo", "Bài hai.")
        raise RuntimeError("the source broke mid-batch")

    with pytest.raises(RuntimeError, match="mid-batch"):
        engine.add_many(failing())
    assert engine.get("https://thainguyen.gov.vn/tin-tuc/2.html") is not None
    # a segment written for seqs that never reached Whoosh (a crash after the pair write)
    orphan_seq = engine.store.pairs.next_seq()
    engine.store.pairs.write(PairBatch.build([(orphan_seq, *article_pairs(analyze("dân vận"), analyze("")))]),
                             orphan_seq + 1)
    engine.add(art(4, "Vận động dân", "Không có cụm từ."))
    r = engine.search("dân vận")
    assert r.total == 3 and {h.url for h in r.hits[:2]} == {f"https://thainguyen.gov.vn/tin-tuc/{i}.html"
                                                           for i in (1, 2)}
    seqs = []
    for reader, _ in segment_readers(engine.searcher()):
        seqs += u64_column(reader, "seq").tolist()
    assert orphan_seq not in seqs and len(set(seqs)) == len(seqs)
