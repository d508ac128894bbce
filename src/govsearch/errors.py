"""One exception tree: everything govsearch raises on purpose derives from GovsearchError.

    GovsearchError
    ├── InputError (ValueError)            something handed to govsearch is malformed
    │   ├── ArticleError                   an article record (govsearch.article)
    │   ├── QueryError                     search parameters (govsearch.search)
    │   ├── ParamError                     web request parameters (govsearch.web)
    │   └── PortalError                    a crawl_seeds/*.toml portal file (govsearch.crawl)
    ├── ImportFileError (OSError)          a JSONL file cannot be opened or read to its end
    ├── IndexStoreError                    the index cannot be used as asked
    │   ├── IndexNotFoundError             no index at the path (and create=False)
    │   ├── IndexLockedError               another writer holds the write lock
    │   ├── SchemaVersionError             built by a govsearch with another schema
    │   ├── IndexDamagedError              files missing or unreadable (`govsearch check`)
    │   └── IndexUnavailable               the web app cannot open it (yet)
    └── CrawlError
        └── CrawlStateError (RuntimeError) the crawl state file cannot be used
            └── CrawlBusyError             another crawl is using it

The root and the branches live here; a leaf lives beside the code that raises
it and is re-exported from `govsearch`. Catch GovsearchError to handle every
error govsearch means to raise; what is not under it (an OSError from a full
disk, say) is the environment's.

This module imports nothing of ours, so any module may import it.
"""

from __future__ import annotations


class GovsearchError(Exception):
    """Root of every error govsearch raises on purpose; its message is one line for a user."""


class InputError(GovsearchError, ValueError):
    """Something handed to govsearch (a record, a parameter, a portal file) is malformed."""


class IndexStoreError(GovsearchError):
    """The index cannot be used as asked: missing, locked, of another version or damaged."""


class IndexNotFoundError(IndexStoreError):
    """No index at the path, and it was not to be created."""


class IndexLockedError(IndexStoreError):
    """Another writer (an import, a crawl) holds the index's write lock."""


class SchemaVersionError(IndexStoreError):
    """The index was built by a govsearch with another schema version: rebuild it."""


class IndexDamagedError(IndexStoreError):
    """Files of the index are missing or unreadable."""


class CrawlError(GovsearchError):
    """A crawl cannot start or go on."""


__all__ = [
    "CrawlError",
    "GovsearchError",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStoreError",
    "InputError",
    "SchemaVersionError",
]
