"""What an ``except`` handler does with an error: whether it catches every error, whether it goes
on after it, and whether it names a value first (closes or cancels it) before a statement in it.
Shared by the resource and task rules that follow an error from an ``await`` or a ``raise``."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk


def catches_every_error(handler: ast.ExceptHandler) -> bool:
    """``except:``, ``except BaseException``, ``except Exception`` (also in a tuple)."""
    if handler.type is None:
        return True
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((c.attr if isinstance(c, ast.Attribute) else c.id if isinstance(c, ast.Name) else "") in ("Exception", "BaseException") for c in caught)


def goes_on(handler: ast.ExceptHandler) -> bool:
    """A handler of every error that never raises: the function goes on after the error."""
    return catches_every_error(handler) and not any(isinstance(n, ast.Raise) for n in walk(handler))


def named_first_in_handler(module: ModuleInfo, node: ast.AST, function: ast.AST, name: str) -> bool:
    """``node`` runs in an ``except`` of ``function`` (the nearest) that names ``name`` at or
    before its line: ``except Exception: await s.close(); raise``."""
    at = getattr(node, "lineno", 0)
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.ExceptHandler):
            return any(isinstance(n, ast.Name) and n.id == name and n.lineno <= at for s in ancestor.body for n in walk(s))
    return False
