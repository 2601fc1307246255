"""A resource handed to a collection of ``self`` and then taken out of it again, unreleased, by
the function that made it (issue 28 point 5): ``self._tasks[key] = task`` and, when its setup
fails, ``del self._tasks[key]``; ``self._clients.append(c)`` ... ``self._clients.remove(c)``.
The collection was what would have closed it (the owner's end of life closes its elements); taken
out, nothing holds it, and the error path leaks it.

Only the place it was put in is followed (the same attribute, the same key written the same way);
a function that releases the local anywhere (``await task.destroy()`` before the ``del``), or that
keeps what ``pop()`` gives back, is not judged."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.facts.uses import name_loads, self_attr, self_name
from tradelint.facts.owned_elements import added_to
from tradelint.models.resources.resource_types import Creation, Problem
from tradelint.models.resources.statements import _module_collection

_ADDS = frozenset({"append", "add"})
_TAKES = frozenset({"remove", "discard"})


def lost_element(module: ModuleInfo, c: Creation) -> Problem | None:
    """For an element of a collection whose elements its owner closes: the problem when the
    function that put it there takes it out again unclosed, or stores it over an old one it left
    open."""
    found = _kept(module, c)
    if found is None:
        return None
    scoped = c.kind == "global_elements"
    if _dropped(found):
        return "global_element_dropped" if scoped else "element_dropped"
    if _replaced(module, found):
        return "global_element_replaced" if scoped else "element_replaced"
    return None


Kept = tuple[ast.AST, Callable[[ast.expr], bool], str | None, str | None | bool]


def _dropped(found: Kept) -> ast.stmt | None:
    """The statement of the creation's function that takes it (kept in ``self.<c.name>``, or in
    the module's collection ``c.name``, under a key or appended) out of that collection again
    without releasing it; None when there is none (or the function keeps what ``pop()`` gives
    back)."""
    function, holds, local, place = found
    key = place if isinstance(place, str) else None
    for node in walk(function):
        if isinstance(node, ast.Delete):
            if key is not None and any(_subscript_of(t, holds, key) for t in node.targets):
                return node
        elif isinstance(node, ast.Expr) and isinstance(call := node.value, ast.Call) and isinstance(call.func, ast.Attribute):
            func = call.func
            if not (holds(func.value) and len(call.args) >= 1):
                continue
            if func.attr == "pop" and key is not None and ast.dump(call.args[0]) == key:
                return node
            if func.attr in _TAKES and key is None and local is not None and isinstance(call.args[0], ast.Name) and call.args[0].id == local:
                return node
    return None


def _replaced(module: ModuleInfo, found: Kept) -> ast.stmt | None:
    """The store of the creation under a key (``bots[key] = bot``, ``self._clients[key] =
    client``) whose old value the same function read first (``old = bots[key]``,
    ``bots[key].token``), proving the slot full, and did not release, take out or hand on: the
    old one is dropped open (EXG1O/Telegram-Bots-Hub's ``restart`` route). None otherwise."""
    function, holds, _, key = found
    if not isinstance(key, str):
        return None
    store = next(
        (n for n in walk(function) if isinstance(n, ast.Assign) and len(n.targets) == 1 and _subscript_of(n.targets[0], holds, key)),
        None,
    )
    if store is None:
        return None
    read = False
    for node in walk(function):
        if not (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _subscript_of(node, holds, key)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and holds(node.func.value) and node.func.attr in ("pop", "get", "setdefault"):
                if node.args and ast.dump(node.args[0]) == key:
                    return None  # taken out or looked at through a method: not followed
            if isinstance(node, ast.Delete) and any(_subscript_of(t, holds, key) for t in node.targets):
                return None
            continue
        if node.lineno > store.lineno:
            continue
        if _tested(module, node):
            return None  # ``if bots[key].closed:``: the old one may be over already
        if not _on_the_way(module, node, store):
            return None  # read on another branch (``if key in bots: ... else: bots[key] = ...``)
        parent = module.parent(node)
        if isinstance(parent, ast.Attribute):
            top: ast.AST = parent
            while isinstance(above := module.parent(top), ast.Attribute):
                top = above
            if isinstance(above, ast.Call) and above.func is top:
                return None  # ``bots[key].close()``, or any call that could release it
            read = True
        elif isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            old = parent.targets[0].id
            if not _only_looked_at(module, function, old):
                return None
            read = True
        else:
            return None  # awaited, handed on, returned, tested: followed no further
    return store if read else None


def _only_looked_at(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Every use of the local ``name`` reads attributes of it (``old.app.bot.token``) and calls
    nothing through them (a method could release it)."""
    for node in walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            top: ast.AST = node
            while isinstance(parent := module.parent(top), ast.Attribute):
                top = parent
            if top is node or (isinstance(parent, ast.Call) and parent.func is top) or _tested(module, node):
                return False
    return True


def _on_the_way(module: ModuleInfo, node: ast.AST, store: ast.stmt) -> bool:
    """Whether the statement holding ``node`` is in a block the store's own path goes through
    (the store's block or one around it), so that the store follows the read."""
    stmt = next(a for a in (node, *module.ancestors(node)) if isinstance(a, ast.stmt))
    parent = module.parent(stmt)
    chain = {id(a) for a in (store, *module.ancestors(store))}
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return any(id(s) in chain for s in block)
    return False


def _tested(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` is part of a condition (an ``if``, ``while``, conditional expression,
    ``assert`` or comprehension filter): what it looks at may decide that nothing leaks."""
    child = node
    for above in module.ancestors(node):
        if isinstance(above, (ast.If, ast.While, ast.IfExp, ast.Assert)) and above.test is child:
            return True
        if isinstance(above, ast.comprehension) and child in above.ifs:
            return True
        if isinstance(above, ast.stmt):
            return False
        child = above
    return False


def _kept(module: ModuleInfo, c: Creation) -> Kept | None:
    """(function, the test of an expression being the collection, the local, the place) for a
    creation kept in a collection of ``self`` or of the module; None when that is not seen or
    the function releases the local anywhere."""
    function = c.function
    if function is None:
        return None
    if c.kind == "global_elements":
        holds: Callable[[ast.expr], bool] = lambda e: isinstance(e, ast.Name) and e.id == c.name  # noqa: E731
    else:
        me = self_name(function)
        if me is None:
            return None
        holds = lambda e: self_attr(e, me) == c.name  # noqa: E731
    local = _local_of(module, c.call)
    place = _place(function, holds, local, c.call)
    if place is False:
        return None
    if local is not None:
        enders = {c.spec.close, *c.spec.ends, "close", "aclose"}
        if any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == local and n.attr in enders for n in walk(function)):
            return None
    return function, holds, local, place


def shared_element(module: ModuleInfo, c: Creation) -> tuple[Problem, str] | None:
    """A local kept under a key of a collection the module holds or imports (``bots[key] =
    bot``, ``bots`` made at top level here or imported from the project's storage module),
    that the function then takes out again unclosed or stores over an old one it read and
    left open: the collection owned it, and out of it nothing holds it. (The problem, the
    collection's name.)"""
    function = c.function
    assert function is not None
    for load in name_loads(function, c.name):
        collection = added_to(module, load)
        if not isinstance(collection, ast.Name) or any(
            isinstance(n, ast.Name) and n.id == collection.id and isinstance(n.ctx, ast.Store) for n in walk(function)
        ):
            continue
        if not (_module_collection(module, function, collection.id) or collection.id in module.imports.names):
            continue
        problem = lost_element(module, replace(c, kind="global_elements", name=collection.id))
        if problem is not None:
            return problem, collection.id
    return None


def _local_of(module: ModuleInfo, call: ast.Call) -> str | None:
    """``task = Recorder(room)`` (or ``await``-ed): the local the creation is bound to."""
    expr: ast.AST = call
    parent = module.parent(expr)
    if isinstance(parent, ast.Await):
        expr, parent = parent, module.parent(parent)
    if isinstance(parent, ast.Assign) and parent.value is expr and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def _place(function: ast.AST, holds: Callable[[ast.expr], bool], local: str | None, call: ast.Call) -> str | None | bool:
    """Where in the collection the creation is kept: the key's dump (``self.attr[key] = x``),
    None when appended or added (``self.attr.append(x)``); False when neither is seen."""
    for node in walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            value_is = (isinstance(node.value, ast.Name) and node.value.id == local) or _holds(node.value, call)
            if value_is and isinstance(target, ast.Subscript) and holds(target.value):
                return ast.dump(target.slice)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ADDS and len(node.args) == 1:
            arg = node.args[0]
            if holds(node.func.value) and ((isinstance(arg, ast.Name) and arg.id == local) or _holds(arg, call)):
                return None
    return False


def _holds(value: ast.expr, call: ast.Call) -> bool:
    return value is call or (isinstance(value, ast.Await) and value.value is call)


def _subscript_of(target: ast.expr, holds: Callable[[ast.expr], bool], key: str | None) -> bool:
    return isinstance(target, ast.Subscript) and holds(target.value) and key is not None and ast.dump(target.slice) == key
