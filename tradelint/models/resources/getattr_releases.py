"""A release looked up by name and then called: ``close = getattr(self._redis, "aclose", None) or
getattr(self._redis, "close", None)``, then ``await close()`` (or ``result = close(); if
inspect.isawaitable(result): await result``). The method is the object's own release, read
through ``getattr`` so that either spelling of a library's versions is found; once called (and,
for a coroutine release, its result awaited), it ends the object as ``await self._redis.aclose()``
would. The name may also be a loop's: ``for name in ("close", "aclose"): closer = getattr(client,
name, None)`` tries each spelling, and every one of them is a release.

The same holds in a first-party function the resource is handed to (``await
close_client(client)`` whose body looks its release up so). One question,
:func:`releases_through_getattr`: the resource model asks it of a use with its spec's release,
:mod:`callee_release` of a use of the callee's parameter."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name
from tradelint.facts.uses import Use
from tradelint.facts.syntax import SCOPE_NODES, walk
from tradelint.models.resources.resource_types import CLOSE_METHODS


def releases_through_getattr(module: ModuleInfo, use: Use, close: str | None, awaited: bool) -> bool:
    """Whether ``use`` hands the resource to ``getattr(<it>, "<release>", ...)`` (a release named
    ``close``, or any release name) whose result a local keeps and the function then calls,
    awaiting it, or what it returns, when ``awaited`` (a coroutine release)."""
    call = use.call
    if use.kind != "argument" or call is None or not (isinstance(call.func, ast.Name) and call.func.id == "getattr"):
        return False
    if len(call.args) < 2 or call.args[0] is not use.node:
        return False
    names = _looked_up(module, call.args[1])
    if not names or not all(m in CLOSE_METHODS or m == close or is_release_name(m) for m in names):
        return False
    value: ast.AST = call
    parent = module.parent(value)
    while isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or):
        value, parent = parent, module.parent(parent)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    function = module.enclosing_function(call)
    if function is None:
        return False
    local = parent.targets[0].id
    awaited_names = {n.value.id for n in walk(function) if isinstance(n, ast.Await) and isinstance(n.value, ast.Name)}
    for node in walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == local):
            continue
        holder = module.parent(node)
        if not awaited or isinstance(holder, ast.Await):
            return True
        if isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name) and holder.targets[0].id in awaited_names:
            return True
    return False


def _looked_up(module: ModuleInfo, name: ast.expr) -> list[str]:
    """The method names ``getattr`` looks up: a literal, or the target of a ``for`` around it over
    a tuple, list or set of literals. Empty when anything else may be looked up."""
    if isinstance(name, ast.Constant):
        return [name.value] if isinstance(name.value, str) else []
    if not isinstance(name, ast.Name):
        return []
    node: ast.AST | None = module.parent(name)
    while node is not None and not isinstance(node, SCOPE_NODES):
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name) and node.target.id == name.id:
            items = node.iter.elts if isinstance(node.iter, (ast.Tuple, ast.List, ast.Set)) else []
            values = [e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return values if items and len(values) == len(items) else []
        node = module.parent(node)
    return []
