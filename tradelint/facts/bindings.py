"""How a module can spell a name at runtime: its module-scope bindings and runtime imports, for
fixes that must use a name (``asyncio``) the module may import under another spelling."""

from __future__ import annotations

import ast
from typing import cast

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
        names: set[str] = set()
        # The index's parent links hold every node of the tree but the module itself and the
        # shared context and operator singletons, none of which binds a name: the same names
        # as an ``ast.walk``, without walking.
        for node in module.index.parents:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                names.add(node.rest)
        memo[key] = names
    return cast("set[str]", memo[key])


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
