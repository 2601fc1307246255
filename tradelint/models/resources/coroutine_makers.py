"""A plain function that returns, unawaited, the call of an ``async`` maker hands its caller a
coroutine, not the resource: ``def get_client(): return Client.from_url(url)`` where
``from_url`` is an ``async`` class method. Only ``await get_client()`` runs the maker; a call
used otherwise (``get_client().status()``, which fails on the coroutine) opens nothing. Such a
maker's spec is an awaited maker (``ResourceSpec.awaited_maker``): a creation only where awaited."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import family_methods, lineage
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import capword


def returns_a_coroutine(module: ModuleInfo, function: ast.AST, value: ast.expr | None) -> bool:
    """Whether the plain (not ``async``) ``function`` returns ``value`` as an unawaited call of a
    first-party ``async`` function or method, on every branch of a conditional expression."""
    if not isinstance(function, ast.FunctionDef) or value is None:
        return False
    if isinstance(value, ast.IfExp):
        return returns_a_coroutine(module, function, value.body) and returns_a_coroutine(module, function, value.orelse)
    return isinstance(value, ast.Call) and _async_callee(module, value.func)


def _async_callee(module: ModuleInfo, func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Attribute)):
        owner = func.value.attr if isinstance(func.value, ast.Attribute) else func.value.id
        if not capword(owner):
            return False
        found = class_named(module, func.value)
        if found is None:
            return False
        method = family_methods(lineage(module.project, *found)).get(func.attr)
        return method is not None and method.is_async
    if isinstance(func, ast.Name):
        named = definition_of(module, func)
        return named is not None and named[1].kind == "async_function"
    return False
