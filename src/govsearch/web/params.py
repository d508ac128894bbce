"""Search parameters as they arrive over HTTP, checked once for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from govsearch import (MAX_LIMIT, MAX_PAGE, SORTS, InputError, QueryError, SearchEngine, SearchResult, cited_key,
                       parse_date)

DEFAULT_LIMIT = 10
DATE_FORMATS = "YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY"
DATE_FORMATS_VI = "ngày/tháng/năm như 31/12/2022, hoặc 2022-12-31, 2022-12, 2022"
# What the page calls each parameter when it tells a person what they got wrong.
NAMES_VI = {"page": "Số trang", "limit": "Số kết quả mỗi trang", "since": "Ngày bắt đầu",
            "until": "Ngày kết thúc", "sort": "Cách sắp xếp"}


class ParamError(InputError):
    """A parameter a user or a client got wrong; reported as 400/422, never 500.

    `str(e)` is the English line the JSON API returns; `e.vi` what the page shows.
    """

    def __init__(self, message: str, vi: str) -> None:
        super().__init__(message)
        self.vi = vi


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str = ""
    page: int = 1
    limit: int = DEFAULT_LIMIT
    sources: tuple[str, ...] = ()
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    cites: tuple[str, ...] = ()  # canonical document keys
    cites_type: str = ""
    collapse: bool = True  # one hit per story, its copies under it (collapse=false: every copy)
    since_dt: datetime | None = field(default=None, compare=False)
    until_dt: datetime | None = field(default=None, compare=False)

    def with_(self, **changes) -> SearchParams:
        return replace(self, **changes)


def parse_params(q: str | None, *, page: str | int | None = None, limit: str | int | None = None,
                 sources: list[str] | tuple[str, ...] | None = None, since: str | None = None,
                 until: str | None = None, sort: str | None = None,
                 cites: list[str] | tuple[str, ...] | None = None, cites_type: str | None = None,
                 collapse: str | bool | None = None) -> SearchParams:
    """Check every parameter; the first bad one raises ParamError with a message for people."""
    page_n = _int(page, "page", 1, 1, MAX_PAGE)
    limit_n = _int(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    sort = (sort or "relevance").strip()
    if sort not in SORTS:
        raise ParamError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}",
                         f"{NAMES_VI['sort']} «{sort}» không có; chọn «Liên quan nhất» hoặc «Mới nhất».")
    since, until = (since or "").strip(), (until or "").strip()
    since_dt = _date(since, "since", end=False)
    until_dt = _date(until, "until", end=True)
    if since_dt and until_dt and since_dt > until_dt:
        raise ParamError(f"since ({since}) is after until ({until})",
                         f"Ngày bắt đầu ({since}) ở sau ngày kết thúc ({until}).")
    clean = tuple(dict.fromkeys(s.strip() for s in sources or () if s and s.strip()))
    keys = []
    for value in cites or ():
        if not value or not value.strip():
            continue
        key = cited_key(value)
        if key is None:
            raise ParamError(f"cites: {value!r} is not a document number (e.g. 100/2019/NĐ-CP)",
                             f"«{value}» không phải là số hiệu văn bản (ví dụ: 100/2019/NĐ-CP, 11-QĐi/TW).")
        keys.append(key)
    return SearchParams(q=q or "", page=page_n, limit=limit_n, sources=clean, since=since,
                        until=until, sort=sort, since_dt=since_dt, until_dt=until_dt,
                        cites=tuple(dict.fromkeys(keys)), cites_type=(cites_type or "").strip(),
                        collapse=_bool(collapse, "collapse", True))


def run_search(engine: SearchEngine, p: SearchParams) -> SearchResult:
    try:
        return engine.search(p.q, limit=p.limit, page=p.page, source=list(p.sources) or None,
                             since=p.since_dt, until=p.until_dt, sort=p.sort,
                             cites=list(p.cites) or None, cites_type=p.cites_type or None,
                             collapse=p.collapse)
    except QueryError as e:
        raise ParamError(str(e), "Không thực hiện được truy vấn này; hãy thử từ khóa khác.") from None


def _bool(value: str | bool | None, name: str, default: bool) -> bool:
    if value is None or isinstance(value, bool):
        return default if value is None else value
    text = value.strip().lower()
    if not text:
        return default
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ParamError(f"{name} must be true or false, not {value!r}",
                     f"Tham số {name} phải là true hoặc false, không phải «{value}».")


def _int(value: str | int | None, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ParamError(f"{name} must be a whole number, not {value!r}",
                         f"{NAMES_VI[name]} phải là số nguyên, không phải «{value}».") from None
    if not lo <= n <= hi:
        raise ParamError(f"{name} must be between {lo} and {hi}",
                         f"{NAMES_VI[name]} phải từ {lo} đến {hi}.")
    return n


def _date(value: str, name: str, *, end: bool) -> datetime | None:
    if not value:
        return None
    parsed = parse_date(value, end=end)
    if parsed is None:
        raise ParamError(f"{name} {value!r} is not a date (use {DATE_FORMATS})",
                         f"{NAMES_VI[name]} «{value}» không phải là ngày hợp lệ (nhập {DATE_FORMATS_VI}).")
    return parsed
