"""The Whoosh index: schema, versioning, safe writing, stored articles."""

from .schema import SCHEMA_VERSION, doc_fields, make_schema
from .store import (DEFAULT_INDEX, IndexError_, IndexLockedError, IndexNotFoundError,
                    IndexStats, IndexStore, SchemaVersionError, default_index_path)

__all__ = [
    "DEFAULT_INDEX",
    "SCHEMA_VERSION",
    "IndexError_",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "IndexStore",
    "SchemaVersionError",
    "default_index_path",
    "doc_fields",
    "make_schema",
]
