"""The import direction ARCHITECTURE.md draws: text -> index/backends -> search, never back.

Storage (govsearch.backends) must not import the search package, directly or
through what it imports: searching a cluster index is search/cluster's, which
imports backends. Read from the source (every import statement, those inside
functions too), so it holds without a cluster and without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import govsearch

ROOT = Path(govsearch.__file__).resolve().parent


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    base = ROOT.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _name_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["govsearch", *parts])


def imports_of(path: Path) -> set[str]:
    """The govsearch modules a file imports (a `from X import name` of a submodule counts as X.name)."""
    name = _name_of(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names if _module_file(f"{target}.{a.name}"))
    return {m for m in found if m == "govsearch" or m.startswith("govsearch.")}


def chains_into_search(start: list[Path]) -> list[list[str]]:
    """Import chains from the start files that reach govsearch.search (the root package, the public
    API that every submodule's import runs first, is not followed)."""
    bad: list[list[str]] = []
    seen: set[str] = set()
    todo = [[_name_of(p)] for p in start]
    while todo:
        chain = todo.pop()
        path = _module_file(chain[-1])
        if chain[-1] in seen or path is None:
            continue
        seen.add(chain[-1])
        for dep in sorted(imports_of(path)):
            if dep == "govsearch.search" or dep.startswith("govsearch.search."):
                bad.append(chain + [dep])
            elif dep != "govsearch":
                todo.append(chain + [dep])
    return bad


def test_backends_import_nothing_of_the_search_package():
    files = sorted((ROOT / "backends").glob("*.py"))
    assert len(files) >= 8
    bad = chains_into_search(files)
    assert not bad, "backends must not import govsearch.search: " + "; ".join(" -> ".join(c) for c in bad)


def test_the_walker_sees_an_import_of_search(tmp_path):
    # the search package itself imports search modules: the walk must find it
    assert chains_into_search([ROOT / "search" / "engine.py"])
    assert "govsearch.search.cluster.engine" in imports_of(ROOT / "search" / "cluster" / "__init__.py")
    assert "govsearch.backends.store" in imports_of(ROOT / "search" / "cluster" / "engine.py")
