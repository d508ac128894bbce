"""Whoosh file storage whose readers do not share a file position.

Whoosh reads a segment file through one file object per searcher, with
`seek()` then `read()`. Two threads searching the same searcher move each
other's position between those two calls and read each other's bytes
(UnpicklingError, TermNotFound), so searches had to take turns. Here each
opened file reads with `os.pread` at a position kept per thread, through a
read-ahead buffer of its own per thread: `seek` and `read` from different
threads no longer interleave, and searches on one engine run at the same
time. The buffer matters: Whoosh reads in pieces of a few bytes, and one
system call each (64,000 for a cold query) made cold queries 1-3 s. A memory
map would have been simpler and faster, but a file truncated under a map
kills the process (SIGBUS) where a read only comes back short.
Writing is Whoosh's own (one writer, under its lock).
"""

from __future__ import annotations

import io
import os
import threading

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


# Bytes read ahead per thread and file.
READ_AHEAD = 64 * 1024


class SharedReadFile(io.RawIOBase):
    """A read-only file with one read position (and read-ahead buffer) per thread.

    The descriptor stays valid after a merge deletes the file.
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.name = path
        self._fd = os.open(path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size
        self._local = threading.local()

    @property
    def _pos(self) -> int:
        return getattr(self._local, "pos", 0)

    @_pos.setter
    def _pos(self, value: int) -> None:
        self._local.pos = value

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        else:
            pos = self._size + offset
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        pos = self._pos
        if size is None or size < 0:
            size = max(self._size - pos, 0)
        local = self._local
        start = getattr(local, "start", -1)
        buf = getattr(local, "buf", b"")
        if not (start <= pos and pos + size <= start + len(buf)):
            if size >= READ_AHEAD:
                data = os.pread(self._fd, size, pos)
                self._pos = pos + len(data)
                return data
            buf = os.pread(self._fd, READ_AHEAD, pos)
            local.start, local.buf, start = pos, buf, pos
        data = buf[pos - start:pos - start + size]
        self._pos = pos + len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        out = bytearray()
        while size is None or size < 0 or len(out) < size:
            ch = self.read(1)
            if not ch:
                break
            out += ch
            if ch == b"\n":
                break
        return bytes(out)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class SharedReadStorage(FileStorage):
    """FileStorage that opens files for reading as SharedReadFile (thread-safe reads).

    Whoosh's own mmap support stays off: it maps only compound files, which
    govsearch does not write (index/store.py).
    """

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)

    def open_file(self, name: str, **kwargs) -> StructFile:
        return StructFile(SharedReadFile(self._fpath(name)), name=name, **kwargs)


__all__ = ["SharedReadFile", "SharedReadStorage"]
