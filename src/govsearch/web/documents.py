"""A cited document's page: the articles that cite it, newest first, formatted for the template."""

from __future__ import annotations

from dataclasses import dataclass, field

from govsearch import Citation, SearchResult

from .params import SearchParams
from .view import HitView, Link, _hit, _paginate, number, seconds


@dataclass(slots=True)
class DocumentView:
    key: str
    heading: str  # "Nghị định 100/2019/NĐ-CP"
    doc_type: str
    issuer: str
    summary: str = ""
    hits: list[HitView] = field(default_factory=list)
    pages: list[Link] = field(default_factory=list)
    prev: Link | None = None
    next: Link | None = None


def heading(doc: Citation) -> str:
    """How a person names the document: its type, then its number ("NĐ 100" reads "Nghị định số 100")."""
    if doc.full:
        return f"{doc.doc_type} {doc.key}"
    year = f" năm {doc.year}" if doc.year else ""
    return f"{doc.doc_type} số {doc.number}{year}"


def document_view(doc: Citation, p: SearchParams, result: SearchResult) -> DocumentView:
    v = DocumentView(key=doc.key, heading=heading(doc), doc_type=doc.doc_type, issuer=doc.issuer)
    found = f"{number(result.total)} bài viết trích dẫn văn bản này" if result.total else \
        "Chưa có bài viết nào trích dẫn văn bản này"
    if result.groups is not None and result.groups != result.total:
        found += f" ({number(result.groups)} tin sau khi gộp bản sao)"
    v.summary = f"{found}, mới nhất trước ({seconds(result.took_ms)} giây)"
    first = (result.page - 1) * result.limit + 1
    v.hits = [_hit(i, h) for i, h in enumerate(result.hits, first)]
    _paginate(v, p, result.pages)
    return v


def document_json(doc: Citation, result: SearchResult) -> dict:
    """The document page as data: the document, then what /api/search returns for `cites=KEY`."""
    return {"document": {"key": doc.key, "doc_type": doc.doc_type, "issuer": doc.issuer,
                         "number": doc.number, "year": doc.year or None, "full": doc.full},
            **result.to_dict()}
