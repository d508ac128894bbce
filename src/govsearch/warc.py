"""Reading web archives (WARC, `.warc` or `.warc.gz`) into Articles.

Each HTTP response record goes through the crawler's own page reading
(`crawl.discover.decode_page`, then `extract.extract_page` with its listing
detection), so a page archived by Heritrix, `wget --warc-file`, Common Crawl
or `govsearch crawl --warc` is indexed exactly as if the crawler had fetched
it. warcio (Webrecorder's library) parses the records, de-chunks and
decompresses their payloads.

A record that cannot be parsed costs only itself: reading starts again at
the next record boundary found after it (the next gzip member of a
`.warc.gz`, the next `WARC/1.x` line of a `.warc`). A file that ends inside
a record (a crawl killed while writing) yields every whole record before it.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .article import Article, host_of
from .importer import ImportFileError

# A payload bigger than this is not a news article (the crawler's own cap).
MAX_PAYLOAD = 10 * 1024 * 1024
# How far past a damaged record to look for the next one.
_SCAN_CHUNK = 1 << 20
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = (b"\nWARC/1.0\r\n", b"\nWARC/1.1\r\n")

# What became of one record (WarcRecord.outcome).
ARTICLE = "article"
LISTING = "listing"          # the extractor took the page for a listing, tag or search page
NO_ARTICLE = "no-article"    # HTML without article text (too short, no headline and little text)
NOT_HTML = "not-html"
NOT_OK = "not-200"           # a redirect, 304, 404, 5xx, or a revisit (deduplicated) record
OTHER = "other"              # requests, warcinfo, metadata: not responses
BAD = "bad"                  # a record that could not be read; `reason` says why
OUTCOMES = (ARTICLE, LISTING, NO_ARTICLE, NOT_HTML, NOT_OK, OTHER, BAD)


@dataclass(slots=True)
class WarcRecord:
    """One record of a WARC file and what reading it gave."""

    number: int          # 1-based, in file order (a damaged stretch counts as one record)
    offset: int          # byte offset of the record in the file on disk
    end: int             # byte offset after it: where reading resumes
    uri: str
    outcome: str         # one of OUTCOMES
    article: Article | None = None
    reason: str = ""


@dataclass(slots=True)
class WarcCounts:
    """Per outcome, how many records; `responses` counts the HTTP responses among them."""

    records: int = 0
    responses: int = 0
    by_outcome: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    def add(self, record: WarcRecord, response: bool) -> None:
        self.records += 1
        self.responses += response
        self.by_outcome[record.outcome] += 1

    def to_dict(self) -> dict[str, int]:
        return {"records": self.records, "responses": self.responses,
                **{k.replace("-", "_"): v for k, v in self.by_outcome.items()}}


def is_warc(path: str | os.PathLike) -> bool:
    """A WARC by name (.warc, .warc.gz) or by its first bytes ("WARC/", or a gzip member that starts so)."""
    p = Path(path)
    name = p.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return True
    if name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")):
        return False
    try:
        with open(p, "rb") as f:
            head = f.read(64)
            if head.startswith(b"\x1f\x8b"):
                f.seek(0)
                head = gzip.GzipFile(fileobj=f).read(8)
    except (OSError, EOFError, zlib.error):
        return False
    return head.startswith(b"WARC/")


class WarcReader:
    """Every record of a WARC file as a WarcRecord, from byte `start` (a record boundary).

    `bytes_read` of `total_bytes` is how far reading has got in the file on
    disk, for progress. Article records carry their Article; `counts` tallies
    every outcome. A file that cannot be opened, or ends inside a record,
    raises ImportFileError after the whole records before the damage.
    """

    def __init__(self, path: str | os.PathLike, start: int = 0, first_number: int = 1) -> None:
        self.path = Path(path)
        self.start = start
        self.number = first_number - 1
        self.bytes_read = start
        self.counts = WarcCounts()
        try:
            self.total_bytes = self.path.stat().st_size
        except OSError as e:
            raise ImportFileError(f"cannot read {path}: {e.strerror or e}") from None

    def __iter__(self) -> Iterator[WarcRecord]:
        from warcio.archiveiterator import ArchiveIterator  # late: `import govsearch` stays light

        from .crawl.archive import record_is_whole

        try:
            raw = open(self.path, "rb")
        except OSError as e:
            raise ImportFileError(f"cannot read {self.path}: {e.strerror or e}") from None
        with raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            position = self.start
            while position < self.total_bytes:
                raw.seek(position)
                records = ArchiveIterator(raw, check_digests=False)
                item = None
                try:
                    for rec in records:
                        item = None
                        # where this record starts (get_record_offset() would read it to its end first)
                        offset = records.offset
                        item, response = self._read(rec, offset)
                        records.read_to_end()
                        item.end = offset + records.get_record_length()
                        if item.end >= self.total_bytes and not record_is_whole(raw, offset, gzipped):
                            self.number -= 1  # not read: a resumed import starts with it
                            raise ImportFileError(
                                f"cannot read {self.path}: it ends inside record {item.number} (byte "
                                f"{offset}; truncated?); the {item.number - 1} records before it were read")
                        self.bytes_read = min(item.end, self.total_bytes)
                        position = item.end
                        self.counts.add(item, response)
                        yield item
                        item = None
                    return
                except ImportFileError:
                    raise
                except GeneratorExit:
                    raise
                except Exception as e:  # noqa: BLE001 - the record is damaged, whatever warcio says
                    damaged_at = position
                    if item is None:
                        self.number += 1  # the damaged record had not been numbered yet
                    resume = self._next_boundary(raw, damaged_at + 1, gzipped)
                    if resume is None:
                        # Nothing readable after the damage: the file ends inside a record.
                        self.number -= 1
                        raise ImportFileError(
                            f"cannot read {self.path} from byte {damaged_at} "
                            f"(record {self.number + 1}): {_why(e)}; the file ends there "
                            f"(truncated?)") from None
                    position = resume
                    bad = WarcRecord(self.number, damaged_at, position, "", BAD,
                                     reason=f"record at byte {damaged_at} cannot be read ({_why(e)}); "
                                            f"skipped {position - damaged_at} bytes to the next record")
                    self.bytes_read = position
                    self.counts.add(bad, False)
                    yield bad

    def _read(self, rec, offset: int) -> tuple[WarcRecord, bool]:
        """The record as a WarcRecord (extracted if it is an HTML page), and whether it is a response."""
        self.number += 1
        uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
        item = WarcRecord(self.number, offset, offset, uri, OTHER)
        kind = rec.rec_type
        if kind == "revisit":
            item.outcome, item.reason = NOT_OK, "revisit record (the payload is in an earlier record)"
            return item, True
        if kind not in ("response", "resource"):
            return item, False
        http = rec.http_headers
        if kind == "response" and http is None:
            return item, False  # a response of another protocol (dns:, ftp:)
        if not uri.startswith(("http://", "https://")):
            return item, kind == "response"
        status = int(http.get_statuscode() or 0) if http is not None else 200
        if status != 200:
            item.outcome, item.reason = NOT_OK, f"HTTP {status}"
            return item, True
        ctype = (http.get_header("Content-Type") if http is not None
                 else rec.rec_headers.get_header("Content-Type")) or ""
        if ctype and "html" not in ctype.lower():
            item.outcome, item.reason = NOT_HTML, ctype.split(";")[0].strip()
            return item, True
        try:
            body = _read_payload(rec.content_stream(), MAX_PAYLOAD + 1)
        except Exception as e:  # noqa: BLE001 - a bad chunked or gzip payload is this record's alone
            item.outcome, item.reason = BAD, f"{uri}: payload cannot be decoded ({_why(e)})"
            return item, True
        if len(body) > MAX_PAYLOAD:
            item.outcome, item.reason = NOT_HTML, f"more than {MAX_PAYLOAD} bytes"
            return item, True
        if not ctype and b"<html" not in body[:2048].lower():
            item.outcome, item.reason = NOT_HTML, "no Content-Type and no <html>"
            return item, True
        try:
            found = extract_response(body, ctype, uri)
        except Exception as e:  # noqa: BLE001 - an extractor bug on one page must not end the import
            item.outcome, item.reason = BAD, f"{uri}: extraction failed ({type(e).__name__}: {e})"
            return item, True
        item.outcome, item.article, item.reason = found
        return item, True

    @staticmethod
    def _next_boundary(raw: BinaryIO, start: int, gzipped: bool) -> int | None:
        """The offset of the next record that parses, at or after `start`; None at the end of the file."""
        from warcio.archiveiterator import ArchiveIterator

        markers = (_GZIP_MEMBER,) if gzipped else _WARC_LINE
        at = start
        while True:
            raw.seek(at)
            chunk = raw.read(_SCAN_CHUNK + 16)
            if not chunk:
                return None
            hits = [i for i in (chunk.find(m) for m in markers) if i >= 0]
            if not hits:
                at += max(len(chunk) - 16, 1)
                continue
            candidate = at + min(hits) + (0 if gzipped else 1)  # a WARC line starts after its "\n"
            raw.seek(candidate)
            try:
                next(iter(ArchiveIterator(raw)))
                return candidate
            except Exception:  # noqa: BLE001 - not a record start after all (a chance match)
                at = candidate + 1


def extract_response(body: bytes, content_type: str, uri: str) -> tuple[str, Article | None, str]:
    """(outcome, article, reason) for one archived HTML page, read the way the crawler reads a page."""
    from .crawl.discover import decode_page
    from .crawl.urls import try_canonicalize
    from .extract import extract_page

    text, undecodable = decode_page(body, content_type)
    if undecodable:
        return BAD, None, f"{uri}: {undecodable}"
    fetched = try_canonicalize(uri) or uri
    result = extract_page(text, fetched, content_type)
    if result.article is None:
        return (LISTING if result.kind == "listing" else NO_ARTICLE), None, result.reason
    article = result.article
    # As the crawler does: the page's own canonical URL when it names the same site, else where it was fetched.
    named = try_canonicalize(article.url) if article.url else None
    url = named if named and host_of(named) == host_of(fetched) else fetched
    if url != article.url:
        article = dataclasses.replace(article, url=url, source=host_of(url))
    return ARTICLE, article, ""


def read_warc(path: str | os.PathLike, start: int = 0) -> Iterator[WarcRecord]:
    """Every record of a WARC file as a WarcRecord (see WarcReader)."""
    return iter(WarcReader(path, start))


def _read_payload(stream, limit: int) -> bytes:
    """Up to `limit` bytes: warcio's streams return one buffer per read(), not all that was asked."""
    parts, size = [], 0
    while size < limit:
        chunk = stream.read(min(65536, limit - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _why(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "the compressed data ends early"
    name = type(e).__name__
    # warcio quotes the bytes it could not read: binary noise, not worth a terminal line
    text = " ".join(str(e).split()).split(", first line:")[0]
    text = "".join(c for c in text if c.isascii() and c.isprintable())
    return f"{name}: {text[:80]}" if text else name


__all__ = ["ARTICLE", "BAD", "LISTING", "NOT_HTML", "NOT_OK", "NO_ARTICLE", "OTHER", "OUTCOMES",
           "WarcCounts", "WarcReader", "WarcRecord", "extract_response", "is_warc", "read_warc"]
