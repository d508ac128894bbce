"""WARC import speed: wget archives every fixture portal, the archive is repeated, and govsearch reads it.

    python bench/warc_bench.py [--copies N]

1. Serves the fixture portals (tests/fixtures/portals, every CMS family) on
   127.0.0.1 and archives them with `wget --recursive --warc-file` (Debian's wget).
2. Concatenates that .warc.gz N times (a .warc.gz is a series of gzip members,
   so the result is a valid archive of N x the records; the copies share URLs,
   so the index holds one article per URL however many times it is read).
3. Times reading + extraction alone (`govsearch.WarcReader`, one core) and
   the whole `govsearch import` into a fresh index, in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.portals.server import PORTALS, load_truth, start_portal  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=10, help="times the wget archive is repeated (default 10)")
    args = ap.parse_args()
    wget = shutil.which("wget")
    if wget is None:
        print("wget is not installed (apt-get install -y wget)", file=sys.stderr)
        return 2
    from govsearch import WarcReader

    work = Path(tempfile.mkdtemp(prefix="warc-bench-"))
    sites = [start_portal(PORTALS / name) for name in load_truth()]
    try:
        one = work / "portals"
        subprocess.run([wget, "--recursive", "--level=6", "--tries=1", "--timeout=5", "--no-verbose",
                        "--delete-after", "--directory-prefix", str(work / "mirror"), f"--warc-file={one}",
                        *(s.base + "/" for s in sites)], capture_output=True, timeout=600)
        single = one.with_name("portals.warc.gz").read_bytes()
        big = work / "many.warc.gz"
        big.write_bytes(single * args.copies)
        size = big.stat().st_size

        t0, c0 = time.perf_counter(), time.process_time()
        reader = WarcReader(big)
        for _ in reader:
            pass
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        counts = reader.counts
        html = counts.responses - counts.by_outcome["not-html"] - counts.by_outcome["not-200"]
        print(f"archive: {len(sites)} portals x {args.copies} copies, {size / 1e6:.1f} MB, "
              f"{counts.records} records, {counts.responses} HTTP responses, {html} HTML pages, "
              f"{counts.by_outcome['article']} articles, {counts.by_outcome['listing']} listings")
        print(f"read + extract: {wall:.1f} s wall, {cpu:.1f} s CPU: {counts.records / wall:,.0f} records/s, "
              f"{html / wall:,.1f} HTML pages/s, {size / 1e6 / wall:.2f} MB/s")

        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "govsearch.cli", "import", str(big), "--index",
                            str(work / "ix")], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        print(f"govsearch import (process start to exit): {wall:.1f} s, {html / wall:,.1f} HTML pages/s")
        print(p.stderr.strip().splitlines()[-1])
        return p.returncode
    finally:
        for s in sites:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
