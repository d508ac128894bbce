"""Keeping what the crawler fetched as a web archive (`govsearch crawl --warc OUT.warc.gz`).

Every HTTP exchange (each retry and redirect hop too) becomes a WARC request
record and a response record, written with warcio. The response payload is
the body as httpx handed it over, after Content-Encoding was undone, so the
stored headers drop Content-Encoding and Transfer-Encoding and say the
stored length; a body the crawler did not read (an error page, a redirect,
a type it does not want) is marked `WARC-Truncated`.

Safe appending: each pair of records is built in memory and written with one
`write()`, then flushed, so a crash can cut at most the last pair. A marker
file (`OUT.warc.gz.open`) exists while a crawl writes; when the next crawl
finds it, the previous one did not close the archive, and the file is cut
back to its last whole record before anything is appended. A `.gz` name
gives one gzip member per record (what every WARC tool reads).
"""

from __future__ import annotations

import asyncio
import io
import os
import threading
import zlib
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from govsearch.errors import CrawlError

from .fetch import FetchResult

# Headers that describe the bytes on the wire, not the payload as stored.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
_EMPTY_BODY = {204, 304}


class WarcWriteError(CrawlError):
    """The web archive cannot be opened or written (a full disk, a bad path)."""


class WarcRecorder:
    """Appends request/response record pairs to one WARC file; thread-safe."""

    def __init__(self, path: str | os.PathLike, *, software: str = "govsearch") -> None:
        from warcio.warcwriter import WARCWriter  # late: only crawls that archive need warcio

        self.path = Path(path)
        self.gzip = self.path.name.lower().endswith(".gz")
        self.marker = self.path.with_name(self.path.name + ".open")
        self._writer_class = WARCWriter
        self._lock = threading.Lock()
        self.records = 0
        try:
            if self.marker.exists() and self.path.exists():
                cut_to_whole_records(self.path, self.gzip)
            self.marker.touch()
            self._file: BinaryIO | None = open(self.path, "ab")
        except OSError as e:
            raise WarcWriteError(f"cannot write the web archive {self.path}: {e.strerror or e}") from None
        self._append(self._warcinfo(software))

    # --- records -------------------------------------------------------------------

    def _buffer(self):
        buf = io.BytesIO()
        return buf, self._writer_class(buf, gzip=self.gzip, warc_version="1.1")

    def _warcinfo(self, software: str) -> bytes:
        buf, writer = self._buffer()
        writer.write_record(writer.create_warcinfo_record(self.path.name, {
            "software": software, "format": "WARC File Format 1.1",
            "description": "pages fetched by govsearch crawl"}))
        return buf.getvalue()

    def _pair(self, result: FetchResult) -> bytes:
        from warcio.statusandheaders import StatusAndHeaders

        response = result.response
        assert response is not None
        uri = result.final_url
        request = response.request
        parts = urlsplit(str(request.url))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        version = response.http_version or "HTTP/1.1"
        req_headers = StatusAndHeaders(f"{request.method} {target} {version}",
                                       _pairs(request.headers.raw), is_http_request=True)
        body = result.body
        kept = [(k, v) for k, v in _pairs(result.headers.raw) if k.lower() not in _WIRE_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        status = f"{result.status} {response.reason_phrase or ''}".strip()
        resp_headers = StatusAndHeaders(status, kept, protocol=version)
        extra = {}
        if self._truncated(result):
            extra["WARC-Truncated"] = "unspecified"
        buf, writer = self._buffer()
        resp_record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                http_headers=resp_headers,
                                                warc_headers_dict=extra or None)
        req_record = writer.create_warc_record(uri, "request", payload=io.BytesIO(b""),
                                               http_headers=req_headers)
        writer.write_request_response_pair(req_record, resp_record)
        return buf.getvalue()

    @staticmethod
    def _truncated(result: FetchResult) -> bool:
        """True when the server sent a body the crawler did not read (or not all of it)."""
        if result.body or result.status in _EMPTY_BODY:
            return bool(result.problem) and result.status == 200
        declared = str(result.headers.get("content-length", "")).strip()
        return declared != "0"

    # --- writing -------------------------------------------------------------------

    def _append(self, data: bytes) -> None:
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.write(data)  # one write: a crash cuts at most this pair
                self._file.flush()
            except OSError as e:
                raise WarcWriteError(
                    f"cannot write the web archive {self.path} ({e.strerror or e}): the crawl "
                    f"stopped; what it indexed is kept, and the archive holds every record "
                    f"before this one") from None
            self.records += 1

    def record(self, result: FetchResult) -> None:
        """Archive one exchange (called for every response the fetcher received)."""
        if result.response is None:
            return
        self._append(self._pair(result))

    async def arecord(self, result: FetchResult) -> None:
        # Compressing a page costs a few ms: off the event loop, which keeps fetching.
        await asyncio.to_thread(self.record, result)

    def close(self) -> None:
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
            except OSError:
                pass  # the marker stays: the next crawl checks the file's tail
            else:
                self.marker.unlink(missing_ok=True)
            self._file = None


def _pairs(raw) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]


def cut_to_whole_records(path: Path, gzipped: bool) -> int:
    """Truncate `path` after its last whole record (a crash left a partial one); the new size."""
    from warcio.archiveiterator import ArchiveIterator

    good = 0
    with open(path, "r+b") as f:
        size = os.fstat(f.fileno()).st_size
        try:
            records = ArchiveIterator(f, no_record_parse=True)
            for _ in records:
                start = records.offset
                records.read_to_end()
                end = start + records.get_record_length()
                if end >= size and not record_is_whole(f, start, gzipped):
                    break
                good = end
        except Exception:  # noqa: BLE001 - the damage starts here: keep what came before
            pass
        if good < size:
            f.truncate(good)
    return good


def record_is_whole(raw: BinaryIO, offset: int, gzipped: bool) -> bool:
    """Whether the record at `offset`, the last in the file, is all there (not cut off by a crash)."""
    at = raw.tell()
    try:
        raw.seek(offset)
        if gzipped:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while not d.eof:
                chunk = raw.read(1 << 16)
                if not chunk:
                    return False
                try:
                    d.decompress(chunk)
                except zlib.error:
                    return False
            return True
        head = raw.read(1 << 16)
        end = head.find(b"\r\n\r\n")
        if end < 0:
            return False
        length = next((line.split(b":", 1)[1].strip() for line in head[:end].split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), b"")
        if not length.isdigit():
            return False
        raw.seek(0, os.SEEK_END)
        return raw.tell() >= offset + end + 4 + int(length)
    finally:
        raw.seek(at)


__all__ = ["WarcRecorder", "WarcWriteError", "cut_to_whole_records", "record_is_whole"]
