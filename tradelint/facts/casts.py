"""``typing.cast`` read through: a value made inside ``cast(T, value)`` is made where the
``cast`` stands (the call returns its value unchanged)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

CASTS = frozenset({"typing.cast", "typing_extensions.cast"})


def cast_of(module: ModuleInfo, node: ast.AST | None, value: ast.AST) -> bool:
    """Whether ``node`` is ``cast(T, value)``: ``typing.cast`` returns its value unchanged, so a
    resource made inside one is made where the ``cast`` stands (``self._client = cast(Protocol,
    await connect(url))``)."""
    return (
        isinstance(node, ast.Call)
        and len(node.args) == 2
        and node.args[1] is value
        and isinstance(node.func, (ast.Name, ast.Attribute))
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "cast"
        and module.imports.qualify(node.func) in CASTS
    )


def uncast(module: ModuleInfo, value: ast.expr) -> ast.expr:
    """``value`` with ``[await] cast(T, x)`` read as ``x`` (awaited or not), as often as nested."""
    while True:
        inner = value.value if isinstance(value, ast.Await) else value
        if not (isinstance(inner, ast.Call) and len(inner.args) == 2 and cast_of(module, inner, inner.args[1])):
            return value
        value = inner.args[1]
