"""What a search accepts, checked and parsed the same way by every backend
(the embedded engine and the cluster one)."""

from __future__ import annotations

from datetime import datetime

from ..article import to_datetime
from ..errors import InputError
from ..index.schema import local_naive
from .cited import cited_key
from .parse import ParsedQuery, Unit, parse_query, to_syllables
from .results import MAX_PAGE

SORTS = ("relevance", "date")
MAX_LIMIT = 100


class QueryError(InputError):
    """Bad search parameters (not the query text, which never fails)."""


def checked_arguments(*, limit: int, page: int, sort: str, source: str | list[str] | None,
                      since: object, until: object) -> tuple[datetime | None, datetime | None, list[str]]:
    """(since, until, sources) of a search, or QueryError for a bad parameter.

    `since`/`until` may be a date, a datetime or an ISO 8601 string.
    """
    since_dt = to_datetime(since, "since", error=QueryError)
    until_dt = to_datetime(until, "until", end=True, error=QueryError)
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 1 <= page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}")
    if since_dt and until_dt and local_naive(since_dt) > local_naive(until_dt):
        raise QueryError("since is after until")
    sources = [source] if isinstance(source, str) else list(source or [])
    return since_dt, until_dt, sources


def parse_or_degrade(query: str) -> ParsedQuery:
    """The parsed query; should the parser ever fail, its words searched plainly, with a notice."""
    try:
        return parse_query(query)
    except Exception:  # noqa: BLE001 - the parser is meant never to fail; if it does, degrade
        pq = ParsedQuery(text=query, units=[Unit([[s]]) for s in to_syllables(query)])
        pq.notices.append("query could not be parsed; searched its words instead")
        return pq


def cited_filter(cites: str | list[str] | None,
                 cites_type: str | list[str] | None) -> tuple[list[str], list[str]]:
    """The canonical keys and the types of the cites filters; a value that is neither is a QueryError."""
    keys = []
    for value in [cites] if isinstance(cites, str) else list(cites or []):
        key = cited_key(value) if value and value.strip() else None
        if key is None:
            raise QueryError(f"cites: {value!r} is not a document number (e.g. 100/2019/NĐ-CP, "
                             f"11-QĐi/TW, 89/QĐ-UBND, or a type and number: NĐ 100)")
        keys.append(key)
    types = [t.strip() for t in ([cites_type] if isinstance(cites_type, str) else list(cites_type or []))
             if t and t.strip()]
    return keys, types


__all__ = ["MAX_LIMIT", "SORTS", "QueryError", "checked_arguments", "cited_filter", "parse_or_degrade"]
