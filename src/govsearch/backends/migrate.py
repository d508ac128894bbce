"""`govsearch migrate --from A --to B`: every article of one index into another, either backend.

The same paths as `govsearch export` and `govsearch import`: the source's
`articles()` stream, and the target's `add_many` a batch at a time; after
each acknowledged batch a checkpoint in the target's folder (a cluster
index's local state folder) records how many articles of the stream are
done. Both streams have a fixed order while the source is not written (the
embedded index: document order; a cluster: URL order), so a run started
again skips that many and goes on. If the source changed since (another
number of articles), the migration starts over: the target replaces by URL,
so an article sent twice is still one article.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from itertools import islice
from typing import Any

from ..article import Article
from ..errors import InputError

CHECKPOINT = "migrate-checkpoint.json"
BATCH = 5_000


def index_name(engine: Any) -> str:
    """What names an engine's index: a cluster URL, or the folder's resolved path."""
    url = getattr(engine, "url", None)
    return str(url) if url is not None else str(engine.path.resolve())


@dataclass
class Migration:
    """One migration run; its counters stay readable after an interruption."""

    source: Any
    target: Any
    batch: int = BATCH
    total: int = 0            # articles in the source
    done: int = 0             # of them in the target now (this run and earlier ones)
    resumed_from: int = 0     # ... of which an earlier run did this many
    restarted_because: str = ""
    checkpoint: Path = field(init=False)

    name_of = staticmethod(index_name)

    def __post_init__(self) -> None:
        if index_name(self.source) == index_name(self.target):
            raise InputError(f"--from and --to name the same index ({index_name(self.source)})")
        self.checkpoint = self.target.path / CHECKPOINT

    def _saved(self) -> dict[str, Any]:
        try:
            saved = json.loads(self.checkpoint.read_text())
            return saved if isinstance(saved, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save(self) -> None:
        tmp = self.checkpoint.with_suffix(".tmp")
        tmp.write_text(json.dumps({"from": index_name(self.source), "documents": self.total,
                                   "done": self.done}))
        os.replace(tmp, self.checkpoint)  # atomic: a kill never leaves half a checkpoint

    def run(self, *, restart: bool = False, progress: Callable[[int, int], None] | None = None) -> int:
        """Copy what is not copied yet; returns the articles this run sent. Raises what the engines raise."""
        self.total = len(self.source)
        saved = {} if restart else self._saved()
        if saved.get("from") == index_name(self.source):
            if saved.get("documents") == self.total:
                self.done = self.resumed_from = min(int(saved.get("done") or 0), self.total)
            else:
                self.restarted_because = (f"the source held {saved.get('documents')} articles then and "
                                          f"{self.total} now")
        stream: Iterator[Article] = islice(self.source.articles(), self.done, None)
        sent = 0
        if progress is not None:
            progress(self.done, self.total)
        while True:
            chunk = list(islice(stream, self.batch))
            if not chunk:
                break
            self.target.add_many(chunk, commit_every=len(chunk) + 1, workers=None)
            sent += len(chunk)
            self.done += len(chunk)
            self._save()
            if progress is not None:
                progress(self.done, self.total)
        self.checkpoint.unlink(missing_ok=True)
        return sent


__all__ = ["BATCH", "CHECKPOINT", "Migration", "index_name"]
