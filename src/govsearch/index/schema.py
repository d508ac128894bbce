"""The index schema and how an Article becomes index fields.

Each article is analyzed once (`govsearch.text.analyze`) and the resulting
term lists feed six indexed fields: exact and folded syllables for the title
and for the lead + body (with positions, for phrases, except the exact body),
and exact and folded syllable bigrams for the title. Whoosh's own per-field
analyzer path would tokenize and normalize the same text once per field; the
`SyllableField` below takes the pre-analyzed terms instead.

Body bigrams are not Whoosh fields: Whoosh's writer is pure Python and
costs about 13 µs per posting, and body bigrams (exact and folded) tripled
the postings of a document (1,415 against 540 for the sample corpus). The
pairs of title and body live in a numpy sidecar instead (`pairs.py`), built
from the same analyzed terms; each document's `seq` column names it there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from whoosh import columns, fields, formats
from whoosh.system import pack_uint

from ..article import VIETNAM_TZ, Article
from ..text import analyze, bigrams
from ..text.citations import find_citations
from ..text.shingles import copy_terms
from .copies import FINGERPRINT_FIELD, GROUP_FIELD, KEY_FIELD, KEY_WIDTH, copy_fields
from ..text.analysis import (bigram_analyzer, exact_analyzer, folded_analyzer,
                             folded_bigram_analyzer)

# Bump whenever the terms produced for a text change (normalization, tone
# rules, fields): an index of another version must be rebuilt.
# 3: the legal documents each article cites (cites, cites_type, cites_issuer).
# 4: copy groups (copy_key, copy_fp, copy_group: govsearch.index.copies).
# 5: the stored copy fingerprint without the signature the key column holds;
#    pair offsets as 32-bit numbers where they fit (pairs.py).
SCHEMA_VERSION = 5

# Which text a field holds and how it is analyzed.
TEXT_FIELDS = {
    # name: (source, kind)
    "title": ("title", "exact"),
    "title_f": ("title", "folded"),
    "title_bi": ("title", "bigram"),
    "title_bif": ("title", "folded_bigram"),
    "body": ("body", "exact"),
    "body_f": ("body", "folded"),
}
_ANALYZERS = {
    "exact": exact_analyzer,
    "folded": folded_analyzer,
    "bigram": bigram_analyzer,
    "folded_bigram": folded_bigram_analyzer,
}


class Postings(tuple):
    """A text field's postings computed ahead (`SyllableField.index` output), see prepare.py."""

    __slots__ = ()


class SyllableField(fields.TEXT):
    """A TEXT field that also accepts its terms already analyzed.

    Given a string it behaves like any Whoosh TEXT field (through our
    analyzer); given a list of terms it indexes them as they are, which is
    how the writer feeds it. Both paths produce identical postings.
    """

    def index(self, value: str | Sequence[str], **kwargs) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, Postings):
            yield from value
            return
        if isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        fmt = self.format
        fb = fmt.field_boost
        if isinstance(fmt, formats.Positions):
            poses: dict[str, list[int]] = defaultdict(list)
            for pos, term in enumerate(value):
                poses[term].append(pos)
            encode = fmt.encode
            for term, plist in poses.items():
                yield term.encode("utf-8"), len(plist), len(plist) * fb, encode(plist)
        else:
            freqs: dict[str, int] = defaultdict(int)
            for term in value:
                freqs[term] += 1
            for term, freq in freqs.items():
                yield term.encode("utf-8"), freq, freq * fb, pack_uint(freq)


def make_schema() -> fields.Schema:
    schema = fields.Schema(
        url=fields.ID(stored=True, unique=True),
        summary=fields.STORED(),
        # Missing dates read as 0, so they sort last when newest comes first
        # (Whoosh's default for a missing value is the largest number).
        published=fields.DATETIME(sortable=columns.NumericColumn("Q", default=0)),
        # the stored publication time keeps its +07:00 offset (ISO 8601)
        published_at=fields.STORED(),
        year=fields.ID(stored=False, sortable=True),
        source=fields.KEYWORD(stored=True, sortable=True, scorable=False),
        category=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        author=fields.TEXT(stored=True, analyzer=exact_analyzer()),
        # the document's name in the pair sidecar (pairs.py)
        seq=fields.COLUMN(columns.NumericColumn("Q", default=0)),
        # The legal documents the article cites (govsearch.text.citations): their
        # keys ("100/2019/NĐ-CP", "NĐ 100": a key may hold a space, never a comma),
        # stored for the hits; and their types and issuers, for the facets.
        cites=fields.KEYWORD(stored=True, commas=True, scorable=False),
        cites_type=fields.KEYWORD(commas=True, scorable=False),
        cites_issuer=fields.KEYWORD(commas=True, scorable=False),
        # Copy groups (copies.py): the MinHash band keys and signature, read by
        # the next write batch to find the copies of what it adds; the rest of
        # the fingerprint (length, numbers); the group, for the search's collapse.
        **{KEY_FIELD: fields.COLUMN(columns.FixedBytesColumn(KEY_WIDTH)),
           FINGERPRINT_FIELD: fields.STORED(),
           GROUP_FIELD: fields.COLUMN(columns.NumericColumn("Q", default=0))},
    )
    for name, (source, kind) in TEXT_FIELDS.items():
        # Positions only where phrases are checked: the folded fields, and the
        # title. The exact body field's positions were 20% of the index and of
        # the import time; a phrase typed with diacritics is found through its
        # exact pairs and checked on folded positions (search/phrases.py).
        positions = kind == "folded" or name == "title"
        schema.add(name, SyllableField(
            analyzer=_ANALYZERS[kind](),
            phrase=positions,
            stored=(name == source),
        ))
    return schema


def local_naive(dt: datetime) -> datetime:
    """Vietnamese local wall time without tzinfo: Whoosh's DATETIME cannot index aware values."""
    if dt.tzinfo is None:
        return dt
    return dt.astimezone(VIETNAM_TZ).replace(tzinfo=None)


@dataclass(slots=True)
class Analyzed:
    """An article's fields for Whoosh, and its terms for the pair sidecar."""

    fields: dict[str, object]
    title: tuple[list[str], list[str]]
    body: tuple[list[str], list[str]]


def analyzed_doc(article: Article, seq: int = 0) -> Analyzed:
    """An article analyzed once: Whoosh's `add_document` arguments and the terms for its pairs."""
    title_exact, title_folded = analyze(article.title)
    # The lead is indexed with the body: searchers do not care which it was.
    body_exact, body_folded = analyze(article.text)
    doc: dict[str, object] = {
        "seq": seq,
        "url": article.url,
        "title": title_exact,
        "_stored_title": article.title,
        "title_f": title_folded,
        "title_bi": bigrams(title_exact),
        "title_bif": bigrams(title_folded),
        "body": body_exact,
        "_stored_body": article.body,
        "body_f": body_folded,
        "summary": article.summary,
        "source": article.source,
    }
    if article.category:
        # one category is one keyword, even when its name holds a comma
        doc["category"] = article.category.replace(",", " ")
        doc["_stored_category"] = article.category
    if article.author:
        doc["author"] = article.author
    cited = find_citations(article.title + "\n" + article.text)
    if cited:
        doc["cites"] = ",".join(c.key for c in cited)
        doc["cites_type"] = ",".join(dict.fromkeys(c.doc_type for c in cited))
        issuers = dict.fromkeys(c.issuer for c in cited if c.issuer)
        if issuers:
            doc["cites_issuer"] = ",".join(issuers)
    doc.update(copy_fields(copy_terms(title_folded, article.text, body_folded)))
    if article.published is not None:
        doc["published"] = local_naive(article.published)
        doc["published_at"] = article.published.isoformat()
        doc["year"] = str(article.published.astimezone(VIETNAM_TZ).year)
    return Analyzed(doc, (title_exact, title_folded), (body_exact, body_folded))


def doc_fields(article: Article, seq: int = 0) -> dict[str, object]:
    """The keyword arguments of `writer.add_document` for one article."""
    return analyzed_doc(article, seq).fields


def cites_from_stored(stored: dict) -> list[str]:
    """The keys of the documents a stored article cites, in order of first mention."""
    value = stored.get("cites") or ""
    return value.split(",") if value else []


def article_from_stored(stored: dict) -> Article:
    """Rebuild the Article from a document's stored fields."""
    published = stored.get("published_at")
    return Article(
        url=stored["url"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        summary=stored.get("summary", "") or "",
        published=datetime.fromisoformat(published) if published else None,
        source=stored.get("source", "") or "",
        author=stored.get("author", "") or "",
        category=stored.get("category", "") or "",
    )


__all__ = ["SCHEMA_VERSION", "Analyzed", "Postings", "SyllableField", "TEXT_FIELDS", "make_schema",
           "analyzed_doc", "doc_fields", "article_from_stored", "cites_from_stored", "local_naive"]
