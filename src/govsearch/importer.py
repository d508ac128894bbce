"""Reading articles from JSONL: the format `govsearch import` reads and `export` writes.

One JSON object per line: `url`, `title`, `body`, and optionally `summary`,
`published` (ISO 8601), `source`, `author`, `category`. Records without a
`url` but with an `id` (as in the shared research corpus) get the stable URL
`urn:id:<id>` and, unless they name one, the id's prefix as their source.

Each line is decoded and parsed on its own, so a line that is not UTF-8, not
JSON or not an article is reported with its number and costs no other line.
A file that cannot be read to its end (a truncated .gz) yields every line
read before the damage, then raises ImportFileError.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from .article import ID_URL_PREFIX, Article, ArticleError
from .errors import GovsearchError

GZIP_MAGIC = b"\x1f\x8b"


class ImportFileError(GovsearchError, OSError):
    """The input file cannot be opened or read (to its end)."""


def parse_line(line: str | bytes) -> Article:
    """One JSONL line to an Article; raises ArticleError with a short reason."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ArticleError(f"not valid UTF-8 (byte 0x{line[e.start]:02x} at byte "
                               f"{e.start + 1} of the line)") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise ArticleError(f"not valid JSON ({e.msg} at column {e.colno})") from None
    except RecursionError:
        raise ArticleError("not valid JSON here (nested too deeply)") from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise ArticleError(f"not valid JSON here ({e})") from None
    if isinstance(record, dict) and not record.get("url") and record.get("id") not in (None, ""):
        record = dict(record, url=f"{ID_URL_PREFIX}{record['id']}")
    return Article.from_dict(record)


class JsonlReader:
    """(line number, Article or that line's ArticleError) for every non-blank line of a file.

    `.jsonl` or `.jsonl.gz` (gzip is recognized by its first bytes too).
    `bytes_read` of `total_bytes` is how far into the file on disk reading
    has got (compressed bytes for .gz): a progress measure known in advance.
    Lines before `start_line` are skipped without being parsed (resuming).
    """

    def __init__(self, path: str | os.PathLike, start_line: int = 1) -> None:
        self.path = Path(path)
        self.start_line = start_line
        self.line = 0          # the last line read
        self.bytes_read = 0
        try:
            self.total_bytes = self.path.stat().st_size
        except OSError as e:
            raise ImportFileError(f"cannot read {path}: {e.strerror or e}") from None

    def _open(self) -> tuple[io.BufferedReader, io.BufferedIOBase]:
        try:
            raw = open(self.path, "rb")
        except OSError as e:
            raise ImportFileError(f"cannot read {self.path}: {e.strerror or e}") from None
        try:
            is_gzip = raw.peek(2)[:2] == GZIP_MAGIC
        except OSError as e:
            raw.close()
            raise ImportFileError(f"cannot read {self.path}: {e.strerror or e}") from None
        if self.path.suffix == ".gz" and not is_gzip:
            raw.close()
            raise ImportFileError(f"cannot read {self.path}: not a gzip file")
        return raw, (gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip else raw)

    def __iter__(self) -> Iterator[tuple[int, Article | ArticleError]]:
        raw, stream = self._open()
        try:
            lines = iter(stream)
            while True:
                try:
                    data = next(lines)
                except StopIteration:
                    break
                except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as e:
                    raise ImportFileError(self._damage(e)) from None
                self.line += 1
                self.bytes_read = raw.tell()
                if self.line < self.start_line:
                    continue
                if self.line == 1 and data.startswith(codecs.BOM_UTF8):
                    data = data[len(codecs.BOM_UTF8):]
                if not data.strip():
                    continue
                try:
                    yield self.line, parse_line(data)
                except ArticleError as e:
                    yield self.line, e
                except Exception as e:  # noqa: BLE001 - whatever it is, it is this line's alone
                    yield self.line, ArticleError(f"cannot be read ({type(e).__name__}: {e})")
            self.bytes_read = self.total_bytes
        finally:
            if stream is not raw:
                stream.close()
            raw.close()

    def _damage(self, e: BaseException) -> str:
        where = f"after line {self.line}" if self.line else "from its start"
        if isinstance(e, EOFError):
            reason = "the compressed file ends early (truncated?)"
        elif isinstance(e, OSError) and not isinstance(e, gzip.BadGzipFile) and e.strerror:
            reason = e.strerror
        else:
            reason = f"damaged compressed data ({e})"
        return f"cannot read {self.path} {where}: {reason}"


def read_jsonl(path: str | os.PathLike, start_line: int = 1) -> Iterator[tuple[int, Article | ArticleError]]:
    """(line number, Article or the error of that line) for every non-blank line; see JsonlReader."""
    return iter(JsonlReader(path, start_line))


__all__ = ["ImportFileError", "JsonlReader", "parse_line", "read_jsonl"]
