"""Session 59: a ``nonlocal`` declaration names the enclosing function's local, never the module's
global (``facts.global_bindings.reads_global`` took both declarations as ``global``)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.trees import write
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.global_bindings import reads_global

SOURCE = """\
client = object()


async def outer():
    client = None

    async def by_nonlocal():
        nonlocal client
        return client

    async def by_global():
        global client
        return client

    async def by_closure():
        return client


async def bare():
    return client


def nested_nonlocal_over_global():
    global client

    def inner():
        nonlocal_free = 1
        return client, nonlocal_free

    return inner
"""


def _functions(tmp_path: Path) -> tuple[ModuleInfo, dict[str, ast.AST]]:
    path = write(tmp_path / "mod.py", SOURCE)
    tree = ast.parse(SOURCE)
    module = ModuleInfo(path, tree, Project(), SOURCE)
    return module, {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_nonlocal_reads_the_enclosing_local_not_the_global(tmp_path: Path) -> None:
    module, functions = _functions(tmp_path)
    assert reads_global(module, functions["by_nonlocal"], "client") is False


def test_global_and_unbound_names_read_the_module(tmp_path: Path) -> None:
    module, functions = _functions(tmp_path)
    assert reads_global(module, functions["by_global"], "client") is True
    assert reads_global(module, functions["bare"], "client") is True
    assert reads_global(module, functions["inner"], "client") is True


def test_a_closure_reads_its_enclosing_local(tmp_path: Path) -> None:
    module, functions = _functions(tmp_path)
    assert reads_global(module, functions["by_closure"], "client") is False
