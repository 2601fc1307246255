"""A read of a local that comes before the statement binding it, in straight-line code.

``if "client" in dir(): other = client`` at the top of ``main()`` and ``client = Client()`` further
down: no loop of the function holds both, so the read can only see an earlier value of the name
(or none), never what the later statement makes. Such a read is no use of what the statement
makes: not a hand-off, not a close. A read in a nested function or a lambda runs when it is
called, which may be after, and is not one of these."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import LOOP_NODES

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def read_before_made(module: ModuleInfo, function: ast.AST, stmt: ast.AST, node: ast.expr) -> bool:
    """Whether ``node``, a read of a local of ``function``, starts before ``stmt`` (the statement
    binding it) and no loop of ``function`` holds both."""
    if (node.lineno, node.col_offset) >= (getattr(stmt, "lineno", 0), getattr(stmt, "col_offset", 0)):
        return False
    around = list(module.ancestors(node, function))
    if any(isinstance(a, _SCOPES) for a in around):
        return False  # (called when it is called)
    loops = {id(a) for a in module.ancestors(stmt, function) if isinstance(a, LOOP_NODES)}
    return not any(id(a) in loops for a in around if isinstance(a, LOOP_NODES))
