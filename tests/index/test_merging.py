"""The merge policy: small and hollow segments are merged, bulk-import segments are left alone."""

from govsearch import SearchEngine
from govsearch.index.merging import MERGE_AT, SMALL_DOCS, segments_to_merge

from ..conftest import art


def test_small_segments_wait_until_there_are_enough_of_them():
    sizes = [(5_000, 0)] * 3 + [(40, 0)] * (MERGE_AT - 1)
    assert segments_to_merge(sizes) == []
    sizes.append((SMALL_DOCS - 1, 0))
    assert segments_to_merge(sizes) == list(range(3, 3 + MERGE_AT))


def test_bulk_segments_are_never_merged_however_many():
    assert segments_to_merge([(5_000, 0)] * 50) == []
    assert segments_to_merge([(SMALL_DOCS, 0)] * 50) == []


def test_a_mostly_deleted_segment_is_rewritten_alone_unless_too_many_of_it_lives():
    assert segments_to_merge([(5_000, 0), (5_000, 3_000), (5_000, 2_000)]) == [1]
    live_many = SMALL_DOCS * MERGE_AT  # more live documents than a merge may copy
    assert segments_to_merge([(3 * live_many, 2 * live_many)]) == []
    # a segment counted small because most of it is deleted
    assert segments_to_merge([(4_000, 2_500)] + [(10, 0)] * (MERGE_AT - 1)) == list(range(MERGE_AT))


def segment_count(engine: SearchEngine) -> int:
    return len(engine.store.ix._segments())


def test_a_crawls_small_commits_are_merged_and_everything_stays_searchable(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    counts = []
    for i in range(MERGE_AT + 1):  # one commit each, as a crawl's page batches
        engine.add_many([art(2 * i, f"Bài {i} về dân vận", "Công tác dân vận ở cơ sở"),
                         art(2 * i + 1, f"Tin {i}", "Ủy ban nhân dân tỉnh họp")])
        counts.append(segment_count(engine))
    assert counts[:MERGE_AT] == list(range(1, MERGE_AT + 1))
    assert counts[MERGE_AT] == 1  # the ninth commit merged the eight before it into its own
    assert len(engine) == 2 * (MERGE_AT + 1)
    assert engine.search('"công tác dân vận"').total == MERGE_AT + 1
    assert engine.search("uy ban nhan dan").total == MERGE_AT + 1
    assert engine.get(art(3, "x", "y").url).title == "Tin 1"


def test_a_segment_whose_articles_were_replaced_gives_its_space_back(tmp_path):
    engine = SearchEngine(tmp_path / "ix")
    engine.add_many([art(i, f"Bài {i}", "bản đầu") for i in range(10)])
    engine.add_many([art(i, f"Bài {i} mới", "bản sau") for i in range(6)])  # the first segment: 6 of 10 deleted
    assert segment_count(engine) == 1  # the commit took the first segment's four live articles in
    reader = engine.store.ix.reader()
    assert reader.doc_count_all() == reader.doc_count() == 10
    assert engine.search('"bản đầu"').total == 4 and engine.search('"bản sau"').total == 6
