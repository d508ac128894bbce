"""Reading articles from JSONL: the format `govsearch import` reads and `export` writes.

One JSON object per line: `url`, `title`, `body`, and optionally `summary`,
`published` (ISO 8601), `source`, `author`, `category`. Records without a
`url` but with an `id` (as in the shared research corpus) get the stable URL
`urn:id:<id>`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .article import Article, ArticleError


class ImportFileError(OSError):
    """The input file cannot be opened or read."""


def open_text(path: str | os.PathLike) -> IO[str]:
    """Open a .jsonl or .jsonl.gz file as UTF-8 text (a BOM is skipped)."""
    p = Path(path)
    try:
        if p.suffix == ".gz":
            return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8-sig", errors="strict")
        return open(p, encoding="utf-8-sig", errors="strict")
    except OSError as e:
        raise ImportFileError(f"cannot read {path}: {e.strerror or e}") from None


def parse_line(line: str) -> Article:
    """One JSONL line to an Article; raises ArticleError with a short reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise ArticleError(f"not valid JSON ({e.msg} at column {e.colno})") from None
    if isinstance(record, dict) and not record.get("url") and record.get("id") not in (None, ""):
        record = dict(record, url=f"urn:id:{record['id']}")
    return Article.from_dict(record)


def read_jsonl(path: str | os.PathLike, start_line: int = 1) -> Iterator[tuple[int, Article | ArticleError]]:
    """(line number, Article or the error of that line) for every non-blank line.

    Lines before `start_line` are skipped without being parsed (resuming).
    """
    f = open_text(path)
    with f:
        lineno = 0
        try:
            for lineno, line in enumerate(f, 1):
                if lineno < start_line or not line.strip():
                    continue
                try:
                    yield lineno, parse_line(line)
                except ArticleError as e:
                    yield lineno, e
        except (UnicodeDecodeError, EOFError, gzip.BadGzipFile, OSError) as e:
            raise ImportFileError(f"cannot read {path} after line {lineno}: {e}") from None
