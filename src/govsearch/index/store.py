"""The on-disk index: create, open, version check, and safe writing.

Every write goes through `IndexStore.writer()`, which guards against Whoosh
2.7 leaving the index write-locked when a commit fails (WHOOSH.md, bug 3).
Only the plain single-process SegmentWriter is used: the multiprocess,
buffered and async writers each lose data in some way (bugs 2, 4, 5).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import SegmentWriter

from ..article import Article
from ..errors import IndexLockedError, IndexNotFoundError, IndexStoreError, SchemaVersionError
from .copies import ColumnLookup, CopyGrouper
from .internals import FlushingWriter, live_mask, segment_readers, u64_column
from .merging import bounded_merge
from .pairs import PairBatch, PairStore
from .prepare import Batch, Preparer
from .schema import SCHEMA_VERSION, article_from_stored, make_schema
from .storage import SharedReadStorage

META_FILE = "govsearch.json"
DEFAULT_INDEX = "index"


# The index's errors live in the one exception tree (govsearch.errors).
# IndexError_ is the old name of their base, kept for code written against it.
IndexError_ = IndexStoreError


def default_index_path() -> Path:
    """`GOVSEARCH_INDEX` if set, else ./index."""
    return Path(os.environ.get("GOVSEARCH_INDEX") or DEFAULT_INDEX)


@dataclass(slots=True, frozen=True)
class IndexStats:
    path: str
    documents: int
    sources: dict[str, int]
    earliest: datetime | None
    latest: datetime | None
    size_bytes: int
    schema_version: int
    segments: int
    # per source, live documents without a publication date / without an author
    undated: dict[str, int] = field(default_factory=dict)
    no_author: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """What `govsearch stats --json` prints and `/api/stats` returns."""
        return {
            "path": self.path, "documents": self.documents, "sources": self.sources,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "size_bytes": self.size_bytes, "schema_version": self.schema_version,
            "segments": self.segments, "undated": self.undated, "no_author": self.no_author,
        }


class IndexStore:
    """One Whoosh index directory written and read by govsearch."""

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True) -> None:
        self.path = Path(path) if path is not None else default_index_path()
        self.pairs = PairStore(self.path)
        self._preparer: Preparer | None = None
        if self.exists():
            self._check_version()
            self.ix = SharedReadStorage(str(self.path)).open_index()
        elif create:
            self.path.mkdir(parents=True, exist_ok=True)
            self.ix = SharedReadStorage(str(self.path)).create().create_index(make_schema())
            (self.path / META_FILE).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", encoding="utf-8")
        else:
            raise IndexNotFoundError(
                f"no index at {self.path}: build one with `govsearch import FILE.jsonl` "
                f"or `govsearch crawl`")

    def exists(self) -> bool:
        return self.path.is_dir() and whoosh_index.exists_in(str(self.path))

    def _check_version(self) -> None:
        meta = self.path / META_FILE
        try:
            version = json.loads(meta.read_text(encoding="utf-8"))["schema_version"]
        except (OSError, ValueError, KeyError, TypeError):
            version = None
        if version != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"index at {self.path} has schema version {version}, this govsearch needs "
                f"{SCHEMA_VERSION}: rebuild it (`govsearch export` with the old version, "
                f"then delete {self.path} and `govsearch import` the export)")

    # --- writing -----------------------------------------------------------

    @contextmanager
    def writer(self, timeout: float = 0.0, limitmb: int = 1024) -> Iterator[SegmentWriter]:
        """A writer that commits on success and never leaves the lock behind.

        `limitmb` is the posting pool Whoosh keeps in memory before spilling
        sorted runs to temporary files: a batch of 5,000 articles fits in
        1 GB, and not spilling made bulk indexing 1.6x faster (146 -> 238
        documents/s, CPU time, 6,000 corpus articles).
        """
        try:
            # compound=False: Whoosh opens a sub-file of a compound segment by
            # copying it into memory (hundreds of MB for a big segment); with
            # separate files a cold one-shot query on 58k articles took 240
            # instead of 650 ms. They are read through memory maps with a
            # position per thread (storage.py), so searches need not take turns.
            w = FlushingWriter(self.ix, timeout=timeout, limitmb=limitmb, compound=False)
        except LockError:
            raise IndexLockedError(
                f"index at {self.path} is locked by another writer (a running import "
                f"or crawl); try again when it has finished") from None
        try:
            yield w
        except BaseException:
            _abandon(w)
            raise
        try:
            w.commit(mergetype=bounded_merge)
        except BaseException:
            _abandon(w)
            raise

    def add_many(self, articles: Iterable[Article], *, commit_every: int = 5_000,
                 timeout: float = 0.0,
                 progress: Callable[[int], None] | None = None,
                 workers: int | None = None,
                 on_commit: Callable[[int, int], None] | None = None) -> int:
        """Index articles, replacing any already indexed under the same URL.

        Commits every `commit_every` articles so that a crash or a kill loses
        at most the batch in progress. Returns how many were indexed.
        `workers` helper processes analyze big batches while this one writes
        (prepare.py); None: one if the machine has two cores or more.
        `on_commit(read, indexed)` is called after each commit: how many
        articles of `articles` that commit took, and how many it indexed
        (fewer when a URL repeats within the batch).

        The next batch is read from `articles` and handed to the helper
        before the current one commits, so the helper works through the
        commit; what reading it raises is raised after that commit.
        """
        count = 0
        preparer = self.preparer(workers)
        stream = iter(articles)
        upcoming: Batch | None = preparer.begin(stream, commit_every)
        while upcoming is not None and len(upcoming):
            batch = upcoming
            with self.writer(timeout=timeout) as w:
                # In an empty index nothing can be replaced: skip the lookup.
                # Decided under the lock, from the segments this writer sees:
                # another writer may have committed while this one waited.
                add = sum(seg.doc_count() for seg in w.segments) == 0
                known = _EMPTY_KEYS if add else _live_url_keys(w)
                self._compact_pairs()
                seq = self.pairs.next_seq()
                items = []
                # copies of what is committed, and of this batch (copies.py)
                lookup = None if add else ColumnLookup(w.reader())
                grouper = CopyGrouper(lookup)
                # Whoosh's update_document only deletes from committed segments,
                # so a URL repeated within one batch is indexed once, last wins.
                for keep, prep in zip(batch.latest(), batch.prepared()):
                    if not keep:
                        continue
                    prep.fields["seq"] = seq
                    grouper.assign(prep.fields, seq)
                    if _holds(known, prep.fields["url_key"]):  # type: ignore[arg-type]
                        w.update_document(**prep.fields)   # replaces the indexed version
                    else:
                        w.add_document(**prep.fields)
                    items.append((seq, prep.keys, prep.counts))
                    seq += 1
                    if progress is not None:
                        progress(1)
                if lookup is not None:
                    lookup.close()
                # the pairs are durable before Whoosh commits (pairs.py)
                self.pairs.write(PairBatch.build(items), seq)
                upcoming = None if batch.error is not None else preparer.begin(stream, commit_every)
            count += len(items)
            if on_commit is not None:
                on_commit(len(batch), len(items))
            if batch.error is not None:
                raise batch.error
        if upcoming is not None and upcoming.error is not None:
            raise upcoming.error
        return count

    def _compact_pairs(self, force: bool = False) -> None:
        """Merge the pair segments when there are many (called under the write lock)."""
        if not force and self.pairs.segment_count() <= self.pairs.max_segments:
            return
        self.pairs.compact(self.live_seqs(), force=True)

    def live_seqs(self) -> np.ndarray:
        """The pair-sidecar seq of every live document of the last commit."""
        with self.ix.searcher() as s:
            parts = []
            for reader, _ in segment_readers(s):
                parts.append(u64_column(reader, "seq")[live_mask(reader)])
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def optimize_pairs(self, timeout: float = 0.0) -> None:
        """Merge every pair segment into one (after a bulk import); takes the write lock."""
        with self.writer(timeout=timeout):
            self._compact_pairs(force=True)

    def delete(self, url: str, timeout: float = 0.0) -> bool:
        with self.writer(timeout=timeout) as w:
            n = w.delete_by_term("url", url)
        return bool(n)

    # --- reading -----------------------------------------------------------

    def doc_count(self) -> int:
        return self.ix.doc_count()

    def get(self, url: str) -> Article | None:
        with self.ix.searcher() as s:
            stored = s.document(url=url)
        return article_from_stored(stored) if stored else None

    def iter_articles(self) -> Iterator[Article]:
        with self.ix.searcher() as s:
            reader = s.reader()
            for _, stored in reader.iter_docs():
                yield article_from_stored(stored)

    def stats(self) -> IndexStats:
        """Counts and size over live documents; the date range is left to SearchEngine.stats.

        Postings skip deleted documents, whereas a term's document frequency
        still counts every replaced version of a re-imported article.
        """
        with self.ix.searcher() as s:
            reader = s.reader()
            n = reader.doc_count_all()
            # code 0: no source; k: the k-th source term
            names = [""] + _lexicon(reader, "source")
            code = np.zeros(n, dtype=np.int64)
            for k, term in enumerate(names[1:], 1):
                code[_ids(reader.postings("source", term))] = k
            with_author = np.zeros(n, dtype=bool)
            for term in _lexicon(reader, "author"):
                with_author[_ids(reader.postings("author", term))] = True
            live = np.zeros(n, dtype=bool)
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
            dated = _dated(reader, n)

            def per_source(mask: np.ndarray) -> dict[str, int]:
                counts = np.bincount(code[mask], minlength=len(names))
                return {names[k]: int(c) for k, c in enumerate(counts) if c}

            sources = per_source(live)
            undated = per_source(live & ~dated)
            no_author = per_source(live & ~with_author)
            size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
            size += self.pairs.size_bytes()
            return IndexStats(
                path=str(self.path), documents=s.doc_count(), sources=sources,
                earliest=None, latest=None, size_bytes=size,
                schema_version=SCHEMA_VERSION, segments=len(self.ix._segments()),
                undated=undated, no_author=no_author)

    def preparer(self, workers: int | None) -> Preparer:
        """The article preparer for this many helper processes, kept between batches."""
        if self._preparer is None or (workers is not None and workers != self._preparer.workers):
            if self._preparer is not None:
                self._preparer.close()
            self._preparer = Preparer(workers)
        return self._preparer

    def close(self) -> None:
        if self._preparer is not None:
            self._preparer.close()
            self._preparer = None
        self.ix.close()


_EMPTY_KEYS = np.zeros(0, dtype=np.int64)


def _live_url_keys(w: SegmentWriter) -> np.ndarray | None:
    """The sorted `url_key`s of the documents committed and not deleted, as the writer sees them.

    None when a segment has no such column (written before it existed): then
    every URL is looked up, as Whoosh's update_document does.
    """
    reader = w.reader()
    try:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        if any(leaf.doc_count_all() and not leaf.has_column("url_key") for leaf in leaves):
            return None
        keys = [u64_column(leaf, "url_key")[live_mask(leaf)] for leaf in leaves]
    finally:
        reader.close()
    return np.sort(np.concatenate(keys)) if keys else _EMPTY_KEYS


def _holds(keys: np.ndarray | None, key: int) -> bool:
    """Whether sorted `keys` hold `key` (a hash: a rare false yes only costs a lookup); None: maybe."""
    if keys is None:
        return True
    i = int(np.searchsorted(keys, key))
    return i < keys.size and int(keys[i]) == key


def _lexicon(reader, fieldname: str) -> list[str]:
    if fieldname not in reader.indexed_field_names():
        return []
    return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname)]


def _ids(matcher) -> np.ndarray:
    """Live document numbers of a posting list (the matcher skips deleted documents)."""
    return np.fromiter(matcher.all_ids(), dtype=np.int64)


def _dated(reader, n: int) -> np.ndarray:
    """Per document, whether it has a publication date (the column reads 0 where there is none)."""
    dated = np.zeros(n, dtype=bool)
    # segment by segment: a segment where no document had a date has no column at all
    for leaf, base in reader.leaf_readers():
        if leaf.has_column("published"):
            m = leaf.doc_count_all()
            column = leaf.column_reader("published", translate=False)
            dated[base:base + m] = np.fromiter(column, dtype=np.int64, count=m) != 0
    return dated


def _abandon(w: SegmentWriter) -> None:
    """Drop a writer's work and make sure its lock is released, whatever state it is in."""
    try:
        if not w.is_closed:
            w.cancel()
    except Exception:
        pass
    lock = getattr(w, "writelock", None)
    if lock is not None:
        try:
            lock.release()
        except Exception:
            pass
    try:
        w._tempstorage.destroy()
    except Exception:
        pass
