"""Two writers in two processes on one empty index: every URL stored once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from govsearch import SearchEngine

from .conftest import SMALL

# Adds SMALL with lock_timeout=60. The first writer ("hold") pauses inside its
# write, lock held, after telling the second ("wait") to start: the second then
# finds the index still empty before it gets the lock.
CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from govsearch import SearchEngine
from tests.conftest import SMALL
role, ix, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])
engine = SearchEngine(ix, lock_timeout=60)
if role == "hold":
    def progress(n):
        if not marker.exists():
            marker.write_text("writing")
            time.sleep(1.5)
    engine.add_many(SMALL, progress=progress)
else:
    while not marker.exists():
        time.sleep(0.01)
    engine.add_many(SMALL)
engine.close()
"""


def test_two_writers_waiting_on_one_empty_index_store_each_url_once(tmp_path):
    ix = tmp_path / "ix"
    SearchEngine(ix).close()
    marker = tmp_path / "marker"
    code = CHILD.format(root=str(Path(__file__).resolve().parents[1]))
    waiting = subprocess.Popen([sys.executable, "-c", code, "wait", str(ix), str(marker)])
    time.sleep(0.2)
    holding = subprocess.Popen([sys.executable, "-c", code, "hold", str(ix), str(marker)])
    assert holding.wait(timeout=120) == 0 and waiting.wait(timeout=120) == 0
    with SearchEngine(ix, create=False) as engine:
        stored = [a.url for a in engine.articles()]
        assert len(engine) == len(SMALL)
        assert sorted(stored) == sorted(a.url for a in SMALL)
        assert engine.stats().sources == {"thainguyen.gov.vn": 5, "baochinhphu.vn": 3, "dcs.vn": 4}
        hits = [h.url for h in engine.search("dân vận", limit=100).hits]
        assert len(hits) == len(set(hits))
