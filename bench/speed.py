"""Import throughput, index size and query latency: govsearch against SQLite
FTS5 and plain Whoosh, all measured in one process run.

The machine is shared, so absolute numbers drift with other people's load;
what this script is built to report fairly is the *comparison*:
- every index is built from the same in-memory documents, one after another,
  and both wall time and this process's CPU time are reported (CPU time is
  what another engineer's load disturbs least);
- query latency is measured round-robin: for each query every system runs
  once, in an order that rotates per query, so a burst of outside load falls
  on all systems alike; medians and p95 are reported, and ratios to Whoosh.

Run:  python bench/speed.py [--docs N | --sample] [--queries 500]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence

from baselines import BuildStats, ensure_built, make_system, path_size
from corpus import CORPUS_FULL, CORPUS_SAMPLE, load_docs, provenance, raw_text_bytes
from relevance import K, Query, add_common_args, available_systems, make_queries

# The issue's targets.
MAX_P95_RATIO = 1.5  # govsearch p95 / plain Whoosh p95
MAX_IMPORT_S_58K = 600.0  # govsearch import of the whole corpus


def percentile(xs: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: no interpolation, so p95 is a latency some
    query actually had."""
    s = sorted(xs)
    if not s:
        return float("nan")
    i = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[i]


def pick_queries(all_q: Sequence[Query], n: int, n_warm: int, seed: int) -> tuple[list[Query], list[Query]]:
    """`n` timed queries mixing all kinds, plus `n_warm` different ones to warm
    caches (so the timed set does not get a head start from the warm-up)."""
    rng = random.Random(seed)
    pool = list(all_q)
    rng.shuffle(pool)
    timed, warm = pool[:n], pool[n : n + n_warm]
    if len(warm) < n_warm:  # small corpora: reuse rather than skip warming
        warm += pool[: n_warm - len(warm)]
    return timed, warm


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_args(p)
    p.add_argument("--queries", type=int, default=500, help="timed queries")
    p.add_argument("--warmup", type=int, default=50, help="warm-up queries per system")
    p.add_argument("--reuse", action="store_true",
                   help="do not rebuild indexes already holding these documents (latency only)")
    a = p.parse_args(argv)
    prov = provenance()  # now, before govsearch is imported: the code that will run

    corpus = CORPUS_SAMPLE if a.sample else CORPUS_FULL
    docs = load_docs(corpus, a.docs)
    tag = f"{'sample-' if a.sample else ''}{len(docs)}"
    raw = raw_text_bytes(docs)
    a.out.mkdir(parents=True, exist_ok=True)
    print(f"corpus {corpus.name}: {len(docs)} documents, {raw / 1e6:.1f} MB title+body", flush=True)

    all_q = make_queries(docs, 300, 100, a.seed)
    timed, warm = pick_queries(all_q, a.queries, a.warmup, a.seed)
    print(f"timed queries: {len(timed)} {dict(Counter(q.kind for q in timed))}", flush=True)

    names = available_systems(a.systems.split(","))
    systems = [make_system(n, a.index_root, tag) for n in names]
    builds: dict[str, BuildStats | None] = {}
    for s in systems:
        gc.collect()
        st = ensure_built(s, docs, rebuild=not a.reuse)
        builds[s.name] = st
        if st:
            print(f"{s.name}: built {st.docs} docs in {st.wall_s:.1f}s wall / {st.cpu_s:.1f}s CPU "
                  f"= {st.docs_per_s:.0f} docs/s", flush=True)
        else:
            print(f"{s.name}: reusing index (no build timing)", flush=True)

    for s in systems:
        s.open()
    try:
        for s in systems:
            for q in warm:
                s.search(q.text, K)
        lat: dict[str, list[float]] = {s.name: [] for s in systems}
        t_all = time.perf_counter()
        for i, q in enumerate(timed):
            r = i % len(systems)
            for s in systems[r:] + systems[:r]:
                t0 = time.perf_counter()
                s.search(q.text, K)
                lat[s.name].append((time.perf_counter() - t0) * 1000)
        print(f"latency pass: {time.perf_counter() - t_all:.1f}s", flush=True)
    finally:
        for s in systems:
            s.close()

    # Per kind, because accent-less and abbreviation queries take other code
    # paths in govsearch (readings, expansions) than exact ones.
    by_kind: dict[str, dict[str, dict[str, float]]] = {}
    for s in systems:
        for kind in sorted({q.kind for q in timed}):
            xs = [t for t, q in zip(lat[s.name], timed) if q.kind == kind]
            by_kind.setdefault(kind, {})[s.name] = {"p50_ms": statistics.median(xs),
                                                     "p95_ms": percentile(xs, 95)}

    rows = {}
    for s in systems:
        xs = lat[s.name]
        st = builds[s.name]
        size = path_size(s.path)
        rows[s.name] = {
            "build_wall_s": st.wall_s if st else None,
            "build_cpu_s": st.cpu_s if st else None,
            "docs_per_s": st.docs_per_s if st else None,
            "docs_per_cpu_s": st.docs_per_cpu_s if st else None,
            "index_bytes": size,
            "index_to_raw": size / raw if raw else None,
            "p50_ms": statistics.median(xs),
            "p95_ms": percentile(xs, 95),
            "mean_ms": statistics.fmean(xs),
            "max_ms": max(xs),
        }

    def f(v: float | None, fmt: str) -> str:
        return "–" if v is None else format(v, fmt)

    lines = [
        f"Corpus: {len(docs)} documents, {raw / 1e6:.1f} MB title+body (UTF-8); "
        f"{len(timed)} timed queries after {len(warm)} warm-up, round-robin.",
        "",
        "| system | import docs/s (wall) | docs/s (CPU) | import time s | index MB | index / raw text "
        "| p50 ms | p95 ms | mean ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in rows.items():
        lines.append(
            f"| {n} | {f(r['docs_per_s'], '.0f')} | {f(r['docs_per_cpu_s'], '.0f')} | "
            f"{f(r['build_wall_s'], '.1f')} | {r['index_bytes'] / 1e6:.1f} | {r['index_to_raw']:.2f} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['mean_ms']:.1f} | {r['max_ms']:.1f} |")
    lines += ["", "Latency by query kind, p50 / p95 ms:", "",
              "| kind | n | " + " | ".join(rows) + " |", "|---|---:|" + "---:|" * len(rows)]
    kind_n = Counter(q.kind for q in timed)
    for kind, per in by_kind.items():
        lines.append(f"| {kind} | {kind_n[kind]} | " + " | ".join(
            f"{per[n]['p50_ms']:.1f} / {per[n]['p95_ms']:.1f}" for n in rows) + " |")
    checks = []
    if "govsearch" in rows and "whoosh" in rows:
        g, w = rows["govsearch"], rows["whoosh"]
        ratio95 = g["p95_ms"] / w["p95_ms"]
        ratio50 = g["p50_ms"] / w["p50_ms"]
        lines += ["", f"govsearch / plain Whoosh latency: p50 x{ratio50:.2f}, p95 x{ratio95:.2f}"]
        checks.append(f"- {'PASS' if ratio95 <= MAX_P95_RATIO else 'FAIL'}: govsearch p95 / Whoosh p95 "
                      f"= {ratio95:.2f} (target <= {MAX_P95_RATIO})")
        if g["docs_per_s"] and w["docs_per_s"]:
            lines.append(f"govsearch / plain Whoosh import throughput: x{g['docs_per_s'] / w['docs_per_s']:.2f} "
                         f"(CPU x{g['docs_per_cpu_s'] / w['docs_per_cpu_s']:.2f})")
    if "govsearch" in rows and rows["govsearch"]["build_wall_s"] is not None:
        g = rows["govsearch"]
        est = 58083 / g["docs_per_s"]
        full = len(docs) >= 58083
        checks.append(f"- {'PASS' if est < MAX_IMPORT_S_58K else 'FAIL'}: govsearch import of 58,083 docs "
                      f"{'took' if full else 'extrapolates to'} {est:.0f}s (target < {MAX_IMPORT_S_58K:.0f}s)")
    md = "\n".join(lines) + ("\n\n" + "\n".join(checks) if checks else "")
    print()
    print(md)

    result = {"provenance": prov, "corpus": str(corpus), "docs": len(docs), "raw_text_bytes": raw,
              "timed_queries": len(timed), "warmup_queries": len(warm),
              "query_kinds": dict(Counter(q.kind for q in timed)),
              "systems": rows, "by_kind": by_kind, "checks": checks,
              "latencies_ms": lat}
    (a.out / f"speed-{tag}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (a.out / f"speed-{tag}.md").write_text(f"govsearch code {prov}\n\n" + md + "\n", encoding="utf-8")
    print(f"\nwrote {a.out}/speed-{tag}.json, .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
