"""`govsearch stats` counts live documents; `govsearch check` finds what is damaged."""

from __future__ import annotations

import json
from pathlib import Path

from govsearch import check_index

from .conftest import SMALL
from .test_cli import run, write_jsonl


def _index(tmp_path: Path, times: int = 1) -> str:
    ix = str(tmp_path / "ix")
    src = write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in SMALL])
    for _ in range(times):
        run("import", str(src), "--index", ix, "--batch", "5")
    return ix


def test_reimporting_the_same_lines_counts_each_source_once(tmp_path):
    ix = _index(tmp_path, times=3)
    stats = json.loads(run("stats", "--index", ix, "--json").stdout)
    assert stats["documents"] == 12
    assert stats["sources"] == {"thainguyen.gov.vn": 5, "baochinhphu.vn": 3, "dcs.vn": 4}


def test_stats_shows_per_source_articles_without_date_or_author(tmp_path):
    ix = _index(tmp_path, times=2)
    stats = json.loads(run("stats", "--index", ix, "--json").stdout)
    # SMALL: one dcs.vn article has no date; only the first has an author
    assert stats["undated"] == {"dcs.vn": 1}
    assert stats["no_author"] == {"thainguyen.gov.vn": 4, "baochinhphu.vn": 3, "dcs.vn": 4}
    table = run("stats", "--index", ix).stdout
    row = next(line for line in table.splitlines() if "dcs.vn" in line)
    assert [c.strip() for c in row.strip("│┃ ").split("│")] == ["dcs.vn", "4", "1", "4"]


def test_check_a_sound_index(tmp_path):
    ix = _index(tmp_path)
    p = run("check", "--index", ix)
    assert p.stdout.startswith(f"index at {ix} is readable: 12 documents in")
    data = json.loads(run("check", "--index", ix, "--json").stdout)
    assert data["ok"] and data["problems"] == [] and data["files_read"] > 5 and data["rebuild"] is None


def test_check_names_a_missing_segment_file_and_how_to_rebuild(tmp_path):
    ix = _index(tmp_path)
    victim = sorted(Path(ix).glob("MAIN_*.pst"))[0]
    victim.unlink()
    p = run("check", "--index", ix, check_code=3)
    assert f"damaged: segment {victim.name.split('_')[1].split('.')[0]}" in p.stderr
    assert f"{victim.name} is missing" in p.stderr
    assert "rebuild it: move" in p.stderr and "Traceback" not in p.stderr
    # the other commands say so in one line too
    p = run("query", "dân vận", "--index", ix, check_code=3)
    assert p.stderr.startswith("error: index at") and "govsearch check" in p.stderr
    assert p.stderr.strip().count("\n") == 0


def test_check_a_truncated_file_and_other_problems(tmp_path):
    ix = _index(tmp_path)
    terms = sorted(Path(ix).glob("MAIN_*.trm"))[0]
    terms.write_bytes(terms.read_bytes()[:20])
    result = check_index(ix)
    assert not result.ok and any(terms.name.split(".")[0].split("_")[1] in p for p in result.problems)

    assert not check_index(tmp_path / "nowhere").ok
    p = run("check", "--index", str(tmp_path / "nowhere"), check_code=3)
    assert p.stderr.startswith("error: no index at") and "govsearch import" in p.stderr

    (tmp_path / "v").mkdir()
    other = _index(tmp_path / "v")
    (Path(other) / "govsearch.json").write_text('{"schema_version": 999}')
    p = run("check", "--index", other, check_code=3)
    assert "schema version 999" in p.stderr and "govsearch export" in p.stderr


def test_stats_over_segments_with_and_without_dates(tmp_path):
    from govsearch import Article, SearchEngine

    with SearchEngine(tmp_path / "ix") as engine:
        engine.add_many([Article(url=f"https://a.vn/{i}", title="t", body="b") for i in range(3)])
        engine.add_many([Article(url=f"https://b.vn/{i}", title="t", body="b", published="2023-01-01",
                                 author="An") for i in range(2)])
        engine.add(Article(url="https://a.vn/0", title="t2", body="b"))  # replaces one
        s = engine.stats()
    assert s.segments >= 2 and s.documents == 5
    assert (s.sources, s.undated, s.no_author) == ({"a.vn": 3, "b.vn": 2}, {"a.vn": 3}, {"a.vn": 3})


def test_check_an_array_sidecar(tmp_path):
    """A directory of .npy segments listed by a manifest (the pair sidecar's layout)."""
    import numpy as np

    ix = _index(tmp_path)
    sidecar = Path(ix) / "pairs"
    listed = [d.name for d in sidecar.iterdir() if d.is_dir()] if sidecar.is_dir() else []
    if not listed:  # an index of this version without one: make one in its layout
        sidecar = Path(ix) / "extra"
        (sidecar / "s1").mkdir(parents=True)
        np.save(sidecar / "s1" / "keys.npy", np.arange(5, dtype=np.uint64))
        (sidecar / "manifest.json").write_text(json.dumps({"segments": ["s1", "s2"]}))
        p = run("check", "--index", ix, check_code=3)
        assert f"damaged: {Path('extra') / 's2'} is missing" in p.stderr
        (sidecar / "manifest.json").write_text(json.dumps({"segments": ["s1"]}))
        run("check", "--index", ix)
        victim = sidecar / "s1" / "keys.npy"
    else:
        victim = sorted((sidecar / listed[0]).glob("*.npy"))[0]
    victim.write_bytes(victim.read_bytes()[:70])
    p = run("check", "--index", ix, check_code=3)
    assert f"damaged: {victim.relative_to(ix)} cannot be read" in p.stderr
