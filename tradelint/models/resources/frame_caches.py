"""A store of a local resource that keeps it, or keeps nothing (issue 28 points 1 and 5).

The resource model reads ``x[key] = resource`` as a hand-off: whatever holds ``x`` owns it now.
An application's place (``app[KEY] = s``) is owned by the application's end of life. A dict that
the function makes empty and never lets go of (``clients = {}``, only stored into, looked up with
``get`` or tested: a per-call cache of one client per host) dies with the frame: it takes nothing
over, and the creator's other uses (a holder given the client, kept for the config entry) decide
whether anything ends it."""

from __future__ import annotations

import ast

from tradelint.facts.app_startup import kept_on_app
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.facts.uses import name_loads


def kept_by_store(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.expr) -> bool | None:
    """What a store of the local ``node`` keeps (the resource model's ``alias`` use): ``app[KEY] =
    s`` on an application whose end closes that place or not (:func:`kept_on_app`); False for a
    store into a dict of the function's own that never leaves it (``clients[host] = client``
    where ``clients = {}`` is only stored into, looked up with ``get`` back into a name, or
    tested): a cache that dies with the frame keeps nothing, so the creator still owns what it
    holds, and the resource's other uses decide (a holder it is handed to, the unload that ends
    that holder: nathanmarlor/foxess_modbus ``1b359ae2``'s shape). None: an ordinary hand-off."""
    kept = kept_on_app(module, function, node)
    if kept is not None:
        return kept
    stmt = module.parent(node)
    if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)):
        return None
    return False if frame_cache(module, function, target.value.id) else None


def frame_cache(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """``name`` is bound in ``function`` only to a new empty dict, and every load of it is a store
    of an item, a ``get`` whose result is bound to a name, or a membership test."""
    if any(isinstance(n, ast.arg) and n.arg == name for n in walk(function)):
        return False
    bound = False
    for n in walk(function):
        if isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names:
            return False
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
            stmt = module.parent(n)
            empty = isinstance(stmt, ast.Assign) and ((isinstance(stmt.value, ast.Dict) and not stmt.value.keys) or (
                isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "dict"
                and not stmt.value.args and not stmt.value.keywords))
            if not (empty and len(stmt.targets) == 1):  # type: ignore[union-attr]
                return False
            bound = True
    if not bound:
        return False
    for load in name_loads(function, name):
        parent = module.parent(load)
        if isinstance(parent, ast.Subscript) and parent.value is load and isinstance(parent.ctx, ast.Store):
            continue
        if isinstance(parent, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops) and load in parent.comparators:
            continue
        if (
            isinstance(parent, ast.Attribute) and parent.attr == "get"
            and isinstance(call := module.parent(parent), ast.Call) and call.func is parent
            and isinstance(bind := module.parent(call), ast.Assign) and all(isinstance(t, ast.Name) for t in bind.targets)
        ):
            continue
        return False
    return True
