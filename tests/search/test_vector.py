"""The numpy view of the index agrees with Whoosh's own matchers and columns.

`govsearch.search.vector` reads Whoosh 2.7 internals; these tests are the
alarm if a Whoosh change ever makes those reads wrong.
"""

import numpy as np

from govsearch import SearchEngine
from govsearch.search.vector import Snapshot

from ..conftest import sample_articles


def _engine(tmp_path, n=200, commit_every=60):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(sample_articles(n), commit_every=commit_every)  # several segments
    return engine


def test_postings_and_lengths_match_whoosh(tmp_path):
    engine = _engine(tmp_path)
    searcher = engine.searcher()
    assert len(searcher.subsearchers or []) != 1
    snap = Snapshot(searcher)
    reader = searcher.reader()
    for field in ("title", "body", "body_f", "title_bi"):
        terms = [t.decode("utf-8") for t in list(reader.lexicon(field))[:400:7]]
        for term in terms:
            ids, tf = snap.postings(field, term)
            m = reader.postings(field, term)
            expected = list(m.items_as("weight"))
            assert [int(i) for i in ids] == [d for d, _ in expected], (field, term)
            assert np.allclose(tf, [w for _, w in expected]), (field, term)
    for field in ("title", "body", "title_f"):
        lengths = snap.lengths(field)
        for d in range(0, snap.size, 13):
            assert lengths[d] == reader.doc_field_length(d, field), (field, d)


def test_deleted_documents_are_not_live(tmp_path):
    engine = _engine(tmp_path, n=50, commit_every=20)
    url = sample_articles(50)[10].url
    engine.delete(url)
    snap = Snapshot(engine.searcher())
    assert snap.doc_count == 49 and int(snap.live.sum()) == 49
    assert engine.search(engine.get(sample_articles(50)[11].url).title).total >= 1


def test_published_column_and_codes(tmp_path):
    from datetime import datetime

    from ..conftest import SMALL
    engine = SearchEngine(tmp_path / "ix")
    for a in SMALL:
        engine.add(a)
    snap = Snapshot(engine.searcher())
    pub = snap.published()
    dated = sum(1 for a in SMALL if a.published)
    assert int((pub > 0).sum()) == dated
    values, codes = snap.codes("source")
    assert sorted(values) == ["baochinhphu.vn", "dcs.vn", "thainguyen.gov.vn"]
    assert int((codes >= 0).sum()) == len(SMALL)
    assert isinstance(SMALL[0].published, datetime)


def test_keyword_codes_match_the_stored_values_across_segments(tmp_path):
    """Each segment's own sources (some in one segment only), deleted documents counted as stored."""
    from ..conftest import art

    engine = SearchEngine(tmp_path / "ix")
    hosts = ["a.gov.vn", "b.gov.vn", "c.gov.vn", "d.gov.vn"]
    for batch in range(3):  # three segments: d.gov.vn only in the last
        engine.add_many([art(10 * batch + i, f"Tin {batch} {i}", "ủy ban nhân dân", source=hosts[(batch + i) % (2 + batch)])
                         for i in range(5)])
    engine.delete(art(0, "x", "y", source=hosts[0]).url)
    searcher = engine.searcher()
    assert len(searcher.subsearchers or []) > 1
    snap = Snapshot(searcher)
    values, codes = snap.codes("source")
    assert values == sorted(values) and set(values) <= set(hosts)
    for docnum in range(searcher.doc_count_all()):
        stored = searcher.stored_fields(docnum) if snap.live[docnum] else None
        if stored is not None:
            assert values[codes[docnum]] == stored["source"]
    counts = engine.search("ủy ban nhân dân", limit=1).facets["source"]
    want: dict[str, int] = {}
    for batch in range(3):
        for i in range(5):
            if (batch, i) != (0, 0):
                h = hosts[(batch + i) % (2 + batch)]
                want[h] = want.get(h, 0) + 1
    assert counts == want
