"""The index through our own API: replace-by-URL, versioning, and the Whoosh bugs of WHOOSH.md."""

import json
from datetime import datetime

import pytest
from whoosh.writing import SegmentWriter

from govsearch import Article, ArticleError, IndexLockedError, IndexNotFoundError, SchemaVersionError, SearchEngine

from ..conftest import SAMPLE, SMALL, art, sample_articles


def test_add_get_update_delete(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    a = art(1, "Tiêu đề cũ", "Nội dung", published=datetime(2022, 1, 13, 16, 51))
    engine.add(a)
    got = engine.get(a.url)
    assert got == a and str(got.published.utcoffset()) == "7:00:00"
    engine.add(art(1, "Tiêu đề mới", "Nội dung mới"))  # same URL: replaces
    assert len(engine) == 1
    assert engine.get(a.url).title == "Tiêu đề mới"
    assert engine.search("tiêu đề cũ").total == 0
    assert engine.delete(a.url) is True
    assert engine.delete(a.url) is False
    assert len(engine) == 0 and engine.get(a.url) is None


def test_duplicates_within_one_batch_collapse_last_wins(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many([art(1, "Một", "a"), art(2, "Hai", "b"), art(1, "Một mới", "c")])
    assert len(engine) == 2
    assert engine.get(art(1, "x", "y").url).title == "Một mới"
    # and across batches and commits
    engine.add_many([art(2, "Hai mới", "d"), art(3, "Ba", "e")], commit_every=1)
    assert len(engine) == 3 and engine.get(art(2, "x", "y").url).title == "Hai mới"


def test_a_url_indexed_in_an_older_segment_is_replaced_and_a_deleted_one_comes_back_once(tmp_path):
    """Which URLs are already indexed is read from the url_key column, not looked up per URL."""
    engine = SearchEngine(tmp_path / "ix")
    for i in range(1, 4):  # three segments
        engine.add_many([art(i, f"Bài {i}", "nội dung")])
    engine.delete(art(2, "x", "y").url)
    engine.add_many([art(1, "Bài một mới", "khác"), art(2, "Bài hai lại", "lại"), art(4, "Bài bốn", "mới")])
    assert len(engine) == 4
    assert engine.get(art(1, "x", "y").url).title == "Bài một mới"
    assert engine.get(art(2, "x", "y").url).title == "Bài hai lại"
    assert engine.search("bài").total == 4 and engine.search("nội dung").total == 1


def test_a_segment_without_url_keys_is_looked_up_url_by_url(tmp_path):
    """A segment written before the url_key column (or without it) still has its URLs replaced."""
    engine = SearchEngine(tmp_path / "ix")
    with engine.store.writer() as w:  # a document as an older writer left it: no url_key
        w.add_document(url=art(1, "x", "y").url, seq=0, _stored_title="Bài cũ", title=["bài", "cũ"])
    assert not engine.store.ix.reader().has_column("url_key")
    engine.add_many([art(1, "Bài mới", "mới")])
    assert len(engine) == 1 and engine.get(art(1, "x", "y").url).title == "Bài mới"


def test_missing_index_and_other_schema_version(tmp_path):
    with pytest.raises(IndexNotFoundError, match="govsearch import"):
        SearchEngine(tmp_path / "none", create=False)
    SearchEngine(tmp_path / "ix").close()
    (tmp_path / "ix" / "govsearch.json").write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(SchemaVersionError, match="rebuild"):
        SearchEngine(tmp_path / "ix")


def test_second_writer_gets_a_clear_lock_error(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    other = SearchEngine(tmp_path / "ix")
    with engine.store.writer():
        with pytest.raises(IndexLockedError, match="locked"):
            other.add(art(1, "a", "b"))
    other.add(art(1, "a", "b"))  # lock released when the first writer finished
    assert len(other) == 1


# --- WHOOSH.md bug 1: open lower bound on a date range matched everything ---------

def test_until_alone_does_not_match_everything(small_engine):
    r = small_engine.search("tỉnh", until=datetime(2021, 12, 31))
    urls = {h.url for h in r.hits}
    assert urls, "some documents are older"
    for h in r.hits:
        assert h.published is not None and h.published.year <= 2021
    r_all = small_engine.search("tỉnh")
    assert r.total < r_all.total


# --- bug 2: the multiprocess writer miscounted lengths; our batched build must rank
# exactly like a plain single-writer build ----------------------------------------

def test_batched_build_ranks_exactly_like_a_plain_build(tmp_path):
    docs = sample_articles(300)
    batched = SearchEngine(tmp_path / "batched")
    batched.add_many(docs, commit_every=37)  # many segments and merges
    # one commit, one Whoosh segment, one pair segment
    plain_engine = SearchEngine(tmp_path / "plain")
    plain_engine.add_many(docs, commit_every=10**6)
    assert batched.store.pairs.segment_count() <= batched.store.pairs.max_segments
    assert len(batched) == len(plain_engine) == 300
    for q in ["việt nam", "hà nội", "bong da", "chính phủ", "công an tỉnh", "thủ tướng"]:
        a = [(h.url, round(h.score, 6)) for h in batched.search(q, limit=20).hits]
        b = [(h.url, round(h.score, 6)) for h in plain_engine.search(q, limit=20).hits]
        assert a == b, q


# --- bug 3: a failed commit left the index write-locked ---------------------------

def test_failed_commit_releases_the_lock_and_keeps_committed_work(tmp_path, monkeypatch):
    engine = SearchEngine(tmp_path / "ix")
    engine.add(art(1, "Bài đã lưu", "nội dung"))

    def disk_full(self, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "_commit_toc", disk_full)
    with pytest.raises(OSError):
        engine.add(art(2, "Bài lỗi", "nội dung"))
    monkeypatch.undo()
    engine.add(art(3, "Bài sau", "nội dung"))  # no LockError
    assert {h.title for h in engine.search("bài").hits} == {"Bài đã lưu", "Bài sau"}


# --- bug 4: AsyncWriter swallowed errors: ours must surface them -------------------

def test_errors_while_adding_surface_and_committed_batches_survive(tmp_path):
    engine = SearchEngine(tmp_path / "ix")

    def articles():
        yield art(1, "Một", "a")
        yield art(2, "Hai", "b")
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        engine.add_many(articles(), commit_every=1)
    assert len(engine) == 2
    engine.add(art(3, "Ba", "c"))  # not locked
    assert len(engine) == 3


# --- bug 5: BufferedWriter lost the last document's sortable value ----------------

def test_sort_by_date_is_in_order_after_incremental_adds(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    for d in SMALL:
        engine.add(d)  # one commit each, the way a crawler adds
    hits = engine.search("tỉnh", sort="date", limit=50).hits
    dated = [h.published for h in hits if h.published]
    assert dated == sorted(dated, reverse=True)
    assert len(dated) >= 3
    undated = [i for i, h in enumerate(hits) if h.published is None]
    assert all(i >= len(dated) for i in undated)  # no date: last


def test_stats(small_engine):
    s = small_engine.stats()
    assert s.documents == len(SMALL)
    assert s.sources == {"thainguyen.gov.vn": 5, "baochinhphu.vn": 3, "dcs.vn": 4}
    assert s.earliest.year == 2018 and s.latest.year == 2024
    assert str(s.earliest.utcoffset()) == "7:00:00"
    assert s.size_bytes > 0 and s.schema_version >= 1


def test_articles_round_trip(small_engine):
    got = {a.url: a for a in small_engine.articles()}
    assert got == {a.url: a for a in SMALL}


def test_article_validation():
    with pytest.raises(ArticleError, match="url"):
        Article(url="", title="a", body="b")
    a = Article.from_dict({"url": "https://a.gov.vn/x", "title": "T", "body": "B",
                           "published": "2022-01-13T16:51:00+07:00"})
    assert a.source == "a.gov.vn" and a.published.hour == 16


# --- Whoosh reads one segment file through one handle with seek() + read():
# threads sharing a searcher read each other's bytes unless reads are positioned

def test_threads_searching_one_engine_get_what_one_thread_gets(tmp_path):
    import threading

    docs = sample_articles(400) if SAMPLE.exists() else [art(i, f"Tin {i} dân vận tỉnh", f"Bài {i} về hà nội và công an tỉnh số {i}.")
                                                         for i in range(400)]
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many(docs, commit_every=97)
    queries = ["việt nam", "hà nội", "công an tỉnh", "dan van", "thủ tướng", "bong da", "tỉnh", "số 1"]
    expected = {q: [h.url for h in engine.search(q, limit=20).hits] for q in queries}
    fresh = SearchEngine(tmp_path / "ix")  # cold caches: every thread reads the files
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(40):
                q = queries[(i + offset) % len(queries)]
                assert [h.url for h in fresh.search(q, limit=20).hits] == expected[q], q
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
