"""A coroutine function that cannot fail: its body is one loop (``while True:``, or ``while
self._running:``, a test that reads a flag and calls nothing, which ends the coroutine normally
when the flag drops) each statement of which is a ``try`` whose handler catches every error (``except Exception``,
``except BaseException``, bare) and raises nothing, or a pause (``await asyncio.sleep(n)``),
with at least one such ``try`` (the work of each turn; a loop that only sleeps stands for work
not shown, and is not taken as unfailing).
Such a piece of an ``asyncio.gather`` never raises an error of its own: only a cancellation
ends it, and the gather's cancellation cancels every piece. So no other piece of the gather
runs on because this one failed (TRD304 reports a piece only when some other one may fail).

What a ``try`` runs after its body without that protection (its ``else``, its ``finally``) must
raise nothing either: empty, calls of the standard logging methods, or pauses.

Asked by TRD304 (``gathers``); it reads no other layer of the task model."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import LOGGER_METHODS

_CATCH_ALL = frozenset({"Exception", "BaseException"})


def never_fails(module: ModuleInfo, definition: ast.AST | None) -> bool:
    """``definition`` is an ``async def`` whose body (beside its docstring) is one ``while``
    loop that no error can leave, testing a constant true or a flag (a name, an attribute of one,
    ``not`` of one: nothing is called)."""
    if not isinstance(definition, ast.AsyncFunctionDef):
        return False
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(loop := body[0], ast.While) or loop.orelse:
        return False
    if not (isinstance(loop.test, ast.Constant) and loop.test.value is True or _flag(loop.test)):
        return False
    # At least one guarded ``try``: the work each turn does, which the handler keeps from failing.
    return any(isinstance(s, ast.Try) for s in loop.body) and all(_guarded(module, s) for s in loop.body)


def _guarded(module: ModuleInfo, statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Await):
        return _cannot_fail(module, statement)
    if not isinstance(statement, ast.Try) or not any(_catches_all(h) for h in statement.handlers):
        return False
    if any(isinstance(node, ast.Raise) for h in statement.handlers for node in ast.walk(h)):
        return False
    if any(isinstance(node, (ast.Break, ast.Return)) for node in ast.walk(statement)):
        return False  # it leaves the loop: the coroutine ends, and the gather with it
    handled = [s for h in statement.handlers for s in h.body]
    return all(_cannot_fail(module, s) for s in (*statement.orelse, *statement.finalbody, *handled))


def _flag(test: ast.expr) -> bool:
    """``self._running``, ``running``, ``not self._stopped``: reading it calls nothing, so it
    cannot raise; a false value ends the loop, and the coroutine returns."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    while isinstance(test, ast.Attribute):
        test = test.value
    return isinstance(test, ast.Name)


def _catches_all(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    return kind is None or (isinstance(kind, ast.Name) and kind.id in _CATCH_ALL)


def _cannot_fail(module: ModuleInfo, statement: ast.stmt) -> bool:
    """``logger.exception("...")``, ``pass``, ``continue``, ``await asyncio.sleep(n)``: nothing
    that can raise an error (a pause raises only the cancellation)."""
    if isinstance(statement, (ast.Pass, ast.Continue)):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Await):
        call = statement.value.value
        return isinstance(call, ast.Call) and module.imports.qualify(call.func) == "asyncio.sleep"
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr in LOGGER_METHODS
    )
