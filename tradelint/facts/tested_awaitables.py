"""A task made of a value the code itself tests to be a coroutine or an awaitable.

``res = cb(candle); if asyncio.iscoroutine(res): asyncio.create_task(res)``: the code adapts to
callbacks of either kind, and whether a coroutine ever comes through depends on what its callers
register, which no reading of the creating module sees. On the labelled applications of the
development sets (``benchmarks/labels/apps72.tsv``, ``heads70_a2.tsv``, ``heads70_a3.tsv``) each
such thrown-away task, five in five, was false: every callback the project registered was
synchronous, or none was, or the awaitable came only from a test's ``AsyncMock``. In an
application (:func:`.unreachable.application`), where every registration is the project's own,
such a task is reported under ``--preview`` only (TRD301); a library's users register their own
coroutines, and there it is reported as ever. A task of a coroutine the code calls itself
(``asyncio.create_task(callback(symbol))``) is reported as ever, tested or not.

The test is an ``if`` around the creation, in the same function, whose condition (or one operand
of an ``and`` of it) is ``asyncio.iscoroutine(x)``, ``inspect.iscoroutine(x)``,
``inspect.isawaitable(x)`` or ``asyncio.isfuture(x)`` of the very expression the creator is given,
or ``asyncio.iscoroutinefunction(f)`` / ``inspect.iscoroutinefunction(f)`` of the function whose
call it is given; the creation is in the ``if``'s body, at any depth (a ``try`` around it)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES

__all__ = ["made_of_a_tested_awaitable"]

_VALUE_TESTS = frozenset({"asyncio.iscoroutine", "inspect.iscoroutine", "inspect.isawaitable", "asyncio.isfuture"})
_FUNCTION_TESTS = frozenset({"asyncio.iscoroutinefunction", "inspect.iscoroutinefunction"})


def made_of_a_tested_awaitable(module: ModuleInfo, creation: ast.Call) -> bool:
    """Whether the task ``creation`` makes is of a value (or a call of a function) that an ``if``
    around it tests to be a coroutine or an awaitable."""
    if not creation.args:
        return False
    value = creation.args[0]
    called = ast.dump(value.func) if isinstance(value, ast.Call) else None
    wanted = {(ast.dump(value), _VALUE_TESTS)} | ({(called, _FUNCTION_TESTS)} if called else set())
    child: ast.AST = creation
    for ancestor in module.ancestors(creation):
        if isinstance(ancestor, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, ast.If) and any(s is child for s in ancestor.body) and any(
            _tests(module, condition, wanted) for condition in _operands(ancestor.test)
        ):
            return True
        child = ancestor
    return False


def _operands(test: ast.expr) -> list[ast.expr]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [o for operand in test.values for o in _operands(operand)]
    return [test]


def _tests(module: ModuleInfo, condition: ast.expr, wanted: set[tuple[str, frozenset[str]]]) -> bool:
    if not (isinstance(condition, ast.Call) and len(condition.args) == 1):
        return False
    name = module.imports.qualify(condition.func)
    subject = ast.dump(condition.args[0])
    return any(subject == dumped and name in names for dumped, names in wanted)
