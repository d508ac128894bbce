"""Copy groups: the same story republished under another URL, found at index time.

Each article gets a MinHash signature of its syllable shingles
(`govsearch.text.shingles`, `datasketch.MinHash`) and, from it, BANDS band
keys (locality-sensitive hashing: two texts share a band key with a
probability that rises steeply with their Jaccard similarity). The keys are
an indexed keyword field, so finding the candidates of a new article is a
term lookup in what is already committed, the same in the embedded index
and on a cluster; a candidate is a copy when the estimated Jaccard
similarity of the two signatures (stored with each article) reaches
THRESHOLD. The article then joins the group of its most similar copy, and
otherwise founds a group of its own, named by its indexing number (`seq`,
never reused), stored in the `copy_group` column that search collapses on.

Why index time, per article, rather than groups computed over the whole
index: an import or a crawl adds articles a batch at a time, and a lookup of
BANDS terms per article costs the same on 1k or 58k articles; the groups
need no pass over everything at search time. A re-indexed article is
looked up again like a new one (and its old version is gone with it); a
deleted one leaves its group, which lives on in its other members.

What this does not do: merge two groups that a later article bridges (it
joins the closer one), or split a group whose bridge is deleted. Both are
rare with real copies, whose members are close to each other, not in a chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

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

# The index fields (schema.py): band keys as terms, the signature stored, the group as a column.
BANDS_FIELD = "copy_bands"
SIGNATURE_FIELD = "copy_sig"
GROUP_FIELD = "copy_group"


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # The permutations depend only on (NUM_PERM, SEED): made once, shared by every signature.
    return MinHash(num_perm=NUM_PERM, seed=SEED)


def _identity(value: int) -> int:
    return value


def signature(terms: list[str]) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32) of a text's folded syllables; None when too short."""
    hashes = shingle_hashes(terms)
    if hashes.size < MIN_SHINGLES:
        return None
    t = _template()
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_identity, permutations=t.permutations,
                scheme=t.scheme)
    m.update_batch(hashes.tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


def band_keys(sig: np.ndarray) -> list[str]:
    """The signature's BANDS band keys as index terms ("03" band number, then 12 hex digits)."""
    raw = sig.astype("<u4").tobytes()
    step = ROWS * 4
    return [f"{b:02d}{hashlib.blake2b(raw[b * step:(b + 1) * step], digest_size=6).hexdigest()}"
            for b in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal minimums."""
    return float(np.count_nonzero(a == b)) / a.size


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes | None) -> np.ndarray | None:
    if not raw or len(raw) != NUM_PERM * 4:
        return None
    return np.frombuffer(raw, dtype="<u4")


def copy_fields(terms: list[str]) -> dict[str, object]:
    """The copy fields of an article's index document (its group is added by `CopyGrouper`)."""
    sig = signature(terms)
    if sig is None:
        return {}
    return {BANDS_FIELD: " ".join(band_keys(sig)), SIGNATURE_FIELD: to_bytes(sig)}


@dataclass(slots=True, frozen=True)
class Member:
    """What a candidate needs to be compared with and joined: its signature and its group."""

    sig: np.ndarray
    group: int


class CopyGrouper:
    """Assigns copy groups to the articles of one write batch, in indexing order.

    `lookup(band_key)` gives the committed members holding a band key (the
    backend's term query); members of this batch are kept here, as they are
    not committed yet.
    """

    def __init__(self, lookup) -> None:
        self._lookup = lookup
        self._batch: dict[str, list[Member]] = {}

    def assign(self, fields: dict[str, object], seq: int) -> int:
        """Set `fields[GROUP_FIELD]` (and return it): the group of the closest copy, else seq + 1.

        Groups are numbered from 1 so that 0 (the column's default) means "none".
        """
        sig = from_bytes(fields.get(SIGNATURE_FIELD))  # type: ignore[arg-type]
        own = seq + 1
        if sig is None:
            fields[GROUP_FIELD] = own
            return own
        keys = str(fields.get(BANDS_FIELD, "")).split()
        best: tuple[float, int] | None = None
        for member in self._candidates(keys):
            score = similarity(sig, member.sig)
            # the closest copy; equally close: the oldest group
            if score >= THRESHOLD and (best is None or (score, -member.group) > (best[0], -best[1])):
                best = (score, member.group)
        group = best[1] if best else own
        fields[GROUP_FIELD] = group
        me = Member(sig, group)
        for key in keys:
            self._batch.setdefault(key, []).append(me)
        return group

    def _candidates(self, keys: list[str]):
        seen: set[int] = set()
        for key in keys:
            for member in self._batch.get(key, ()):
                if id(member) not in seen:
                    seen.add(id(member))
                    yield member
            for member in self._lookup(key):
                if id(member) not in seen:
                    seen.add(id(member))
                    yield member


class WhooshLookup:
    """Committed members by band key, from a Whoosh reader of the index as the batch began."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self._members: dict[int, Member | None] = {}
        self._has_field = BANDS_FIELD in reader.indexed_field_names()

    def __call__(self, key: str):
        if not self._has_field or (BANDS_FIELD, key) not in self.reader:
            return ()
        found = []
        for docnum in self.reader.postings(BANDS_FIELD, key).all_ids():  # skips deleted documents
            member = self._members.get(docnum, False)
            if member is False:
                stored = self.reader.stored_fields(docnum)
                sig = from_bytes(stored.get(SIGNATURE_FIELD))
                group = int(stored.get(GROUP_FIELD) or 0)
                member = self._members[docnum] = Member(sig, group) if sig is not None and group else None
            if member is not None:
                found.append(member)
        return found


__all__ = ["BANDS", "BANDS_FIELD", "GROUP_FIELD", "NUM_PERM", "SIGNATURE_FIELD", "THRESHOLD",
           "CopyGrouper", "Member", "WhooshLookup", "band_keys", "copy_fields", "from_bytes",
           "signature", "similarity", "to_bytes"]
