"""Searching: query parsing and building, ranking, snippets, suggestions."""

from .engine import SORTS, QueryError, SearchEngine
from .parse import ParsedQuery, parse_query
from .results import Copy, Hit, SearchResult

__all__ = ["SORTS", "Copy", "Hit", "ParsedQuery", "QueryError", "SearchEngine", "SearchResult", "parse_query"]
