"""Extraction benchmark over the fixture portals: speed and accuracy, ours beside trafilatura.

Run: python bench/extract_bench.py [--runs 7]
Columns: title exact %, date exact % (to the minute, +07:00), day exact %, body token F1 (bag of words
against the ground-truth text), listings rejected % (listing/tag/search pages that gave no article), and
pages/s on one core (median of several runs over every fixture page). "ours (generic only)" forces the
fallback on every page, which is the number that decides whether trafilatura would help the fallback.
trafilatura is measured only if installed (it is not a dependency of govsearch).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from govsearch.extract import extract  # noqa: E402
from govsearch.extract.generic import GENERIC  # noqa: E402
from govsearch.extract.html import parse  # noqa: E402
from govsearch.extract.pipeline import declines, run  # noqa: E402
from govsearch.extract.profile import Page  # noqa: E402
from tests.fixtures.portals.server import PORTALS, fetch, load_truth, start_portal  # noqa: E402

_WORD = re.compile(r"\w+")


@dataclass
class Sample:
    url: str
    data: bytes
    content_type: str
    truth: dict | None  # None for pages that are not articles


@dataclass
class Result:
    title: str
    published: datetime | None
    body: str


Extractor = Callable[[Sample], Result | None]


def load_samples() -> list[Sample]:
    """Fetch every fixture page once over HTTP, as a crawler would get it."""
    truth = load_truth()
    samples = []
    for family, t in truth.items():
        site = start_portal(PORTALS / family)
        try:
            pages = [(p, t["articles"][p]) for p in t["articles"]] + [(p, None) for p in t["non_articles"]]
            for path, expected in pages:
                _, data, headers = fetch(site.base + path)
                samples.append(Sample("http://portal.test" + path, data, headers.get("Content-Type", ""), expected))
        finally:
            site.stop()
    return samples


def ours(sample: Sample) -> Result | None:
    article = extract(sample.data, sample.url, sample.content_type)
    return None if article is None else Result(article.title, article.published, article.body)


def ours_generic(sample: Sample) -> Result | None:
    page = Page(parse(sample.data, sample.content_type), sample.url)
    if declines(GENERIC, page):
        return None
    article = run(GENERIC, page)
    return None if article is None else Result(article.title, article.published, article.body)


def trafilatura_extractor() -> Extractor | None:
    try:
        import trafilatura
    except ImportError:
        return None
    from govsearch.extract.html import decode_html

    def extract_with_trafilatura(sample: Sample) -> Result | None:
        # Same decoded text as ours, so only the extraction is compared.
        text = decode_html(sample.data, sample.content_type)
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
        return Result(get("title") or "", published, get("text") or "")

    return extract_with_trafilatura


def tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(unicodedata.normalize("NFC", text).lower()))


def f1(got: str, want: str) -> float:
    a, b = tokens(got), tokens(want)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def score(extractor: Extractor, samples: list[Sample]) -> dict[str, float]:
    articles = [s for s in samples if s.truth is not None]
    others = [s for s in samples if s.truth is None]
    title = date = day = 0
    f1s = []
    for sample in articles:
        result = extractor(sample)
        want = datetime.fromisoformat(sample.truth["published"])  # type: ignore[index]
        if result is None:
            f1s.append(0.0)
            continue
        title += result.title == sample.truth["title"]  # type: ignore[index]
        got = result.published
        if got is not None and got.tzinfo is None:
            got = got.replace(tzinfo=want.tzinfo)
        date += got == want
        day += got is not None and got.date() == want.date()
        f1s.append(f1(result.body, sample.truth["body_text"]))  # type: ignore[index]
    rejected = sum(extractor(s) is None for s in others)
    n = len(articles)
    return {"title": 100 * title / n, "date": 100 * date / n, "day": 100 * day / n,
            "f1": statistics.mean(f1s), "rejected": 100 * rejected / max(1, len(others))}


def speed(extractor: Extractor, samples: list[Sample], runs: int) -> float:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for sample in samples:
            extractor(sample)
        rates.append(len(samples) / (time.perf_counter() - start))
    return statistics.median(rates)


def load_shared_pages() -> list[Sample]:
    """The complete real article pages in shared/pages (title and stamp read by hand), if present."""
    index = ROOT.parent / "shared" / "pages" / "index.tsv"
    if not index.exists():
        return []
    import csv

    samples = []
    with open(index, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if not (row["file"].startswith("html/") and row["complete"].startswith("yes")):
                continue
            stamp = row["date"].split("datetime=")[1].rstrip(")")
            published = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z").isoformat()
            truth = {"title": row["title"], "published": published, "body_text": row["first_sentence"]}
            samples.append(Sample(row["url"], (index.parent / row["file"]).read_bytes(), "", truth))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed passes over all pages (median reported)")
    args = parser.parse_args()
    samples = load_samples()
    n_articles = sum(s.truth is not None for s in samples)
    print(f"{len(samples)} fixture pages ({n_articles} articles, {len(samples) - n_articles} listings/traps), "
          f"{args.runs} timed runs, one core\n")
    systems: list[tuple[str, Extractor]] = [("govsearch.extract", ours), ("ours (generic only)", ours_generic)]
    traf = trafilatura_extractor()
    if traf is None:
        print("trafilatura not installed: skipped (pip install trafilatura to compare)\n")
    else:
        systems.append(("trafilatura", traf))
    header = f"{'system':<22}{'title %':>9}{'date %':>9}{'day %':>8}{'body F1':>9}{'rejected %':>12}{'pages/s':>10}"
    print(header)
    print("-" * len(header))
    for name, extractor in systems:
        s = score(extractor, samples)
        rate = speed(extractor, samples, args.runs)
        print(f"{name:<22}{s['title']:>9.1f}{s['date']:>9.1f}{s['day']:>8.1f}{s['f1']:>9.3f}"
              f"{s['rejected']:>12.1f}{rate:>10.1f}")
    real = load_shared_pages()
    if real:
        # Only the first sentence is known for these, so the text score is its recall, not F1.
        print(f"\nreal pages from shared/pages ({len(real)} complete newspaper articles, hand-read title and stamp)")
        print(f"{'system':<22}{'title %':>9}{'date %':>9}{'day %':>8}{'lead found %':>14}")
        for name, extractor in systems:
            title = date = day = found = 0
            for sample in real:
                result = extractor(sample)
                if result is None:
                    continue
                want = datetime.fromisoformat(sample.truth["published"])  # type: ignore[index]
                got = result.published
                if got is not None and got.tzinfo is None:
                    got = got.replace(tzinfo=want.tzinfo)
                title += result.title == sample.truth["title"]  # type: ignore[index]
                date += got == want
                day += got is not None and got.date() == want.date()
                found += " ".join(sample.truth["body_text"].split()) in " ".join(result.body.split())  # type: ignore[index]
            n = len(real)
            print(f"{name:<22}{100 * title / n:>9.1f}{100 * date / n:>9.1f}{100 * day / n:>8.1f}"
                  f"{100 * found / n:>14.1f}")


if __name__ == "__main__":
    main()
