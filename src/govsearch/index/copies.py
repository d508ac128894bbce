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
        numbers = "\x1f".join(sorted(self.numbers)).encode("utf-8")
        return self.sig.astype("<u4").tobytes() + self.length.to_bytes(4, "little") + numbers

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Fingerprint | None:
        head = NUM_PERM * 4
        if not isinstance(raw, bytes) or len(raw) < head + 4:
            return None
        text = raw[head + 4:].decode("utf-8")
        return cls(np.frombuffer(raw[:head], dtype="<u4"), int.from_bytes(raw[head:head + 4], "little"),
                   frozenset(text.split("\x1f")) if text else frozenset())


def fingerprint(terms: list[str]) -> Fingerprint | None:
    sig = signature(terms)
    if sig is None:
        return None
    return Fingerprint(sig, len(terms), frozenset(t for t in terms if any(c.isdigit() for c in t)))


# A text with numbers the other lacks must be this much longer to be the fuller copy.
LONGER = 1.1


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
    return {BANDS_FIELD: " ".join(band_keys(fp.sig)), SIGNATURE_FIELD: fp.to_bytes()}


@dataclass(slots=True, frozen=True)
class Member:
    """What a candidate needs to be compared with and joined: its fingerprint and its group."""

    fp: Fingerprint
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
        fp = Fingerprint.from_bytes(fields.get(SIGNATURE_FIELD))  # type: ignore[arg-type]
        own = seq + 1
        if fp is None:
            fields[GROUP_FIELD] = own
            return own
        keys = str(fields.get(BANDS_FIELD, "")).split()
        best: tuple[float, int] | None = None
        for member in self._candidates(keys):
            copy, score = is_copy(fp, member.fp)
            # the closest copy; equally close: the oldest group
            if copy and (best is None or (score, -member.group) > (best[0], -best[1])):
                best = (score, member.group)
        group = best[1] if best else own
        fields[GROUP_FIELD] = group
        me = Member(fp, group)
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
                fp = Fingerprint.from_bytes(stored.get(SIGNATURE_FIELD))
                group = int(stored.get(GROUP_FIELD) or 0)
                member = self._members[docnum] = Member(fp, group) if fp is not None and group else None
            if member is not None:
                found.append(member)
        return found


__all__ = ["BANDS", "BANDS_FIELD", "GROUP_FIELD", "NUM_PERM", "SIGNATURE_FIELD", "THRESHOLD",
           "CopyGrouper", "Fingerprint", "Member", "WhooshLookup", "band_keys", "copy_fields",
           "fingerprint", "is_copy", "numbers_agree", "signature", "similarity"]
