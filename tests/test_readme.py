"""The README's command table, defaults, exit codes and JSON example match the real commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import typer.main

from govsearch import cli

from .conftest import SMALL
from .test_cli import run, write_jsonl

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = typer.main.get_command(cli.app)


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def _table_rows() -> dict[str, str]:
    """command name -> its synopsis cell in the README's command table."""
    rows = {}
    for line in _section("Commands").splitlines():
        m = re.match(r"\| `govsearch (\w+)(.*?)` \|", line)
        if m:
            rows[m[1]] = m[2]
    return rows


def _help(*args: str) -> str:
    p = subprocess.run([sys.executable, "-m", "govsearch.cli", *args, "--help"], capture_output=True,
                       text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_every_command_is_in_the_table_and_in_help():
    rows = _table_rows()
    top = _help()
    assert set(rows) == set(COMMANDS.commands), "README command table vs govsearch's commands"
    for name in rows:
        assert re.search(rf"^\s+{name}\s", top, re.M), f"{name} missing from govsearch --help"


def test_every_option_and_default_in_the_table_is_real():
    for name, synopsis in _table_rows().items():
        command = COMMANDS.commands[name]
        text = _help(name)
        options = {opt: p for p in command.params if p.param_type_name == "option" for opt in p.opts}
        # [--opt], [--opt VALUE] or [--opt VALUE=default]
        stated = {m[0]: m[2] for m in re.findall(r"\[(--?[\w-]+)(?: ([^\]=]+?)(?:=([^\]]+))?)?\]",
                                                 synopsis.replace("\\|", "|"))}
        for opt, default in stated.items():
            assert opt in options, f"README: govsearch {name} {opt} does not exist"
            assert re.search(rf"(^|\s){re.escape(opt)}[\s,]", text), f"{opt} not in govsearch {name} --help"
            real = options[opt].default
            if default:
                assert str(real) == default, f"govsearch {name} {opt}: README says {default}, real {real}"
        for opt, param in options.items():
            if opt == "--help" or not opt.startswith("--"):
                continue
            assert opt in stated or any(o in stated for o in param.opts), \
                f"govsearch {name} {opt} is not in the README's table"
            if param.default not in (None, False) and not param.is_flag:
                assert any(stated.get(o) for o in param.opts), \
                    f"README: govsearch {name} {opt} has default {param.default}; say it as {opt} X={param.default}"


def test_stated_crawl_politeness_is_the_real_default():
    from govsearch.crawl import policy as loop

    row = _table_rows()["crawl"]
    cell = next(line for line in _section("Commands").splitlines() if line.startswith("| `govsearch crawl"))
    m = re.search(r"else (\d+) connections to a host at a time, ([\d.]+) s apart", cell)
    assert row and m, "the crawl row states the per-host default"
    assert int(m[1]) == loop.DEFAULT_PER_HOST and float(m[2]) == loop.DEFAULT_DELAY


def test_exit_codes_are_the_documented_ones():
    documented = {int(c) for c in re.findall(r"^\| (\d+) \|", _section("Commands"), re.M)}
    used = {v for k, v in vars(cli).items() if k.startswith("EXIT_")}
    assert documented == {0, 1, 2, 3, 4, 130} and used <= documented


def test_json_example_has_the_keys_query_prints(tmp_path):
    block = _section("What it looks like")
    example = json.loads(block[block.index("{\n"):block.index("\n}\n") + 2])
    ix = str(tmp_path / "ix")
    run("import", str(write_jsonl(tmp_path / "a.jsonl", [a.to_dict() for a in SMALL])), "--index", ix)
    real = json.loads(run("query", "UBND tinh", "--index", ix, "--limit", "1", "--json").stdout)
    assert set(example) == set(real)
    assert set(example["hits"][0]) <= set(real["hits"][0])
    assert set(example["facets"]) == set(real["facets"])
