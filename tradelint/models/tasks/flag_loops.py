"""A loop that ends only when its object's flag changes (issue 28 point 5).

``while not self.closed:`` (or ``while self._running:``, ``while not self._stop.is_set():``)
with an ``await`` in its body and no ``break`` or ``return`` runs until some other code of the
object sets the flag: its own ``disconnect()``, ``stop()``. For a task Home Assistant waits for at
its stop (``hass_waits``), such a loop is a loop that never ends by itself unless what runs at the
stop sets the flag (a listener of ``EVENT_HOMEASSISTANT_STOP`` reaching ``disconnect()``): the
unload, which the stop does not run, is no end of it (an integration's fix, session 81: the
WebSocket loop ``while not self.closed`` started with ``hass.async_create_task``, ended only by the
``disconnect()`` that ``async_unload_entry`` calls). A loop whose own body sets or tests the flag
off (``self.closed = True`` on a fatal error) ends by itself, and is none."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import walk
from tradelint.facts.uses import self_attr, self_name


def flag_of(target: ast.AsyncFunctionDef, loop: ast.While) -> str | None:
    """The attribute of ``target``'s own object that ``loop``'s test reads (``self.closed``,
    ``not self.closed``, ``not self._stop.is_set()``), when nothing in the loop stores it or sets
    it; None for any other test."""
    me = self_name(target)
    if me is None:
        return None
    test = loop.test
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    inner = test.operand if isinstance(test, ast.UnaryOp) and negated else test
    if negated and isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "is_set" \
            and not inner.args and not inner.keywords:
        inner = inner.func.value
    flag = self_attr(inner, me)
    if flag is None:
        return None
    for node in walk(loop):
        if node is test:
            continue
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(self_attr(t, me) == flag for t in targets):
                return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("set", "clear") \
                and self_attr(node.func.value, me) == flag:
            return None
    return flag


def leaves(loop: ast.While) -> bool:
    """Whether ``loop`` can end by a statement of its own: a ``return``, or a ``break`` of this
    loop (not of a loop inside it: ``async for msg in ws: ... break`` goes on with the next
    connection); nothing of a function defined inside it counts."""
    todo: list[tuple[ast.AST, bool]] = [(child, True) for child in ast.iter_child_nodes(loop)]
    while todo:
        node, own = todo.pop()
        if isinstance(node, ast.Return) or (own and isinstance(node, ast.Break)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        inner = own and not isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        todo.extend((child, inner) for child in ast.iter_child_nodes(node))
    return False
