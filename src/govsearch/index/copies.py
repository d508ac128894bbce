"""Copy groups: the same story republished under another URL, found at index time.

Each article gets a MinHash signature of its syllable shingles
(`govsearch.text.shingles`, `datasketch.MinHash`) and, from it, BANDS band
keys (locality-sensitive hashing: two texts share a band key with a
probability that rises steeply with their Jaccard similarity). A candidate
is an indexed article sharing a band key; it is a copy when the estimated
Jaccard similarity of the two signatures reaches THRESHOLD and their numbers
agree (`numbers_agree`). The article then joins the group of its closest
copy, and otherwise founds a group of its own, named by its indexing number
(`seq` + 1, never reused), kept in the `copy_group` column search collapses on.

Where the keys live: the band keys and the signature are one fixed-width
column (`copy_key`, 384 bytes), which a write batch reads for the whole
index as arrays (ms for 58k articles) and looks up with binary search. As
indexed terms (a keyword field, a term lookup per band) they cost 16 more
Whoosh postings to write (~13 µs each) and ~300 µs per term lookup in
Whoosh's pure-Python term table, 5 ms an article (bench/copies_bench.py);
a cluster stores them as terms, where a terms query is cheap, and finds its
candidates through the same `CopyGrouper` (govsearch/backends/copies.py).

Index time, per article, rather than groups computed over the whole index
at search time: an import or a crawl adds a batch at a time, the lookup is
the same on 1k or 58k articles, and searching needs only the group column.
A re-indexed article is looked up again like a new one (its old version is
gone with it); a deleted one leaves its group, which lives on in its other
members.

What this does not do: merge two groups that a later article bridges (it
joins the closer one), or split a group whose bridge is deleted. Both are
rare with real copies, whose members are close to each other, not a chain.
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from datasketch import MinHash

from ..text.shingles import shingle_hashes

# 64 permutations in 16 bands of 4: a pair at Jaccard 0.5 shares a band with
# probability 1 - (1 - 0.5**4)**16 = 0.64, at 0.7 with 0.99, at 0.3 with 0.12
# (bench/copies_bench.py measures what that means on real copies).
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
# The estimated Jaccard similarity (over shingles) from which two texts are copies.
THRESHOLD = 0.5
# Texts with fewer distinct shingles than this are not grouped: a two-line
# notice would be a "copy" of every other one like it.
MIN_SHINGLES = 12
SEED = 1

# The index fields (schema.py): band keys and signature as one column; the
# rest of the fingerprint (length, numbers) stored, read for the few
# candidates that come close; the group as a column.
KEY_FIELD = "copy_key"
FINGERPRINT_FIELD = "copy_fp"
GROUP_FIELD = "copy_group"
KEY_WIDTH = BANDS * 8 + NUM_PERM * 4


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # The permutations depend only on (NUM_PERM, SEED): made once, shared by every signature.
    return MinHash(num_perm=NUM_PERM, seed=SEED)


def signature(terms: list[str]) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32) of a text's folded syllables; None when too short."""
    hashes = shingle_hashes(terms)
    if hashes.size < MIN_SHINGLES:
        return None
    t = _template()
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=operator.index, permutations=t.permutations,
                scheme=t.scheme)
    m.update_batch(hashes.tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """The signature's BANDS band keys (uint64): a digest of each band's ROWS values."""
    raw = sig.astype("<u4").tobytes()
    step = ROWS * 4
    return np.array([int.from_bytes(hashlib.blake2b(raw[b * step:(b + 1) * step], digest_size=8).digest(),
                                    "little") for b in range(BANDS)], dtype=np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal minimums."""
    return float(np.count_nonzero(a == b)) / a.size


@dataclass(slots=True, frozen=True)
class Fingerprint:
    """What two articles are compared on: the signature, the text's length, its numbers.

    Numbers (dates, figures, document numbers) tell a republished copy from the
    same template filled in again ("Ngày 1/1/2019, Ban Dân vận tỉnh ... tổ chức
    hội nghị" each year, a weekly schedule): a copy keeps the numbers of what it
    keeps, and has none of its own.
    """

    sig: np.ndarray
    length: int  # syllables compared
    numbers: frozenset[str]

    def to_bytes(self) -> bytes:
        """Length and numbers: the signature is not repeated here, it lives in the key column."""
        numbers = "\x1f".join(sorted(self.numbers)).encode("utf-8")
        return self.length.to_bytes(4, "little") + numbers

    @classmethod
    def from_bytes(cls, raw: bytes | None, sig: np.ndarray) -> Fingerprint | None:
        if not isinstance(raw, bytes) or len(raw) < 4:
            return None
        text = raw[4:].decode("utf-8")
        return cls(sig, int.from_bytes(raw[:4], "little"),
                   frozenset(text.split("\x1f")) if text else frozenset())


def fingerprint(terms: list[str]) -> Fingerprint | None:
    sig = signature(terms)
    if sig is None:
        return None
    # terms are runs of letters and digits: one that is not all letters holds a digit
    return Fingerprint(sig, len(terms), frozenset(t for t in set(terms) if not t.isalpha()))


# A text with numbers the other lacks must be this much longer to be the fuller copy
# (bench/copies_bench.py: 1.1 kept 93.7% of the copy pairs apart from groups, 1.05
# 97.2%, with the same non-copies kept apart).
LONGER = 1.05


def numbers_agree(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether the numbers allow a and b to be copies: those of one only are in the longer, fuller text."""
    a_only, b_only = a.numbers - b.numbers, b.numbers - a.numbers
    if a_only and b_only:
        return False
    if a_only:
        return a.length >= LONGER * b.length
    if b_only:
        return b.length >= LONGER * a.length
    return True


def is_copy(a: Fingerprint, b: Fingerprint) -> tuple[bool, float]:
    """Whether two fingerprints are of copies, and their estimated Jaccard similarity."""
    score = similarity(a.sig, b.sig)
    return score >= THRESHOLD and numbers_agree(a, b), score


def copy_fields(terms: list[str]) -> dict[str, object]:
    """The copy fields of an article's index document (its group is added by `CopyGrouper`)."""
    fp = fingerprint(terms)
    if fp is None:
        return {}
    key = band_keys(fp.sig).astype("<u8").tobytes() + fp.sig.astype("<u4").tobytes()
    return {KEY_FIELD: key, FINGERPRINT_FIELD: fp.to_bytes()}


class Lookup(Protocol):
    """The indexed articles a write batch compares with: the embedded index's
    columns (`ColumnLookup`) or a cluster's band-key terms (backends/copies.py).
    A candidate is an opaque number, valid for this lookup only."""

    def candidates(self, keys: np.ndarray) -> list[int]: ...

    def sig(self, docnum: int) -> np.ndarray: ...

    def group(self, docnum: int) -> int: ...

    def fingerprint(self, docnum: int) -> Fingerprint | None: ...


class CopyGrouper:
    """Assigns copy groups to the articles of one write batch, in indexing order.

    `lookup` finds the indexed articles sharing a band key (`ColumnLookup`);
    the members of this batch are kept here, as they are not searchable yet.
    """

    def __init__(self, lookup: Lookup | None) -> None:
        self._lookup = lookup
        self._batch: dict[tuple[int, int], list[tuple[Fingerprint, int]]] = {}

    def assign(self, fields: dict[str, object], seq: int) -> int:
        """Set `fields[GROUP_FIELD]` (and return it): the group of the closest copy, else seq + 1.

        Groups are numbered from 1 so that 0 (the column's default) means "none".
        """
        own = seq + 1
        raw = fields.get(KEY_FIELD)
        if not isinstance(raw, bytes):  # too short to have a fingerprint (copy_fields)
            fields[GROUP_FIELD] = own
            return own
        keys = np.frombuffer(raw, dtype="<u8", count=BANDS)
        sig = np.frombuffer(raw, dtype="<u4", offset=BANDS * 8)
        fp = Fingerprint.from_bytes(fields.get(FINGERPRINT_FIELD), sig)  # type: ignore[arg-type]
        if fp is None:
            fields[GROUP_FIELD] = own
            return own
        best: tuple[float, int] | None = None

        def consider(score: float, group: int) -> None:
            nonlocal best
            # the closest copy; equally close: the oldest group
            if best is None or (score, -group) > (best[0], -best[1]):
                best = (score, group)

        seen: set[int] = set()
        for band, key in enumerate(keys.tolist()):
            for mate, group in self._batch.get((band, key), ()):
                if id(mate) not in seen:
                    seen.add(id(mate))
                    copy, score = is_copy(fp, mate)
                    if copy:
                        consider(score, group)
        if self._lookup is not None:
            for docnum in self._lookup.candidates(keys):
                score = similarity(fp.sig, self._lookup.sig(docnum))
                if score < THRESHOLD:
                    continue
                other = self._lookup.fingerprint(docnum)
                if other is not None and numbers_agree(fp, other):
                    consider(score, self._lookup.group(docnum))
        group = best[1] if best else own
        fields[GROUP_FIELD] = group
        for band, key in enumerate(keys.tolist()):
            self._batch.setdefault((band, key), []).append((fp, group))
        return group


class ColumnLookup:
    """The committed articles by band key: the `copy_key` and `copy_group` columns as arrays.

    Built once per write batch from a reader of the index as the batch began
    (deleted documents left out), then each lookup is a binary search per band.
    """

    def __init__(self, reader) -> None:
        from .internals import fixed_bytes_column, live_mask, u64_column
        self.reader = reader
        keys, groups, bases = [], [], []
        for leaf, base in reader.leaf_readers():
            n = leaf.doc_count_all()
            raw = fixed_bytes_column(leaf, KEY_FIELD, KEY_WIDTH)
            group = u64_column(leaf, GROUP_FIELD)
            group[~live_mask(leaf)] = 0
            keys.append(np.frombuffer(raw, dtype=np.uint8).reshape(n, KEY_WIDTH))
            groups.append(group)
            bases.append(base)
        table = np.concatenate(keys) if keys else np.zeros((0, KEY_WIDTH), dtype=np.uint8)
        self._groups = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
        self._bands = table[:, :BANDS * 8].copy().view("<u8")
        self._sigs = table[:, BANDS * 8:].copy().view("<u4")
        # only documents with a fingerprint (a key of zeros is the column's default) and a group
        usable = np.flatnonzero((self._groups > 0) & self._bands.any(axis=1))
        self._sorted = []
        for b in range(BANDS):
            order = usable[np.argsort(self._bands[usable, b], kind="stable")]
            self._sorted.append((self._bands[order, b], order))
        self._fingerprints: dict[int, Fingerprint | None] = {}

    def candidates(self, keys: np.ndarray) -> list[int]:
        found: set[int] = set()
        for b, key in enumerate(keys):
            values, docs = self._sorted[b]
            lo = np.searchsorted(values, key, side="left")
            hi = np.searchsorted(values, key, side="right")
            if hi > lo:
                found.update(docs[lo:hi].tolist())
        return sorted(found)

    def sig(self, docnum: int) -> np.ndarray:
        return self._sigs[docnum]

    def group(self, docnum: int) -> int:
        return int(self._groups[docnum])

    def close(self) -> None:
        self.reader.close()

    def fingerprint(self, docnum: int) -> Fingerprint | None:
        if docnum not in self._fingerprints:
            stored = self.reader.stored_fields(docnum)
            self._fingerprints[docnum] = Fingerprint.from_bytes(stored.get(FINGERPRINT_FIELD),
                                                                self._sigs[docnum])
        return self._fingerprints[docnum]


__all__ = ["BANDS", "FINGERPRINT_FIELD", "GROUP_FIELD", "KEY_FIELD", "NUM_PERM", "THRESHOLD",
           "ColumnLookup", "CopyGrouper", "Lookup", "Fingerprint", "band_keys", "copy_fields",
           "fingerprint", "is_copy", "numbers_agree", "signature", "similarity"]
