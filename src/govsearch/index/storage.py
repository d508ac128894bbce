"""Whoosh file storage whose readers do not share a file position.

Whoosh reads a segment file through one file object per searcher, with
`seek()` then `read()`. Two threads searching the same searcher move each
other's position between those two calls and read each other's bytes
(UnpicklingError, TermNotFound), so searches had to take turns. Here each
opened file is a read-only memory map read at a position kept per thread:
`seek` and `read` from different threads no longer interleave, and searches
on one engine run at the same time. (Positioned `os.pread` calls did the
same, but Whoosh reads in pieces of a few bytes, and 64,000 system calls made
a cold query 1-3 s.) Writing is Whoosh's own (one writer, under its lock).
"""

from __future__ import annotations

import io
import mmap
import os
import threading

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class SharedReadFile(io.RawIOBase):
    """A read-only file mapped into memory, with one read position per thread."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.name = path
        self._fd = os.open(path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size
        # a mapping stays valid after a merge deletes the file
        self._map: mmap.mmap | bytes = (mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ)
                                        if self._size else b"")
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
        data = self._map[pos:pos + size]
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
            if isinstance(self._map, mmap.mmap):
                try:
                    self._map.close()
                except BufferError:  # a view of it is still alive; the GC closes it
                    pass
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
