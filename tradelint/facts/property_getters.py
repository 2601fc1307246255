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
        receiver = stmt.args.args[0].arg
        returns = [node.value for node in ast.walk(stmt) if isinstance(node, ast.Return)]
        if returns and all(value is not None and self_attr(value, receiver) == attr for value in returns):
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
        receiver = stmt.args.args[0].arg
        returns = [node.value for node in ast.walk(stmt) if isinstance(node, ast.Return)]
        if returns and all(value is not None and self_attr(value, receiver) == attr for value in returns):
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
