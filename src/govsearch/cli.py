"""The `govsearch` command: a thin shell over the public API (`govsearch/__init__.py`).

Exit codes (stable, for scripts; the README's table is the reference):
  0    success
  1    partly failed (e.g. some import lines were bad; the rest were indexed)
  2    bad usage or bad parameters
  3    index problem (missing, locked, another schema version, damaged, cannot be written)
  4    input file cannot be read (what was read before the damage is indexed)
  130  interrupted (everything committed is kept; the message says how to resume)
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import (SORTS, Article, ArticleError, CrawlError, GovsearchError, ImportFileError,
               IndexStoreError, InputError, JsonlReader, SavedQueries, SearchEngine, WarcReader,
               check_index, default_index_path, is_warc, parse_date)
from .progress import FileProgress

EXIT_PARTIAL, EXIT_USAGE, EXIT_INDEX, EXIT_FILE, EXIT_INTERRUPTED = 1, 2, 3, 4, 130

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  # plain help: rich markup would swallow "[default: ...]" in option help as a tag
                  rich_markup_mode=None,
                  help="Search Vietnamese government news: crawl, import, query.")
# emoji=False: rich would print "urn:id:vnds-1" as "urn🆔vnds-1" (":id:" is an emoji code)
out = Console(highlight=False, soft_wrap=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

IndexOpt = Annotated[Path | None, typer.Option(
    "--index", help="Index directory [default: $GOVSEARCH_INDEX or ./index]", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def exit_code(e: GovsearchError) -> int:
    """The documented exit code of an error that reaches the top."""
    if isinstance(e, ImportFileError):
        return EXIT_FILE
    if isinstance(e, (IndexStoreError, CrawlError)):
        return EXIT_INDEX  # the crawl state lives in the index directory
    if isinstance(e, InputError):
        return EXIT_USAGE
    return EXIT_PARTIAL


def open_engine(index: Path | None, *, create: bool = False) -> SearchEngine:
    try:
        return SearchEngine(index, create=create)
    except IndexStoreError as e:
        raise fail(str(e), EXIT_INDEX) from None
    except InputError as e:  # a malformed cluster URL
        raise fail(str(e), EXIT_USAGE) from None
    except OSError as e:
        raise fail(unreadable(index, e), EXIT_INDEX) from None
    except Exception as e:  # noqa: BLE001 - a damaged table of contents fails as whatever Whoosh tripped over
        raise fail(index_failure(index, e), EXIT_INDEX) from None


@contextmanager
def reading(index: Path | None) -> Iterator[None]:
    """Whoosh reports a damaged file as whatever its parser tripped over (UnpicklingError, struct.error,
    a bare Exception): while a command reads the index, any such failure becomes one line saying what
    `govsearch check` finds and how to rebuild, and exit 3."""
    try:
        yield
    except (GovsearchError, typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as e:  # noqa: BLE001 - see above
        raise fail(index_failure(index, e), EXIT_INDEX) from None


def index_failure(index: Path | None, e: Exception) -> str:
    """The one line for an index that failed to read: `govsearch check`'s finding and rebuild advice."""
    where = index or default_index_path()
    found = check_index(where)
    if found.exists and found.problems:
        more = f" (and {len(found.problems) - 1} more)" if len(found.problems) > 1 else ""
        return (f"index at {where} is damaged: {found.problems[0]}{more}; {found.rebuild_hint()} "
                f"(`govsearch check --index {where}` lists every problem)")
    if isinstance(e, OSError):
        return unreadable(index, e)
    return (f"index at {where} cannot be read ({type(e).__name__}: {e}) though `govsearch check --index "
            f"{where}` finds no damage; {found.rebuild_hint()}")


def unreadable(index: Path | None, e: OSError) -> str:
    where = index or default_index_path()
    return (f"index at {where} cannot be read ({e.strerror or e}): "
            f"`govsearch check --index {where}` says what is damaged")


def parse_day(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    if value is None:
        return None
    parsed = parse_date(value, end=end)
    if parsed is None:
        raise fail(f"--{name} {value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)", EXIT_USAGE)
    return parsed


# --- import ---------------------------------------------------------------

CHECKPOINT = "import-checkpoint.json"
BATCH = 5_000
SHOW_BAD = 20


def _file_id(path: Path) -> dict:
    st = path.stat()
    return {"file": str(path.resolve()), "size": st.st_size, "mtime": st.st_mtime}


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="JSONL or JSONL.gz file, one article per line; or a WARC (.warc, .warc.gz).")],
    index: IndexOpt = None,
    restart: Annotated[bool, typer.Option(help="Ignore a checkpoint left by an interrupted import of this file.")] = False,
    batch: Annotated[int, typer.Option(help="Articles per commit (and per checkpoint).", min=1)] = BATCH,
) -> None:
    """Index articles from a JSONL file (url, title, body, summary, published, source, author, category).

    Bad lines are reported with their numbers and skipped. An interrupted
    import resumes after the last committed batch when run again. A web
    archive (WARC) has each HTML response extracted as the crawler would;
    listings and other pages are counted and skipped.
    """
    if not file.is_file():
        raise fail(f"cannot read {file}: {'not a regular file' if file.exists() else 'no such file'}",
                   EXIT_FILE)
    engine = open_engine(index, create=True)
    run_class = _WarcImportRun if is_warc(file) else _ImportRun
    try:
        code = run_class(engine, file, batch).run(restart=restart)
    finally:
        engine.close()
    if code:
        raise typer.Exit(code)


class _ImportRun:
    """One `govsearch import`: read, commit a batch at a time, checkpoint, report."""

    unit = "line"  # what the file is read in (a WARC: records)

    def __init__(self, engine: SearchEngine, file: Path, batch: int) -> None:
        self.engine, self.file, self.batch = engine, file, batch
        self.checkpoint = engine.path / CHECKPOINT
        self.ident = _file_id(file)
        self.bad: list[tuple[int, str]] = []   # the first SHOW_BAD of them
        self.bad_count = 0
        self.indexed = 0
        self.committed_line = 0          # every line up to here is indexed (or was bad)
        self.resumed_from = 0            # ... of which an earlier run did this many
        # (line, file offset after it, resume_at) of each article read and not yet committed
        self.marks: deque[tuple[int, int, dict]] = deque()
        self.written = 0                 # articles of the commit in progress written so far
        self.progress: FileProgress | None = None
        self.resume_at: dict = {}        # more the checkpoint keeps (a WARC: where to seek)

    def resume_line(self, restart: bool) -> int:
        if restart or not self.checkpoint.exists():
            return 0
        try:
            saved = json.loads(self.checkpoint.read_text())
            if {k: saved.get(k) for k in self.ident} == self.ident:
                line = int(saved["line"])
                err.print(escape(f"resuming {self.file} after {self.unit} {line} (already indexed; "
                                 f"--restart to redo)"))
                return line
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return 0

    def run(self, *, restart: bool) -> int:
        self.committed_line = self.resumed_from = self.resume_line(restart)
        reader = JsonlReader(self.file, start_line=self.committed_line + 1)
        code = self.feed(reader.total_bytes, lambda progress: self.read_all(reader, progress))
        if code is not None:
            return code
        err.print(escape(f"indexed {self.indexed} articles from {self.file} "
                         f"({self.ident['size'] / 1e6:.1f} MB); {self.bad_count} bad lines skipped; "
                         f"index now holds {len(self.engine)} articles"))
        return EXIT_PARTIAL if self.bad_count else 0

    def read_all(self, reader: JsonlReader, progress: FileProgress) -> ImportFileError | None:
        """Index every line from the reader; a damaged file ends the reading, not the import."""
        file_error: ImportFileError | None = None

        def articles() -> Iterator[Article]:
            nonlocal file_error
            try:
                for lineno, item in reader:
                    if isinstance(item, ArticleError):
                        self.bad_count += 1
                        if len(self.bad) < SHOW_BAD:
                            self.bad.append((lineno, str(item)))
                        if not self.marks:
                            progress.update(reader.bytes_read, self.indexed, self.bad_count)
                        continue
                    self.marks.append((lineno, reader.bytes_read, {}))
                    yield item
            except ImportFileError as e:
                file_error = e  # index what was read before the damage, then report

        self.index(articles())
        self.save(reader.line)
        return file_error

    def feed(self, total_bytes: int, read_all: Callable[[FileProgress], ImportFileError | None]) -> int | None:
        """Run `read_all` with progress; the exit code if the import could not finish, else None.

        Every way out says what was kept and how to resume: the shared ending
        of a JSON-lines and a WARC import.
        """
        label = f"importing {self.file.name}"
        if not err.is_terminal:
            err.print(escape(f"{label} ({total_bytes / 1e6:,.1f} MB) into {self.engine.path}"))
        try:
            with FileProgress(err, label, total_bytes) as progress:
                self.progress = progress
                file_error = read_all(progress)
        except KeyboardInterrupt:
            self.report_bad()
            err.print(escape(f"interrupted: {self.kept()}; {self.resume()}"))
            return EXIT_INTERRUPTED
        except IndexStoreError as e:
            self.report_bad()
            err.print(f"[red]error:[/red] {escape(f'{e}; {self.kept()}')}")
            return EXIT_INDEX
        except OSError as e:  # a full disk, a read-only index: the index cannot be written
            self.report_bad()
            err.print("[red]error:[/red] " + escape(
                f"cannot write the index at {self.engine.path} ({e.strerror or e}); {self.kept()}; "
                f"make room and {self.resume()}"))
            return EXIT_INDEX
        self.report_bad()
        if file_error is not None:
            err.print(f"[red]error:[/red] {escape(f'{file_error}; {self.kept()}')}")
            return EXIT_FILE
        self.checkpoint.unlink(missing_ok=True)
        return None

    def index(self, articles: Iterator[Article]) -> None:
        """Index the articles read, a batch a commit, with the checkpoint saved after each commit.

        The whole stream goes to one add_many, which reads the next batch while
        it commits the last, so that the helper process analyzing it never waits.
        """
        progress = self.progress

        def step(n: int) -> None:
            self.written += n
            if progress is not None and self.marks:
                _, offset, _ = self.marks[min(self.written, len(self.marks)) - 1]
                progress.update(offset, self.indexed + self.written, self.bad_count)

        def committed(read: int, indexed: int) -> None:
            for _ in range(read - 1):
                self.marks.popleft()
            line, _, self.resume_at = self.marks.popleft()
            self.indexed += indexed
            self.written = 0
            self.save(line)

        # workers=None: a second process analyzes while this one writes (same index)
        self.engine.add_many(articles, commit_every=self.batch, progress=step, workers=None,
                             on_commit=committed)

    def save(self, line: int) -> None:
        """Record every line through `line` as done (indexed, or bad)."""
        if line > self.committed_line:
            self.committed_line = line
            tmp = self.checkpoint.with_suffix(".tmp")
            tmp.write_text(json.dumps({**self.ident, "line": line, **self.resume_at}))
            os.replace(tmp, self.checkpoint)  # atomic: a kill never leaves half a checkpoint

    def kept(self) -> str:
        try:
            total = f"; the index holds {len(self.engine)} articles"
        except Exception:  # noqa: BLE001 - the count is a courtesy
            total = ""
        if self.committed_line == self.resumed_from:
            done = "nothing from this run is indexed"
            if self.resumed_from:
                done += f" (an earlier run indexed every {self.unit} through {self.unit} {self.resumed_from})"
        else:
            done = (f"{self.indexed} articles from this run are indexed and kept, every {self.unit} "
                    f"through {self.unit} {self.committed_line} is done")
        return done + total

    def resume(self) -> str:
        if self.committed_line:
            return f"run the same command again to resume after {self.unit} {self.committed_line}"
        return "run the same command again to start it"

    def report_bad(self) -> None:
        for lineno, reason in self.bad:
            err.print(escape(f"line {lineno}: {reason}"))
        if self.bad_count > len(self.bad):
            err.print(f"... and {self.bad_count - len(self.bad)} more bad lines")


class _WarcImportRun(_ImportRun):
    """`govsearch import FILE.warc[.gz]`: the same batches, checkpoint and messages, a record at a time."""

    unit = "record"

    def run(self, *, restart: bool) -> int:
        self.committed_line = self.resumed_from = self.resume_line(restart)
        start = 0
        if self.committed_line:
            try:
                start = int(json.loads(self.checkpoint.read_text())["offset"])
            except (OSError, ValueError, KeyError, TypeError):
                self.committed_line = self.resumed_from = 0
        reader = WarcReader(self.file, start=start, first_number=self.committed_line + 1)
        code = self.feed(reader.total_bytes, lambda progress: self.read_records(reader, progress))
        if code is not None:
            return code
        c = reader.counts.by_outcome
        err.print(escape(
            f"indexed {self.indexed} articles from {self.file} ({self.ident['size'] / 1e6:.1f} MB): "
            f"{reader.counts.records} records read, {reader.counts.responses} HTTP responses; skipped "
            f"{c['listing']} listings, {c['no-article']} pages without an article, "
            f"{c['not-html']} not HTML, {c['not-200']} not status 200; {self.bad_count} bad records; "
            f"index now holds {len(self.engine)} articles"))
        return EXIT_PARTIAL if self.bad_count else 0

    def read_records(self, reader: WarcReader, progress: FileProgress) -> ImportFileError | None:
        file_error: ImportFileError | None = None

        def articles() -> Iterator[Article]:
            nonlocal file_error
            try:
                for record in reader:
                    if record.outcome == "bad":
                        self.bad_count += 1
                        if len(self.bad) < SHOW_BAD:
                            self.bad.append((record.number, record.reason))
                    if record.article is None:
                        if not self.marks:
                            progress.update(reader.bytes_read, self.indexed, self.bad_count)
                        continue
                    # a resumed run seeks to the end of the last committed record
                    self.marks.append((record.number, reader.bytes_read, {"offset": record.end}))
                    yield record.article
            except ImportFileError as e:
                file_error = e  # index the whole records before the damage, then report

        self.index(articles())
        self.resume_at = {"offset": reader.bytes_read}
        self.save(reader.number)
        return file_error

    def report_bad(self) -> None:
        for number, reason in self.bad:
            err.print(escape(f"record {number}: {reason}"))
        if self.bad_count > len(self.bad):
            err.print(f"... and {self.bad_count - len(self.bad)} more bad records")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=err, transient=False, disable=not err.is_terminal)


# --- query ----------------------------------------------------------------

@app.command()
def query(
    text: Annotated[str, typer.Argument(help='Query, e.g. "dân vận", "dan van", "UBND tỉnh", "11-QĐi/TW"; '
                                             'may be left out with --cites or --cites-type.')] = "",
    index: IndexOpt = None,
    limit: Annotated[int, typer.Option(help="Results per page.")] = 10,
    page: Annotated[int, typer.Option(help="Page number.")] = 1,
    source: Annotated[list[str] | None, typer.Option(help="Only this host (repeatable).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    sort: Annotated[str, typer.Option(help="relevance or date.")] = "relevance",
    new_since_last: Annotated[str | None, typer.Option(
        "--new-since-last", metavar="NAME",
        help="Remember this query as NAME; print only what was indexed since NAME last ran, newest first.")] = None,
    cites: Annotated[list[str] | None, typer.Option(
        help="Only articles citing this legal document, e.g. 100/2019/NĐ-CP or NĐ 100 (repeatable: all of them).")] = None,
    cites_type: Annotated[str | None, typer.Option(
        "--cites-type", help='Only articles citing a document of this type, e.g. "Nghị định".')] = None,
    all_copies: Annotated[bool, typer.Option(
        "--all-copies", help="List every copy of a story as its own result (default: one result per "
                             "story, the other copies under it).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Search the index; with --cites and no query, every article citing the document, newest first."""
    if not text.strip() and not cites and not cites_type:
        raise fail("give a query, or --cites / --cites-type to list the articles citing a document", EXIT_USAGE)
    if sort not in SORTS:
        raise fail(f"--sort must be one of: {', '.join(SORTS)}", EXIT_USAGE)
    engine = open_engine(index)
    try:
        with reading(index):
            if len(engine) == 0:
                raise fail(f"index at {engine.path} is empty: add articles with `govsearch import` or "
                           f"`govsearch crawl`", EXIT_INDEX)
            found = None
            if new_since_last is not None:
                found = SavedQueries(engine.path).new_since_last(
                    engine, new_since_last, text, limit=limit, source=source,
                    since=parse_day(since, "since"), until=parse_day(until, "until", end=True))
                result = found.result
            else:
                result = engine.search(text, limit=limit, page=page, source=source,
                                       since=parse_day(since, "since"), until=parse_day(until, "until", end=True),
                                       sort=sort, cites=cites, cites_type=cites_type,
                                       collapse=not all_copies)
    except InputError as e:
        raise fail(str(e), EXIT_USAGE) from None
    finally:
        engine.close()
    if as_json:
        data = result.to_dict()
        if found is not None:
            data["new_since_last"] = found.to_dict()
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    if found is not None:
        _print_new_since_last(found)
    _print_result(result)


def _print_new_since_last(found) -> None:
    if found.first_run:
        err.print(escape(f"saved query {found.name!r}: first run ({found.reason}): the newest matches; "
                         f"from now on only what is indexed after this run"))
    else:
        when = found.previous_run.astimezone().strftime("%Y-%m-%d %H:%M %Z") if found.previous_run else "?"
        err.print(escape(f"saved query {found.name!r}: {found.result.total} new since its last run ({when})"))


def _marked(html_text: str) -> str:
    """Snippet HTML (escaped, <mark>) to rich markup."""
    import html as _html
    parts = html_text.replace("</mark>", "<mark>").split("<mark>")
    return "".join(f"[bold yellow]{escape(_html.unescape(p))}[/]" if i % 2 else escape(_html.unescape(p))
                   for i, p in enumerate(parts))


def _copies_line(hit) -> str:
    """ "2 bản khác: baochinhphu.vn, thainguyen.gov.vn" and each copy's URL on a line of its own."""
    sources = ", ".join(dict.fromkeys(c.source or "?" for c in hit.copies))
    more = f" (+{hit.copies_total - len(hit.copies)})" if hit.copies_total > len(hit.copies) else ""
    lines = [f"{hit.copies_total} bản khác: {sources}{more}"]
    lines += [f"  {c.url}" for c in hit.copies]
    return escape("\n".join(lines))


def _print_result(result) -> None:
    for notice in result.notices:
        err.print(f"[yellow]note:[/yellow] {escape(notice)}")
    if result.suggestion:
        out.print(f"Có phải bạn muốn tìm: [bold]{escape(result.suggestion)}[/bold]?")
    shown = f"{(result.page - 1) * result.limit + 1}–{(result.page - 1) * result.limit + len(result.hits)}" if result.hits else "0"
    # said only when copies were merged: `total` counts articles, `groups` the results listed
    merged = f"{result.groups} after merging copies; " if result.collapsed and result.groups != result.total else ""
    out.print(f"{result.total} results ({merged}{shown} shown, page {result.page}/{max(result.pages, 1)}) "
              f"in {result.took_ms:.0f} ms")
    if not result.hits:
        return
    table = Table(show_lines=True, expand=False)
    table.add_column("#", justify="right")
    table.add_column("Article")
    table.add_column("Source")
    table.add_column("Published")
    for i, hit in enumerate(result.hits, (result.page - 1) * result.limit + 1):
        cell = f"[bold]{_marked(hit.title_highlighted or hit.title)}[/bold]\n{_marked(hit.snippet)}\n[dim]{escape(hit.url)}[/dim]"
        if hit.copies_total:
            cell += f"\n[cyan]{_copies_line(hit)}[/cyan]"
        date = hit.published.strftime("%Y-%m-%d %H:%M") if hit.published else ""
        table.add_row(str(i), cell, escape(hit.source), date)
    out.print(table)
    for name, counts in result.facets.items():
        if counts:
            items = list(counts.items())
            # months run oldest first: the latest eight are the ones worth a line
            listed = items[-8:] if name == "month" else items[:8]
            top = ("… " if name == "month" and len(items) > 8 else "") + ", ".join(f"{k} ({v})" for k, v in listed)
            out.print(f"[dim]{name}:[/dim] {escape(top)}")


# --- crawl ----------------------------------------------------------------

@app.command()
def crawl(
    urls: Annotated[list[str] | None, typer.Argument(help="Start URLs; default: every portal in crawl_seeds/.", show_default=False)] = None,
    seeds: Annotated[Path | None, typer.Option(help="A portal .toml, a folder of them, or a text file of URLs.")] = None,
    index: IndexOpt = None,
    max_pages: Annotated[int | None, typer.Option(help="Stop after fetching this many pages.", min=1)] = None,
    since: Annotated[str | None, typer.Option(help="Skip articles published before this date (YYYY-MM-DD).")] = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight across all hosts.", min=1)] = 16,
    delay: Annotated[float | None, typer.Option(help="Seconds between requests to one host [default: the portal's, at least 1; raised by Crawl-delay].", min=0)] = None,
    user_agent: Annotated[str | None, typer.Option(help="User-Agent to send (keep a contact URL in it).")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ask every listing, feed and sitemap again now (conditional requests), not when due.")] = False,
    refresh_articles: Annotated[bool, typer.Option("--refresh-articles", help="Like --refresh, and every article too.")] = False,
    warc: Annotated[Path | None, typer.Option("--warc", help="Also append every request and response to this web archive (.warc.gz or .warc).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Crawl portals politely into the index; run again to resume or to pick up what changed."""
    from .crawl import DEFAULT_USER_AGENT, PortalError
    from .crawl import crawl as run_crawl

    since_day = parse_day(since, "since")
    index_dir = index or default_index_path()
    engine = open_engine(index_dir, create=True)
    with _progress() as progress:
        task = progress.add_task("crawling", total=None)

        def show(p) -> None:
            progress.update(task, completed=p.pages_fetched, description=(
                f"fetched {p.pages_fetched} · indexed {p.articles_indexed} · errors {p.errors} · "
                f"queued {p.queue_length}"))

        try:
            # the engine's folder: the index's own, or a cluster index's local state folder
            summary = run_crawl(list(urls or []) or None, seeds_file=seeds, index_dir=engine.path,
                                max_pages=max_pages, since=since_day, concurrency=concurrency,
                                delay=delay, user_agent=user_agent or DEFAULT_USER_AGENT,
                                progress=show, sink=engine, refresh=refresh,
                                refresh_articles=refresh_articles, warc=warc)
        except PortalError as e:
            raise fail(str(e), EXIT_USAGE) from None
        except IndexStoreError as e:
            raise fail(str(e), EXIT_INDEX) from None
        finally:
            engine.close()
    if as_json:
        out.print_json(json.dumps({
            "pages_fetched": summary.pages_fetched, "articles_indexed": summary.articles_indexed,
            "not_modified": summary.not_modified, "unchanged": summary.unchanged,
            "skipped": summary.skipped, "errors": summary.errors, "queue_length": summary.queue_length,
            "elapsed": round(summary.elapsed, 2), "interrupted": summary.interrupted,
            **({"refreshed": summary.refreshed} if summary.refresh else {}),
            "problems": [{"host": p.host, "kind": p.kind, "detail": p.detail, "url": p.url}
                         for p in summary.problems],
            "partial": [{"host": p.host, "url": p.url, "missing": list(p.missing)}
                        for p in summary.partial]}, ensure_ascii=False))
    else:
        for line in summary.lines():
            err.print(escape(line))
    if summary.interrupted:
        raise typer.Exit(130)
    if summary.pages_fetched == 0 and summary.errors:
        raise typer.Exit(EXIT_PARTIAL)  # nothing could be fetched at all


# --- export / stats -------------------------------------------------------

@app.command()
def export(
    index: IndexOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Write every stored article as JSONL (the import format)."""
    engine = open_engine(index)
    try:
        stream = open(output, "w", encoding="utf-8") if output else sys.stdout
    except OSError as e:
        engine.close()
        raise fail(f"cannot write {output}: {e.strerror or e}", EXIT_FILE) from None
    n = 0
    try:
        for article in engine.articles():
            stream.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    except BrokenPipeError:
        pass
    except OSError as e:
        if isinstance(e.filename, str) and Path(e.filename).parent == engine.path:
            raise fail(f"export stopped after {n} articles: {index_failure(index, e)}", EXIT_INDEX) from None
        raise fail(f"export stopped after {n} articles: {e.strerror or e}", EXIT_FILE) from None
    except (GovsearchError, typer.Exit, KeyboardInterrupt):
        raise
    except Exception as e:  # noqa: BLE001 - a damaged segment (see `reading`)
        raise fail(f"export stopped after {n} articles: {index_failure(index, e)}", EXIT_INDEX) from None
    finally:
        if output:
            stream.close()
        engine.close()
    if output:
        err.print(f"exported {n} articles to {escape(str(output))}")


@app.command()
def stats(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Documents, sources (with how many lack a date or an author), date range, size, schema version."""
    engine = open_engine(index)
    try:
        with reading(index):
            s = engine.stats()
    finally:
        engine.close()
    data = s.to_dict()
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(show_header=False)
    table.add_row("index", escape(s.path))
    table.add_row("documents", f"{s.documents:,}")
    table.add_row("sources", f"{len(s.sources)}")
    table.add_row("published", f"{data['earliest'] or '-'} … {data['latest'] or '-'}")
    table.add_row("size", f"{s.size_bytes / 1e6:.1f} MB in {s.segments} segment(s)")
    table.add_row("schema version", str(s.schema_version))
    out.print(table)
    if s.sources:
        by_source = Table("source")
        for heading in ("articles", "no date", "no author"):
            by_source.add_column(heading, justify="right")
        for name, n in sorted(s.sources.items(), key=lambda kv: (-kv[1], kv[0])):
            by_source.add_row(escape(name or "(none)"), f"{n:,}", f"{s.undated.get(name, 0):,}",
                              f"{s.no_author.get(name, 0):,}")
        out.print(by_source)


@app.command()
def check(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Whether the index opens and reads: schema version, every segment file present and readable.

    Exits 3 when something is missing or damaged, and says how to rebuild.
    Read-only: safe while an import, a crawl or a server uses the index.
    On a cluster URL: the cluster's health, the index and its schema, the template, the documents.
    """
    if _check_cluster(index or default_index_path(), as_json):
        return
    result = check_index(index or default_index_path())
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for problem in result.problems:
            err.print(f"[red]damaged:[/red] {escape(problem)}" if result.exists
                      else f"[red]error:[/red] {escape(problem)}")
        for note in result.notes:
            err.print(f"note: {escape(note)}")
        if result.ok:
            out.print(escape(f"index at {result.path} is readable: {result.documents:,} documents in "
                             f"{result.segments} segment(s), {result.files_read} files "
                             f"({result.bytes_read / 1e6:.1f} MB) read, schema version "
                             f"{result.schema_version}"))
        else:
            err.print(escape(result.rebuild_hint()))
    if not result.ok:
        raise typer.Exit(EXIT_INDEX)


# --- serve ----------------------------------------------------------------

@app.command()
def serve(
    index: IndexOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
) -> None:
    """Serve the search page (/), the JSON API (/api/search, /api/articles, /api/stats) and its docs (/docs).

    The index may be written by a crawl or an import while it is served: new
    articles appear once committed. Without an index, pages answer 503 until one exists.
    """
    import uvicorn

    from .web import create_app

    index_dir = index or default_index_path()
    try:
        engine = SearchEngine(index_dir, create=False)
    except IndexStoreError as e:
        # Not fatal: the app opens the index on the first request after it exists.
        err.print(f"[yellow]warning:[/yellow] {escape(str(e))}")
    except Exception as e:  # noqa: BLE001 - a damaged table of contents (see `reading`)
        raise fail(index_failure(index_dir, e), EXIT_INDEX) from None
    else:
        # A damaged segment is refused now, in one line, not on every request.
        try:
            with reading(index_dir):
                engine.stats()
        finally:
            engine.close()
    err.print(f"serving {escape(str(index_dir))} on http://{host}:{port}/ (API docs at /docs; Ctrl-C to stop)")
    uvicorn.run(create_app(index_dir), host=host, port=port, log_level="warning")


# --- extract (one page: what extraction finds and which rule found it) ----

_EXTRACT_FIELDS = ("title", "published", "author", "summary", "category", "body")


def _read_page(source: str, url: str | None) -> tuple[bytes, str, str | None]:
    """(page bytes, the page's URL, Content-Type or None) from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        import httpx

        from .crawl import DEFAULT_USER_AGENT

        try:
            response = httpx.get(source, follow_redirects=True, timeout=20,
                                 headers={"User-Agent": DEFAULT_USER_AGENT})
        except httpx.HTTPError as e:
            raise fail(f"cannot fetch {source}: {e or type(e).__name__}", EXIT_FILE) from None
        if response.status_code >= 400:
            raise fail(f"cannot fetch {source}: HTTP {response.status_code}", EXIT_FILE)
        return response.content, url or str(response.url), response.headers.get("Content-Type")
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise fail(f"cannot read {source}: {e.strerror or e}", EXIT_FILE) from None
    return data, url or path.resolve().as_uri(), None


@app.command("extract")
def extract_command(
    source: Annotated[str, typer.Argument(help="An HTML file, or an http(s) URL to fetch.", show_default=False)],
    url: Annotated[str | None, typer.Option(
        "--url", help="The page's address when SOURCE is a file (URL rules and the canonical URL use it).")] = None,
    profiles: Annotated[Path | None, typer.Option(
        "--profiles", help="A crawl_seeds/*.toml or profiles file whose profiles are tried first.")] = None,
    json_: JsonOpt = False,
) -> None:
    """What extraction finds on one page and which rule found each field, or why it is not an article."""
    from .extract import ProfileError, extract_page, load_profiles

    if url is not None and not url.startswith(("http://", "https://")):
        raise fail(f"--url {url!r} is not an http(s) URL", EXIT_USAGE)
    own: tuple = ()
    if profiles is not None:
        from .crawl import PortalError, load_portal

        try:
            text = profiles.read_text(encoding="utf-8")
        except OSError as e:
            raise fail(f"cannot read {profiles}: {e.strerror or e}", EXIT_FILE) from None
        try:
            # A portal file names its profiles; a profiles file is one.
            own = load_portal(profiles).profiles if "seeds" in text else load_profiles(profiles)
        except (ProfileError, PortalError) as e:
            raise fail(str(e), EXIT_USAGE) from None
    data, page_url, content_type = _read_page(source, url)
    result = extract_page(data, page_url, content_type, own)
    if json_:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    out.print(f"page     {escape(result.url)}")
    out.print(f"profile  {escape(result.profile)}")
    out.print(f"kind     {result.kind}")
    if result.article is None:
        out.print(f"why      {escape(result.reason)}")
        return
    article = result.article
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("field")
    table.add_column("value", overflow="fold", max_width=70)
    table.add_column("found by", overflow="fold")
    for name in _EXTRACT_FIELDS:
        value = getattr(article, name)
        if name == "published":
            shown = value.isoformat() if value else ""
        elif name == "body":
            lines = value.split("\n")
            shown = f"{len(value)} characters, {len(lines)} paragraphs: {lines[0][:80]}"
        else:
            shown = value if len(value) <= 160 else value[:157] + "..."
        table.add_row(name, escape(shown) or "[dim](none)[/dim]", escape(result.sources.get(name, "")))
    out.print(table)
    if result.missing:
        out.print(f"missing  {', '.join(result.missing)}")


# --- delete, migrate, and check on a cluster ---------------------------------

@app.command()
def delete(
    urls: Annotated[list[str], typer.Argument(help="URLs of the articles to remove.", show_default=False)],
    index: IndexOpt = None,
) -> None:
    """Remove articles by URL; exit 1 when some were not in the index (the others are removed)."""
    engine = open_engine(index)
    try:
        missing = [url for url in urls if not engine.delete(url)]
        left = len(engine)
    finally:
        engine.close()
    for url in missing:
        err.print(escape(f"not in the index: {url}"))
    err.print(escape(f"deleted {len(urls) - len(missing)} of {len(urls)} articles; "
                     f"the index holds {left} articles"))
    if missing:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def migrate(
    source: Annotated[Path, typer.Option("--from", help="The index to copy: a folder or opensearch://HOST:PORT/INDEX.",
                                         show_default=False)],
    target: Annotated[Path, typer.Option("--to", help="The index to copy into (created if missing).",
                                         show_default=False)],
    batch: Annotated[int, typer.Option(help="Articles per commit (and per checkpoint).", min=1)] = BATCH,
    restart: Annotated[bool, typer.Option(help="Ignore a checkpoint left by an interrupted migration.")] = False,
) -> None:
    """Copy every article of one index into another (a folder into a cluster, or back): export and
    import in one, resumable: run the same command again after an interruption."""
    from . import Migration

    src = open_engine(source)
    try:
        dst = open_engine(target, create=True)
    except typer.Exit:
        src.close()
        raise
    # a Path keeps one slash of a URL's two: the engines' own names in messages
    src_name, dst_name = Migration.name_of(src), Migration.name_of(dst)
    try:
        try:
            job = Migration(src, dst, batch=batch)
        except InputError as e:
            raise fail(str(e), EXIT_USAGE) from None
        with _progress() as progress:
            task = progress.add_task(f"migrating into {dst_name}", total=None)
            first = True

            def show(done: int, total: int) -> None:
                nonlocal first
                if first and job.resumed_from:
                    err.print(escape(f"resuming after {job.resumed_from} of {total} articles (already "
                                     f"copied; --restart to redo)"))
                first = False
                progress.update(task, completed=done, total=total)

            try:
                sent = job.run(restart=restart, progress=show)
            except KeyboardInterrupt:
                err.print(escape(f"interrupted: {job.done} of {job.total} articles are in {dst_name}; "
                                 f"run the same command again to resume"))
                raise typer.Exit(EXIT_INTERRUPTED) from None
            except IndexStoreError as e:
                raise fail(f"{e}; {job.done} of {job.total} articles are in {dst_name}; run the same command "
                           f"again to resume", EXIT_INDEX) from None
        if job.restarted_because:
            err.print(escape(f"note: started over: {job.restarted_because}"))
        err.print(escape(f"migrated {job.total} articles from {src_name} to {dst_name} ({sent} sent by this run); "
                         f"{dst_name} holds {len(dst)} articles"))
    finally:
        src.close()
        dst.close()


def _check_cluster(index: Path, as_json: bool) -> bool:
    """`govsearch check` of a cluster URL (False: `index` is a folder)."""
    from . import check_cluster, parse_cluster_url

    try:
        where = parse_cluster_url(index)
    except InputError as e:
        raise fail(str(e), EXIT_USAGE) from None
    if where is None:
        return False
    result = check_cluster(where)
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for problem in result.problems:
            err.print(f"[red]error:[/red] {escape(problem)}")
        for note in result.notes:
            err.print(f"note: {escape(note)}")
        if result.ok:
            out.print(escape(result.line()), soft_wrap=True)
        else:
            err.print(escape(result.hint()))
    if not result.ok:
        raise typer.Exit(EXIT_INDEX)
    return True


cluster_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                          help="An OpenSearch cluster as the index (--index opensearch://HOST:PORT/INDEX).")
app.add_typer(cluster_app, name="cluster")


@cluster_app.command("init")
def cluster_init(url: Annotated[str, typer.Argument(help="opensearch://HOST:PORT/INDEX")],
                 shards: Annotated[int | None, typer.Option(
                     help="primary shards of a new index (the template's 2 by default; about 1 per "
                          "million articles, docs/scale-out.md)")] = None,
                 replicas: Annotated[int | None, typer.Option(
                     help="copies of each shard beside its primary (the template's 1 by default); "
                          "on an existing index, changed in place")] = None) -> None:
    """Install govsearch's index template (deploy/opensearch) and create the index; safe to run again."""
    from . import init_cluster
    info = init_cluster(url, shards=shards, replicas=replicas)
    verb = "created" if info["created"] else "already there:"
    primaries, copies = info["shards"], info["copies"]
    out.print(f"{verb} index {info['index']}, {primaries} shard{'' if primaries == 1 else 's'}, "
              f"{copies} shard cop{'y' if copies == 1 else 'ies'}, cluster {info['status']}; use --index {url}")


def main() -> None:
    try:
        app()
    except GovsearchError as e:  # one line, never a traceback
        err.print(f"[red]error:[/red] {escape(str(e))}")
        sys.exit(exit_code(e))
    except KeyboardInterrupt:
        err.print("interrupted; everything committed so far is kept (run again to resume)")
        sys.exit(EXIT_INTERRUPTED)
    except OSError as e:  # not one of ours: still one line, and a hint when it is the index's
        where = Path(e.filename).parent if isinstance(e.filename, str) else None
        if where is not None and (where / "govsearch.json").exists():
            err.print(f"[red]error:[/red] {escape(unreadable(where, e))}")
            sys.exit(EXIT_INDEX)
        err.print(f"[red]error:[/red] {escape(str(e))}")
        sys.exit(EXIT_PARTIAL)


if __name__ == "__main__":
    main()
