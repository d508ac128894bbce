"""govsearch: a search engine over Vietnamese government news.

The public API, the same one the CLI and the web app use:

    from govsearch import SearchEngine, Article
    engine = SearchEngine("index")
    engine.add(Article(url=..., title=..., body=...))
    result = engine.search("dân vận")

Every error it raises on purpose derives from GovsearchError (govsearch.errors).
"""

from importlib import metadata as _metadata

from .article import Article, ArticleError, to_datetime
from .errors import (CrawlError, GovsearchError, IndexDamagedError, IndexLockedError,
                     IndexNotFoundError, IndexStoreError, InputError, SchemaVersionError)
from .importer import ImportFileError, JsonlReader, read_jsonl
from .index import IndexStats, default_index_path
from .index.check import IndexCheck, check_index
from .search import SORTS, Copy, Hit, QueryError, SearchEngine, SearchResult
from .search.engine import MAX_LIMIT, MAX_PAGE
from .search.cited import cited_document, cited_key
from .search.parse import parse_date
from .warc import WarcReader, WarcRecord, is_warc, read_warc
from .alerts import NewSinceLast, SavedQueries
from .text.citations import Citation

# The crawler's errors and the cluster's set-up, without importing them for every `import govsearch`.
_LAZY = {"CrawlStateError": ".crawl.state", "CrawlBusyError": ".crawl.state",
         "PortalError": ".crawl.portals", "init_cluster": ".backends.template",
         "ClusterCheck": ".backends.check", "check_cluster": ".backends.check",
         "Migration": ".backends.migrate", "parse_cluster_url": ".backends"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'govsearch' has no attribute {name!r}")


try:
    # one version source: pyproject.toml, as installed
    __version__ = _metadata.version("govsearch")
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "MAX_LIMIT",
    "MAX_PAGE",
    "SORTS",
    "Article",
    "ArticleError",
    "Citation",
    "ClusterCheck",
    "Copy",
    "CrawlBusyError",
    "CrawlError",
    "CrawlStateError",
    "GovsearchError",
    "Hit",
    "ImportFileError",
    "IndexCheck",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "IndexStoreError",
    "InputError",
    "JsonlReader",
    "Migration",
    "NewSinceLast",
    "PortalError",
    "QueryError",
    "SavedQueries",
    "SchemaVersionError",
    "SearchEngine",
    "SearchResult",
    "check_index",
    "init_cluster",
    "check_cluster",
    "parse_cluster_url",
    "cited_document",
    "cited_key",
    "default_index_path",
    "parse_date",
    "read_jsonl",
    "to_datetime",
    "WarcReader",
    "WarcRecord",
    "is_warc",
    "read_warc",
    "__version__",
]
