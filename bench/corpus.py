"""Loading the shared corpus for the benchmarks.

Every system under test must see exactly the same documents under exactly the
same URLs, otherwise a "miss" could be a URL mismatch rather than a ranking
failure. So the corpus is read once into plain `Doc` records here, and each
system (govsearch, SQLite FTS5, plain Whoosh) is fed from that one list.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(os.environ.get("GOVSEARCH_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS_FULL = SHARED / "corpus" / "vnnews-58k.jsonl.gz"
CORPUS_SAMPLE = SHARED / "corpus" / "vnnews-sample-1k.jsonl"

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"

# A bench measures the code of its own checkout, not whatever copy of
# govsearch is installed (a worktree's bench otherwise ran main's code).
# PYTHONPATH still wins: the before/after benches point it at a snapshot.
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(BENCH_DIR.parent / "src"))


@dataclass(frozen=True, slots=True)
class Doc:
    """One article as the benchmarks see it: the text exactly as published."""

    url: str
    title: str
    body: str


def stable_url(record: dict) -> str:
    """The URL a record is known by.

    The `vnds-*` records have no URL; `govsearch.importer.read_jsonl` names
    them "urn:id:<id>", and the baselines must use the same name so that one
    relevance judgement (a URL) works for all three systems.
    """
    return record.get("url") or f"urn:id:{record['id']}"


def iter_records(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_docs(path: Path | None = None, limit: int | None = None) -> list[Doc]:
    """The first `limit` documents of the corpus (all of it when None).

    "First N" rather than a random N keeps quick runs reproducible and lets a
    quick run's index be a prefix of the full one.
    """
    path = path or CORPUS_FULL
    docs: list[Doc] = []
    for rec in iter_records(path):
        title = rec.get("title") or ""
        body = rec.get("body") or ""
        # govsearch's Article refuses a record with neither; skip it for all
        # systems alike (the shared corpus has none, but a sample might).
        if not title.strip() and not body.strip():
            continue
        docs.append(Doc(url=stable_url(rec), title=title, body=body))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def raw_text_bytes(docs: list[Doc]) -> int:
    """Size of the indexed text: UTF-8 bytes of title + body, the yardstick
    index sizes are compared against."""
    return sum(len(d.title.encode("utf-8")) + len(d.body.encode("utf-8")) for d in docs)


def corpus_for(docs_arg: int | None, sample: bool) -> tuple[Path, int | None]:
    """Resolve the `--sample` / `--docs N` command-line choice."""
    return (CORPUS_SAMPLE if sample else CORPUS_FULL), docs_arg


def provenance() -> dict[str, object]:
    """Which govsearch code a result came from. The search core changes under
    us while we measure, so each result file records the commit, whether the
    search core had uncommitted edits, and a hash of its source files."""
    import datetime
    import hashlib
    import subprocess

    import importlib.util

    # The govsearch that will be imported (PYTHONPATH may point at a frozen
    # snapshot of the source rather than at this working tree).
    spec = importlib.util.find_spec("govsearch")
    pkg = Path(spec.origin).parent if spec and spec.origin else BENCH_DIR.parent / "src" / "govsearch"
    repo = pkg.parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    # Only the code the benchmark exercises: crawl/ and extract/ change all
    # the time and do not matter here.
    core = [pkg / "__init__.py", pkg / "article.py"]
    for sub in ("text", "index", "search"):
        core += (pkg / sub).rglob("*.py")
    h = hashlib.sha256()
    for f in sorted(p for p in core if p.exists()):
        h.update(f.relative_to(repo).as_posix().encode())
        h.update(f.read_bytes())
    return {
        "time_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        # A snapshot is no git checkout: whoever made it says which commit.
        "git_head": git("rev-parse", "--short", "HEAD") or os.environ.get("GOVSEARCH_COMMIT", ""),
        "src_uncommitted": bool(git("status", "--porcelain", "--", *(str(p) for p in core))),
        "src_sha256": h.hexdigest()[:16],
        "govsearch_path": str(pkg),
    }


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else None
    d = load_docs(limit=n)
    print(f"{len(d)} docs, {raw_text_bytes(d) / 1e6:.1f} MB of title+body text")
