"""The Python API as an embedder meets it: date types, the exception tree, the version."""

from __future__ import annotations

import builtins
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import govsearch
from govsearch import Article, ArticleError, GovsearchError, QueryError, SearchEngine, to_datetime

VN = timezone(timedelta(hours=7))
ROOT = Path(__file__).resolve().parents[1]


def test_article_takes_datetime_date_and_iso_strings():
    a = Article(url="https://x.vn/1", title="t", body="b", published="2023-05-01T08:00:00")
    assert a.published == datetime(2023, 5, 1, 8, 0, tzinfo=VN)
    assert Article(url="https://x.vn/1", title="t", body="b", published=date(2023, 5, 1)).published == \
        datetime(2023, 5, 1, tzinfo=VN)
    utc = Article(url="https://x.vn/1", title="t", body="b", published="2023-05-01T01:00:00Z").published
    assert utc == datetime(2023, 5, 1, 8, 0, tzinfo=VN) and utc.utcoffset() == timedelta(0)  # kept as given
    for bad, words in [(20230501, "not int"), ("01/05/2023", "not ISO 8601"), ("tomorrow", "not ISO 8601"),
                       (True, "not bool"), ("0001-01-01T00:00:00+14:00", "out of range")]:
        with pytest.raises(ArticleError, match=words):
            Article(url="https://x.vn/1", title="t", body="b", published=bad)


def test_to_datetime_bounds_take_whole_days():
    assert to_datetime("2023-05-03", end=True) == datetime(2023, 5, 3, 23, 59, 59, 999999, tzinfo=VN)
    assert to_datetime(date(2023, 5, 3), end=True) == datetime(2023, 5, 3, 23, 59, 59, 999999, tzinfo=VN)
    assert to_datetime("2023-05-03T10:00", end=True) == datetime(2023, 5, 3, 10, 0, tzinfo=VN)
    assert to_datetime(None) is None
    with pytest.raises(QueryError, match="since must be a date"):
        to_datetime(1.5, "since", error=QueryError)


def test_search_accepts_the_same_date_types(small_engine):
    by_str = small_engine.search("dân vận", since="2022-01-01", until="2022-12-31")
    by_date = small_engine.search("dân vận", since=date(2022, 1, 1), until=date(2022, 12, 31))
    by_dt = small_engine.search("dân vận", since=datetime(2022, 1, 1), until=datetime(2022, 12, 31, 23, 59))
    titles = [h.title for h in by_str.hits]
    assert titles and titles == [h.title for h in by_date.hits] == [h.title for h in by_dt.hits]
    assert all(h.published.year == 2022 for h in by_str.hits)
    # a date-only until includes that whole day (article 1 is 2022-01-13 16:51)
    assert small_engine.search("dân vận", since="2022-01-13", until="2022-01-13").total == 1
    with pytest.raises(QueryError, match="since is not ISO 8601"):
        small_engine.search("dân vận", since="yesterday")
    with pytest.raises(QueryError, match="until must be a date"):
        small_engine.search("dân vận", until=2022)
    with pytest.raises(QueryError, match="out of range"):
        small_engine.search("dân vận", since="0001-01-01T00:00:00+14:00")


def test_every_error_derives_from_govsearch_error():
    from govsearch.crawl import CrawlBusyError, CrawlStateError, PortalError
    from govsearch.importer import ImportFileError
    from govsearch.web.holder import IndexUnavailable
    from govsearch.web.params import ParamError

    for cls in (ArticleError, QueryError, ImportFileError, govsearch.IndexNotFoundError,
                govsearch.IndexLockedError, govsearch.SchemaVersionError, govsearch.IndexDamagedError,
                IndexUnavailable, ParamError, PortalError, CrawlStateError, CrawlBusyError):
        assert issubclass(cls, GovsearchError), cls
    # what callers caught before still works
    assert issubclass(QueryError, ValueError) and issubclass(ImportFileError, OSError)
    assert issubclass(CrawlStateError, RuntimeError)
    assert govsearch.CrawlBusyError is CrawlBusyError  # exported without importing the crawler eagerly
    with pytest.raises(GovsearchError):
        SearchEngine(Path("/nonexistent/govsearch-index"), create=False)


def test_no_exported_name_shadows_a_builtin():
    shadowing = [name for name in govsearch.__all__ if hasattr(builtins, name)]
    assert shadowing == []
    assert all(hasattr(govsearch, name) for name in govsearch.__all__)


def test_one_version_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert govsearch.__version__ == project["version"]


def test_front_ends_import_only_the_public_api():
    cli = (ROOT / "src" / "govsearch" / "cli.py").read_text(encoding="utf-8")
    internal = [line.strip() for line in cli.splitlines()
                if line.lstrip().startswith("from .") and not line.lstrip().startswith(
                    ("from . import", "from .progress import", "from .crawl import", "from .extract import",
                     "from .web import"))]
    assert internal == []
