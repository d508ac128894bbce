"""Extraction benchmark: accuracy per CMS family and speed, ours beside trafilatura, on the regression set
(the fixture portals, fetched over HTTP) and, separately, on any directory of blind templates.

Run: python bench/extract_bench.py [--runs 5] [--blind DIR ...] [--no-blind] [--libraries]

The blind set in tests/fixtures/blind (41 pages in 13 CMS families written by someone who had not read
the extractor) is scored by default, after the regression set; --blind DIR scores other directories
instead. A blind directory holds HTML files and truth.json: a list of pages (or {"pages": [...]}) with,
per page, file (relative to the directory), url, kind ("article" or "listing"), title, published
(ISO 8601 with offset, a day YYYY-MM-DD, or null), author (or null), body (the article text, lead
first), and optionally family (else the file's first directory, else the directory's name), summary
(the lead, or null when the page has none) and related_titles (headlines of the other stories planted
on the page). Blind dates are compared to the minute (to the day for a day-only truth).

Per family: title / date / author exact (%, after NFC and whitespace folding; an expected null date or
author must come back empty), body token F1 (bag of words against the truth text), listings rejected
(%), related-news leaks (bodies holding a planted related title, another page's headline of the same
family, or a "Tham khảo thêm"-style box heading), summary exact (% over pages whose truth has a lead),
errors (pages the extractor raised on, scored as returned nothing), and pages/s on one core (median of
--runs passes over every page). "ours (generic only)" forces the fallback rules on every page.
trafilatura is measured when installed (it is not a dependency).
--libraries also measures extruct (JSON-LD / OpenGraph) and htmldate (dates) against our own readers.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLIND = ROOT / "tests" / "fixtures" / "blind"
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from govsearch.article import VIETNAM_TZ  # noqa: E402
from govsearch.extract import extract  # noqa: E402
from govsearch.extract.generic import GENERIC  # noqa: E402
from govsearch.extract.html import decode_html, parse  # noqa: E402
from govsearch.extract.pipeline import analyse  # noqa: E402
from govsearch.extract.profile import Page  # noqa: E402

_WORD = re.compile(r"\w+")
_BOX_HEADINGS = ("Tham khảo thêm", "Tin liên quan", "Tin cùng chuyên mục", "Các tin khác", "Xem thêm",
                 "Tin khác", "Bài viết liên quan", "Video khác")


@dataclass
class Sample:
    family: str
    url: str
    data: bytes
    content_type: str
    truth: dict | None  # None for pages that are not articles: title, published, author, body
    minute: bool = False  # dates compared to the minute (blind truth knows no seconds)


@dataclass
class Result:
    title: str
    published: datetime | None
    author: str
    body: str
    summary: str = ""


Extractor = Callable[[Sample], Result | None]


def load_regression() -> list[Sample]:
    """Every fixture portal page once over HTTP, as a crawler would get it."""
    from tests.fixtures.portals.server import PORTALS, fetch, load_truth, start_portal

    samples = []
    for family, t in load_truth().items():
        site = start_portal(PORTALS / family)
        try:
            pages = [(p, t["articles"][p]) for p in t["articles"]] + [(p, None) for p in t["non_articles"]]
            for path, facts in pages:
                _, data, headers = fetch(site.base + path)
                truth = None if facts is None else {"title": facts["title"], "published": facts["published"],
                                                    "author": facts["author"] or None, "body": facts["body_text"]}
                samples.append(Sample(family, "http://portal.test" + path, data, headers.get("Content-Type", ""),
                                      truth))
        finally:
            site.stop()
    return samples


def load_blind(directory: Path) -> list[Sample]:
    """A directory of HTML files and truth.json, as described in this module's docstring."""
    raw = json.loads((directory / "truth.json").read_text("utf-8"))
    pages = raw["pages"] if isinstance(raw, dict) else raw
    samples = []
    for page in pages:
        file = Path(page["file"])
        family = page.get("family") or (file.parts[0] if len(file.parts) > 1 else directory.name)
        truth = None
        if page.get("kind", "article") == "article":
            truth = {"title": page.get("title") or "", "published": page.get("published"),
                     "author": page.get("author") or None, "body": page.get("body") or "",
                     "related": list(page.get("related_titles") or [])}
            if "summary" in page:
                truth["summary"] = page["summary"]
        samples.append(Sample(family, page["url"], (directory / file).read_bytes(), page.get("content_type", ""),
                              truth, minute=True))
    return samples


def ours(sample: Sample) -> Result | None:
    article = extract(sample.data, sample.url, sample.content_type or None)
    return None if article is None else Result(article.title, article.published, article.author, article.body,
                                               article.summary)


def ours_generic(sample: Sample) -> Result | None:
    article = analyse(GENERIC, Page(parse(sample.data, sample.content_type or None), sample.url)).article
    return None if article is None else Result(article.title, article.published, article.author, article.body,
                                               article.summary)


def trafilatura_extractor() -> Extractor | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def extract_with_trafilatura(sample: Sample) -> Result | None:
        # Same decoded text as ours, so only the extraction is compared.
        text = decode_html(sample.data, sample.content_type or None)
        doc = trafilatura.bare_extraction(text, url=sample.url, with_metadata=True, include_comments=False,
                                          date_extraction_params={"extensive_search": True,
                                                                  "outputformat": "%Y-%m-%dT%H:%M:%S"})
        if doc is None:
            return None
        get = (lambda k: doc.get(k)) if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
        published = None
        if get("date"):
            try:
                published = datetime.fromisoformat(get("date"))
            except ValueError:
                published = None
        return Result(get("title") or "", published, get("author") or "", get("text") or "")

    return extract_with_trafilatura


def norm(text: str | None) -> str:
    """NFC with whitespace runs folded: how titles, authors and leads are compared."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(unicodedata.normalize("NFC", text).lower()))


def f1(got: str, want: str) -> float:
    a, b = tokens(got), tokens(want)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def same_time(got: datetime | None, want: str | None, minute: bool = False) -> bool:
    """got is the truth's instant (to the minute when minute; the day for a day-only truth)."""
    if want is None:
        return got is None
    if got is None:
        return False
    if len(want) == 10:  # a day only: the page prints no time
        day = got.astimezone(VIETNAM_TZ) if got.tzinfo is not None else got
        return day.date().isoformat() == want
    expected = datetime.fromisoformat(want)
    if got.tzinfo is None:  # trafilatura gives naive local times
        got = got.replace(tzinfo=expected.tzinfo)
    if minute:
        return got.replace(second=0, microsecond=0) == expected.replace(second=0, microsecond=0)
    return got == expected


def leaked(result: Result, truth: dict, titles: list[str]) -> bool:
    """True when the extracted text holds another story: a planted related title, another page's headline
    of the same family, or an other-news box heading the truth does not have."""
    text = norm(result.body + "\n" + result.summary).lower()
    if any(norm(t).lower() in text for t in truth.get("related", [])):
        return True
    return any(t != truth["title"] and t in result.body for t in titles) or any(
        h in result.body and h not in truth["body"] for h in _BOX_HEADINGS)


def run_one(extractor: Extractor, sample: Sample) -> tuple[Result | None, bool]:
    """The extractor's result and whether it raised (an exception scores as nothing returned)."""
    try:
        return extractor(sample), False
    except Exception:  # noqa: BLE001 - a crash on one page is a score, not the end of the run
        return None, True


def score(extractor: Extractor, samples: list[Sample]) -> dict[str, dict[str, float]]:
    """Per family (and "all"): title, date, author, summary %, body F1, rejected %, leaks, errors (counts)."""
    by_family: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_family[s.family].append(s)
    table: dict[str, dict[str, float]] = {}
    totals: dict[str, list[float]] = defaultdict(list)
    for family, group in by_family.items():
        articles = [s for s in group if s.truth is not None]
        others = [s for s in group if s.truth is None]
        titles = [s.truth["title"] for s in articles]  # type: ignore[index]
        row: dict[str, list[float]] = defaultdict(list)
        for sample in articles:
            truth = sample.truth
            assert truth is not None
            result, crashed = run_one(extractor, sample)
            row["errors"].append(float(crashed))
            has_lead = truth.get("summary") is not None
            if result is None:
                for key in ("title", "date", "author", "f1", *(("summary",) if has_lead else ())):
                    row[key].append(0.0)
                continue
            row["title"].append(100.0 * (norm(result.title) == norm(truth["title"])))
            row["date"].append(100.0 * same_time(result.published, truth["published"], sample.minute))
            row["author"].append(100.0 * (norm(result.author) == norm(truth["author"])))
            if has_lead:
                row["summary"].append(100.0 * (norm(result.summary) == norm(truth["summary"])))
            row["f1"].append(f1(result.body, truth["body"]))
            row["leaks"].append(float(leaked(result, truth, titles)))
        for sample in others:
            result, crashed = run_one(extractor, sample)
            row["errors"].append(float(crashed))
            row["rejected"].append(100.0 * (result is None))
        cells = {k: statistics.mean(v) for k, v in row.items() if v}
        cells["leaks"], cells["errors"] = sum(row["leaks"]), sum(row["errors"])
        cells["n"], cells["listings"] = len(articles), len(others)
        table[family] = cells
        for k, v in row.items():
            totals[k].extend(v)
    all_cells = {k: statistics.mean(v) for k, v in totals.items() if v}
    all_cells["leaks"], all_cells["errors"] = sum(totals["leaks"]), sum(totals["errors"])
    all_cells["n"] = sum(c["n"] for c in table.values())
    all_cells["listings"] = sum(c["listings"] for c in table.values())
    table["all"] = all_cells
    return table


def speed(extractor: Extractor, samples: list[Sample], runs: int) -> float:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for sample in samples:
            extractor(sample)
        rates.append(len(samples) / (time.perf_counter() - start))
    return statistics.median(rates)


def _cell(cells: dict[str, float], key: str, fmt: str) -> str:
    return format(cells[key], fmt) if key in cells else "-"


def print_set(name: str, samples: list[Sample], systems: list[tuple[str, Extractor]], runs: int) -> None:
    n_articles = sum(s.truth is not None for s in samples)
    print(f"\n## {name}: {len(samples)} pages ({n_articles} articles, {len(samples) - n_articles} listings/traps)\n")
    for system, extractor in systems:
        table = score(extractor, samples)
        rate = speed(extractor, samples, runs)
        print(f"### {system} ({rate:.0f} pages/s on one core)\n")
        print("| family | articles | title % | date % | author % | body F1 | listings rejected % | leaks | "
              "summary % | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for family in [*sorted(f for f in table if f != "all"), "all"]:
            c = table[family]
            print(f"| {family} | {c['n']:.0f} | {_cell(c, 'title', '.1f')} | {_cell(c, 'date', '.1f')} | "
                  f"{_cell(c, 'author', '.1f')} | {_cell(c, 'f1', '.3f')} | {_cell(c, 'rejected', '.1f')} | "
                  f"{c['leaks']:.0f} | {_cell(c, 'summary', '.1f')} | {c['errors']:.0f} |")
        print()


def libraries(samples: list[Sample]) -> None:
    """extruct against our JSON-LD/OpenGraph reader, htmldate against our date cascade, on article pages."""
    from govsearch.extract import signals

    articles = [s for s in samples if s.truth is not None]
    print("\n## libraries against our own readers (article pages of the regression set)\n")
    try:
        import extruct
    except ImportError:
        print("extruct not installed: skipped")
    else:
        agree = total = 0
        t_ours = t_lib = 0.0
        for s in articles:
            html = decode_html(s.data, s.content_type or None)
            page = Page(parse(html), s.url)
            t0 = time.perf_counter()
            mine = (signals.jsonld_field(page, "headline"), signals.jsonld_field(page, "datePublished"),
                    signals.meta(page, "og:title")[0])
            t1 = time.perf_counter()
            data = extruct.extract(html, base_url=s.url, syntaxes=["json-ld", "opengraph"], uniform=True)
            t2 = time.perf_counter()
            t_ours, t_lib = t_ours + t1 - t0, t_lib + t2 - t1
            objs = [o for o in data.get("json-ld", []) for o in ([o] + list(o.get("@graph", [])))]
            arts = [o for o in objs if "article" in str(o.get("@type", "")).lower()] or objs
            lib_headline = str(arts[0].get("headline", "")) if arts else ""
            lib_date = str(arts[0].get("datePublished", "")) if arts else ""
            og = data.get("opengraph", [])
            lib_og = str(og[0].get("og:title", "")) if og else ""
            total += 1
            agree += (mine[0], mine[1], mine[2]) == (lib_headline.strip(), lib_date.strip(), lib_og.strip())
        print(f"extruct: same JSON-LD headline, datePublished and og:title as ours on {agree}/{total} pages; "
              f"extruct {1000 * t_lib / total:.2f} ms/page (it parses the page again), "
              f"ours {1000 * t_ours / total:.2f} ms/page on the tree extraction has already built")
    try:
        import htmldate
    except ImportError:
        print("htmldate not installed: skipped")
        return
    dated = [s for s in articles if s.truth["published"]]  # type: ignore[index]
    minute = day = mine_minute = mine_day = 0
    for s in dated:
        want = datetime.fromisoformat(s.truth["published"])  # type: ignore[index]
        html = decode_html(s.data, s.content_type or None)
        found = htmldate.find_date(html, url=s.url, outputformat="%Y-%m-%dT%H:%M:%S", extensive_search=True,
                                   original_date=True)
        got = datetime.fromisoformat(found).replace(tzinfo=want.tzinfo) if found else None
        minute += got is not None and got.replace(second=0) == want.replace(second=0)
        day += got is not None and got.date() == want.date()
        result = ours(s)
        mine = result.published if result else None
        mine_minute += mine is not None and mine.replace(second=0) == want.replace(second=0)
        mine_day += mine is not None and mine.date() == want.date()
    n = len(dated)
    print(f"htmldate: day right on {day}/{n}, day and minute right on {minute}/{n}; "
          f"ours: day {mine_day}/{n}, minute {mine_minute}/{n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed passes over all pages (median reported)")
    parser.add_argument("--blind", type=Path, action="append", default=[],
                        help=f"a directory of HTML files with truth.json (repeatable; default {BLIND.relative_to(ROOT)})")
    parser.add_argument("--no-blind", action="store_true", help="score only the regression set")
    parser.add_argument("--no-regression", action="store_true", help="score only the --blind sets")
    parser.add_argument("--libraries", action="store_true", help="also measure extruct and htmldate")
    args = parser.parse_args()
    systems: list[tuple[str, Extractor]] = [("govsearch.extract", ours), ("ours (generic only)", ours_generic)]
    traf = trafilatura_extractor()
    if traf is None:
        print("trafilatura not installed: skipped (pip install trafilatura to compare)")
    else:
        systems.append(("trafilatura", traf))
    regression = [] if args.no_regression else load_regression()
    if regression:
        print_set("regression set (fixture portals)", regression, systems, args.runs)
    blind = [] if args.no_blind else (args.blind or [BLIND])
    for directory in blind:
        if not (directory / "truth.json").is_file():
            parser.exit(2, f"extract_bench: no truth.json in {directory}\n")
        shown = directory.resolve().relative_to(ROOT) if directory.resolve().is_relative_to(ROOT) else directory
        print_set(f"blind set {shown}", load_blind(directory), systems, args.runs)
    if args.libraries and regression:
        libraries(regression)


if __name__ == "__main__":
    main()
