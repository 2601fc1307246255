"""Which properties of a class hand out one of its attributes: a release through the property
(``await self._client.aclose()``, with ``_client`` a ``cached_property`` returning
``self._redis_client``) releases that attribute."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import self_attr


def _is_getter(decorator: ast.expr) -> bool:
    # ``@property``, ``@cached_property``, ``@functools.cached_property``.
    if isinstance(decorator, ast.Name):
        return decorator.id in ("property", "cached_property")
    return isinstance(decorator, ast.Attribute) and decorator.attr == "cached_property"


def getters_of(cls: ast.ClassDef, attr: str) -> list[str]:
    """The property getters of ``cls`` whose every ``return`` gives ``self.<attr>``."""
    found: list[str] = []
    for stmt in cls.body:
        if not isinstance(stmt, FUNCTION_NODES) or not stmt.args.args or not any(_is_getter(d) for d in stmt.decorator_list):
            continue
        if _returns_attribute(stmt, attr):
            found.append(stmt.name)
    return found


def getter_calls(cls: ast.ClassDef, attr: str) -> list[ast.Call]:
    """Calls ``self.<getter>()`` in ``cls``'s methods of a plain method of ``cls`` that takes only
    ``self``, is not decorated, and whose every ``return`` gives ``self.<attr>``
    (``get_client()``, making ``self._client`` on first use and returning it): each call is a load
    of the attribute, as a property's is."""
    getters = set()
    for stmt in cls.body:
        if not isinstance(stmt, ast.FunctionDef) or stmt.decorator_list or len(stmt.args.args) != 1:
            continue
        if stmt.args.vararg or stmt.args.kwarg or stmt.args.kwonlyargs or stmt.args.posonlyargs:
            continue
        if _returns_attribute(stmt, attr):
            getters.add(stmt.name)
    found: list[ast.Call] = []
    for stmt in cls.body if getters else ():
        if not isinstance(stmt, FUNCTION_NODES) or not stmt.args.args:
            continue
        receiver = stmt.args.args[0].arg
        found += [
            node for node in ast.walk(stmt)
            if isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute)
            and node.func.attr in getters and isinstance(node.func.value, ast.Name) and node.func.value.id == receiver
        ]
    return found


def _returns_attribute(function: ast.FunctionDef | ast.AsyncFunctionDef, attr: str) -> bool:
    """Every ``return`` of ``function`` gives ``self.<attr>``: itself, or a local that the
    function binds to it and to nothing else (pyaleph's ``if (redis_client := self._redis_client)
    is None: raise ValueError(...)``, then ``return redis_client``)."""
    receiver = function.args.args[0].arg
    returns = [node.value for node in ast.walk(function) if isinstance(node, ast.Return)]
    return bool(returns) and all(
        value is not None and (self_attr(value, receiver) == attr or (
            isinstance(value, ast.Name) and _bound_only_to(function, value.id, receiver, attr)))
        for value in returns
    )


def _bound_only_to(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, receiver: str, attr: str) -> bool:
    """Each binding of the local ``name`` in ``function`` is ``name = self.<attr>`` or ``(name :=
    self.<attr>)``, and there is one at least (a parameter of that name is none)."""
    args = function.args
    if any(a is not None and a.arg == name for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)):
        return False
    stores = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    to_attr = [
        node for node in ast.walk(function)
        if (isinstance(node, ast.NamedExpr) and node.target.id == name
            or isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name)
        and self_attr(node.value, receiver) == attr
    ]
    return bool(stores) and len(stores) == len(to_attr)
