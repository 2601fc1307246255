"""Losers cancelled only when nobody won: after ``await asyncio.wait([a, b],
return_when=FIRST_COMPLETED)``, a cancel of ``b`` written under a test that another raced task
has not finished (``if not b.done() and not a.done(): b.cancel()``) runs only when the wait
timed out; when ``a`` wins, the normal outcome of the race, ``b`` is never cancelled and runs
on (zauberzeug/nicegui ``1fd33454``: a page that returned first left its connection waiter
pending, one more per page load, until the server stopped).

A task whose outcome the function reads after the wait (``b.result()``, ``b.exception()``, a
done callback) is one it means to let finish, not a loser; one the function hands on (returns,
stores, passes to other code) is its new holder's."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.facts.uses import classify, declares_outer
from tradelint.models.tasks.races import _escapes, _loads, may_end, raced_names, is_race

# What the function reads of a task it means to let finish.
OUTCOME = frozenset({"result", "exception", "add_done_callback"})


@dataclass(frozen=True)
class GuardedLoser:
    name: str
    stmt: ast.Assign | ast.AnnAssign  # where the task is made and bound
    winner: str  # the raced task whose running the cancel waits for


def losers_cancelled_without_a_winner(module: ModuleInfo, wait: ast.Call) -> Iterator[GuardedLoser]:
    """The tasks ``wait`` (a race, awaited) races by name, made in its function, whose every end
    after the wait is under a test that another raced task is not done."""
    function = module.enclosing_function(wait)
    if not isinstance(function, ast.AsyncFunctionDef) or module.enclosing_scope(wait) is not function:
        return
    if not (is_race(wait) and isinstance(module.parent(wait), ast.Await) and wait.args):
        return
    if not isinstance(wait.args[0], (ast.List, ast.Set, ast.Tuple)):
        return
    names, _ = raced_names(function, wait.args[0])
    if len(names) < 2:
        return
    inside = {id(node) for node in walk(wait)}
    after = wait.end_lineno or wait.lineno
    for name in names:
        stmt = _made_by_a_call(function, name)
        if stmt is None:
            continue
        loads = [load for load in _loads(function, name) if id(load) not in inside and load.lineno > after]
        if any(_escapes(module, load, name, inside) for load in loads):
            continue
        if any(_reads_outcome(module, load) for load in loads):
            continue
        ends = [load for load in loads if may_end(module, load)]
        if not ends:
            continue  # never ended at all: not this finding
        winners = [_other_still_running(module, load, name, names, function) for load in ends]
        if all(winners):
            yield GuardedLoser(name, stmt, str(winners[0]))


def _made_by_a_call(function: ast.AsyncFunctionDef, name: str) -> ast.Assign | ast.AnnAssign | None:
    """``name = <call>(...)``, the only binding of ``name`` in the function."""
    if declares_outer(function, name) or any(isinstance(n, ast.arg) and n.arg == name for n in walk(function)):
        return None
    found: ast.Assign | ast.AnnAssign | None = None
    for node in walk(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
                continue
            if found is not None or len(targets) != 1 or not isinstance(targets[0], ast.Name) or not isinstance(node.value, ast.Call):
                return None
            found = node
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.NamedExpr)):
            if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(node)):
                return None
    return found


def _reads_outcome(module: ModuleInfo, load: ast.Name) -> bool:
    use = classify(module, load)
    return use.kind in ("method", "attribute") and use.name in OUTCOME


def _other_still_running(
    module: ModuleInfo, load: ast.Name, name: str, names: list[str], function: ast.AST
) -> str | None:
    """The other raced task that an ``if`` around ``load`` (in its body) requires to be not done:
    ``not other.done()`` as the test or one of the operands of its ``and``."""
    node: ast.AST = load
    while node is not function:
        parent = module.parent(node)
        if parent is None:
            return None
        if isinstance(parent, ast.If) and any(stmt is node for stmt in parent.body):
            tests = parent.test.values if isinstance(parent.test, ast.BoolOp) and isinstance(parent.test.op, ast.And) else [parent.test]
            for test in tests:
                other = _not_done(test)
                if other is not None and other != name and other in names:
                    return other
        node = parent
    return None


def _not_done(test: ast.expr) -> str | None:
    """``not t.done()``: ``t``."""
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return None
    call = test.operand
    if (
        isinstance(call, ast.Call) and not call.args and isinstance(call.func, ast.Attribute)
        and call.func.attr == "done" and isinstance(call.func.value, ast.Name)
    ):
        return call.func.value.id
    return None
