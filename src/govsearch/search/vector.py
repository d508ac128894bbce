"""Matching and BM25 scoring over Whoosh's postings, with numpy.

Whoosh walks its matchers one document at a time in Python, and scoring a
query whose syllables are common (folded "van" stands for văn, vấn, vẫn, vận,
vạn...) meant stepping through tens of thousands of documents per query. Here
each term's posting list is read once, block by block, into arrays (cached
per index generation), and matching, scoring, counting, facets and date
sorting are array operations. Whoosh stays the storage: its segments, its
posting lists, its field-length columns, its stored fields; phrase queries
and positions still go through Whoosh itself.

The reading of Whoosh's internals is in `govsearch.index.internals`, the
one module that touches them. The pairs of adjacent syllables come from the
index's pair sidecar (`govsearch.index.pairs`), mapped from its seq numbers
to this generation's document numbers.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..index.internals import (BYTE_TO_LENGTH, EMPTY_POSTINGS, length_bytes, live_mask, open_columns,
                               read_postings,
                               segment_readers, u64_column)
from ..index.pairs import PairBatch

# BM25 parameters, per field: titles are short, so length matters less there.
K1 = 1.2
B = {"title": 0.5, "title_f": 0.5, "title_bi": 0.5, "title_bif": 0.5, "body": 0.75, "body_f": 0.75,
     "pairs": 0.75}
_EMPTY = EMPTY_POSTINGS
# Fields whose lengths BM25 needs: every scored field. Bigram fields use the
# length of their syllable field (one bigram fewer than syllables); pairs
# (title and body together) the body's.
PAIRS = "pairs"
_LENGTH_OF = {"title_bi": "title", "title_bif": "title_f", PAIRS: "body_f"}


@dataclass(slots=True, frozen=True)
class ScoredTerm:
    field: str
    term: str | int  # an int in the PAIRS field (a pair key)
    weight: float


class Snapshot:
    """Arrays over one Whoosh searcher (one index generation), built lazily.

    Document numbers are Whoosh's global ones (segment offset + local).
    """

    POSTINGS_CACHE = 4096

    def __init__(self, searcher, pair_segments: list[PairBatch] | None = None) -> None:
        self.searcher = searcher
        self.segments = segment_readers(searcher)
        for reader, _ in self.segments:
            # now, before a merge can delete the files (internals.open_columns)
            open_columns(reader, ("title", "title_f", "body", "body_f"))
        self.pair_segments = pair_segments or []
        self._seq_to_doc: np.ndarray | None = None
        self.size = searcher.doc_count_all()
        parts = [live_mask(reader) for reader, _ in self.segments]
        self.live = np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
        self.doc_count = int(self.live.sum())
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, float] = {}
        self._postings: OrderedDict[tuple[str, str | int], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._columns: dict[str, np.ndarray] = {}
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self._lock = threading.Lock()
        # per-generation caches of other modules (suggest.Frequencies)
        self.extras: dict[str, object] = {}
        for name in ("published", "seq"):
            self.column(name)

    # --- postings ----------------------------------------------------------

    def postings(self, field: str, term) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term, deleted documents included.

        In the PAIRS field the term is a pair key (`govsearch.index.pairs.pair_key`).
        """
        if field == PAIRS:
            return self._pair_postings(term)
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
            ids, tf = read_postings(reader.postings(field, term))
            ids_parts.append(ids + off)
            tf_parts.append(tf)
        result = (np.concatenate(ids_parts), np.concatenate(tf_parts)) if ids_parts else _EMPTY
        with self._lock:
            self._postings[key] = result
            if len(self._postings) > self.POSTINGS_CACHE:
                self._postings.popitem(last=False)
        return result

    def _pair_postings(self, pair_key: int) -> tuple[np.ndarray, np.ndarray]:
        key = (PAIRS, pair_key)
        with self._lock:
            hit = self._postings.get(key)
        if hit is not None:
            return hit
        seq_to_doc = self.seq_to_doc()
        ids_parts, tf_parts = [], []
        for seg in self.pair_segments:
            seqs, counts = seg.postings(pair_key)
            if seqs.size == 0:
                continue
            seqs = seqs.astype(np.int64)
            inside = seqs < seq_to_doc.size
            docs = np.where(inside, seq_to_doc[np.minimum(seqs, seq_to_doc.size - 1)], -1)
            ok = docs >= 0
            ids_parts.append(docs[ok])
            tf_parts.append(counts[ok].astype(np.float32))
        if ids_parts:
            ids, tf = np.concatenate(ids_parts), np.concatenate(tf_parts)
            if len(ids_parts) > 1:
                order = np.argsort(ids, kind="stable")
                ids, tf = ids[order], tf[order]
            result = (ids, tf)
        else:
            result = _EMPTY
        with self._lock:
            self._postings[key] = result
            if len(self._postings) > self.POSTINGS_CACHE:
                self._postings.popitem(last=False)
        return result

    def seq_to_doc(self) -> np.ndarray:
        """Document number of each pair-sidecar seq in this generation (-1: none live)."""
        arr = self._seq_to_doc
        if arr is None:
            seqs = self.column("seq")
            arr = np.full(int(seqs.max()) + 1 if seqs.size else 0, -1, dtype=np.int64)
            docs = np.flatnonzero(self.live)
            arr[seqs[docs]] = docs
            self._seq_to_doc = arr
        return arr

    def docs(self, field: str, term: str | int) -> np.ndarray:
        return self.postings(field, term)[0]

    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        m = np.zeros(self.size, dtype=bool)
        m[ids] = True
        return m

    def holding(self, folded: Sequence[str], fields: Sequence[str], together: Sequence[int]) -> np.ndarray:
        """Documents holding every folded syllable in one of `fields`, and every pair in `together`."""
        both = np.ones(self.size, dtype=bool)
        for syllable in folded:
            one = np.zeros(self.size, dtype=bool)
            for f in fields:
                one[self.docs(f, syllable)] = True
            both &= one
        for key in together:
            both &= self.mask_of(self.docs(PAIRS, key))
        return both

    # --- lengths and BM25 ---------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        field = _LENGTH_OF.get(field, field)
        arr = self._lengths.get(field)
        if arr is None:
            parts = []
            for reader, _ in self.segments:
                parts.append(length_bytes(reader, field))
            raw = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
            arr = BYTE_TO_LENGTH[raw]
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
            full = np.zeros(self.size, dtype=np.float32) if group.typed is not None else None
            factors = group.factors or [1.0] * len(group.alternatives)
            for alt, factor in zip(group.alternatives, factors):
                alt_scores = np.zeros(self.size, dtype=np.float32)
                for syllable in alt:
                    for st in syllable:
                        self.add_scores(alt_scores, st)
                if len(alt) > 1:
                    alt_scores /= len(alt)
                if full is not None:
                    np.maximum(full, alt_scores, out=full)
                if factor != 1.0:
                    alt_scores *= factor
                np.maximum(best, alt_scores, out=best)
            if full is not None and group.typed is not None:
                # holding the name as typed earns its best form's whole score
                holds = self.holding(*group.typed)
                best[holds] = full[holds]
            total += best
        return total

    # --- columns and facets ------------------------------------------------

    def published(self) -> np.ndarray:
        """Publication time as Whoosh's long (0: no date), per document."""
        return self.column("published")

    def column(self, name: str) -> np.ndarray:
        """A 64-bit numeric column ("published", "seq") per document."""
        arr = self._columns.get(name)
        if arr is None:
            parts = [u64_column(reader, name) for reader, _ in self.segments]
            arr = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            self._columns[name] = arr
        return arr

    def codes(self, field: str) -> tuple[list[str], np.ndarray]:
        """The values of a one-value keyword field, and each document's value index (-1: none)."""
        hit = self._codes.get(field)
        if hit is None:
            codes = np.full(self.size, -1, dtype=np.int32)
            present: list[tuple[object, int, list[bytes]]] = []
            for reader, off in self.segments:
                if field in reader.indexed_field_names():
                    present.append((reader, off, list(reader.lexicon(field))))
            values = sorted({t.decode("utf-8") for _, _, terms in present for t in terms})
            index = {v.encode("utf-8"): i for i, v in enumerate(values)}
            # each segment's own terms only: looking every value up in every
            # segment was values x segments probes of the term table (90 s on
            # a 48-segment index with 34k sources, for the first query after
            # each commit)
            for reader, off, terms in present:
                for t in terms:
                    ids, _ = read_postings(reader.postings(field, t))  # type: ignore[attr-defined]
                    codes[ids + off] = index[t]
            hit = self._codes[field] = (values, codes)
        return hit
