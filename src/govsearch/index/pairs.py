"""Adjacent syllable pairs of every article: a sidecar of sorted numpy arrays.

Why a sidecar: ranking needs to know, for every article that matches, whether
the typed syllables stand together in it ("dân vận" the term, not "dân ...
vận" scattered). Whoosh's writer is pure Python at ~13 µs a posting, and the
pairs of a body are 1.7x its syllables: as Whoosh fields they would have
doubled the import time. Here the pairs of a whole batch are hashed, sorted
and written by numpy in well under a second, and read back as memory-mapped
arrays.

What is stored: for each article, every pair of adjacent syllables in its
title and (separately, no pair spans the two) its lead + body, both as
written (exact terms, canonical tone) and folded. Both live in one key space:
a pair's key is a hash of its two terms, so an ASCII pair ("100", "2019") is
the same key whether read exact or folded, and an accented pair ("dân",
"vận") never equals a folded one. Where "số" stands between a word and a
number ("Nghị định số 100") the pair that skips it ("định", "100") is stored
too, so "nghị định 100" finds the decree however it is cited.

Articles are named by a `seq` number, not Whoosh's document number (which
changes when Whoosh merges segments): seqs are handed out in order, stored in
each Whoosh document's `seq` column, and mapped to document numbers by the
reader. A pair segment is written (tmp dir, fsync, rename) and the manifest
updated before Whoosh commits, so a crash leaves at most a segment whose seqs
no committed document holds, which readers never map and the next merge
drops.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

import numpy as np

PAIR_DIR = "pairs"
MANIFEST = "manifest.json"
# Merge all pair segments into one when a write leaves more than this many.
MAX_SEGMENTS = 6
# The syllable a citation puts between a document type and its number.
_NUMBER_WORD = "số"
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_EMPTY_U64 = np.zeros(0, dtype=np.uint64)

_HASHES: dict[str, int] = {}
_HASH_LOCK = threading.Lock()


def _term_hash(term: str) -> int:
    h = _HASHES.get(term)
    if h is None:
        h = int.from_bytes(blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_HASHES) < 2_000_000:
            with _HASH_LOCK:
                _HASHES[term] = h
    return h


def _hashes(terms: Sequence[str]) -> np.ndarray:
    return np.fromiter((_term_hash(t) for t in terms), dtype=np.uint64, count=len(terms))


def _mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A 64-bit key for each (a, b) pair of term hashes (order matters): splitmix64's finalizer."""
    with np.errstate(over="ignore"):
        z = a * _M1 + ((b << np.uint64(27)) | (b >> np.uint64(37)))
        z = (z ^ (z >> np.uint64(30))) * _M2
        z = (z ^ (z >> np.uint64(27))) * _M3
        return z ^ (z >> np.uint64(31))


_MASK = (1 << 64) - 1


def pair_key(a: str, b: str) -> int:
    """The key of the pair (a, b) of index terms, exact or folded alike.

    The same arithmetic as `_mix`, on Python ints: numpy costs ~60 µs for one
    scalar, and a query asks for hundreds of keys.
    """
    ha, hb = _term_hash(a), _term_hash(b)
    z = (ha * 0x9E3779B97F4A7C15 + (((hb << 27) | (hb >> 37)) & _MASK)) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _run_keys(terms: Sequence[str]) -> np.ndarray:
    if len(terms) < 2:
        return _EMPTY_U64
    h = _hashes(terms)
    keys = [_mix(h[:-1], h[1:])]
    # "định số 100": also the pair that skips "số" before a number
    skips = [i for i in range(1, len(terms) - 1)
             if terms[i] in (_NUMBER_WORD, "so") and terms[i + 1][:1].isdigit()]
    if skips:
        idx = np.array(skips)
        keys.append(_mix(h[idx - 1], h[idx + 1]))
    return np.concatenate(keys)


def article_pairs(title: tuple[list[str], list[str]], body: tuple[list[str], list[str]]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(unique keys, counts) of an article's pairs, from its analyzed title and lead + body.

    Each argument is (exact terms, folded terms) as `govsearch.text.analyze` gives them.
    """
    exact = np.concatenate([_run_keys(title[0]), _run_keys(body[0])])
    folded = np.concatenate([_run_keys(title[1]), _run_keys(body[1])])
    ke, ce = np.unique(exact, return_counts=True)
    kf, cf = np.unique(folded, return_counts=True)
    keys = np.concatenate([ke, kf])
    if keys.size == 0:
        return _EMPTY_U64, np.zeros(0, dtype=np.uint8)
    counts = np.concatenate([ce, cf])
    # An ASCII pair ("100", "2019") reads the same exact and folded, so its key
    # comes twice for the same occurrences: keep the larger count, not the sum.
    order = np.lexsort((counts, keys))
    keys, counts = keys[order], counts[order]
    last = np.append(keys[1:] != keys[:-1], True)
    return keys[last], np.minimum(counts[last], 255).astype(np.uint8)


@dataclass(slots=True)
class PairBatch:
    """The pairs of many articles, sorted by key: what one pair segment holds."""

    keys: np.ndarray      # uint64, unique, ascending
    # len(keys) + 1: postings of keys[i] are [offsets[i], offsets[i+1]); uint32 while
    # they fit (a segment of under 4 billion postings, ~4 million articles): 25 MB less at 58k
    offsets: np.ndarray
    seqs: np.ndarray      # uint32 article seqs, ascending within a key
    counts: np.ndarray    # uint8 times the pair stands in the article (capped at 255)

    @staticmethod
    def build(items: Sequence[tuple[int, np.ndarray, np.ndarray]]) -> PairBatch:
        """From (seq, keys, counts) per article."""
        if not items:
            return PairBatch(_EMPTY_U64, np.zeros(1, dtype=np.int64),
                             np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint8))
        keys = np.concatenate([k for _, k, _ in items])
        counts = np.concatenate([c for _, _, c in items])
        seqs = np.concatenate([np.full(k.size, s, dtype=np.uint32) for s, k, _ in items])
        return PairBatch.sorted(keys, seqs, counts)

    @staticmethod
    def sorted(keys: np.ndarray, seqs: np.ndarray, counts: np.ndarray) -> PairBatch:
        order = np.lexsort((seqs, keys))
        keys, seqs, counts = keys[order], seqs[order], counts[order]
        if keys.size:
            starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        else:
            starts = np.zeros(0, dtype=np.int64)
        offsets = np.append(starts, keys.size).astype(np.uint32 if keys.size < 2**32 else np.int64)
        return PairBatch(keys[starts], offsets, seqs.astype(np.uint32), counts.astype(np.uint8))

    def postings(self, key: int) -> tuple[np.ndarray, np.ndarray]:
        i = int(np.searchsorted(self.keys, np.uint64(key)))
        if i >= self.keys.size or int(self.keys[i]) != key:
            return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint8)
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.seqs[lo:hi], self.counts[lo:hi]

    def total(self, key: int) -> int:
        """How many times the pair stands, over every article of the segment (deleted ones too)."""
        i = int(np.searchsorted(self.keys, np.uint64(key)))
        if i >= self.keys.size or int(self.keys[i]) != key:
            return 0
        return int(np.asarray(self.counts[int(self.offsets[i]):int(self.offsets[i + 1])], dtype=np.int64).sum())

    def expanded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(key, seq, count) per posting."""
        keys = np.repeat(self.keys, np.diff(self.offsets))
        return keys, np.asarray(self.seqs), np.asarray(self.counts)

    @property
    def size_bytes(self) -> int:
        return sum(a.nbytes for a in (self.keys, self.offsets, self.seqs, self.counts))


_ARRAYS = ("keys", "offsets", "seqs", "counts")
# np.load parses each .npy header with ast.literal_eval, and CPython 3.11's AST
# constructor keeps its recursion count per interpreter, not per thread: searches
# opening segments at once after a commit could fail with "SystemError: AST
# constructor recursion depth mismatch" (seen once, 8 threads under load). The
# headers are tiny; reading them one thread at a time costs nothing measurable.
_HEADER_LOCK = threading.Lock()


class PairStore:
    """The pair segments of one index directory.

    Writers call `allocate`, `write` and `compact` while they hold the Whoosh
    write lock; readers call `open_segments` and may run at any time.
    """

    max_segments = MAX_SEGMENTS

    def __init__(self, index_dir: Path) -> None:
        self.dir = Path(index_dir) / PAIR_DIR

    # --- the manifest -----------------------------------------------------

    def _manifest(self) -> dict:
        try:
            data = json.loads((self.dir / MANIFEST).read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("segments"), list):
                return data
        except (OSError, ValueError):
            pass
        return {"next_seq": 0, "segments": []}

    def _save_manifest(self, data: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / (MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.dir / MANIFEST)
        _fsync_dir(self.dir)

    def segment_count(self) -> int:
        return len(self._manifest()["segments"])

    def next_seq(self) -> int:
        return int(self._manifest()["next_seq"])

    # --- writing (under the index's write lock) ----------------------------

    def write(self, batch: PairBatch, next_seq: int) -> None:
        """Add a segment and record that seqs below `next_seq` are taken."""
        data = self._manifest()
        name = f"s{next_seq:010d}"
        if batch.keys.size:
            self._write_segment(name, batch)
            data["segments"].append(name)
        data["next_seq"] = max(int(data["next_seq"]), next_seq)
        self._save_manifest(data)
        self._remove_unlisted(data)

    def _write_segment(self, name: str, batch: PairBatch) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / (name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for a in _ARRAYS:
            with open(tmp / f"{a}.npy", "wb") as f:
                np.save(f, getattr(batch, a))
                f.flush()
                os.fsync(f.fileno())
        final = self.dir / name
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        _fsync_dir(self.dir)

    def compact(self, live_seqs: np.ndarray, *, force: bool = False) -> None:
        """Merge the segments into one, dropping seqs no live document holds."""
        data = self._manifest()
        names = data["segments"]
        if not names or (len(names) <= self.max_segments and not force):
            return
        parts = [self._load(n, mmap=True) for n in names]
        keys, seqs, counts = (np.concatenate(x) for x in zip(*(p.expanded() for p in parts)))
        keep = np.isin(seqs, live_seqs.astype(np.uint32))
        merged = PairBatch.sorted(keys[keep], seqs[keep], counts[keep])
        name = f"s{int(data['next_seq']):010d}m"
        self._write_segment(name, merged)
        data["segments"] = [name]
        self._save_manifest(data)
        self._remove_unlisted(data)

    def _remove_unlisted(self, data: dict) -> None:
        keep = set(data["segments"]) | {MANIFEST}
        for p in self.dir.iterdir():
            if p.name not in keep:
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)

    # --- reading -------------------------------------------------------------

    def _load(self, name: str, *, mmap: bool) -> PairBatch:
        d = self.dir / name
        with _HEADER_LOCK:
            arrays = [np.load(d / f"{a}.npy", mmap_mode="r" if mmap else None) for a in _ARRAYS]
        return PairBatch(*arrays)

    def open_segments(self) -> list[PairBatch]:
        """The current segments, memory-mapped (a merge running meanwhile is retried)."""
        for _ in range(5):
            names = self._manifest()["segments"]
            try:
                return [self._load(n, mmap=True) for n in names]
            except FileNotFoundError:
                continue  # replaced by a merge between reading the manifest and the files
        return []

    def size_bytes(self) -> int:
        if not self.dir.is_dir():
            return 0
        return sum(f.stat().st_size for f in self.dir.rglob("*") if f.is_file())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["PairBatch", "PairStore", "article_pairs", "pair_key", "PAIR_DIR"]
