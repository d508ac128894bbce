"""An Article as the cluster's document: govsearch's own terms, space-joined.

The cluster's text fields only split on whitespace (deploy/opensearch), so
the terms it indexes are exactly the ones `govsearch.text.analyze` gives the
embedded index: the same function at index time and query time, whichever
backend holds the documents.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..article import VIETNAM_TZ, Article
from ..index.copies import copy_fields
from ..index.pairs import article_pairs
from ..index.schema import article_from_stored
from ..text import analyze, bigrams
from ..text.citations import find_citations
from ..text.shingles import copy_terms
from .copies import copy_doc_fields


def pair_term(key: int) -> str:
    """A pair key (index.pairs.pair_key) as the cluster's term."""
    return f"{key:016x}"


def doc_id(url: str) -> str:
    """The document's _id: the URL's digest (an _id may hold at most 512 bytes, a URL more)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def to_doc(article: Article, seq: int = 0) -> dict[str, Any]:
    """The cluster's document; `seq` is its indexing number (ClusterEngine hands them out in order).

    Its copy group is set apart (copies.assign_groups), as it depends on what is indexed already.
    """
    title = analyze(article.title)
    body = analyze(article.text)
    keys, counts = article_pairs(title, body)
    pairs = " ".join(" ".join([pair_term(int(k))] * int(c)) for k, c in zip(keys, counts))
    doc: dict[str, Any] = {
        "url": article.url,
        "title": " ".join(title[0]),
        "title_f": " ".join(title[1]),
        "title_bi": " ".join(bigrams(title[0])),
        "title_bif": " ".join(bigrams(title[1])),
        "body": " ".join(body[0]),
        "body_f": " ".join(body[1]),
        "pairs": pairs,
        "source": article.source,
        "seq": seq,
        "doc": {
            "url": article.url, "title": article.title, "body": article.body,
            "summary": article.summary, "source": article.source, "author": article.author,
            "category": article.category,
            "published_at": article.published.isoformat() if article.published else None,
        },
    }
    if article.author:
        doc["author"] = " ".join(analyze(article.author)[0])
    if article.category:
        # as the embedded index keys it: one lower-case keyword, commas as spaces
        doc["category"] = article.category.replace(",", " ").lower()
    cited = find_citations(article.title + "\n" + article.text)
    if cited:
        # as the embedded index keeps them (index/schema.py): keys in order of first mention
        doc["cites"] = [c.key for c in cited]
        doc["cites_type"] = list(dict.fromkeys(c.doc_type for c in cited))
        issuers = list(dict.fromkeys(c.issuer for c in cited if c.issuer))
        if issuers:
            doc["cites_issuer"] = issuers
    if article.published is not None:
        doc["published"] = article.published.isoformat()
        doc["year"] = str(article.published.astimezone(VIETNAM_TZ).year)
    # compared on the same syllables as in the embedded index (index/schema.py)
    doc.update(copy_doc_fields(copy_fields(copy_terms(title[1], article.text, body[1]))))
    return doc


def from_source(source: dict[str, Any]) -> Article:
    return article_from_stored(source["doc"])


def cites_of(source: dict[str, Any]) -> list[str]:
    """The keys of the documents a stored document cites, in order of first mention."""
    return list(source.get("cites") or [])
