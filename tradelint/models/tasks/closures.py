"""Where a task made by a closure is reported: a ``def`` inside a function that returns a task it
made (``def run_long(aw): return asyncio.create_task(safe(aw))``) serves only the function around
it, whose locals keep what it returns. Those callers share one owner, the enclosing function: a
task they leave running is reported once, where the closure makes it (gpt-researcher
``e02d9c47``), not at each call."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, SCOPE_NODES


def made_by_closure(module: ModuleInfo, target: ast.AST | None) -> ast.Call | None:
    """The call that makes the task a closure returns (the first ``return <call>`` of its own
    body), when ``target`` is a ``def`` made inside a function; else None."""
    if not isinstance(target, ast.FunctionDef) or not isinstance(module.parent(target), FUNCTION_NODES):
        return None
    stack: list[ast.AST] = list(target.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            return node.value
        if not isinstance(node, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))
    return None
