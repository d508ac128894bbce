"""Progress of long work through a file: a bar on a terminal, a line now and then in a log.

Measured in bytes of the file on disk (compressed bytes for .gz), because
that total is known before the first line is read, so the bar has an end and
an estimate of the time left. With stderr redirected a bar draws nothing;
there a plain line every GOVSEARCH_PROGRESS_SECONDS (30 by default) shows
that work goes on.
"""

from __future__ import annotations

import os
import time

from rich.console import Console
from rich.progress import (BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

DEFAULT_SECONDS = 30.0


def interval_from_env() -> float:
    try:
        return max(0.0, float(os.environ.get("GOVSEARCH_PROGRESS_SECONDS", DEFAULT_SECONDS)))
    except ValueError:
        return DEFAULT_SECONDS


class FileProgress:
    """`update(done_bytes, articles, bad)` as work proceeds; a context manager."""

    def __init__(self, console: Console, label: str, total_bytes: int, *,
                 every: float | None = None) -> None:
        self.console = console
        self.label = label
        self.total = max(total_bytes, 1)
        self.every = interval_from_env() if every is None else every
        self.terminal = console.is_terminal
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._start = self._last = time.monotonic()
        self._done = 0

    def __enter__(self) -> FileProgress:
        if self.terminal:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TextColumn("{task.fields[articles]:,} articles"),
                                 TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                                 console=self.console, transient=False)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total, articles=0)
        return self

    def update(self, done_bytes: int, articles: int, bad: int = 0) -> None:
        self._done = min(done_bytes, self.total)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self._done, articles=articles)
            return
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self.console.print(self.line(articles, bad, now - self._start), markup=False)

    def line(self, articles: int, bad: int, elapsed: float) -> str:
        """One log line: how far, how many, how long, about how long still."""
        share = self._done / self.total
        text = (f"{self.label}: {self._done / 1e6:,.1f} of {self.total / 1e6:,.1f} MB "
                f"({share:.0%}), {articles:,} articles, {bad:,} bad lines, {_clock(elapsed)} elapsed")
        if 0 < share < 1:
            text += f", about {_clock(elapsed * (1 - share) / share)} left"
        return text

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


__all__ = ["FileProgress", "interval_from_env"]
