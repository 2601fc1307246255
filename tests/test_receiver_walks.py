"""Receiver typing's partial walks see what a walk of every node would, in the same order.

The walks (a scope's statements, the paths to its walruses and to its ``x.attr`` stores, the
stores inside a class) skip most of a module: each is compared here with the full walk it
replaces, on awkward code and on every module of tradelint and its fixtures.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tradelint.models.renames.class_members import known_members
from tradelint.models.renames.receiver_types import (
    BINDING_NODES,
    SCOPE_NODES,
    binding_nodes,
    scope_nodes,
    store_paths,
    types_for,
    NO_FACTS,
)
from tradelint.facts.uses import self_name
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.context import ModuleInfo, Project

ROOT = Path(__file__).resolve().parent.parent

AWKWARD = """\
import os
x = 1
if (y := os.sep):
    z: int = 2
def f(a, b=(w := 3), *args, **kw):
    global g
    for i, (j, k) in enumerate([]):
        v = [q for q in range(3) if (r := q)]
    with open(a) as h, open(b) as (m, n):
        pass
    try:
        import json as js
    except ValueError as e:
        from os import path
    else:
        def inner(): ...
        class Inner: ...
    finally:
        c = d = f
    match a:
        case [s, *t] if (u := s):
            o = 1
        case {"k": p}:
            pass
    while (cnt := 0):
        cnt += 1
    [0 for a.x in b]
    lam = lambda: (lw := 1)
    return {1: (dk := 2)} if (iv := 4) else (ie := 5)
class C:
    def __init__(self, other):
        self.a = 1
        self.b: int = 2
        self.c, self.d = 3, 4
        other.e = 5
        for self.f in range(2):
            pass
        with open("x") as self.g:
            pass
        [0 for self.h in range(2)]
        if self.a:
            self.a = self.i = 6

        def nested(inner_self):
            self.j = 7
    async def m(self):
        async for self.k in aiter():
            pass
        async with cm() as self.m_:
            pass
        del self.a
class D(C):
    x = 1
    def g(self):
        self.p = 1
        setattr(self, "q", 2)
class E:
    def g(self):
        return self.__dict__
class F:
    class G:
        def g(self):
            self.r = 1
    def h(self):
        obj.s = 1
"""


def full_walk(scope: ast.AST) -> list[ast.AST]:
    """The walk the partial ones replace: every node of a scope's own body, depth first."""
    found = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))
    return found


def is_binding(node: ast.AST) -> bool:
    return type(node) in BINDING_NODES


def is_store(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name)


def module_of(path: Path, source: str, project: Project, text: str | None) -> ModuleInfo:
    return project.register(path, ast.parse(source), text)


def sources() -> list[tuple[str, str]]:
    found = [("awkward", AWKWARD)]
    for folder in ("tradelint", "fixtures"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("with_text", [True, False], ids=["text", "no-text"])
def test_partial_walks_match_the_full_walk(with_text: bool) -> None:
    project = Project()
    checked = 0
    for name, source in sources():
        module = module_of(ROOT / name, source, project, source if with_text else None)
        for scope in [module.tree, *module.index.functions]:
            expected = [node for node in full_walk(scope) if is_binding(node)]
            assert [node for node in binding_nodes(module, scope) if is_binding(node)] == expected, name
            stores = [node for node in full_walk(scope) if is_store(node)]
            assert [node for node in scope_nodes(scope, store_paths(module).__contains__) if is_store(node)] == stores
            checked += len(expected)
    assert checked > 1000


def test_awkward_scopes_bind_what_they_should() -> None:
    module = module_of(Path("awkward.py"), AWKWARD, Project(), AWKWARD)
    types = types_for(module, NO_FACTS)
    f = next(func for func in module.index.functions if func.name == "f")
    assert sorted(types.function_env(f).bindings) == sorted([
        "a", "b", "args", "kw", "w", "g", "i", "j", "k", "v", "r", "h", "m", "n", "js", "e", "path", "inner",
        "Inner", "c", "d", "u", "o", "cnt", "lam", "dk", "iv", "ie",
    ])
    assert sorted(types.module_env.bindings) == ["x", "y", "z"]
    init = next(func for func in module.index.functions if func.name == "__init__")
    assert [attr for attr, _ in types.self_stores(init)] == ["i", "a", "h", "g", "f", "d", "c", "b", "a"]
    method = next(func for func in module.index.functions if func.name == "m")
    assert [attr for attr, _ in types.self_stores(method)] == ["m_", "k"]


def test_class_members_see_stores_and_dynamic_access_anywhere_inside() -> None:
    module = module_of(Path("awkward.py"), AWKWARD, Project(), AWKWARD)
    classes = {cls.name: cls for cls in module.index.classes}
    c_members = known_members(module, classes["C"])
    assert c_members is not None
    assert {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m_"} <= c_members
    assert known_members(module, classes["D"]) is None  # setattr
    assert known_members(module, classes["E"]) is None  # __dict__
    f_members = known_members(module, classes["F"])
    assert f_members is not None and {"G", "r", "s", "h"} <= f_members
    g_members = known_members(module, classes["G"])
    assert g_members is not None and "r" in g_members and "s" not in g_members


def test_methods_of_every_class_store_the_same_as_a_full_walk_finds() -> None:
    project = Project()
    for name, source in sources():
        module = module_of(ROOT / name, source, project, source)
        types = types_for(module, NO_FACTS)
        for cls in module.index.classes:
            for method in cls.body:
                if isinstance(method, FUNCTION_NODES):
                    expected = [node.attr for node in full_walk(method) if is_store(node) and _on_self(node, method)]
                    assert [attr for attr, _ in types.self_stores(method)] == expected, (name, method.name)


def _on_self(node: ast.Attribute, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id == self_name(method)
