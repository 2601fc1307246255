"""How a module can spell a name at runtime: its module-scope bindings and runtime imports, for
fixes that must use a name (``asyncio``) the module may import under another spelling."""

from __future__ import annotations

import ast
from typing import Iterator, cast

from tradelint.facts.context import ModuleInfo


def asyncio_spelling(module: ModuleInfo) -> tuple[str, str]:
    for name, qualified in _runtime_imports(module).items():
        if qualified == "asyncio":
            return name, ""
    return "asyncio", "import asyncio"


def module_bindings(module: ModuleInfo) -> set[str]:
    """Every name the module binds in any scope: an inserted name must be none of them."""
    memo = module.project.class_memo
    key = ("bindings", module.tree)
    if key not in memo:
        # The index's parent links hold every node of the tree but the module itself and the
        # shared context and operator singletons, none of which binds a name: the same names
        # as an ``ast.walk``, without walking.
        memo[key] = {name for node in module.index.parents for name in _bound(node)}
    return cast("set[str]", memo[key])


def function_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Every name ``function`` binds or reads, its parameters and its nested scopes included: a
    local a fix binds there must be none of them (binding a global it reads would make that
    name local in the whole function, and each read before the new line an error)."""
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            names.add(node.id)
        else:
            names.update(_bound(node))
    return names


def binds_name(scope: ast.AST, name: str) -> bool:
    """Whether ``scope`` (a function, its nested scopes included) binds ``name``: a call of
    ``name`` there may not reach the module's function of that name."""
    return any(name in _bound(node) for node in ast.walk(scope))


def _bound(node: ast.AST) -> Iterator[str]:
    """The names ``node`` itself binds (a store, a definition, a parameter, an import, a
    ``global`` declaration, an ``except ... as``, a capture pattern)."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        yield node.id
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, ast.alias):
        yield node.asname or node.name.split(".")[0]
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        yield from node.names
    elif isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name
    elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest


def _runtime_imports(module: ModuleInfo) -> dict[str, str]:
    """Names bound at runtime by the module's own top-level absolute imports: what inserted
    module-level code may use (an import inside a function binds nothing out there). Found once
    per module (each fix asks); not to be changed."""
    memo = module.project.class_memo
    key = ("runtime-imports", module.tree)
    if key not in memo:
        memo[key] = _find_runtime_imports(module)
    return cast("dict[str, str]", memo[key])


def _find_runtime_imports(module: ModuleInfo) -> dict[str, str]:
    found: dict[str, str] = {}
    for node, type_checking in module.index.imports:
        if type_checking or module.enclosing_scope(node) is not None:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        else:
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    return found
