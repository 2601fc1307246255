"""The layout of docs/architecture.md, enforced: layers import only from below, the family models
are independent, the flake8 and mypy front-ends go through ``tradelint.api``, no import circle
anywhere (imports inside functions and under ``TYPE_CHECKING`` included), no module over 700
lines, and ``flake8_tradelint`` is only the flake8 entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tradelint", "flake8_tradelint", "mypy_plugin")
MAX_LINES = 700


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # In a process of its own: import-linter builds its graph from the packages on sys.path, and
    # the copy in a temporary folder must be the one found there.
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)


def test_contracts_are_kept() -> None:
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 3 kept, 0 broken." in proc.stdout


def test_a_new_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    for name in (*PACKAGES, "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    files = tmp_path / "tradelint" / "core" / "files.py"
    files.write_text(files.read_text(encoding="utf-8") + "\n\ndef _up() -> None:\n    from tradelint.runner import engine\n")
    proc = _lint_imports(tmp_path)
    assert proc.returncode == 1
    assert "tradelint's layers import only from below BROKEN" in proc.stdout
    assert "tradelint.core.files -> tradelint.runner.engine" in proc.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_anywhere() -> None:
    # grimp counts every import statement: inside functions and under TYPE_CHECKING too.
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="a.b")
    assert _cycles(graph) == [["a.b", "a.c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_700_lines(package: str) -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in sorted((ROOT / package).rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_flake8_tradelint_is_only_the_entry_point() -> None:
    names = sorted(p.name for p in (ROOT / "flake8_tradelint").iterdir() if p.name != "__pycache__")
    assert names == ["__init__.py", "__main__.py", "flake8_plugin.py", "py.typed"]
