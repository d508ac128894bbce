"""Copy groups on a cluster: the embedded index's rule (index/copies.py), band keys as terms.

Each cluster document carries what the embedded index keeps in its copy
columns, in the cluster's own kinds of field:
- `copy_bands`: its BANDS band keys as keyword terms (the band's number and
  the key in hex), so that the indexed articles sharing a band with a new
  one are a terms query away: an inverted index is what a cluster does well;
- `copy_fp`: its signature and the rest of its fingerprint (length,
  numbers: `Fingerprint.to_bytes`), a binary field kept in _source only,
  read for the few candidates;
- `copy_group`: its group, a long with doc values, which search collapses on
  (every document has one: an article without copies, or too short for a
  fingerprint, is a group of its own, as the embedded engine numbers it).

`assign_groups` gives the documents of one bulk their groups: one terms
query (paged) over all their band keys finds the indexed candidates, and
`CopyGrouper` (the embedded engine's own) compares each document with them
and with the bulk's earlier documents, with the same THRESHOLD and
`numbers_agree`, joining the closest copy's group or founding one. The
engine refreshes the index after every bulk, so the next bulk finds this
one's documents. Documents whose URL the bulk replaces are left out of the
candidates: a re-indexed article is compared with everything but its own
old version.

What two writers adding copies of one story at the same moment get: each
may found its own group, since neither sees the other's unrefreshed bulk.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..index.copies import BANDS, FINGERPRINT_FIELD, KEY_FIELD, NUM_PERM, CopyGrouper, Fingerprint, band_keys
from .client import Client

BAND_FIELD = "copy_bands"
FP_FIELD = "copy_fp"
GROUP_FIELD = "copy_group"
# band keys per terms query (the cluster refuses more than index.max_terms_count, 65,536)
TERMS_PER_QUERY = 16_384
# candidates per page of the lookup
PAGE = 1_000
# copy_fp: the signature (NUM_PERM uint32), then Fingerprint.to_bytes (length, numbers)
_SIG_BYTES = NUM_PERM * 4


def band_terms(keys: np.ndarray) -> list[str]:
    """A signature's band keys (band_keys) as the cluster's terms: two digits of band, 16 of key."""
    return [f"{band:02d}{key:016x}" for band, key in enumerate(keys.tolist())]


def copy_doc_fields(fields: dict[str, object]) -> dict[str, Any]:
    """The cluster fields of `index.copies.copy_fields`' answer (empty: a text too short to group)."""
    if not fields:
        return {}
    key, fp = fields[KEY_FIELD], fields[FINGERPRINT_FIELD]
    assert isinstance(key, bytes) and isinstance(fp, bytes)
    keys = np.frombuffer(key, dtype="<u8", count=BANDS)
    # the key column's layout (index/copies.py): band keys, then the signature
    sig = key[BANDS * 8:]
    return {BAND_FIELD: band_terms(keys), FP_FIELD: base64.b64encode(sig + fp).decode("ascii")}


def _fingerprint(raw: bytes) -> Fingerprint | None:
    """A stored copy_fp (decoded) as the Fingerprint it holds."""
    if len(raw) < _SIG_BYTES:
        return None
    return Fingerprint.from_bytes(raw[_SIG_BYTES:], np.frombuffer(raw[:_SIG_BYTES], dtype="<u4"))


def grouper_fields(doc: dict[str, Any]) -> dict[str, object]:
    """What CopyGrouper.assign reads of a document (copy_fields' shape), from its cluster fields."""
    encoded = doc.get(FP_FIELD)
    if not encoded:
        return {}
    raw = base64.b64decode(encoded)
    keys = np.array([int(t[2:], 16) for t in doc[BAND_FIELD]], dtype="<u8")
    return {KEY_FIELD: keys.tobytes() + raw[:_SIG_BYTES], FINGERPRINT_FIELD: raw[_SIG_BYTES:]}


class ClusterLookup:
    """The indexed documents sharing a band key with a bulk's documents (copies.Lookup)."""

    def __init__(self, found: list[tuple[Fingerprint, int]]) -> None:
        self._found = found
        self._by_band: dict[tuple[int, int], list[int]] = {}
        for i, (fp, _) in enumerate(found):
            for band, key in enumerate(band_keys(fp.sig).tolist()):
                self._by_band.setdefault((band, key), []).append(i)

    @classmethod
    def fetch(cls, client: Client, index: str, terms: list[str], replaced: list[str]) -> ClusterLookup:
        """Every document holding one of `terms`, but those under a URL in `replaced`."""
        found: dict[str, tuple[Fingerprint, int]] = {}
        unique = sorted(set(terms))
        for start in range(0, len(unique), TERMS_PER_QUERY):
            for hit in _hits(client, index, unique[start:start + TERMS_PER_QUERY], replaced):
                source = hit["_source"]
                fp = _fingerprint(base64.b64decode(source.get(FP_FIELD) or ""))
                if fp is not None and hit["_id"] not in found:
                    found[hit["_id"]] = (fp, int(source[GROUP_FIELD]))
        return cls(list(found.values()))

    def __len__(self) -> int:
        return len(self._found)

    def candidates(self, keys: np.ndarray) -> list[int]:
        out: set[int] = set()
        for band, key in enumerate(keys.tolist()):
            out.update(self._by_band.get((band, key), ()))
        return sorted(out)

    def sig(self, docnum: int) -> np.ndarray:
        return self._found[docnum][0].sig

    def group(self, docnum: int) -> int:
        return self._found[docnum][1]

    def fingerprint(self, docnum: int) -> Fingerprint | None:
        return self._found[docnum][0]


def _hits(client: Client, index: str, terms: list[str], replaced: list[str]) -> Iterator[dict[str, Any]]:
    # search_after over (seq, url): a total order, no scroll context to keep
    body: dict[str, Any] = {
        "size": PAGE, "_source": [FP_FIELD, GROUP_FIELD], "sort": [{"seq": "asc"}, {"url": "asc"}],
        "query": {"bool": {"filter": [{"terms": {BAND_FIELD: terms}}],
                           "must_not": [{"terms": {"url": replaced}}]}}}
    while True:
        page = client.request("POST", f"/{index}/_search", body)["hits"]["hits"]
        yield from page
        if len(page) < PAGE:
            return
        body["search_after"] = page[-1]["sort"]


def assign_groups(client: Client, index: str, docs: list[dict[str, Any]]) -> None:
    """Set each document's `copy_group` (docs: one bulk, in indexing order, one per URL)."""
    fields = [grouper_fields(doc) for doc in docs]
    terms = [t for doc in docs for t in doc.get(BAND_FIELD) or ()]
    lookup = ClusterLookup.fetch(client, index, terms, [doc["url"] for doc in docs]) if terms else None
    grouper = CopyGrouper(lookup)
    for doc, f in zip(docs, fields):
        doc[GROUP_FIELD] = grouper.assign(f, int(doc["seq"]))


__all__ = ["BAND_FIELD", "FP_FIELD", "GROUP_FIELD", "ClusterLookup", "assign_groups", "band_terms",
           "copy_doc_fields", "grouper_fields"]
