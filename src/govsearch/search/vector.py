"""Matching and BM25 scoring over Whoosh's postings, with numpy.

Whoosh walks its matchers one document at a time in Python, and scoring a
query whose syllables are common (folded "van" stands for văn, vấn, vẫn, vận,
vạn...) meant stepping through tens of thousands of documents per query. Here
each term's posting list is read once, block by block, into arrays (cached
per index generation), and matching, scoring, counting, facets and date
sorting are array operations. Whoosh stays the storage: its segments, its
posting lists, its field-length columns, its stored fields; phrase queries
and positions still go through Whoosh itself.

The reading code touches Whoosh 2.7's W3 codec internals (`_read_data`,
`_next_block`, the column files). The dependency is pinned to
whoosh-reloaded==2.7.5 and `tests/search/test_vector.py` checks these arrays
against Whoosh's own matchers, so a change there cannot go unnoticed.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

# BM25 parameters, per field: titles are short, so length matters less there.
K1 = 1.2
B = {"title": 0.5, "title_f": 0.5, "title_bi": 0.5, "title_bif": 0.5, "body": 0.75, "body_f": 0.75}
_BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
# Fields whose lengths BM25 needs: every scored field. Bigram fields use the
# length of their syllable field (one bigram fewer than syllables).
_LENGTH_OF = {"title_bi": "title", "title_bif": "title_f"}


@dataclass(slots=True, frozen=True)
class ScoredTerm:
    field: str
    term: str
    weight: float


class Snapshot:
    """Arrays over one Whoosh searcher (one index generation), built lazily.

    Document numbers are Whoosh's global ones (segment offset + local).
    """

    POSTINGS_CACHE = 4096

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        subs = searcher.subsearchers
        self.segments = [(s.reader(), off) for s, off in subs] if subs else [(searcher.reader(), 0)]
        self.size = searcher.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for reader, off in self.segments:
            deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else None
            if deleted:
                self.live[np.fromiter(deleted, dtype=np.int64) + off] = False
        self.doc_count = int(self.live.sum())
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, float] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._columns: dict[str, np.ndarray] = {}
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self._lock = threading.Lock()

    # --- postings ----------------------------------------------------------

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term, deleted documents included."""
        key = (field, term)
        with self._lock:
            hit = self._postings.get(key)
            if hit is not None:
                self._postings.move_to_end(key)
                return hit
        ids_parts, tf_parts = [], []
        for reader, off in self.segments:
            if key not in reader:
                continue
            ids, tf = _read_postings(reader.postings(field, term))
            ids_parts.append(ids + off)
            tf_parts.append(tf)
        result = (np.concatenate(ids_parts), np.concatenate(tf_parts)) if ids_parts else _EMPTY
        with self._lock:
            self._postings[key] = result
            if len(self._postings) > self.POSTINGS_CACHE:
                self._postings.popitem(last=False)
        return result

    def docs(self, field: str, term: str) -> np.ndarray:
        return self.postings(field, term)[0]

    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        m = np.zeros(self.size, dtype=bool)
        m[ids] = True
        return m

    # --- lengths and BM25 ---------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        field = _LENGTH_OF.get(field, field)
        arr = self._lengths.get(field)
        if arr is None:
            parts = []
            for reader, _ in self.segments:
                parts.append(_length_bytes(reader, field))
            raw = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
            arr = _BYTE_TO_LENGTH[raw]
            live_lengths = arr[self.live]
            self._avg[field] = float(live_lengths.mean()) if live_lengths.size and live_lengths.mean() > 0 else 1.0
            self._lengths[field] = arr
        return arr

    def avg_length(self, field: str) -> float:
        self.lengths(field)
        return self._avg[_LENGTH_OF.get(field, field)]

    def idf(self, df: int) -> float:
        n = max(self.doc_count, 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def add_scores(self, scores: np.ndarray, st: ScoredTerm) -> None:
        ids, tf = self.postings(st.field, st.term)
        if ids.size == 0:
            return
        b = B.get(st.field, 0.75)
        dl = self.lengths(st.field)[ids]
        norm = K1 * (1.0 - b + b * dl / self.avg_length(st.field))
        scores[ids] += st.weight * self.idf(ids.size) * tf * (K1 + 1.0) / (tf + norm)

    def score(self, groups) -> np.ndarray:
        """Scores of every document under a plan's score groups (see build.ScoreGroup)."""
        total = np.zeros(self.size, dtype=np.float32)
        for group in groups:
            if len(group.alternatives) == 1:
                for syllable in group.alternatives[0]:
                    for st in syllable:
                        self.add_scores(total, st)
                continue
            best = np.zeros(self.size, dtype=np.float32)
            for alt in group.alternatives:
                alt_scores = np.zeros(self.size, dtype=np.float32)
                for syllable in alt:
                    for st in syllable:
                        self.add_scores(alt_scores, st)
                if len(alt) > 1:
                    alt_scores /= len(alt)
                np.maximum(best, alt_scores, out=best)
            total += best
        return total

    # --- columns and facets ------------------------------------------------

    def published(self) -> np.ndarray:
        """Publication time as Whoosh's long (0: no date), per document."""
        arr = self._columns.get("published")
        if arr is None:
            parts = []
            for reader, _ in self.segments:
                n = reader.doc_count_all()
                if reader.has_column("published"):
                    col = reader.column_reader("published", translate=False)
                    raw = _fixed_column_bytes(col, n, 8)
                    parts.append(np.frombuffer(raw, dtype=">u8").astype(np.int64))
                else:
                    parts.append(np.zeros(n, dtype=np.int64))
            arr = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            self._columns["published"] = arr
        return arr

    def codes(self, field: str) -> tuple[list[str], np.ndarray]:
        """The values of a one-value keyword field, and each document's value index (-1: none)."""
        hit = self._codes.get(field)
        if hit is None:
            values: list[str] = []
            codes = np.full(self.size, -1, dtype=np.int32)
            names = set()
            for reader, _ in self.segments:
                if field in reader.indexed_field_names():
                    names.update(t.decode("utf-8") for t in reader.lexicon(field))
            for value in sorted(names):
                codes[self.docs(field, value)] = len(values)
                values.append(value)
            hit = self._codes[field] = (values, codes)
        return hit


def _read_postings(m) -> tuple[np.ndarray, np.ndarray]:
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
            return _EMPTY
        return np.concatenate(ids_parts), np.concatenate(w_parts)
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


def _length_bytes(reader, field: str) -> np.ndarray:
    n = reader.doc_count_all()
    perdoc = reader._perdoc
    col = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if col is None:
        return np.zeros(n, dtype=np.uint8)
    return np.frombuffer(_fixed_column_bytes(col, n, 1), dtype=np.uint8)
