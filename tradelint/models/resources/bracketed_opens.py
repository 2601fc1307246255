"""An opening bracketed by its own close: the method that opens the slot closes it again on every
way out, so a run of it leaves nothing open for a later opening to replace (session 58).

``try: if manage: await self.open_websocket() ... finally: if manage: await
self.close_websocket()`` in a method named ``refresh()`` or ``reload_and_evaluate()``: the name
says it renews something (the page), but its own code closes the socket it opened in the
``finally`` around that opening, under the same condition. Such a method is not evidence that an
open value is held when the opening runs: each of its runs ends what it began
(SteamDeckHomebrew/decky-loader, ``Tab``: every managed ``open_websocket()`` is paired with
``close_websocket()`` in a ``finally``).

What proves it: the call of the opening method sits in the body of a ``try`` of the same method
whose ``finally`` ends the slot, either by a release call on it (``self.ws.close()``) or by a
method of the class that makes one (``self.close_websocket()``), and that ending is not under a
condition the opening is not also under (the same test, written the same way, around both)."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr, self_name

__all__ = ["closed_in_finally_around"]

Function = ast.FunctionDef | ast.AsyncFunctionDef
# What ends the slot's value (its release, or the wait for its end).
_ENDING = frozenset({"close", "aclose", "disconnect", "shutdown", "terminate", "stop"})


def closed_in_finally_around(
    cls: ast.ClassDef, method: Function, ref: ast.AST, attr: str, parents: dict[int, ast.AST]
) -> bool:
    """Whether ``ref`` (a use of ``self.<opening method>`` in ``method``) sits in the body of a
    ``try`` of ``method`` whose ``finally`` ends ``self.<attr>`` on every way the opening ran;
    ``parents``: the caller's map of ``method``'s nodes (by ``id``) to their parents."""
    receiver = self_name(method)
    if receiver is None:
        return False
    chain: list[ast.AST] = []
    node: ast.AST | None = ref
    while node is not None and node is not method:
        chain.append(node)
        node = parents.get(id(node))
    opened_under = {ast.dump(a.test) for a in chain if isinstance(a, ast.If)}
    enders: frozenset[str] | None = None
    for index, ancestor in enumerate(chain):
        if not isinstance(ancestor, (ast.Try, ast.TryStar)) or chain[index - 1] not in ancestor.body:
            continue
        enders = _slot_enders(cls, attr) if enders is None else enders
        for stmt in ancestor.finalbody:
            if _ends_when(stmt, receiver, attr, enders, opened_under):
                return True
    return False


def _ends_when(stmt: ast.stmt, receiver: str, attr: str, enders: frozenset[str], allowed: set[str]) -> bool:
    """``stmt`` ends the slot, unconditionally or under ``if`` tests that all guard the opening too."""
    if isinstance(stmt, ast.If):
        return ast.dump(stmt.test) in allowed and any(_ends_when(s, receiver, attr, enders, allowed) for s in stmt.body)
    if not isinstance(stmt, ast.Expr):
        return False
    call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        return False
    if call.func.attr in _ENDING and self_attr(call.func.value, receiver) == attr:
        return True  # ``await self.ws.close()``
    return isinstance(call.func.value, ast.Name) and call.func.value.id == receiver and call.func.attr in enders


def _slot_enders(cls: ast.ClassDef, attr: str) -> frozenset[str]:
    """The methods of ``cls`` that end ``self.<attr>`` with a release call on it
    (``close_websocket()`` with ``if self.websocket: await self.websocket.close()``)."""
    found: set[str] = set()
    for stmt in cls.body:
        if not isinstance(stmt, FUNCTION_NODES) or (receiver := self_name(stmt)) is None:
            continue
        if any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _ENDING
            and self_attr(n.func.value, receiver) == attr
            for n in walk(stmt)
        ):
            found.add(stmt.name)
    return frozenset(found)
