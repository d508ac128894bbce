"""`govsearch delete` and `govsearch migrate` between folders (the cluster's own tests: tests/cluster)."""

from __future__ import annotations

import json

from govsearch import SearchEngine

from .conftest import SMALL, synthetic_records
from .test_cli import run, write_jsonl


def test_delete_by_url(tmp_path):
    ix = str(tmp_path / "ix")
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in SMALL])), "--index", ix)
    p = run("delete", SMALL[0].url, "--index", ix)
    assert f"deleted 1 of 1 articles; the index holds {len(SMALL) - 1} articles" in p.stderr
    p = run("delete", SMALL[0].url, SMALL[1].url, "--index", ix, check_code=1)
    assert f"not in the index: {SMALL[0].url}" in p.stderr and "deleted 1 of 2" in p.stderr
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["documents"] == len(SMALL) - 2
    p = run("delete", "x", "--index", str(tmp_path / "none"), check_code=3)
    assert "Traceback" not in p.stderr


def test_migrate_between_folders_resumes_from_a_checkpoint(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    records = synthetic_records(120) + [a.to_dict() for a in SMALL]
    run("import", str(write_jsonl(tmp_path / "a.jsonl", records)), "--index", str(src))
    # a run that stopped after 50 articles left this checkpoint (and those 50 in the target)
    with SearchEngine(src) as a, SearchEngine(dst) as b:
        b.add_many(list(a.articles())[:50])
    (dst / "migrate-checkpoint.json").write_text(json.dumps(
        {"from": str(src.resolve()), "documents": len(records), "done": 50}))
    p = run("migrate", "--from", str(src), "--to", str(dst), "--batch", "40")
    assert f"resuming after 50 of {len(records)} articles" in p.stderr
    assert f"({len(records) - 50} sent by this run)" in p.stderr
    assert not (dst / "migrate-checkpoint.json").exists()
    with SearchEngine(src) as a, SearchEngine(dst) as b:
        assert {x.url: x.to_dict() for x in b.articles()} == {x.url: x.to_dict() for x in a.articles()}
        assert len(b) == len(records)
    # a checkpoint of another source state is not trusted: everything is sent again
    (dst / "migrate-checkpoint.json").write_text(json.dumps(
        {"from": str(src.resolve()), "documents": 7, "done": 5}))
    p = run("migrate", "--from", str(src), "--to", str(dst))
    assert "started over" in p.stderr and f"({len(records)} sent by this run)" in p.stderr
    p = run("migrate", "--from", str(src), "--to", str(src), check_code=2)
    assert "the same index" in p.stderr
    p = run("migrate", "--from", str(tmp_path / "none"), "--to", str(dst), check_code=3)
    assert "Traceback" not in p.stderr
