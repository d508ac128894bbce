"""A bulk import analyzed in a helper process builds the same index as one process."""

from __future__ import annotations

import numpy as np
import pytest

from govsearch import Article, SearchEngine
from govsearch.index.internals import segment_readers
from govsearch.index.pairs import article_pairs
from govsearch.index.prepare import Preparer, prepare
from govsearch.index.schema import Postings, analyzed_doc, make_schema

from ..conftest import SMALL, synthetic_records


def _articles() -> list[Article]:
    recs = synthetic_records(300, seed=7, words=60)
    out = [Article(url=r["url"], title=r["title"], body=r["body"], published=r["published"],
                   source=r["source"]) for r in recs]
    # real sentences too: diacritics in both tone styles, abbreviations, numbers
    return out + list(SMALL)


def _postings(engine: SearchEngine) -> dict:
    """Every indexed term of every field, with its (document, weight, value) postings."""
    out: dict = {}
    with engine.store.ix.searcher() as s:
        for reader, base in segment_readers(s):
            for field, term in reader.all_terms():
                m = reader.postings(field, term)
                while m.is_active():
                    out.setdefault((field, term), []).append((base + m.id(), m.weight(), m.value()))
                    m.next()
    return out


def _build(path, workers: int) -> SearchEngine:
    engine = SearchEngine(path)
    # small chunks, so that 312 articles go through the helper in 16 tasks
    engine.store._preparer = Preparer(workers, chunk=20)
    engine.add_many(_articles(), commit_every=200, workers=workers)
    return engine


def test_helper_process_builds_the_same_index(tmp_path):
    one = _build(tmp_path / "one", 0)
    two = _build(tmp_path / "two", 1)
    try:
        assert two.store._preparer is not None and two.store._preparer._pool is not None  # it really ran
        assert _postings(one) == _postings(two)
        with one.store.ix.searcher() as a, two.store.ix.searcher() as b:
            assert list(a.all_stored_fields()) == list(b.all_stored_fields())
            for field in ("title", "body", "body_f"):
                assert a.field_length(field) == b.field_length(field)
        for name in ("keys", "offsets", "seqs", "counts"):
            pa = [getattr(seg, name) for seg in one.store.pairs.open_segments()]
            pb = [getattr(seg, name) for seg in two.store.pairs.open_segments()]
            assert len(pa) == len(pb) and all(np.array_equal(x, y) for x, y in zip(pa, pb))
        for q in ("dân vận", "dan van", "UBND tỉnh", "chuyển đổi số", '"phát triển kinh tế"', "11-QĐi/TW"):
            ra, rb = one.search(q, limit=50), two.search(q, limit=50)
            assert ra.total == rb.total
            assert [(h.url, h.score) for h in ra.hits] == [(h.url, h.score) for h in rb.hits]
    finally:
        one.close()
        two.close()


def test_prepare_is_what_the_writer_would_compute():
    article = SMALL[0]
    doc = analyzed_doc(article)
    p = prepare(article)
    schema = make_schema()
    for name in ("title", "title_f", "title_bi", "body", "body_f"):
        assert isinstance(p.fields[name], Postings)
        assert tuple(p.fields[name]) == tuple(schema[name].index(doc.fields[name]))
    keys, counts = article_pairs(doc.title, doc.body)
    assert np.array_equal(p.keys, keys) and np.array_equal(p.counts, counts)


def test_the_next_batch_is_read_and_sent_to_the_helper_before_the_commit(tmp_path):
    """The helper works through the writer's commit: batch 2 is read (and submitted)
    before batch 1's commit is reported, and each commit reports what it took."""
    articles = _articles()
    events: list[tuple[str, int]] = []

    def stream():
        for i, a in enumerate(articles):
            events.append(("read", i))
            yield a

    engine = SearchEngine(tmp_path / "ix")
    engine.store._preparer = Preparer(1, chunk=20)
    try:
        engine.add_many(stream(), commit_every=100, workers=1,
                        on_commit=lambda read, indexed: events.append(("commit", read)))
        commits = [i for i, e in enumerate(events) if e[0] == "commit"]
        assert [events[i][1] for i in commits] == [100, 100, 100, len(articles) - 300]
        # the first article of batch 2 was read before batch 1's commit ended
        assert events.index(("read", 100)) < commits[0]
        assert events.index(("read", 200)) < commits[1]
        assert len(engine) == len(articles)
    finally:
        engine.close()


def test_a_url_repeated_within_a_batch_is_indexed_once_last_wins(tmp_path):
    first, other = SMALL[0], SMALL[1]
    again = Article(url=first.url, title="Bản sửa lại", body=first.body, published=first.published,
                    source=first.source)
    indexed: list[int] = []
    with SearchEngine(tmp_path / "ix") as engine:
        engine.add_many([first, other, again], commit_every=10,
                        on_commit=lambda read, n: indexed.append(n))
        assert indexed == [2] and len(engine) == 2
        assert engine.get(first.url).title == "Bản sửa lại"


def test_a_stream_that_fails_keeps_every_article_read_before_the_failure(tmp_path):
    articles = _articles()[:130]

    def stream():
        yield from articles
        raise RuntimeError("the disk under the file went away")

    commits: list[int] = []
    engine = SearchEngine(tmp_path / "ix")
    engine.store._preparer = Preparer(1, chunk=20)
    try:
        with pytest.raises(RuntimeError, match="went away"):
            engine.add_many(stream(), commit_every=100, workers=1,
                            on_commit=lambda read, n: commits.append(read))
        # batch 1 committed before batch 2's read failed; batch 2's 30 articles too
        assert commits == [100, 30] and len(engine) == 130
    finally:
        engine.close()
