"""A release that a failure of the resource itself skips (issue 28 point 5, session 32).

``self.writer.write(b""); await self.writer.drain(); self.writer.close()`` in a ``disconnect()``:
the close comes after an ``await`` on the very resource it closes, and that ``await`` raises
exactly when the resource is broken (``ConnectionResetError`` from ``drain()``, a websocket's
``send`` once the peer is gone). The error leaves the method before the close, so the resource
stays open on the path where it most needs closing (jmccrohan/pysolarmanv5 ``877cc808``).

Only an awaited call on the same attribute counts (not any ``await`` before the close: what else
the release awaits says nothing of this resource), and only where no ``try`` around either of
them handles the error or closes it in its ``finally``."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr, self_name
from tradelint.models.resources.resource_types import Creation, Problem

# What ends the resource or waits for its end: never the failing use.
ENDING = frozenset({"close", "aclose", "wait_closed", "disconnect", "shutdown", "terminate", "abort"})


def closed_after_own_failure(module: ModuleInfo, c: Creation) -> Problem | None:
    """``self_closed_after_own_use`` when a method of the class closes ``self.<name>`` only after
    an ``await`` on it that nothing guards; None otherwise."""
    found = failing_use_before_close(module, c)
    return "self_closed_after_own_use" if found is not None else None


def failing_use_before_close(module: ModuleInfo, c: Creation) -> tuple[str, str] | None:
    """(the method, the use's method name) of the first such close, for the message."""
    if c.cls is None:
        return None
    closes = {c.spec.close, "close", "aclose"}
    for method in c.cls.body:
        if not isinstance(method, FUNCTION_NODES):
            continue
        receiver = self_name(method)
        if receiver is None:
            continue
        for node in walk(method):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in closes):
                continue
            if self_attr(node.func.value, receiver) != c.name:
                continue
            use = _failing_use_before(module, method, node, receiver, c.name, ENDING | closes | set(c.spec.ends))
            if use is not None:
                return method.name, use
    return None


def _failing_use_before(
    module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, close: ast.Call, receiver: str, name: str,
    ending: frozenset[str] | set[str] = ENDING,
) -> str | None:
    """The name of an awaited call on ``self.<name>`` run before ``close`` on its way, outside
    any ``try``, when no ``try`` holds the close either."""
    on_path: set[int] = {id(close)}
    for ancestor in module.ancestors(close):
        if ancestor is method:
            break
        if isinstance(ancestor, (ast.Try, ast.TryStar, ast.Lambda, *FUNCTION_NODES)):
            return None  # errors handled, or the close is in a ``finally``: not judged here
        on_path.add(id(ancestor))
    for earlier in _before(method.body, on_path):
        if isinstance(earlier, (ast.Try, ast.TryStar)):
            continue
        for node in walk(earlier):
            if (
                isinstance(node, ast.Await)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr not in ending  # (its own release, ``stop()``, in a branch that returns)
                and self_attr(node.value.func.value, receiver) == name
                and module.enclosing_function(node) is method  # not a nested function's
            ):
                return node.value.func.attr
    return None


def _before(body: list[ast.stmt], on_path: set[int]) -> list[ast.stmt]:
    """The statements of ``body`` (and of the blocks on the way down to the close, whose own
    statement and ancestors are ``on_path``) that run before the one holding it."""
    found: list[ast.stmt] = []
    for stmt in body:
        if id(stmt) in on_path:
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and any(id(s) in on_path for s in inner):
                    found.extend(_before(inner, on_path))
            return found
        found.append(stmt)
    return found
