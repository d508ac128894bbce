"""What serving costs: /api/search over HTTP against the same queries through the Python API.

    python bench/web_bench.py [--index DIR] [--rounds 3] [--requests 300] [--concurrency 4]

`govsearch serve` runs in a child process on 127.0.0.1; this process is the
load: httpx clients, one per worker, each sending its next request as soon as
the last one is answered (a bounded, closed-loop load), for a fixed count.

Two measurements, both in one run because the machine is shared:
- latency, one request at a time, paired: for every query the Python API call
  (`engine.search`, in this process) and the HTTP call run back to back, so a
  burst of outside load falls on both alike. The HTTP overhead is
  HTTP p50 / API p50 - 1 (target: at most 20%).
- throughput under load: the same requests from N concurrent workers, through
  HTTP and through the Python API (N threads sharing one SearchEngine).

Index: --index, else bench/out/indexes/govsearch-58083 (speed.py's) once its
build has finished, else the whole corpus is imported into
bench/out/indexes/web-58k (about 10 minutes, once).
Writes bench/out/web-<docs>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from govsearch import IndexStoreError, SearchEngine
from govsearch.web.params import parse_params, run_search

OUT = ROOT / "bench" / "out"
CORPUS = ROOT.parent / "shared" / "corpus" / "vnnews-58k.jsonl.gz"
SPEED_INDEX = OUT / "indexes" / "govsearch-58083"
OWN_INDEX = OUT / "indexes" / "web-58k"
MAX_OVERHEAD = 0.20

# What people type into a news search box: accented and not, abbreviations,
# a phrase, a typo, filters, a second page, newest first.
QUERIES: list[dict[str, str | int]] = [
    {"q": q} for q in [
        "dân vận", "dan van", "UBND tỉnh", "Ủy ban nhân dân tỉnh", "chuyển đổi số", "chuyen doi so",
        "phát triển kinh tế - xã hội", "Hà Nội", "TP.HCM", "thành phố Hồ Chí Minh", '"an toàn giao thông"',
        "bóng đá Việt Nam", "giá vàng", "xuất khẩu gạo", "biến đổi khí hậu", "phòng chống tham nhũng",
        "cải cách hành chính", "hội nghị Trung ương", "Quốc hội thông qua luật", "tai nạn giao thông",
        "thi tốt nghiệp THPT", "nông thôn mới", "bảo hiểm xã hội", "thue thu nhap ca nhan", "đầu tư công",
        "MTTQ", "HĐND tỉnh", "phát triẻn kinh tế",
    ]
] + [
    {"q": "dân vận", "page": 2}, {"q": "giá vàng", "sort": "date"}, {"q": "Hà Nội", "limit": 20},
    {"q": "chuyển đổi số", "source": "baomoi.com"},
]


def pct(xs: Sequence[float], p: float) -> float:
    """Nearest rank: a latency some request really had."""
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))] if s else float("nan")


def complete(path: Path) -> bool:
    """An index speed.py (or this script) finished building: its .meta.json is written
    last and counts the documents, so a build in progress is never benchmarked."""
    try:
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
        with SearchEngine(path, create=False) as engine:
            return meta.get("docs") == len(engine)
    except (OSError, ValueError, IndexStoreError):
        return False


def pick_index(given: Path | None) -> Path:
    if given is not None:
        return given
    for path in (SPEED_INDEX, OWN_INDEX):
        if complete(path):
            return path
    print(f"importing {CORPUS} into {OWN_INDEX} (once; about 10 minutes)", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "govsearch.cli", "import", str(CORPUS), "--index", str(OWN_INDEX)],
                   check=True)
    with SearchEngine(OWN_INDEX, create=False) as engine:
        OWN_INDEX.with_name(OWN_INDEX.name + ".meta.json").write_text(json.dumps({"docs": len(engine)}))
    return OWN_INDEX


def start_server(index: Path) -> tuple[subprocess.Popen, str]:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "serve", "--index", str(index),
                             "--port", str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("govsearch serve did not start")
        time.sleep(0.2)


def http_call(client: httpx.Client, base: str) -> Callable[[dict], float]:
    def call(params: dict) -> float:
        t0 = time.perf_counter()
        r = client.get(base + "/api/search", params=params)
        dt = time.perf_counter() - t0
        if r.status_code != 200:
            raise SystemExit(f"/api/search {params} -> {r.status_code} {r.text[:200]}")
        return dt * 1000
    return call


def api_call(engine: SearchEngine) -> Callable[[dict], float]:
    def call(params: dict) -> float:
        kw = dict(params)
        source = kw.pop("source", None)
        p = parse_params(sources=[source] if source else None, **kw)
        t0 = time.perf_counter()
        run_search(engine, p)
        return (time.perf_counter() - t0) * 1000
    return call


def closed_loop(make_call: Callable[[], Callable[[dict], float]], requests: list[dict],
                workers: int) -> tuple[list[float], float]:
    """`workers` callers, each taking the next request when its last one is answered."""
    lock = threading.Lock()
    it = iter(requests)
    latencies: list[float] = []

    def worker() -> None:
        call = make_call()
        while True:
            with lock:
                params = next(it, None)
            if params is None:
                return
            ms = call(params)
            with lock:
                latencies.append(ms)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        for f in [pool.submit(worker) for _ in range(workers)]:
            f.result()
    return latencies, time.perf_counter() - t0


def row(name: str, workers: int, lat: list[float], wall: float | None) -> dict:
    return {"path": name, "concurrency": workers, "requests": len(lat),
            "req_per_s": round(len(lat) / wall, 1) if wall else round(1000 / statistics.mean(lat), 1),
            "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
            "mean_ms": round(statistics.mean(lat), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=3, help="paired sequential passes over the queries")
    ap.add_argument("--requests", type=int, default=300, help="requests per loaded run")
    ap.add_argument("--concurrency", type=int, default=4, help="workers in the loaded runs")
    args = ap.parse_args()

    index = pick_index(args.index)
    engine = SearchEngine(index, create=False)
    docs = len(engine)
    print(f"index {index}: {docs} documents; {len(QUERIES)} queries", file=sys.stderr, flush=True)
    proc, base = start_server(index)
    try:
        client = httpx.Client(timeout=60)
        api, http = api_call(engine), http_call(client, base)
        for params in QUERIES:  # warm both engines' caches
            api(params), http(params)

        api_lat, http_lat, diffs = [], [], []
        for r in range(args.rounds):
            for params in QUERIES:
                # alternate who goes first, so neither always runs on the warmer machine
                a, h = (api(params), http(params)) if r % 2 == 0 else tuple(reversed((http(params), api(params))))
                api_lat.append(a)
                http_lat.append(h)
                diffs.append(h - a)
        load = [QUERIES[i % len(QUERIES)] for i in range(args.requests)]
        http_load, http_wall = closed_loop(lambda: http_call(httpx.Client(timeout=60), base), load,
                                           args.concurrency)
        api_load, api_wall = closed_loop(lambda: api_call(engine), load, args.concurrency)
    finally:
        proc.terminate()
        proc.wait(10)
        engine.close()

    rows = [row("Python API", 1, api_lat, None), row("HTTP /api/search", 1, http_lat, None),
            row("Python API", args.concurrency, api_load, api_wall),
            row("HTTP /api/search", args.concurrency, http_load, http_wall)]
    overhead = pct(http_lat, 50) / pct(api_lat, 50) - 1
    added = statistics.median(diffs)
    verdict = "PASS" if overhead <= MAX_OVERHEAD else "FAIL"
    lines = [f"# /api/search vs the Python API ({docs} documents, {len(QUERIES)} queries)", "",
             "| path | concurrency | requests | req/s | p50 ms | p95 ms | mean ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['path']} | {r['concurrency']} | {r['requests']} | {r['req_per_s']} | {r['p50_ms']} | "
              f"{r['p95_ms']} | {r['mean_ms']} |" for r in rows]
    lines += ["", (f"HTTP overhead at p50 (one at a time): {overhead:+.1%} "
                  f"(target ≤ {MAX_OVERHEAD:.0%}: {verdict}); median added per request: {added:.2f} ms")]
    report = "\n".join(lines)
    print(report)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"web-{docs}.md").write_text(report + "\n", encoding="utf-8")
    (OUT / f"web-{docs}.json").write_text(json.dumps({
        "index": str(index), "documents": docs, "queries": QUERIES, "rows": rows,
        "overhead_p50": round(overhead, 4), "median_added_ms": round(added, 3), "target": MAX_OVERHEAD,
        "pass": verdict == "PASS"}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
