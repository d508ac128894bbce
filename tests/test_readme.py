"""The README's command table, defaults, exit codes and JSON example match the real commands."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from govsearch import cli
from tests.fixtures.portals.server import PORTALS, start_portal

from .conftest import SMALL
from .test_cli import CLI, run, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
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


# --- "What it looks like": the shown commands, run on the fixture portals the demo crawls ------------

def _demo_families() -> list[str]:
    spec = importlib.util.spec_from_file_location("demo_offline", ROOT / "scripts" / "demo_offline.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return list(demo.FAMILIES)


def _shown() -> list[tuple[list[str], list[str]]]:
    """(command words after `govsearch`, output lines shown) for every `$ govsearch` in the section."""
    shown: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"\n```\n(.*?)\n```", _section("What it looks like"), re.S):
        for line in block.splitlines():
            if line.startswith("$ govsearch "):
                shown.append((shlex.split(line[len("$ govsearch "):]), []))
            elif shown:
                shown[-1][1].append(line)
    return shown


def _normal(text: str) -> str:
    """Output with what differs between runs made equal: ports, durations, took_ms."""
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    text = re.sub(r"\bin \d+(?:\.\d+)? ?m?s\b", "in TIME", text)
    return re.sub(r'"took_ms": [\d.]+', '"took_ms": 0', text)


def _in_order(shown: list[str], real: list[str]) -> bool:
    it = iter(real)
    return all(any(line == r for r in it) for line in shown)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The six fixture portals crawled as scripts/demo_offline.py does: (index, crawl output, run)."""
    index = str(tmp_path_factory.mktemp("readme") / "demo")
    sites = [start_portal(PORTALS / f) for f in _demo_families()]
    env = {**os.environ, "COLUMNS": "100"}  # the width the README's tables were printed at

    def govsearch(*args: str) -> str:
        p = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300, env=env)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
        return p.stdout + p.stderr

    try:
        crawled = govsearch("crawl", *[site.base + "/" for site in sites], "--delay", "0", "--index", index)
    finally:
        for site in sites:
            site.stop()
    return index, crawled, govsearch


def test_the_readme_shows_what_the_commands_print(demo) -> None:
    index, crawled, govsearch = demo
    shown = _shown()
    assert [words[0] for words, _ in shown] == ["crawl", "query", "query"]
    for words, lines in shown:
        if words[0] == "crawl":
            real = crawled
        else:
            words = [index if i and words[i - 1] == "--index" else w for i, w in enumerate(words)]
            real = govsearch(*words)
        if "--json" in words:
            assert json.loads(_normal("\n".join(lines))) == json.loads(_normal(real)), words
            continue
        lines = [_normal(line) for line in lines if line and line != "..."]
        real_lines = _normal(real).splitlines()
        if words[0] == "crawl":  # one line per host, in no fixed order of ports
            assert all(line in real_lines for line in lines), (lines, real_lines)
        else:
            assert _in_order(lines, real_lines), ("\n".join(lines), "\n".join(real_lines))
