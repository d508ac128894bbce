"""The whole pipeline offline: serve the six fixture portals on 127.0.0.1, crawl them, query.

    python scripts/demo_offline.py [--index DIR] [QUERY ...]

The fixture portals (tests/fixtures/portals/) imitate the structures of real
Vietnamese government portals (Liferay, NukeViet, SharePoint, dcs.vn,
baochinhphu.vn, an unknown CMS). This runs `govsearch crawl` against them
with politeness delays off (they are local), then `govsearch query`.

Without --index it works in a temporary index, says where, and removes it at
the end; with --index DIR the index is kept there (for `govsearch serve`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.portals.server import PORTALS, start_portal  # noqa: E402

FAMILIES = ["liferay", "nukeviet", "sharepoint", "dcs", "baochinhphu", "generic"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None, help="index directory (default: a temporary one)")
    ap.add_argument("queries", nargs="*", default=["dân vận", "dan van", "UBND tỉnh"])
    args = ap.parse_args()
    index = args.index or tempfile.mkdtemp(prefix="govsearch-demo-")
    if args.index is None:
        print(f"(a temporary index in {index}, removed at the end; --index DIR keeps one)", flush=True)
    sites = [start_portal(PORTALS / f) for f in FAMILIES]
    cli = [sys.executable, "-m", "govsearch.cli"]
    try:
        seeds = [site.base + "/" for site in sites]
        print(f"$ govsearch crawl {' '.join(seeds)} --delay 0 --index {index}", flush=True)
        rc = subprocess.call(cli + ["crawl", *seeds, "--delay", "0", "--index", index])
        if rc != 0:
            return rc
        for q in args.queries:
            print(f"\n$ govsearch query {q!r} --limit 3 --index {index}", flush=True)
            rc = subprocess.call(cli + ["query", q, "--limit", "3", "--index", index])
            if rc != 0:
                return rc
        print(f"\n$ govsearch stats --index {index}", flush=True)
        return subprocess.call(cli + ["stats", "--index", index])
    finally:
        for site in sites:
            site.stop()
        if args.index is None:
            shutil.rmtree(index, ignore_errors=True)
            print(f"\n(removed the temporary index {index})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
