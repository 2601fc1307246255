"""A method that returns its own instance: its result is the object, kept where it is kept.

``store[key] = await entry.setup()`` where ``setup()`` ends with ``return self`` (annotated
``-> Self``, or every ``return`` of it returning its receiver) keeps ``entry`` in ``store``,
exactly as ``await entry.setup(); store[key] = entry`` would: the call opens it, and the value
of the expression is the object handed on. So the use the resource model judges is that of the
whole expression (the store, the argument, the ``return``), after the call has opened it."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.nearest_method import nearest_method
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import Use, classify, self_name

__all__ = ["through_returned_self"]


def through_returned_self(module: ModuleInfo, use: Use, maker: ast.expr) -> Use:
    """The use of ``obj.method(...)`` (or ``await obj.method(...)``) as a value of ``obj``, when
    ``method`` is a method of the first-party class ``maker`` names that returns its instance and
    the result is not dropped; ``use`` itself otherwise."""
    if use.kind != "method" or use.call is None:
        return use
    value: ast.expr = use.call
    parent = module.parent(value)
    if isinstance(parent, ast.Await):
        value, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Expr) or not _returns_self(module, maker, use.name):
        return use
    return classify(module, value)


def _returns_self(module: ModuleInfo, maker: ast.expr, name: str) -> bool:
    method = nearest_method(module, maker, name)
    return method is not None and _gives_itself(method)


def _gives_itself(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``-> Self`` (``typing.Self``, ``typing_extensions.Self``), or every ``return`` of the method
    (none in a nested function) returning its receiver, with no path falling off the end."""
    returns = method.returns
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        returns = ast.Name(id=returns.value)
    if (isinstance(returns, ast.Name) and returns.id == "Self") or (isinstance(returns, ast.Attribute) and returns.attr == "Self"):
        return True
    receiver = self_name(method)
    found = list(_own_returns(method))
    return (
        receiver is not None
        and bool(found)
        and all(isinstance(r.value, ast.Name) and r.value.id == receiver for r in found)
        and isinstance(method.body[-1], ast.Return)
    )


def _own_returns(function: ast.AST) -> list[ast.Return]:
    found: list[ast.Return] = []
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        elif not isinstance(node, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return found
