"""What serving costs: /api/search under 1, 4, 16 and 64 concurrent clients, before and after issue 9's
engine work, and HTTP against the Python API one request at a time.

    python bench/web_bench.py [--index DIR] [--before-src DIR --before-index DIR]
                              [--clients 1,4,16,64] [--seconds 20] [--timeout 30] [--rounds 3]

`govsearch serve` runs in child processes on 127.0.0.1; this process is the load: one thread and one
httpx client per simulated user, each sending its next request as soon as the last one is answered
(a closed loop), for --seconds per level; requests in flight at the end are waited for, up to the
client timeout. A request that times out, fails to connect or answers anything but 200 is counted
as failed and left out of the latencies.

- concurrency sweep: for each client count, the "before" server (the source tree --before-src on the
  child's PYTHONPATH, serving --before-index) and the "after" server (this checkout, serving --index)
  take turns, in alternating order, on the same query sequence. Without --before-src only "after"
  runs.
- HTTP overhead (after only): for every query the Python API call (`engine.search`, in this process)
  and the HTTP call run back to back, so a burst of outside load falls on both alike; the overhead is
  HTTP p50 / API p50 - 1 (target: at most 20%).

Index: --index, else bench/out/indexes/govsearch-58083 (speed.py's) once its build has finished, else
the whole corpus is imported into bench/out/indexes/web-58k (about 10 minutes, once). The indexes are
only read. Writes bench/out/web-<docs>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from govsearch import IndexStoreError, SearchEngine  # noqa: E402 - this checkout's, not an installed one
from govsearch.web.params import parse_params, run_search  # noqa: E402

OUT = ROOT / "bench" / "out"
CORPUS = ROOT.parent / "shared" / "corpus" / "vnnews-58k.jsonl.gz"
SPEED_INDEX = OUT / "indexes" / "govsearch-58083"
OWN_INDEX = OUT / "indexes" / "web-58k"
MAX_OVERHEAD = 0.20
CLIENTS = (1, 4, 16, 64)

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


def start_server(index: Path, src: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`govsearch serve` in a child; `src`: a source tree put first on the child's PYTHONPATH."""
    import socket
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [env.get("PYTHONPATH")])])
        # The child must run that tree's govsearch, not this checkout's editable install.
        where = subprocess.run([sys.executable, "-c", "import govsearch; print(govsearch.__file__)"], env=env,
                               capture_output=True, text=True, check=True).stdout.strip()
        if not Path(where).resolve().is_relative_to(src.resolve()):
            raise SystemExit(f"--before-src {src}: the child imports govsearch from {where}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "serve", "--index", str(index),
                             "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(base + "/openapi.json", timeout=5).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"govsearch serve --index {index} did not start")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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


@dataclass
class Level:
    """One closed-loop run: `clients` users for a fixed time against one server."""

    server: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0

    def to_dict(self) -> dict:
        lat = self.latencies
        return {"server": self.server, "clients": self.clients, "ok": len(lat),
                "failed": sum(self.failures.values()), "failures": dict(self.failures),
                "req_per_s": round(len(lat) / self.wall, 1) if self.wall else 0.0,
                "p50_ms": round(pct(lat, 50), 1) if lat else None,
                "p95_ms": round(pct(lat, 95), 1) if lat else None, "wall_s": round(self.wall, 1)}


def sweep_level(server: str, base: str, clients: int, seconds: float, timeout: float) -> Level:
    """`clients` threads, one httpx client each, taking the next query of one shared sequence (the
    same for every server) until `seconds` are up; failures are counted, not raised."""
    level = Level(server, clients)
    lock = threading.Lock()
    counter = iter(range(1 << 62))
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def user() -> None:
        with httpx.Client(timeout=timeout) as client:
            start.wait()
            while time.perf_counter() < stop_at[0]:
                with lock:
                    params = QUERIES[next(counter) % len(QUERIES)]
                t0 = time.perf_counter()
                try:
                    r = client.get(base + "/api/search", params=params)
                    why = None if r.status_code == 200 else f"HTTP {r.status_code}"
                except httpx.TimeoutException:
                    why = "timeout"
                except httpx.TransportError as e:
                    why = type(e).__name__
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    if why is None:
                        level.latencies.append(ms)
                    else:
                        level.failures[why] = level.failures.get(why, 0) + 1

    threads = [threading.Thread(target=user, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    stop_at.append(t0 + seconds)
    start.wait()
    for t in threads:
        t.join()
    level.wall = time.perf_counter() - t0
    return level


def paired(engine: SearchEngine, base: str, rounds: int) -> tuple[list[float], list[float], list[float]]:
    """API and HTTP latency of every query, back to back, who goes first alternating by round."""
    with httpx.Client(timeout=60) as client:
        api, http = api_call(engine), http_call(client, base)
        api_lat, http_lat, diffs = [], [], []
        for r in range(rounds):
            for params in QUERIES:
                if r % 2 == 0:
                    a, h = api(params), http(params)
                else:
                    h, a = http(params), api(params)
                api_lat.append(a)
                http_lat.append(h)
                diffs.append(h - a)
    return api_lat, http_lat, diffs


def warm(base: str) -> None:
    with httpx.Client(timeout=120) as client:
        for params in QUERIES:
            client.get(base + "/api/search", params=params)


def table(levels: list[Level]) -> list[str]:
    lines = ["| code + index | clients | requests | failed | req/s | p50 ms | p95 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for lv in sorted(levels, key=lambda lv: (lv.clients, lv.server != "before")):
        d = lv.to_dict()
        failed = f"{d['failed']} ({', '.join(f'{k}: {v}' for k, v in d['failures'].items())})" if d["failed"] else "0"
        lines.append(f"| {d['server']} | {d['clients']} | {d['ok']} | {failed} | {d['req_per_s']} | "
                     f"{d['p50_ms'] if d['p50_ms'] is not None else '-'} | "
                     f"{d['p95_ms'] if d['p95_ms'] is not None else '-'} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--index", type=Path, default=None, help="the index this checkout serves (after)")
    ap.add_argument("--before-src", type=Path, default=None,
                    help="a source tree (holding govsearch/) to serve the before index with")
    ap.add_argument("--before-index", type=Path, default=None, help="the index the before code serves")
    ap.add_argument("--clients", default=",".join(map(str, CLIENTS)), help="concurrent clients per level")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each level's run")
    ap.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (a failure)")
    ap.add_argument("--rounds", type=int, default=3, help="paired sequential passes over the queries")
    args = ap.parse_args()
    if (args.before_src is None) != (args.before_index is None):
        ap.error("--before-src and --before-index go together")
    if args.before_src is not None and not (args.before_src / "govsearch" / "__init__.py").is_file():
        ap.error(f"--before-src {args.before_src}: no govsearch/ package in it")
    clients = [int(c) for c in args.clients.split(",")]

    index = pick_index(args.index)
    engine = SearchEngine(index, create=False)
    docs = len(engine)
    started = datetime.now(UTC)
    load = [os.getloadavg()[0]]
    print(f"index {index}: {docs} documents; {len(QUERIES)} queries; clients {clients}, {args.seconds:g} s each",
          file=sys.stderr, flush=True)
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    levels: list[Level] = []
    try:
        servers["after"] = start_server(index)
        if args.before_src is not None:
            servers["before"] = start_server(args.before_index, args.before_src)
        for _, base in servers.values():
            warm(base)
        api_lat, http_lat, diffs = paired(engine, servers["after"][1], args.rounds)
        for i, n in enumerate(clients):
            order = sorted(servers, reverse=i % 2 == 1)  # "after" first, then "before" first, ...
            for name in order:
                lv = sweep_level(name, servers[name][1], n, args.seconds, args.timeout)
                print(f"  {name:6} {n:3} clients: {lv.to_dict()}", file=sys.stderr, flush=True)
                levels.append(lv)
    finally:
        for proc, _ in servers.values():
            stop(proc)
        engine.close()
    load.append(os.getloadavg()[0])

    overhead = pct(http_lat, 50) / pct(api_lat, 50) - 1
    added = statistics.median(diffs)
    verdict = "PASS" if overhead <= MAX_OVERHEAD else "FAIL"
    where = f"{docs} documents, {len(QUERIES)} queries, {started:%Y-%m-%d %H:%M} UTC"
    lines = [f"# /api/search under concurrent clients ({where})", "",
             f"{args.seconds:g} s per row, closed loop, client timeout {args.timeout:g} s; "
             f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end ({os.cpu_count()} CPUs).", ""]
    if "before" in servers:
        lines += [f"before: {args.before_src} serving {args.before_index}; after: this checkout serving {index}.", ""]
    lines += table(levels)
    lines += ["", "One request at a time, paired (after):", "",
              "| path | requests | p50 ms | p95 ms |", "|---|---:|---:|---:|",
              f"| Python API | {len(api_lat)} | {pct(api_lat, 50):.1f} | {pct(api_lat, 95):.1f} |",
              f"| HTTP /api/search | {len(http_lat)} | {pct(http_lat, 50):.1f} | {pct(http_lat, 95):.1f} |",
              "", (f"HTTP overhead at p50: {overhead:+.1%} (target ≤ {MAX_OVERHEAD:.0%}: {verdict}); "
                   f"median added per request: {added:.2f} ms")]
    report = "\n".join(lines)
    print(report)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"web-{docs}.md").write_text(report + "\n", encoding="utf-8")
    (OUT / f"web-{docs}.json").write_text(json.dumps({
        "started": started.isoformat(), "index": str(index), "documents": docs,
        "before_src": str(args.before_src) if args.before_src else None,
        "before_index": str(args.before_index) if args.before_index else None,
        "seconds": args.seconds, "timeout": args.timeout, "load_average": load, "queries": QUERIES,
        "levels": [lv.to_dict() for lv in levels],
        "paired": {"api_p50_ms": round(pct(api_lat, 50), 1), "http_p50_ms": round(pct(http_lat, 50), 1),
                   "overhead_p50": round(overhead, 4), "median_added_ms": round(added, 3),
                   "target": MAX_OVERHEAD, "pass": verdict == "PASS"}},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
