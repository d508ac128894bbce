"""What a crawl tells its caller: progress while it runs, a summary at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

from .vocab import PartialField

_FIELD_ORDER = {f: i for i, f in enumerate(get_args(PartialField))}


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """A snapshot handed to the `progress` callback a few times a second."""

    pages_fetched: int
    articles_indexed: int
    errors: int
    queue_length: int          # URLs due now that this run has not visited yet
    not_modified: int = 0
    hosts_active: int = 0
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a site did that the operator may want to know about.

    kind is a `ProblemKind` (see vocab.py).
    """

    host: str
    kind: str
    detail: str
    url: str = ""

    def __str__(self) -> str:
        where = f" ({self.url})" if self.url else ""
        return f"{self.host}: {self.kind}: {self.detail}{where}"


@dataclass(frozen=True, slots=True)
class Partial:
    """An article indexed with some fields empty because the page did not give them."""

    host: str
    url: str
    missing: tuple[str, ...]      # "date", "author"


@dataclass(slots=True)
class CrawlSummary:
    pages_fetched: int = 0
    articles_indexed: int = 0
    errors: int = 0
    queue_length: int = 0
    not_modified: int = 0
    unchanged: int = 0         # fetched again, same content hash: not re-indexed
    skipped: int = 0           # robots-blocked, non-HTML, traps, older than --since
    refreshed: int = 0         # URLs `refresh` asked again ahead of their time
    refresh: bool = False      # the run was asked to refresh
    elapsed: float = 0.0
    interrupted: bool = False
    state_path: str = ""
    problems: list[Problem] = field(default_factory=list)
    partial: list[Partial] = field(default_factory=list)
    _problem_keys: set[tuple[str, str, str]] = field(default_factory=set, repr=False, compare=False)

    def add_problem(self, host: str, kind: str, detail: str, url: str = "") -> None:
        """Record a problem once per host, kind and URL."""
        key = (host, kind, url)
        if key in self._problem_keys:
            return
        self._problem_keys.add(key)
        self.problems.append(Problem(host, str(kind), detail, url))

    def add_partial(self, host: str, url: str, missing: tuple[str, ...]) -> None:
        self.partial.append(Partial(host, url, tuple(missing)))

    @property
    def pages_per_second(self) -> float:
        return self.pages_fetched / self.elapsed if self.elapsed > 0 else 0.0

    def problems_by_host(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {}
        for p in self.problems:
            out.setdefault(p.host, []).append(p)
        return out

    def lines(self) -> list[str]:
        head = (f"{self.pages_fetched} pages fetched, {self.articles_indexed} articles indexed, "
                f"{self.not_modified} not modified, {self.errors} errors, {self.queue_length} still queued "
                f"in {self.elapsed:.1f}s" + (" (interrupted; run again to resume)" if self.interrupted else ""))
        out = [head] + ([self.refresh_line()] if self.refresh else [])
        groups: dict[tuple[str, str], list[Problem]] = {}
        for p in self.problems:
            groups.setdefault((p.host, p.kind), []).append(p)
        # A site with 400 broken links gets one line, not 400; `problems`
        # still has every one.
        for (host, kind), items in groups.items():
            if len(items) <= 3:
                out.extend(str(p) for p in items)
            else:
                examples = "; ".join(f"{p.detail} ({p.url})" for p in items[:2])
                out.append(f"{host}: {kind}: {len(items)} pages, e.g. {examples}")
        out.extend(self.partial_lines())
        return out

    def refresh_line(self) -> str:
        return (f"refresh: {self.refreshed} URLs made due now, "
                f"{self.not_modified} answered 304 (not modified)")

    def partial_lines(self, examples: int = 3) -> list[str]:
        """One line per host: how many articles were indexed with fields
        empty, which fields, and a few of them by URL."""
        by_host: dict[str, list[Partial]] = {}
        for p in self.partial:
            by_host.setdefault(p.host, []).append(p)
        out = []
        for host, items in by_host.items():
            counts: dict[str, int] = {}
            for p in items:
                for f in p.missing:
                    counts[f] = counts.get(f, 0) + 1
            # Most often missing first, ties in the order fields are checked, so the
            # line does not depend on which page the crawl happened to fetch first.
            order = sorted(counts, key=lambda f: (-counts[f], _FIELD_ORDER.get(f, len(_FIELD_ORDER))))
            fields = ", ".join(f"no {f}: {counts[f]}" for f in order)
            shown = "; ".join(f"{p.url} (no {', no '.join(p.missing)})" for p in items[:examples])
            more = f" and {len(items) - examples} more" if len(items) > examples else ""
            noun = "article" if len(items) == 1 else "articles"
            out.append(f"{host}: partial extraction: {len(items)} {noun} indexed with fields empty "
                       f"({fields}), e.g. {shown}{more}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())
