"""The legal documents articles cite: the `cites` filter and the facets over what is cited.

An article cites any number of documents, so these fields hold many values
per document, unlike `source` and `year` (one each, `vector.Snapshot.codes`).
Per index generation, each field's postings are read once into two parallel
arrays (document, value code); a facet is then one bincount over the pairs
whose document matched.
"""

from __future__ import annotations

import numpy as np

from ..index.internals import read_postings
from ..text.citations import Citation, citation_of_key, normalize_key
from .vector import Snapshot

# Facet name -> the index field it counts; "cites" is cut to the most cited.
CITED_FACETS = {"cites_type": "cites_type", "cites_issuer": "cites_issuer", "cites": "cites"}
TOP_CITED = 20


def cited_key(value: str) -> str | None:
    """The canonical key of a document as a user typed it ("100/2019/nd-cp"); None if it is none."""
    return normalize_key(value)


def cited_document(key: str) -> Citation | None:
    """What a key names on its own (type, issuer), for a document's heading."""
    return citation_of_key(key)


def _pairs(snap: Snapshot, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(values, document of each pair, value code of each pair) of a many-valued field, cached per generation."""
    cache_key = "cited:" + field
    hit = snap.extras.get(cache_key)
    if hit is None:
        values: list[str] = []
        docs_parts, code_parts = [], []
        for reader, offset in snap.segments:
            if field not in reader.indexed_field_names():
                continue
            for raw in reader.lexicon(field):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                ids, _ = read_postings(reader.postings(field, term))
                values.append(term)
                docs_parts.append(ids + offset)
                code_parts.append(np.full(ids.size, len(values) - 1, dtype=np.int32))
        # one code per value across segments
        names = sorted(set(values))
        index = {v: i for i, v in enumerate(names)}
        remap = np.array([index[v] for v in values], dtype=np.int32) if values else np.zeros(0, dtype=np.int32)
        docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, dtype=np.int64)
        codes = remap[np.concatenate(code_parts)] if code_parts else np.zeros(0, dtype=np.int32)
        hit = snap.extras[cache_key] = (names, docs, codes)
    return hit  # type: ignore[return-value]  # snap.extras holds objects; this key holds this triple


def cited_facets(snap: Snapshot, matched: np.ndarray) -> dict[str, dict[str, int]]:
    """Matched articles per cited document type, issuer, and (the TOP_CITED most cited) document.

    Each counts articles: one that cites two Nghị định counts once under Nghị định.
    """
    out: dict[str, dict[str, int]] = {}
    for name, field in CITED_FACETS.items():
        values, docs, codes = _pairs(snap, field)
        if not values:
            out[name] = {}
            continue
        picked = codes[matched[docs]]
        counts = np.bincount(picked, minlength=len(values))
        ranked = sorted(((values[i], int(c)) for i, c in enumerate(counts) if c), key=lambda kv: (-kv[1], kv[0]))
        out[name] = dict(ranked[:TOP_CITED] if name == "cites" else ranked)
    return out


def cites_mask(snap: Snapshot, keys: list[str], types: list[str]) -> np.ndarray:
    """Articles that cite every document in `keys` and some document of every type in `types`."""
    keep = np.ones(snap.size, dtype=bool)
    for key in keys:
        keep &= snap.mask_of(snap.docs("cites", key))
    for doc_type in types:
        keep &= snap.mask_of(snap.docs("cites_type", doc_type))
    return keep


__all__ = ["CITED_FACETS", "TOP_CITED", "cited_document", "cited_facets", "cited_key", "cites_mask"]
