"""Every read of Whoosh's private internals, in one place.

govsearch reads posting lists, field lengths and numeric columns as whole
arrays (search/vector.py explains why). Whoosh has no public API for that, so
these functions reach into the W3 codec of whoosh-reloaded 2.7.5: the leaf
matcher's block reader (`_read_data`, `_next_block`, `_data`), the list
matcher of inlined postings (`_ids`, `_weights`, `_all_weights`), and the
column readers' raw file (`_dbfile`, `_basepos`, `_count`, `_defaultbytes`).
The version is checked at import and each matcher's type before it is read,
so a Whoosh that changed underneath fails loudly here rather than returning
wrong arrays; tests/index/test_internals.py holds the arrays equal to what
Whoosh's own public matchers return.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

WHOOSH_VERSION = (2, 7, 5)
if tuple(whoosh.__version__[:3]) != WHOOSH_VERSION:  # pragma: no cover - guarded by the pin
    raise ImportError(
        f"govsearch reads Whoosh {'.'.join(map(str, WHOOSH_VERSION))} internals, found "
        f"{whoosh.versionstring()}: install whoosh-reloaded==2.7.5")

BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
EMPTY_POSTINGS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def read_postings(m) -> tuple[np.ndarray, np.ndarray]:
    """All (ids, weights) of one segment's posting list, a block at a time."""
    m = getattr(m, "child", m)  # FilterMatcher around deleted documents
    if isinstance(m, W3LeafMatcher):
        ids_parts, w_parts = [], []
        while m.is_active():
            m._read_data()
            raw_ids, raw_w = m._data[0], m._data[1]
            ids = np.cumsum(np.asarray(raw_ids, dtype=np.int64))  # delta-encoded
            n = ids.size
            if raw_w is None:
                w = np.ones(n, dtype=np.float32)
            elif isinstance(raw_w, float):
                w = np.full(n, raw_w, dtype=np.float32)
            else:
                w = np.asarray(raw_w, dtype=np.float32)
            ids_parts.append(ids)
            w_parts.append(w)
            m._next_block()
        if not ids_parts:
            return EMPTY_POSTINGS
        return np.concatenate(ids_parts), np.concatenate(w_parts)
    if not isinstance(m, ListMatcher):
        raise TypeError(f"unexpected Whoosh matcher {type(m).__name__}: is whoosh-reloaded 2.7.5 installed?")
    # inlined short posting lists come as a ListMatcher
    ids = np.asarray(m._ids, dtype=np.int64)
    if m._weights is not None:
        w = np.asarray(m._weights, dtype=np.float32)
    else:
        w = np.full(ids.size, m._all_weights or 1.0, dtype=np.float32)
    return ids, w


def _fixed_column_bytes(col, doccount: int, width: int) -> bytes:
    """The raw bytes of a fixed-width column, padded with its default for trailing documents."""
    count = col._count
    raw = col._dbfile.get(col._basepos, count * width) if count else b""
    if count < doccount:
        raw += col._defaultbytes * (doccount - count)
    return raw


def length_bytes(reader, field: str) -> np.ndarray:
    """The length byte of every document of one segment in a field (Whoosh's lossy encoding)."""
    n = reader.doc_count_all()
    perdoc = reader._perdoc
    col = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if col is None:
        return np.zeros(n, dtype=np.uint8)
    return np.frombuffer(_fixed_column_bytes(col, n, 1), dtype=np.uint8)


def fixed_bytes_column(reader, name: str, width: int) -> bytes:
    """A FixedBytesColumn of one segment, all documents' values end to end (zeros where absent)."""
    n = reader.doc_count_all()
    if not reader.has_column(name):
        return bytes(n * width)
    return _fixed_column_bytes(reader.column_reader(name, translate=False), n, width)


def u64_column(reader, name: str) -> np.ndarray:
    """A NumericColumn("Q") of one segment as int64 per document (0 where absent)."""
    n = reader.doc_count_all()
    if not reader.has_column(name):
        return np.zeros(n, dtype=np.int64)
    col = reader.column_reader(name, translate=False)
    raw = _fixed_column_bytes(col, n, 8)
    return np.frombuffer(raw, dtype=">u8").astype(np.int64)


def live_mask(reader) -> np.ndarray:
    """True for each document of one segment that is not deleted."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    deleted = getattr(reader, "deleted_docs_set", None)
    if deleted:
        live[np.fromiter(deleted, dtype=np.int64)] = False
    return live


def open_columns(reader, fields) -> None:
    """Open a segment's stored-fields and length columns now, not on first use.

    Whoosh opens column files lazily; a commit that merges segments deletes
    the old files, so a searcher that opens them later finds none (its
    `stored_fields` then fails on None). Opened files stay readable after
    they are deleted (storage.py maps them).
    """
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None:  # the EmptyReader of an index with no segment
        return
    perdoc._cached_reader("_stored", STORED_COLUMN)
    for field in fields:
        perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)


class _WholeColumnLengths:
    """`doc_field_length` for a segment being flushed, each length column read once.

    Whoosh's flush asks the new segment's length column once per posting, a
    seek and a 1-byte read each time: 2 million reads for 4,000 articles, 18%
    of the import's time. Same answers, including None for a zero byte.
    """

    _LENGTHS = [None] + [byte_to_length(i) for i in range(1, 256)]

    def __init__(self, perdoc_reader) -> None:
        self._pdr = perdoc_reader
        self._n = perdoc_reader._doccount
        self._cols: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        try:
            col = self._cols[fieldname]
        except KeyError:
            reader = self._pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            col = None if reader is None else [
                self._LENGTHS[b] for b in _fixed_column_bytes(reader, self._n, 1)]
            self._cols[fieldname] = col
        if col is None:
            return default
        return col[docnum]


class FlushingWriter(SegmentWriter):
    """Whoosh's SegmentWriter with the per-posting length reads of its flush done in bulk."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _WholeColumnLengths(pdr) if pdr is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr is not None:
            pdr.close()


def segment_readers(searcher) -> list[tuple[Any, int]]:
    """(segment reader, global document offset) of a searcher, one per segment."""
    subs = searcher.subsearchers
    return [(s.reader(), off) for s, off in subs] if subs else [(searcher.reader(), 0)]


__all__ = ["BYTE_TO_LENGTH", "EMPTY_POSTINGS", "WHOOSH_VERSION", "FlushingWriter", "length_bytes", "live_mask", "open_columns", "read_postings",
           "segment_readers", "u64_column"]
