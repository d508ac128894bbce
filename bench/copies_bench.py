"""Copy groups (`govsearch.index.copies`): precision and recall of copy pairs, and what they cost.

    python bench/copies_bench.py            # the whole run (~5 minutes on two busy cores)
    python bench/copies_bench.py --quick    # fewer originals, no import timing

The labelled set, built here from the shared corpus with a fixed seed:

- copies: ORIGINALS real articles (six paragraphs or more), each republished
  seven ways as a provincial portal does: a "CTTĐT - " dateline, the ending
  trimmed (last quarter of the paragraphs), a photo caption changed and one
  added, the other tone style ("hoà"/"hòa"), decomposed accents (NFD), a
  middle paragraph dropped, and all of dateline + trim + drop + caption at
  once. Every pair within one story's eight articles is a copy pair.
- non-copies: for each original, the article of the corpus pool that shares
  the most rare syllables with it (same topic, most often the same event
  reported by another newspaper: baomoi.com aggregates many), unless the two
  are exact duplicates; and the same story "filled in again": the original
  with every number changed (another day, other figures), which templated
  notices are.

An index is built from the pool (the first POOL articles of the corpus), the
exact duplicates of the whole corpus, the stories and their copies, in one
import, through SearchEngine.add_many like `govsearch import`; the pairs
predicted are the pairs that share a copy group there. Precision counts the
labelled pairs only (copy pairs found / all labelled pairs found); the pairs
grouped outside the labelled set are counted and the closest shown to read.

Cost: the fingerprint (shingles, MinHash, band keys) per article; the group
lookup per article (its band terms in the index); and the import of IMPORT_DOCS
articles with and without copy detection, in the same process, one after the
other (copy detection switched off by replacing its two hooks for the run).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPUS_FULL, CORPUS_SAMPLE, iter_records, stable_url  # noqa: E402

from govsearch import Article, SearchEngine  # noqa: E402
from govsearch.index import copies as copies_mod  # noqa: E402
from govsearch.index import schema as schema_mod  # noqa: E402
from govsearch.index import store as store_mod  # noqa: E402
from govsearch.index.internals import segment_readers, u64_column  # noqa: E402
from govsearch.text import analyze, swap_tone_style  # noqa: E402
from govsearch.text.shingles import copy_terms, shingle_hashes  # noqa: E402

SEED = 23
ORIGINALS = 120
POOL = 4000
IMPORT_DOCS = 4000
IMPORT_BATCH = 1000
EDITS = ("dateline", "trim", "caption", "tone", "nfd", "drop", "all")


def norm_body(rec: dict) -> str:
    return unicodedata.normalize("NFC", (rec.get("body") or "")).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(]?[A-ZÀ-ỸĐ0-9])")


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs; the corpus often has the whole body on one line, so a
    "paragraph" there is three sentences (the unit a republisher drops or trims)."""
    out = []
    for line in body.split("\n"):
        sentences = [x for x in _SENTENCE_END.split(line.strip()) if x]
        out += [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    return out


# --- the edits ---------------------------------------------------------------

_WORD = re.compile(r"\w+")


def swap_tones(text: str) -> str:
    return _WORD.sub(lambda m: swap_tone_style(m.group(0)), text)


def edit(body: str, kind: str, rng: random.Random) -> str:
    ps = paragraphs(body)
    if kind == "dateline":
        return "CTTĐT - " + body
    if kind == "trim":
        return "\n".join(ps[: max(1, len(ps) - max(1, len(ps) // 4))])
    if kind == "caption":
        # the source's photo credits replaced by the portal's, and a photo of its own added
        out = [re.sub(r"\((?:Ảnh|Nguồn)[^)]*\)", "(Ảnh: Cổng Thông tin điện tử tỉnh)", p) for p in ps]
        out.insert(1, "Các đại biểu dự hội nghị. Ảnh: Văn phòng UBND tỉnh")
        return "\n".join(out)
    if kind == "tone":
        return swap_tones(body)
    if kind == "nfd":
        return unicodedata.normalize("NFD", body)
    if kind == "drop":
        out = list(ps)
        del out[len(out) // 2]
        return "\n".join(out)
    if kind == "all":
        out = paragraphs(edit(edit(body, "drop", rng), "trim", rng))
        out.insert(1, "Các đại biểu dự hội nghị. Ảnh: Văn phòng UBND tỉnh")
        return "CTTĐT - (Chinhphu.vn) - " + "\n".join(out)
    raise ValueError(kind)


def renumber(text: str, rng: random.Random) -> str:
    """Every number changed: the same template filled in for another day."""
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + rng.randint(1, 9)), text)


# --- building the set --------------------------------------------------------

def rare_terms(text: str, df: Counter, n_docs: int) -> set[str]:
    return {t for t in set(analyze(text)[1]) if 1 < df[t] <= max(3, n_docs // 200)}


def build(originals_n: int, rng: random.Random):
    records = list(iter_records(CORPUS_FULL))
    by_body = defaultdict(list)
    for r in records:
        by_body[hashlib.md5(norm_body(r).encode()).hexdigest()].append(r)
    exact_groups = [g for g in by_body.values() if len(g) > 1 and norm_body(g[0])]
    pool = records[:POOL]
    pool_urls = {stable_url(r) for r in pool}
    dup_records = [r for g in exact_groups for r in g if stable_url(r) not in pool_urls]

    candidates = [r for r in pool if len(paragraphs(r.get("body") or "")) >= 6
                  and len(analyze(r.get("body") or "")[1]) >= 300
                  and len(by_body[hashlib.md5(norm_body(r).encode()).hexdigest()]) == 1]
    originals = rng.sample(candidates, originals_n)

    base = datetime(2024, 1, 1, 8, 0)
    articles: list[Article] = []
    for r in pool + dup_records:
        articles.append(Article(url=stable_url(r), title=r.get("title") or "", body=r.get("body") or "",
                                source=(stable_url(r).split("/")[2] if "://" in stable_url(r) else "")))
    stories: list[list[str]] = []
    for k, r in enumerate(originals):
        url = stable_url(r)
        story = [url]
        # the original is the pool's own article; its copies come a few hours later
        for j, kind in enumerate(EDITS):
            copy_url = f"https://tinh{j}.gov.vn/tin/{k}-{kind}.html"
            articles.append(Article(url=copy_url, title=r.get("title") or "", body=edit(r["body"], kind, rng),
                                    published=base + timedelta(days=k, hours=j + 1), source=f"tinh{j}.gov.vn"))
            story.append(copy_url)
        stories.append(story)

    # non-copies: the most similar article by rare syllables; and the story renumbered
    df: Counter = Counter()
    for r in pool:
        df.update(set(analyze(r.get("body") or "")[1]))
    rare = {stable_url(r): rare_terms(r.get("body") or "", df, len(pool)) for r in pool}
    body_key = {stable_url(r): hashlib.md5(norm_body(r).encode()).hexdigest() for r in pool}
    negatives: list[tuple[str, str, str]] = []
    for k, r in enumerate(originals):
        url = stable_url(r)
        mine = rare[url]
        best = max((u for u in rare if u != url and body_key[u] != body_key[url]),
                   key=lambda u: (len(mine & rare[u]), u))
        negatives.append((url, best, "same topic"))
        if not re.search(r"\d", r["body"]):
            continue  # renumbered, a text without numbers would be itself: a copy, not a negative
        renum = f"https://tinh9.gov.vn/tin/{k}-renumbered.html"
        articles.append(Article(url=renum, title=r.get("title") or "", body=renumber(r["body"], rng),
                                published=base + timedelta(days=k, hours=12), source="tinh9.gov.vn"))
        negatives.append((url, renum, "renumbered"))
    return articles, stories, negatives, exact_groups


# --- scoring -----------------------------------------------------------------

def groups_of(engine: SearchEngine) -> dict[str, int]:
    """Each live article's copy group (the `copy_group` column search collapses on)."""
    searcher = engine.searcher()
    groups = np.concatenate([u64_column(reader, copies_mod.GROUP_FIELD) for reader, _ in segment_readers(searcher)])
    return {stored["url"]: int(groups[docnum]) for docnum, stored in searcher.reader().iter_docs()}


def score(stories, negatives, exact_groups, group: dict[str, int]) -> None:
    def same(a: str, b: str) -> bool:
        return group.get(a, 0) != 0 and group.get(a) == group.get(b)

    by_kind: dict[str, list[bool]] = defaultdict(list)
    positives = []
    for story in stories:
        for a, b in itertools.combinations(story, 2):
            kinds = [u.rsplit("-", 1)[-1].removesuffix(".html") if "tinh" in u else "original" for u in (a, b)]
            kind = kinds[1] if kinds[0] == "original" else "copy-copy"
            found = same(a, b)
            positives.append(found)
            by_kind[kind].append(found)
    neg_found: dict[str, list[bool]] = defaultdict(list)
    for a, b, kind in negatives:
        neg_found[kind].append(same(a, b))
    exact = [same(stable_url(x), stable_url(y)) for g in exact_groups for x, y in itertools.combinations(g, 2)]

    tp = sum(positives) + sum(exact)
    fp = sum(sum(v) for v in neg_found.values())
    fn = len(positives) + len(exact) - tp
    print(f"\ncopy pairs: {len(positives)} edited + {len(exact)} exact duplicates; "
          f"non-copy pairs: {sum(len(v) for v in neg_found.values())}")
    print(f"precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(tp + fn, 1):.3f}  (TP {tp}, FP {fp}, FN {fn})")
    print("recall by edit (original vs copy; copy-copy: two edited copies):")
    for kind in (*EDITS, "copy-copy"):
        v = by_kind[kind]
        print(f"  {kind:10} {sum(v):5}/{len(v):<5} {sum(v) / max(len(v), 1):.3f}")
    print(f"  {'exact dup':10} {sum(exact):5}/{len(exact):<5} {sum(exact) / max(len(exact), 1):.3f}  "
          f"(the corpus's {len(exact_groups)} groups of identical bodies under different ids)")
    print("non-copies grouped (false positives):")
    for kind, v in neg_found.items():
        print(f"  {kind:10} {sum(v):5}/{len(v)}")
    labelled = {u for s in stories for u in s} | {u for n in negatives for u in n[:2]}
    labelled |= {stable_url(r) for g in exact_groups for r in g}
    members = defaultdict(list)
    for u, g in group.items():
        members[g].append(u)
    extra = [m for m in members.values() if len(m) > 1 and not set(m) <= labelled]
    print(f"groups outside the labelled set: {len(extra)} ({sum(len(m) for m in extra)} articles)")
    return extra


def show_extra(extra, by_url: dict[str, Article], n: int = 6) -> None:
    for m in extra[:n]:
        print("  --", " | ".join(f"{u[-40:]}: {by_url[u].title[:50]}" for u in m[:3]))


# --- pure-part checks ----------------------------------------------------------

def candidate_rates(stories, negatives, by_url) -> None:
    """The share of labelled pairs that are LSH candidates: our bands vs datasketch's MinHashLSH."""
    from datasketch import MinHashLSH

    def fp(u):
        a = by_url[u]
        return copies_mod.fingerprint(copy_terms(analyze(a.title)[1], a.text, analyze(a.text)[1]))

    pairs_pos = [(s[0], u) for s in stories for u in s[1:]]
    pairs_neg = [(a, b) for a, b, _ in negatives]
    urls = {u for p in pairs_pos + pairs_neg for u in p}
    fps = {u: fp(u) for u in urls}
    lsh = MinHashLSH(threshold=copies_mod.THRESHOLD, num_perm=copies_mod.NUM_PERM)
    from datasketch import MinHash
    for u, f in fps.items():
        if f is not None:
            lsh.insert(u, MinHash(num_perm=copies_mod.NUM_PERM, hashvalues=f.sig, scheme="affine32"))
    ds_params = lsh.b, lsh.r

    def ours(a, b):
        fa, fb = fps[a], fps[b]
        return fa is not None and fb is not None and bool(np.any(copies_mod.band_keys(fa.sig) == copies_mod.band_keys(fb.sig)))

    def theirs(a, b):
        fa = fps[a]
        return fa is not None and b in lsh.query(MinHash(num_perm=copies_mod.NUM_PERM, hashvalues=fa.sig,
                                                         scheme="affine32"))

    for name, test in (("ours (16 bands x 4)", ours), (f"datasketch MinHashLSH (b={ds_params[0]}, r={ds_params[1]})", theirs)):
        pos = sum(test(a, b) for a, b in pairs_pos) / len(pairs_pos)
        neg = sum(test(a, b) for a, b in pairs_neg) / len(pairs_neg)
        print(f"  {name:42} candidates: copies {pos:.3f}, non-copies {neg:.3f}")
    for kind in ("same topic", "renumbered"):
        est = [copies_mod.similarity(fps[a].sig, fps[b].sig) for a, b, k in negatives
               if k == kind and fps[a] and fps[b]]
        print(f"  estimated Jaccard of the {kind} pairs: median {statistics.median(est):.2f}, max {max(est):.2f}")


def shingle_sizes(stories, negatives, by_url) -> None:
    """Exact Jaccard of labelled pairs for shingles of 2, 3 and 4 syllables (why SHINGLE is 3)."""
    def jac(a, b, k):
        sa = set(shingle_hashes(copy_terms([], by_url[a].text, analyze(by_url[a].text)[1]), k).tolist())
        sb = set(shingle_hashes(copy_terms([], by_url[b].text, analyze(by_url[b].text)[1]), k).tolist())
        return len(sa & sb) / max(len(sa | sb), 1)
    pos = [(s[0], u) for s in stories for u in s[1:]]
    neg = [(a, b) for a, b, kind in negatives if kind == "same topic"]
    for k in (2, 3, 4):
        p = sorted(jac(a, b, k) for a, b in pos)
        n = sorted(jac(a, b, k) for a, b in neg)
        print(f"  {k} syllables: copies' Jaccard 5th percentile {p[len(p) // 20]:.2f}, "
              f"same-topic non-copies' 95th {n[len(n) * 19 // 20]:.2f} (max {n[-1]:.2f})")


# --- cost -----------------------------------------------------------------------

def fingerprint_cost(articles: list[Article]) -> None:
    sample = articles[:2000]
    analyzed = [(analyze(a.title)[1], a.text, analyze(a.text)[1]) for a in sample]
    t0 = time.perf_counter()
    for title_f, text, body_f in analyzed:
        copies_mod.copy_fields(copy_terms(title_f, text, body_f))
    dt = (time.perf_counter() - t0) / len(sample) * 1e6
    terms = statistics.mean(len(b) for _, _, b in analyzed)
    print(f"fingerprint (shingles + MinHash + 16 band keys): {dt:.0f} µs per article "
          f"(mean {terms:.0f} syllables; {len(sample)} articles)")


class _NoGroups:
    def __init__(self, lookup) -> None:
        pass

    def assign(self, fields, seq) -> int:
        return 0


def import_time(articles: list[Article], copies_on: bool) -> float:
    saved = schema_mod.copy_fields, store_mod.CopyGrouper
    if not copies_on:
        schema_mod.copy_fields = lambda terms: {}
        store_mod.CopyGrouper = _NoGroups
    try:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.process_time()
            with SearchEngine(Path(d) / "ix") as engine:
                # batches of 1,000: all but the first look their articles up in what is committed
                engine.add_many(articles, workers=0, commit_every=IMPORT_BATCH)
            return time.process_time() - t0
    finally:
        schema_mod.copy_fields, store_mod.CopyGrouper = saved


def lookup_cost(engine: SearchEngine, articles: list[Article]) -> None:
    """The group lookup alone, worst case: articles already in the committed index, each finding itself."""
    prepared = []
    for a in articles[:1000]:
        doc = schema_mod.analyzed_doc(a)
        prepared.append(doc.fields)
    with engine.store.ix.searcher() as s:
        grouper = copies_mod.CopyGrouper(copies_mod.ColumnLookup(s.reader()))
        t0 = time.perf_counter()
        for i, fields in enumerate(prepared):
            grouper.assign(dict(fields), 10_000_000 + i)
        dt = (time.perf_counter() - t0) / len(prepared) * 1e6
    print(f"group lookup (16 binary searches, candidates verified): {dt:.0f} µs per article "
          f"({len(prepared)} articles against an index of {len(engine)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="30 stories, no import timing")
    ap.add_argument("--import-only", action="store_true", help="only the import with and without copies")
    args = ap.parse_args()
    if not CORPUS_FULL.exists():
        sys.exit(f"needs the shared corpus at {CORPUS_FULL}")
    rng = random.Random(SEED)
    articles, stories, negatives, exact_groups = build(30 if args.quick else ORIGINALS, rng)
    if args.import_only:
        import_cost(articles)
        return
    by_url = {a.url: a for a in articles}
    print(f"set: {len(stories)} stories x {len(EDITS)} edited copies, {len(negatives)} non-copy pairs, "
          f"{len(exact_groups)} exact-duplicate groups of the 58k corpus; {len(articles)} articles indexed")
    print("LSH candidates (before the Jaccard and numbers checks):")
    candidate_rates(stories, negatives, by_url)
    print("shingle size:")
    shingle_sizes(stories, negatives, by_url)

    with tempfile.TemporaryDirectory() as d:
        with SearchEngine(Path(d) / "ix") as engine:
            t0 = time.perf_counter()
            engine.add_many(articles, workers=0)
            print(f"indexed {len(articles)} articles in {time.perf_counter() - t0:.0f} s")
            extra = score(stories, negatives, exact_groups, groups_of(engine))
            show_extra(extra, by_url)
            lookup_cost(engine, articles)

    # the sample: its exact duplicates, and the groups an import of it makes
    sample = [Article(url=stable_url(r), title=r.get("title") or "", body=r.get("body") or "")
              for r in iter_records(CORPUS_SAMPLE)]
    bodies = Counter(unicodedata.normalize("NFC", a.body).strip() for a in sample)
    with tempfile.TemporaryDirectory() as d:
        with SearchEngine(Path(d) / "ix") as engine:
            engine.add_many(sample, workers=0)
            sizes = Counter(groups_of(engine).values())
    print(f"1k sample: {sum(c * (c - 1) // 2 for c in bodies.values())} exact-duplicate pairs; "
          f"{sum(1 for c in sizes.values() if c > 1)} copy groups after an import")

    fingerprint_cost(articles)
    if not args.quick:
        import_cost(articles)


def import_cost(articles: list[Article]) -> None:
    docs = articles[:IMPORT_DOCS]
    off = import_time(docs, copies_on=False)
    on = import_time(docs, copies_on=True)
    print(f"import of {len(docs)} articles in batches of {IMPORT_BATCH} (one process, CPU time): "
          f"{off:.1f} s without copy detection, "
          f"{on:.1f} s with ({(on / off - 1) * 100:+.1f}%, {(on - off) / len(docs) * 1e6:.0f} µs per article)")


if __name__ == "__main__":
    main()
