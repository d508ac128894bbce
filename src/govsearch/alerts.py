"""Named queries that remember when they last ran: `govsearch query --new-since-last NAME "..."`.

"New" means indexed after the last run, not published after it: a crawl
finds articles days after their date (a portal's sitemap lags, a listing is
read once every few hours, an import brings a whole archive), and an alert
keyed on publication dates would miss every one of them; an article without
a date could never be new at all. The index has no clock time per article,
but it numbers articles in the order they are committed (the `seq` column),
so a run remembers the highest number it saw and the next asks for the
articles above it. An article indexed again (a crawl saw its text change;
a JSONL file imported a second time) gets a new number and counts as new.

The state lives in the index directory, in `saved-queries.json`, one entry
per name: the query and its filters, the number seen, and when it ran.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import IndexStoreError, InputError
from .search import SearchEngine, SearchResult

STATE_FILE = "saved-queries.json"


@dataclass(slots=True)
class NewSinceLast:
    """What a named query found: the result (only new articles, newest first) and its history."""

    name: str
    result: SearchResult
    first_run: bool          # no earlier run under this name (or its query changed): the newest matches
    previous_run: datetime | None
    reason: str = ""         # why this counts as a first run

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "first_run": self.first_run, "reason": self.reason,
                "previous_run": self.previous_run.isoformat() if self.previous_run else None}


class SavedQueries:
    """The named queries of one index (`<index>/saved-queries.json`)."""

    def __init__(self, index_dir: str | os.PathLike) -> None:
        self.path = Path(index_dir) / STATE_FILE

    def load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise InputError(f"cannot read the saved queries in {self.path} ({e}): "
                             f"delete the file to start them afresh") from None
        return data if isinstance(data, dict) else {}

    def new_since_last(self, engine: SearchEngine, name: str, query: str, *, limit: int = 10,
                       source: list[str] | None = None, since: datetime | None = None,
                       until: datetime | None = None, now: datetime | None = None) -> NewSinceLast:
        """The articles matching `query` indexed since the last run under `name`, newest first.

        The first run (or a run whose query or filters differ from the last under this
        name) shows the newest matches and starts counting from there. Only a search that
        succeeded moves the mark on.
        """
        if not name.strip():
            raise InputError("a saved query needs a name")
        saved = self.load()
        spec = {"query": query, "source": sorted(source or []),
                "since": since.isoformat() if since else None, "until": until.isoformat() if until else None}
        entry = saved.get(name)
        after, previous, reason = None, None, "no earlier run under this name"
        if isinstance(entry, dict):
            if {k: entry.get(k) for k in spec} != spec:
                reason = f"the query changed (it was {entry.get('query')!r} with its own filters)"
            else:
                previous = _when(entry.get("last_run"))
                after = entry.get("indexed_through")
                reason = ""
        result = engine.search(query, limit=limit, source=source, since=since, until=until, sort="date",
                               indexed_after=after if isinstance(after, int) else None)
        if isinstance(after, int) and after > result.indexed_through:
            # The index was rebuilt (its numbering started again): everything in it is new to us.
            reason = "the index was rebuilt since the last run"
            result = engine.search(query, limit=limit, source=source, since=since, until=until, sort="date")
        first = bool(reason)
        ran = now or datetime.now(UTC)
        saved[name] = {**spec, "indexed_through": result.indexed_through, "last_run": ran.isoformat()}
        self._save(saved)
        return NewSinceLast(name, result, first, None if first else previous, reason)

    def _save(self, saved: dict[str, dict[str, Any]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, self.path)  # atomic: a kill never leaves half a file
        except OSError as e:
            raise IndexStoreError(f"cannot save the saved queries in {self.path} ({e.strerror or e}); "
                                  f"the next run shows the same articles again") from None


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


__all__ = ["NewSinceLast", "STATE_FILE", "SavedQueries"]
