"""A function whose own frame returns no value hands its caller nothing: a call of it is no
creation, whatever the functions nested in it return (``def register(services): def make():
return Client(); services.add(make)``, or a coroutine that enters what it opens into a stack
its caller passed in and returns None)."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import own_nodes


def returns_nothing(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True when no ``return`` of ``function``'s own frame has a value other than ``None`` and
    the frame does not yield (a generator is judged elsewhere)."""
    for node in own_nodes(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return False
        if isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            return False
    return True
