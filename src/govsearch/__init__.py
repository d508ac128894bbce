"""govsearch: a search engine over Vietnamese government news.

The public API, the same one the CLI and the web app use:

    from govsearch import SearchEngine, Article
    engine = SearchEngine("index")
    engine.add(Article(url=..., title=..., body=...))
    result = engine.search("dân vận")
"""

from .article import Article, ArticleError
from .index import (IndexError_ as IndexError, IndexLockedError, IndexNotFoundError,
                    IndexStats, SchemaVersionError)
from .search import Hit, QueryError, SearchEngine, SearchResult
from .search import SORTS
from .search.engine import MAX_LIMIT, MAX_PAGE
from .search.parse import parse_date

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleError",
    "Hit",
    "IndexError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "MAX_LIMIT",
    "MAX_PAGE",
    "QueryError",
    "SORTS",
    "SchemaVersionError",
    "SearchEngine",
    "SearchResult",
    "parse_date",
]
