"""An attribute its own class closes holds a resource, whatever made it (issue 28 points 1 and 5).

``await self._conn.close()`` in the class's ``close()`` (or another release method, or
``__aexit__``) is the class's word that ``self._conn`` holds something that must be closed: the
value of ``self._conn = await connect(url)`` is then owned by the instance, although no table,
library source or first-party class says what ``connect()`` returns. Each such store is a
creation of kind ``self`` with that close, judged as a known resource's is: a method that
replaces it while an old one may still be open (``reconnect()``), one that drops it
(``self._conn = None``) unclosed, a setup that raises after keeping it.

Proven, not guessed: only a store of a call's result (awaited or not) into an attribute of
``self`` that a method of the same class named as a release (``close``, ``stop``,
``disconnect``...) or ``__aexit__`` closes with an awaited ``close()``/``aclose()`` of no
positional argument; not a class or static method's store, not a value a maker given nothing or
a provider's result may share (``project_evidence.may_be_shared``), not a call already judged as
a known resource's creation."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import is_release_name
from tradelint.facts.syntax import walk
from tradelint.facts.uses import self_name
from tradelint.models.resources.project_evidence import may_be_shared
from tradelint.models.resources.resource_types import ResourceSpec

_CLOSES = frozenset({"close", "aclose"})


def closed_attribute_stores(module: ModuleInfo, known: set[int]) -> list[tuple[ast.Call, ResourceSpec]]:
    """``(call, spec)`` of each store ``self.attr = [await] call(...)`` of ``module`` into an
    attribute its class closes, in source order; ``known`` holds the ids of calls already found
    as creations."""
    found: list[tuple[ast.Call, ResourceSpec]] = []
    for cls in module.index.classes:
        closed = closed_by_release(cls)
        if not closed:
            continue
        for method in cls.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or any(
                isinstance(d, ast.Name) and d.id in ("classmethod", "staticmethod") for d in method.decorator_list
            ):
                continue
            receiver = self_name(method)
            if receiver is None:
                continue
            for node in walk(method):
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                    continue
                target, value = node.targets[0], node.value
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver):
                    continue
                call = value.value if isinstance(value, ast.Await) else value
                if not isinstance(call, ast.Call) or id(call) in known or target.attr not in closed:
                    continue
                if module.enclosing_function(call) is not method or may_be_shared(module, call):
                    continue
                found.append((call, ResourceSpec(closed[target.attr], evidenced=True)))
    found.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    return found


def closed_by_release(cls: ast.ClassDef) -> dict[str, str]:
    """The attributes of ``self`` a release method of ``cls`` closes, each with its close."""
    closed: dict[str, str] = {}
    for method in cls.body:
        if not isinstance(method, ast.AsyncFunctionDef) or not (method.name == "__aexit__" or is_release_name(method.name)):
            continue
        receiver = self_name(method)
        for node in walk(method):
            if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
                continue
            call = node.value
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _CLOSES
                and not call.args
                and isinstance(func.value, ast.Attribute)
                and isinstance(func.value.value, ast.Name)
                and func.value.value.id == receiver
            ):
                closed.setdefault(func.value.attr, func.attr)
    return closed
