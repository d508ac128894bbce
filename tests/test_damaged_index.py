"""A truncated table of contents or segment file: every command that reads the index says so in one
line (what `govsearch check` finds, how to rebuild) and exits 3, `serve` before it starts listening."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import SMALL
from .test_cli import CLI, run, write_jsonl

COMMANDS = {
    "query": ["query", "dân vận"],
    "stats": ["stats"],
    "export": ["export"],
    # port 0: were the start-up check to miss the damage, the server would listen and the timeout fail
    "serve": ["serve", "--port", "0"],
}


@pytest.fixture(scope="module")
def sound_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("damaged")
    src = write_jsonl(root / "a.jsonl", [a.to_dict() for a in SMALL])
    run("import", str(src), "--index", str(root / "ix"))
    return root / "ix"


def _truncated(sound: Path, tmp_path: Path, pattern: str) -> tuple[Path, Path]:
    ix = tmp_path / "ix"
    shutil.copytree(sound, ix)
    victim = sorted(ix.glob(pattern))[-1]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    return ix, victim


@pytest.mark.parametrize("pattern", ["_MAIN_*.toc", "MAIN_*.trm"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_truncated_index_file_is_one_line_and_exit_3(sound_index: Path, tmp_path: Path, pattern: str,
                                                      command: str) -> None:
    ix, victim = _truncated(sound_index, tmp_path, pattern)
    p = subprocess.run(CLI + COMMANDS[command] + ["--index", str(ix)], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "COLUMNS": "120"})
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and p.stderr.strip().count("\n") == 0, p.stderr
    assert f"index at {ix} is damaged: " in p.stderr
    where = "the table of contents" if victim.suffix == ".toc" else f"segment {victim.stem.split('_')[1]}"
    assert f"{where} cannot be read" in p.stderr
    assert f"rebuild it: move {ix} aside" in p.stderr and f"`govsearch check --index {ix}`" in p.stderr
    assert p.stdout == ""


def test_check_names_a_truncated_table_of_contents(sound_index: Path, tmp_path: Path) -> None:
    ix, _ = _truncated(sound_index, tmp_path, "_MAIN_*.toc")
    p = run("check", "--index", str(ix), check_code=3)
    assert p.stderr.startswith("damaged: the table of contents cannot be read (")
    assert "rebuild it: move" in p.stderr and "Traceback" not in p.stderr
