"""`govsearch check`: does the index open and read, and if not, what is damaged.

Read-only: it takes no lock and changes no file, so it is safe beside a
running import, crawl or server. It checks the schema version, that the
table of contents reads, that every file of every segment is there and reads
to its end, and that Whoosh can read each segment (its terms, its first and
last stored document, its date column); and the same for the array sidecars
kept beside the segments (a directory with a manifest.json, as `pairs/`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from .schema import SCHEMA_VERSION

META_FILE = "govsearch.json"
CHECKPOINT_FILE = "import-checkpoint.json"
SIDECAR_MANIFEST = "manifest.json"
_CHUNK = 1 << 20


@dataclass(slots=True)
class IndexCheck:
    path: str
    exists: bool = False
    schema_version: int | None = None
    documents: int | None = None
    segments: int = 0
    files_read: int = 0
    bytes_read: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exists and not self.problems

    def rebuild_hint(self) -> str:
        if not self.exists:
            return (f"build one with `govsearch import FILE.jsonl --index {self.path}` "
                    f"or `govsearch crawl --index {self.path}`")
        if self.schema_version not in (None, SCHEMA_VERSION) and len(self.problems) == 1:
            return (f"rebuild it: `govsearch export` with the govsearch that built it, then move "
                    f"{self.path} aside and `govsearch import` the export")
        return (f"rebuild it: move {self.path} aside (it also holds the crawl state), then "
                f"`govsearch import` your JSONL again or `govsearch crawl` again; "
                f"`govsearch export` may still save what can be read")

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "exists": self.exists,
                "schema_version": self.schema_version, "expected_schema_version": SCHEMA_VERSION,
                "documents": self.documents, "segments": self.segments,
                "files_read": self.files_read, "bytes_read": self.bytes_read,
                "problems": self.problems, "notes": self.notes,
                "rebuild": None if self.ok else self.rebuild_hint()}


def check_index(path: str | os.PathLike, *, attempts: int = 3) -> IndexCheck:
    """Check the index at `path`; never raises for what it finds (see IndexCheck.problems).

    A writer that commits meanwhile replaces segment files, which would read
    as missing: when the index's generation moved during a check that found
    problems, the check starts again (up to `attempts` times).
    """
    root = Path(path)
    for _ in range(attempts):
        before = _generation(root)
        result = _check(root)
        if result.ok or _generation(root) == before:
            break
    return result


def _generation(root: Path) -> int:
    try:
        return max((int(f.rsplit("_", 1)[1].split(".")[0]) for f in os.listdir(root)
                    if f.endswith(".toc")), default=-1)
    except (OSError, ValueError):
        return -1


def _check(root: Path) -> IndexCheck:
    result = IndexCheck(path=str(root))
    # Not whoosh's exists_in: it opens the table of contents and raises when that is damaged.
    if not root.is_dir() or _generation(root) < 0:
        result.problems.append(f"no index at {root}")
        return result
    result.exists = True
    _check_version(root, result)
    try:
        ix = whoosh_index.open_dir(str(root))
    except Exception as e:  # noqa: BLE001 - any failure here is the finding
        result.problems.append(f"the table of contents cannot be read ({_why(e)})")
        return result
    try:
        segments = ix._segments()
        result.segments = len(segments)
        result.documents = sum(s.doc_count() for s in segments)
        known: set[str] = set()
        for seg in segments:
            _check_segment(root, ix, seg, result, known)
        leftovers = [f for f in os.listdir(root) if f.startswith(f"{ix.indexname}_")
                     and f not in known and not f.endswith(("WRITELOCK", ".toc"))]
        if leftovers:
            result.notes.append(f"{len(leftovers)} file(s) not part of the index, left by a write "
                                f"that did not finish; the next import or crawl removes them")
    finally:
        ix.close()
    _check_sidecars(root, result)
    checkpoint = root / CHECKPOINT_FILE
    if checkpoint.exists():
        try:
            saved = json.loads(checkpoint.read_text(encoding="utf-8"))
            result.notes.append(f"an import of {saved['file']} stopped after line {saved['line']}: "
                                f"run it again to resume")
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return result


def _check_version(root: Path, result: IndexCheck) -> None:
    meta = root / META_FILE
    try:
        result.schema_version = json.loads(meta.read_text(encoding="utf-8"))["schema_version"]
    except FileNotFoundError:
        result.problems.append(f"{META_FILE} is missing (it records the schema version)")
        return
    except (OSError, ValueError, KeyError, TypeError) as e:
        result.problems.append(f"{META_FILE} cannot be read ({_why(e)})")
        return
    if result.schema_version != SCHEMA_VERSION:
        result.problems.append(f"schema version {result.schema_version}, this govsearch needs "
                               f"{SCHEMA_VERSION}")


def _check_segment(root: Path, ix, seg, result: IndexCheck, known: set[str]) -> None:
    name = seg.segment_id()
    prefix = f"{name}."
    present = sorted(f for f in os.listdir(root) if f.startswith(prefix))
    known.update(present)
    required = [f"{name}.trm", f"{name}.pst", f"{name}._stored.col"]
    required += [f"{name}._{fname}_len.col" for fname, total in seg._fieldlengths.items() if total]
    missing = [f for f in required if f not in present]
    for f in missing:
        result.problems.append(f"segment {seg.segid} ({seg.doc_count_all()} documents): {f} is missing")
    for f in present:
        try:
            with open(root / f, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    result.bytes_read += len(chunk)
            result.files_read += 1
        except OSError as e:
            result.problems.append(f"{f} cannot be read ({_why(e)})")
    if missing:
        return
    try:
        reader = SegmentReader(ix.storage, ix.schema, seg)
        try:
            for fname in ("url", "source"):
                if fname in reader.indexed_field_names():
                    for _ in reader.lexicon(fname):
                        pass
            n = reader.doc_count_all()
            for docnum in {0, n - 1} if n else ():
                if not reader.is_deleted(docnum):
                    reader.stored_fields(docnum)
            if reader.has_column("published"):
                column = reader.column_reader("published", translate=False)
                for _ in column:
                    pass
        finally:
            reader.close()
    except Exception as e:  # noqa: BLE001 - any failure here is the finding
        result.problems.append(f"segment {seg.segid} cannot be read ({_why(e)})")


def _check_sidecars(root: Path, result: IndexCheck) -> None:
    """Directories of arrays kept beside the Whoosh segments (the pair sidecar, `pairs/`).

    Each has a manifest.json listing its segments, one directory of .npy
    files each: every listed segment must be there, and every file read.
    """
    for sidecar in sorted(d for d in root.iterdir() if d.is_dir() and (d / SIDECAR_MANIFEST).exists()):
        try:
            names = json.loads((sidecar / SIDECAR_MANIFEST).read_text(encoding="utf-8"))["segments"]
            if not isinstance(names, list):
                raise TypeError("segments is not a list")
        except (OSError, ValueError, KeyError, TypeError) as e:
            result.problems.append(f"{sidecar.name}/{SIDECAR_MANIFEST} cannot be read ({_why(e)})")
            continue
        for name in names:
            seg = sidecar / str(name)
            files = sorted(seg.glob("*.npy")) if seg.is_dir() else []
            if not files:
                result.problems.append(f"{seg.relative_to(root)} is missing")
            for f in files:
                try:
                    with open(f, "rb") as fh:
                        while chunk := fh.read(_CHUNK):
                            result.bytes_read += len(chunk)
                    np.load(f, mmap_mode="r")  # the header and the size it promises
                    result.files_read += 1
                except Exception as e:  # noqa: BLE001 - any failure here is the finding
                    result.problems.append(f"{f.relative_to(root)} cannot be read ({_why(e)})")


def _why(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


__all__ = ["IndexCheck", "check_index"]
