"""The embedded index against the OpenSearch cluster, in one run: import, size, latency, relevance, growth.

On the same corpus and the same machine, one after the other:
- import: `SearchEngine(dir).add_many` (as `govsearch import`: a helper
  process analyses) and `SearchEngine(opensearch://...).add_many` into a
  fresh 2-node cluster (2 shards x 1 replica, or --shards N), docs/s wall and CPU (this
  process; for the cluster also the JVMs' CPU);
- size on disk: the embedded folder; the cluster's store, one copy and both;
- query latency p50/p95 over 500 mixed queries (relevance.py's query maker,
  speed.py's pick and round-robin: for each query both engines run once, in
  an order that alternates, so outside load falls on both alike);
- MRR@10 and recall@10 per query kind (relevance.py), phrase precision and
  the document-number queries (phrase_precision.py);
- memory: the RSS of a process that opens the embedded index and runs 200
  of the queries (the engine's own, without the bench's corpus in memory),
  and each cluster node's JVM heap in use and RSS.
Then growth: articles re-sampled (with replacement, seeded) under new URLs
are added until the index holds 2x, then 4x the corpus; at each size the
import time of the added articles, sizes, p50/p95 and memory again.
Relevance is measured at 1x only (re-sampled copies make titles ambiguous).

Results go to bench/out/cluster-<tag>.json and .md, rewritten after every
step, so a run stopped during 4x keeps its 1x and 2x rows.

Run:  python bench/cluster_bench.py [--docs N | --sample] [--growth 2,4] [--heap 1g] [--shards N] [--no-relevance] [--embedded-only]
      [--url opensearch://HOST:PORT/INDEX  (an already running cluster instead of a fresh one)]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baselines import BuildStats, GovsearchSystem, _Timer, index_matches, path_size
from corpus import CORPUS_FULL, CORPUS_SAMPLE, Doc, load_docs, provenance, raw_text_bytes
import phrase_precision as pp
from relevance import ALL_KINDS, K, add_common_args, evaluate, make_queries, summarize
from speed import percentile, pick_queries


def rss_bytes(pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class ClusterSystem:
    """The cluster backend behind the bench's System interface."""

    name = "cluster"

    def __init__(self, url: str, shards: int | None = None) -> None:
        from govsearch.backends import parse_cluster_url
        from govsearch.backends.client import Client

        self.url = url
        self.where = parse_cluster_url(url)
        self.client = Client(self.where.base)
        self.engine: Any = None
        self.shards = shards

    def reset(self) -> None:
        from govsearch import init_cluster

        self.client.request("DELETE", f"/{self.where.index}", ok=(404,))
        init_cluster(self.url, shards=self.shards)
        # every copy allocated before the clock starts
        self.client.request("GET", f"/_cluster/health/{self.where.index}",
                            params={"wait_for_status": "green", "timeout": "120s"}, ok=(408,))

    def count(self) -> int:
        r = self.client.request("GET", f"/{self.where.index}/_count", ok=(404,))
        return int(r.get("count", -1))

    def jvm_cpu_s(self) -> float:
        nodes = self.client.request("GET", "/_nodes/stats/process")["nodes"].values()
        return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes) / 1000

    def add(self, docs: Sequence[Doc]) -> BuildStats:
        from govsearch import Article, SearchEngine

        articles = [Article(url=d.url, title=d.title, body=d.body) for d in docs]
        engine = SearchEngine(self.url)
        jvm0 = self.jvm_cpu_s()
        with _Timer() as t:
            n = engine.add_many(articles)
        engine.close()
        self.last_jvm_cpu_s = self.jvm_cpu_s() - jvm0
        if n != len(docs):
            print(f"warning: cluster add_many returned {n} for {len(docs)} documents")
        return BuildStats(len(docs), t.wall, t.cpu)

    def sizes(self) -> tuple[int, int]:
        """(bytes of one copy of every shard, bytes of all copies)."""
        self.client.request("POST", f"/{self.where.index}/_flush")
        s = self.client.request("GET", f"/{self.where.index}/_stats/store")["indices"][self.where.index]
        return int(s["primaries"]["store"]["size_in_bytes"]), int(s["total"]["store"]["size_in_bytes"])

    def memory(self) -> list[dict[str, Any]]:
        stats = self.client.request("GET", "/_nodes/stats/jvm")["nodes"]
        procs = self.client.request("GET", "/_nodes/process")["nodes"]
        out = []
        for node_id, st in stats.items():
            pid = procs.get(node_id, {}).get("process", {}).get("id")
            mem = st["jvm"]["mem"]
            out.append({"node": st["name"], "heap_used": mem["heap_used_in_bytes"],
                        "heap_max": mem["heap_max_in_bytes"], "rss": rss_bytes(pid) if pid else 0})
        return sorted(out, key=lambda m: m["node"])

    def open(self) -> None:
        from govsearch import SearchEngine

        self.engine = SearchEngine(self.url)

    def search(self, query: str, k: int) -> list[str]:
        return [h.url for h in self.engine.search(query, limit=k).hits]

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None


PROBE = """
import json, resource, sys
from pathlib import Path
from govsearch import SearchEngine
path, queries = sys.argv[1], json.loads(sys.stdin.read())
with SearchEngine(path) as engine:
    for q in queries:
        engine.search(q, limit=10)
    rss = next(int(l.split()[1]) * 1024 for l in Path("/proc/self/status").read_text().splitlines()
               if l.startswith("VmRSS:"))
print(json.dumps({"rss": rss, "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def embedded_process_memory(path: Path, queries: Sequence[str]) -> dict[str, int]:
    """RSS of a process that opened the embedded index and ran these queries (the engine's own memory,
    without the bench's corpus and query lists)."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parents[1] / "src")}
    p = subprocess.run([sys.executable, "-c", PROBE, str(path)], input=json.dumps(queries), text=True,
                       capture_output=True, env=env, timeout=1800)
    if p.returncode:
        print(f"warning: memory probe failed: {p.stderr[-500:]}")
        return {"rss": 0, "max_rss": 0}
    return json.loads(p.stdout)


def imported_from(log: Path | None) -> dict[str, dict[str, float]]:
    """The import lines ("embedded: N docs in S s = R docs/s") of an earlier run's log."""
    import re

    out: dict[str, dict[str, float]] = {}
    text = log.read_text() if log is not None and log.exists() else ""
    for name, n, wall in re.findall(r"^(embedded|cluster): (\d+) docs in (\d+) s", text, re.M):
        out[name] = {"docs": int(n), "wall_s": float(wall), "cpu_s": float("nan"),
                     "docs_per_s": int(n) / float(wall)}
    return out


def add_embedded(system: GovsearchSystem, docs: Sequence[Doc]) -> BuildStats:
    """More articles into an existing embedded index, as `govsearch import` adds them."""
    from govsearch import Article, SearchEngine

    articles = [Article(url=d.url, title=d.title, body=d.body) for d in docs]
    with _Timer() as t:
        engine = SearchEngine(str(system.path))
        engine.add_many(articles, workers=None)
        engine.close()
    return BuildStats(len(docs), t.wall, t.cpu)


def resample(docs: Sequence[Doc], n: int, copy: int, seed: int) -> list[Doc]:
    """n articles drawn with replacement, each under a URL of its own and the source of the original."""
    rng = random.Random(seed + copy)
    return [Doc(url=copy_url(d.url, f"c{copy}x{i}"), title=d.title, body=d.body)
            for i, d in enumerate(rng.choices(docs, k=n))]


def copy_url(url: str, tag: str) -> str:
    """A new URL for a copy, filed under the same source (govsearch.article.source_of).

    A `urn:id:` record's source is its id up to the last "-", so the tag goes
    in front of the id's last part ("urn:id:vnds-test-022644" ->
    "urn:id:vnds-test-c2x15.022644"); a web address keeps its host. The 2026-12-01
    growth run put the tag at the end, which gave every copy a source of its
    own (34k sources at 4x), and the embedded engine's source facet paid for it.
    """
    if url.startswith("urn:id:"):
        head, dash, tail = url.rpartition("-")
        return f"{head}{dash}{tag}.{tail}" if dash else f"{url}.{tag}"
    return f"{url}{'&' if '?' in url else '?'}copy={tag}"


def latency(systems: Sequence[Any], timed: Sequence[Any], warm: Sequence[Any]) -> dict[str, list[float]]:
    for s in systems:
        for q in warm:
            s.search(q.text, K)
    lat: dict[str, list[float]] = {s.name: [] for s in systems}
    for i, q in enumerate(timed):
        r = i % len(systems)
        for s in list(systems[r:]) + list(systems[:r]):
            t0 = time.perf_counter()
            s.search(q.text, K)
            lat[s.name].append((time.perf_counter() - t0) * 1000)
    return lat


@dataclass
class Step:
    """One size of the growth series."""

    factor: int
    docs: int
    raw_bytes: int
    imports: dict[str, dict[str, float]]
    sizes: dict[str, int]
    latency: dict[str, dict[str, float]]
    memory: dict[str, Any]


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f}"


def markdown(result: dict[str, Any]) -> str:
    cl = result.get("cluster")
    where = (f"cluster: {cl['nodes']} nodes, {cl['shards']} shards x {cl['replicas']} replica, "
             f"heap {cl['heap']} per node; " if cl else "embedded engine only; ")
    lines = [f"Corpus: {result['docs']} documents ({result['raw_text_bytes'] / 1e6:.1f} MB title+body); "
             f"{where}"
             f"{result['timed_queries']} timed queries after {result['warmup_queries']} warm-up, "
             f"round-robin; machine: 2 cores shared with other work (compare ratios within the run).", ""]
    lines += ["| size | docs | engine | import docs/s (wall) | import s | CPU s (this process / JVMs) "
              "| index MB | p50 ms | p95 ms | memory MB |", "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for st in result["steps"]:
        for name in [e for e in ("embedded", "cluster") if e in st["latency"]]:
            imp = st["imports"].get(name) or {"docs": 0, "wall_s": float("nan"), "cpu_s": float("nan"),
                                              "docs_per_s": float("nan")}
            lat = st["latency"][name]
            if name == "embedded":
                size = mb(st["sizes"]["embedded"])
                # (ru_maxrss of the probe is not reported: Linux carries the forking bench's peak across exec)
                memory = f"RSS {mb(st['memory']['embedded_rss'])}"
                cpu = f"{imp['cpu_s']:.0f}"
            else:
                size = f"{mb(st['sizes']['cluster_one_copy'])} per copy, {mb(st['sizes']['cluster_all_copies'])} all"
                nodes = st["memory"]["cluster"]
                memory = ", ".join(f"{n['node']}: heap {mb(n['heap_used'])}/{mb(n['heap_max'])}, RSS {mb(n['rss'])}"
                                   for n in nodes)
                cpu = f"{imp['cpu_s']:.0f} / {imp.get('jvm_cpu_s', 0):.0f}"
            what = "import" if st["factor"] == 1 else f"+{imp['docs']} added"
            lines.append(f"| {st['factor']}x | {st['docs']} | {name} | {imp['docs_per_s']:.0f} ({what}) | "
                         f"{imp['wall_s']:.0f} | {cpu} | {size} | {lat['p50_ms']:.1f} | {lat['p95_ms']:.1f} | {memory} |")
    if result.get("relevance"):
        rel = result["relevance"]
        lines += ["", "Relevance at 1x (MRR@10 / recall@10 per kind):", "",
                  "| kind | n | embedded MRR@10 | cluster MRR@10 | difference | embedded R@10 | cluster R@10 |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for kind in list(ALL_KINDS) + ["all"]:
            if kind not in rel:
                continue
            e, c = rel[kind].get("embedded"), rel[kind].get("cluster")
            if not e or not c:
                continue
            lines.append(f"| {kind} | {e['n']} | {e['mrr10']:.3f} | {c['mrr10']:.3f} | "
                         f"{c['mrr10'] - e['mrr10']:+.3f} | {e['recall10']:.3f} | {c['recall10']:.3f} |")
    if result.get("phrases"):
        ph = result["phrases"]
        lines += ["", "Phrase precision at 1x (share of the top k holding the phrase):", "",
                  "| engine | phrases | as typed | accentless | document numbers (top 3 citing) |",
                  "|---|---:|---:|---:|---:|"]
        for name in ("embedded", "cluster"):
            s = ph["summary"].get(name)
            if s:
                lines.append(f"| {name} | {s['n']} | {s['typed']:.3f} | {s['accentless']:.3f} | "
                             f"{ph['numbers'][name]} |")
    if result.get("latency_by_kind"):
        lat = result["latency_by_kind"]
        lines += ["", "Latency at 1x by kind, p50 / p95 ms:", "", "| kind | n | embedded | cluster |",
                  "|---|---:|---:|---:|"]
        for kind, per in lat.items():
            cells = [f"{per[e]['p50_ms']:.1f} / {per[e]['p95_ms']:.1f}" if e in per else "-"
                     for e in ("embedded", "cluster")]
            lines.append(f"| {kind} | {per['n']} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_args(p)
    p.add_argument("--queries", type=int, default=500, help="timed queries")
    p.add_argument("--warmup", type=int, default=50, help="warm-up queries per engine")
    p.add_argument("--growth", default="2,4", help="sizes after the first, as multiples of the corpus ('' for none)")
    p.add_argument("--heap", default="1g", help="JVM heap of each node of the fresh cluster")
    p.add_argument("--shards", type=int, default=None,
                   help="primary shards of the cluster's index (the template's 2 by default; 1 replica each)")
    p.add_argument("--url", default=None, help="a running cluster's opensearch:// URL (its index is replaced)")
    p.add_argument("--targets", type=int, default=300, help="targets for the main title kinds")
    p.add_argument("--special", type=int, default=100, help="targets for other_tone and abbrev each")
    p.add_argument("--body-targets", type=int, default=150, help="targets for each body kind (0: none)")
    p.add_argument("--no-relevance", action="store_true",
                   help="skip MRR and phrase precision at 1x (latency, size, memory and growth only)")
    p.add_argument("--embedded-only", action="store_true",
                   help="no cluster: the embedded engine's rows alone (a growth run in half the time)")
    p.add_argument("--reuse", action="store_true",
                   help="keep both indexes when they hold these documents (with --url: the cluster's)")
    p.add_argument("--import-log", type=Path, default=None,
                   help="with --reuse: the log of the run that built them, for its import lines")
    a = p.parse_args(argv)
    prov = provenance()
    os.environ["GOVSEARCH_CLUSTER_HEAP"] = a.heap  # read when govsearch.backends.local is imported

    corpus = CORPUS_SAMPLE if a.sample else CORPUS_FULL
    docs = load_docs(corpus, a.docs)
    tag = f"{'sample-' if a.sample else ''}{len(docs)}"
    a.out.mkdir(parents=True, exist_ok=True)
    a.index_root.mkdir(parents=True, exist_ok=True)
    print(f"corpus {corpus.name}: {len(docs)} documents", flush=True)

    local = None
    if a.embedded_only:
        url = ""
    elif a.url:
        url = a.url
    else:
        from govsearch.backends.local import LocalCluster, cluster_home
        runs = cluster_home() / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix="bench-", dir=runs))
        t0 = time.perf_counter()
        local = LocalCluster.start(run_dir, nodes=2)
        url = f"opensearch://127.0.0.1:{local.nodes[0].http_port}/bench-{tag}"
        print(f"cluster started in {time.perf_counter() - t0:.0f} s: {url}", flush=True)
    result: dict[str, Any] = {"provenance": prov, "corpus": str(corpus), "docs": len(docs),
                              "raw_text_bytes": raw_text_bytes(docs), "steps": []}
    name = f"{'embedded' if a.embedded_only else 'cluster'}-{tag}"
    if a.shards and not a.embedded_only:
        name += f"-{a.shards}shard"
    out_json, out_md = a.out / f"{name}.json", a.out / f"{name}.md"

    def save() -> None:
        out_json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        out_md.write_text(f"govsearch code {prov}\n\n" + markdown(result) + "\n", encoding="utf-8")

    embedded = GovsearchSystem(a.index_root / f"cluster-bench-embedded-{tag}")
    embedded.name = "embedded"
    cluster: Any = None if a.embedded_only else ClusterSystem(url, a.shards)
    systems = [embedded] if cluster is None else [embedded, cluster]
    try:
        reuse = a.reuse and index_matches(embedded.path, docs) and (cluster is None or cluster.count() == len(docs))
        if cluster is not None:
            if not reuse:
                cluster.reset()
            settings = cluster.client.request("GET", f"/{cluster.where.index}/_settings")
            idx = next(iter(settings.values()))["settings"]["index"]
            health = cluster.client.request("GET", "/_cluster/health")
            result["cluster"] = {"url": url, "nodes": health["number_of_nodes"],
                                 "shards": int(idx["number_of_shards"]),
                                 "replicas": int(idx["number_of_replicas"]), "heap": a.heap}

        all_q = make_queries(docs, a.targets, a.special, a.seed, n_body=a.body_targets)
        timed, warm = pick_queries(all_q, a.queries, a.warmup, a.seed)
        result.update(timed_queries=len(timed), warmup_queries=len(warm),
                      query_kinds=dict(Counter(q.kind for q in timed)))
        print(f"queries: {len(all_q)} for relevance, {len(timed)} timed", flush=True)

        def measure(factor: int, n_docs: int, raw: int, imports: dict[str, dict[str, float]],
                    relevance: bool) -> None:
            rss0 = rss_bytes()
            for s in systems:
                s.open()
            try:
                lat = latency(systems, timed, warm)
                process_rss = rss_bytes()
            finally:
                for s in systems:
                    s.close()
            if relevance:
                by_kind = {}
                for kind in sorted({q.kind for q in timed}):
                    row: dict[str, Any] = {"n": sum(1 for q in timed if q.kind == kind)}
                    for name, xs in lat.items():
                        ks = [t for t, q in zip(xs, timed) if q.kind == kind]
                        row[name] = {"p50_ms": statistics.median(ks), "p95_ms": percentile(ks, 95)}
                    by_kind[kind] = row
                result["latency_by_kind"] = by_kind
            probe = embedded_process_memory(embedded.path, [q.text for q in list(warm) + list(timed)[:150]])
            one, both = cluster.sizes() if cluster is not None else (0, 0)
            step = Step(factor, n_docs, raw, imports,
                        {"embedded": path_size(embedded.path), "cluster_one_copy": one, "cluster_all_copies": both},
                        {name: {"p50_ms": statistics.median(xs), "p95_ms": percentile(xs, 95),
                                "mean_ms": statistics.fmean(xs), "max_ms": max(xs)} for name, xs in lat.items()},
                        {"embedded_rss": probe["rss"], "embedded_max_rss": probe["max_rss"],
                         "bench_rss_delta": max(0, process_rss - rss0), "process_rss": process_rss,
                         "process_max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                         "cluster": cluster.memory() if cluster is not None else {}})
            result["steps"].append(step.__dict__)
            result.setdefault("latencies_ms", {})[str(factor)] = lat
            save()
            print(markdown(result).split("\n\n")[1], flush=True)
            if not relevance:
                return
            # written after each part: a run stopped later keeps what it measured
            for s in systems:
                s.open()
            try:
                outcomes = []
                for s in systems:
                    outcomes += evaluate(s, all_q)
                result["relevance"] = summarize(outcomes)
                save()
                print("relevance done", flush=True)
                holders, cites = pp.find_holders(docs)
                per, numbers = [], {}
                for s in systems:
                    per += pp.evaluate_phrases(s, holders)
                    nums = pp.evaluate_numbers(s, cites)
                    numbers[s.name] = f"{sum(o.hits_holding for o in nums)}/{sum(o.k for o in nums)}"
                result["phrases"] = {"summary": pp.summarize(per), "numbers": numbers}
                save()
            finally:
                for s in systems:
                    s.close()

        def row(st: BuildStats, jvm: float | None = None) -> dict[str, float]:
            r = {"docs": st.docs, "wall_s": st.wall_s, "cpu_s": st.cpu_s, "docs_per_s": st.docs_per_s}
            if jvm is not None:
                r["jvm_cpu_s"] = jvm
            return r

        def with_cluster(embedded_row: dict[str, float], added: Sequence[Doc], label: str) -> dict[str, dict[str, float]]:
            """The import rows of a step: the embedded engine's, and the cluster's after adding `added` to it."""
            rows = {"embedded": embedded_row}
            if cluster is not None:
                gc.collect()
                c = cluster.add(added)
                print(f"{label}: +{c.docs} docs in {c.wall_s:.0f} s = {c.docs_per_s:.0f} docs/s", flush=True)
                rows["cluster"] = row(c, cluster.last_jvm_cpu_s)
            return rows

        if reuse:
            # the indexes an earlier run of this command built (and timed: its log has the import lines)
            imports = imported_from(a.import_log)
            print(f"reusing both indexes; imports from {a.import_log}: {imports}", flush=True)
        else:
            gc.collect()
            e = embedded.build(docs)
            print(f"embedded: {e.docs} docs in {e.wall_s:.0f} s = {e.docs_per_s:.0f} docs/s", flush=True)
            imports = with_cluster(row(e), docs, "cluster")
        measure(1, len(docs), raw_text_bytes(docs), imports, relevance=not a.no_relevance)

        held, raw = len(docs), raw_text_bytes(docs)
        for factor in [int(f) for f in a.growth.split(",") if f.strip()]:
            extra = resample(docs, factor * len(docs) - held, factor, a.seed)
            if not extra:
                continue
            gc.collect()
            e = add_embedded(embedded, extra)
            print(f"{factor}x embedded: +{e.docs} in {e.wall_s:.0f} s", flush=True)
            grown = with_cluster(row(e), extra, f"{factor}x cluster")
            held += len(extra)
            raw += raw_text_bytes(extra)
            measure(factor, held, raw, grown, relevance=False)
    finally:
        if cluster is not None:
            cluster.client.close()
        if local is not None:
            local.stop()
            shutil.rmtree(local.run_dir, ignore_errors=True)
    print(f"\nwrote {out_json}, {out_md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
