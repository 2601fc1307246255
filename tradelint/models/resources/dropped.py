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

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.facts.uses import self_attr, self_name
from tradelint.models.resources.resource_types import Creation

_ADDS = frozenset({"append", "add"})
_TAKES = frozenset({"remove", "discard"})


def dropped_element(module: ModuleInfo, c: Creation) -> ast.stmt | None:
    """The statement of ``c``'s function that takes ``c`` (kept in ``self.<c.name>``, under a
    key or appended) out of that collection again without releasing it; None when there is none,
    or the function releases it (or keeps what ``pop()`` gives back)."""
    function = c.function
    if function is None:
        return None
    me = self_name(function)
    if me is None:
        return None
    local = _local_of(module, c.call)
    place = _place(module, function, me, c.name, local, c.call)
    if place is False:
        return None
    if local is not None:
        enders = {c.spec.close, *c.spec.ends, "close", "aclose"}
        if any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == local and n.attr in enders for n in walk(function)):
            return None
    key = place if isinstance(place, str) else None
    for node in walk(function):
        if isinstance(node, ast.Delete):
            if key is not None and any(_subscript_of(t, me, c.name, key) for t in node.targets):
                return node
        elif isinstance(node, ast.Expr) and isinstance(call := node.value, ast.Call) and isinstance(call.func, ast.Attribute):
            func = call.func
            if not (self_attr(func.value, me) == c.name and len(call.args) >= 1):
                continue
            if func.attr == "pop" and key is not None and ast.dump(call.args[0]) == key:
                return node
            if func.attr in _TAKES and key is None and local is not None and isinstance(call.args[0], ast.Name) and call.args[0].id == local:
                return node
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


def _place(
    module: ModuleInfo, function: ast.AST, me: str, attr: str, local: str | None, call: ast.Call
) -> str | None | bool:
    """Where in ``self.<attr>`` the creation is kept: the key's dump (``self.attr[key] = x``),
    None when appended or added (``self.attr.append(x)``); False when neither is seen."""
    for node in walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            value_is = (isinstance(node.value, ast.Name) and node.value.id == local) or _holds(node.value, call)
            if value_is and isinstance(target, ast.Subscript) and self_attr(target.value, me) == attr:
                return ast.dump(target.slice)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ADDS and len(node.args) == 1:
            arg = node.args[0]
            if self_attr(node.func.value, me) == attr and ((isinstance(arg, ast.Name) and arg.id == local) or _holds(arg, call)):
                return None
    return False


def _holds(value: ast.expr, call: ast.Call) -> bool:
    return value is call or (isinstance(value, ast.Await) and value.value is call)


def _subscript_of(target: ast.expr, me: str, attr: str, key: str | None) -> bool:
    return isinstance(target, ast.Subscript) and self_attr(target.value, me) == attr and key is not None and ast.dump(target.slice) == key
