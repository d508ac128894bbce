"""Which Whoosh segments a commit merges: small ones only, so no commit does unbounded work.

Whoosh's default policy (MERGE_SMALL) lets segments pile up and then, once
their sizes satisfy a Fibonacci test, merges them all at once. With the
import's 5,000-article commits that test first passes at about 110,000
articles: one commit then re-writes the postings of 22 segments. A Whoosh
merge costs about what indexing the same articles cost (it re-sorts every
posting in pure Python), and that single commit ran for over 20 minutes in
the 2x growth run of bench/cluster_bench.py, while the import printed no
progress.

Merging buys fewer segments to look terms up in; our searches read each
segment's postings through memory maps, so a few dozen segments cost a
search little. What must not pile up are the many tiny segments a crawl
writes (one per page batch) and segments that are mostly deleted. So this
policy merges:
- the small segments (fewer than SMALL_DOCS documents), once there are
  MERGE_AT of them: at most MERGE_AT x SMALL_DOCS documents of work;
- any segment whose deleted documents are most of it and whose live ones
  are few, alone or with the small ones, so a re-crawl that replaces a
  segment's articles gets its space back.
Bulk-import segments (5,000 articles) are left as they are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SMALL_DOCS = 2_000
MERGE_AT = 8


def segments_to_merge(sizes: Sequence[tuple[int, int]]) -> list[int]:
    """The positions of the segments to merge, from (documents, deleted) per segment.

    The chosen segments' live documents go into the commit's new segment.
    """
    small = [i for i, (docs, deleted) in enumerate(sizes) if docs - deleted < SMALL_DOCS]
    # A hollow segment alone is worth re-writing: its live documents go into
    # the commit's new segment, its deleted ones are dropped.
    hollow = [i for i, (docs, deleted) in enumerate(sizes)
              if deleted * 2 > docs and docs - deleted < SMALL_DOCS * MERGE_AT // 2]
    chosen = set(hollow)
    if len(small) >= MERGE_AT:
        chosen.update(small)
    return sorted(chosen)


def bounded_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh merge policy (`SegmentWriter.commit(mergetype=...)`) over segments_to_merge."""
    from whoosh.reading import SegmentReader

    sizes = [(seg.doc_count_all(), seg.deleted_count()) for seg in segments]
    chosen = segments_to_merge(sizes)
    if not chosen:
        return segments
    for i in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segments[i])
        writer.add_reader(reader)
        reader.close()
    merged = set(chosen)
    return [seg for i, seg in enumerate(segments) if i not in merged]


__all__ = ["MERGE_AT", "SMALL_DOCS", "bounded_merge", "segments_to_merge"]
