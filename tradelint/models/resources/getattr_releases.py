"""A release looked up by name and then called: ``close = getattr(self._redis, "aclose", None) or
getattr(self._redis, "close", None)``, then ``await close()`` (or ``result = close(); if
inspect.isawaitable(result): await result``). The method is the object's own release, read
through ``getattr`` so that either spelling of a library's versions is found; once called (and,
for a coroutine release, its result awaited), it ends the object as ``await self._redis.aclose()``
would."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name
from tradelint.facts.uses import Use
from tradelint.facts.syntax import walk
from tradelint.models.resources.resource_types import CLOSE_METHODS, ResourceSpec


def released_through_getattr(module: ModuleInfo, use: Use, spec: ResourceSpec) -> bool:
    """Whether ``use`` hands the resource to ``getattr(<it>, "<release>", ...)`` whose result a
    local keeps and the function then calls (awaiting it, or what it returns, for a coroutine
    release)."""
    call = use.call
    if use.kind != "argument" or call is None or not (isinstance(call.func, ast.Name) and call.func.id == "getattr"):
        return False
    if len(call.args) < 2 or call.args[0] is not use.node or not isinstance(name := call.args[1], ast.Constant):
        return False
    method = name.value
    if not isinstance(method, str) or not (method in CLOSE_METHODS or method == spec.close or is_release_name(method)):
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
    awaited = {n.value.id for n in walk(function) if isinstance(n, ast.Await) and isinstance(n.value, ast.Name)}
    for node in walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == local):
            continue
        holder = module.parent(node)
        if not (spec.coroutine_close or spec.awaited) or isinstance(holder, ast.Await):
            return True
        if isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name) and holder.targets[0].id in awaited:
            return True
    return False
