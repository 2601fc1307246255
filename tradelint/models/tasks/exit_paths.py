"""Whether a task made in a function can still be running, unreferenced, when the function ends.

Followed through the function's statements without a control-flow graph: each statement maps
the set of states it may be entered in to the states it may leave in, by falling through,
``break``, ``continue`` or ``return``. A state is whether the task made at ``created`` is live:
made and not yet cancelled, nor its name rebound (a rebinding is another question, not this
one). Only normal control flow is followed: a ``raise`` and what an ``except`` does after an
error are other questions (a reaction task left to finish when a prompt times out: Red's
``_confirm``, three findings on the applications, none a leak in practice). A test that looks at the task
(``if task is not None and not task.done(): task.cancel()``) is the guard of the cancel: on the
other branch the task is taken as already finished.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from tradelint.facts.syntax import FUNCTION_NODES

@dataclass
class _Flow:
    """Where a block may be left, and in which states."""

    out: set[bool] = field(default_factory=set)  # falls through
    breaks: set[bool] = field(default_factory=set)
    continues: set[bool] = field(default_factory=set)
    returns: set[bool] = field(default_factory=set)


class _Paths:
    def __init__(self, name: str, created: ast.stmt, ends: set[int]) -> None:
        self.name = name
        self.created = created
        self.ends = ends  # ids of the statements that end the task (``task.cancel()``)

    def block(self, stmts: list[ast.stmt], states: set[bool]) -> _Flow:
        flow = _Flow()
        current = set(states)
        for stmt in stmts:
            if not current:
                break
            inner = self.stmt(stmt, current)
            flow.breaks |= inner.breaks
            flow.continues |= inner.continues
            flow.returns |= inner.returns
            current = inner.out
        flow.out = current
        return flow

    def stmt(self, stmt: ast.stmt, states: set[bool]) -> _Flow:
        if stmt is self.created:
            return _Flow(out={True})
        if isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef)):
            return _Flow(out=set(states))
        if id(stmt) in self.ends:
            return _Flow(out={False})
        if isinstance(stmt, ast.Return):
            return _Flow(returns=set(states))
        if isinstance(stmt, ast.Raise):
            return _Flow()
        if isinstance(stmt, ast.Break):
            return _Flow(breaks=set(states))
        if isinstance(stmt, ast.Continue):
            return _Flow(continues=set(states))
        if isinstance(stmt, ast.If):
            return self._if(stmt, states)
        if isinstance(stmt, (ast.While, ast.For, ast.AsyncFor)):
            return self._loop(stmt, states)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self.block(stmt.body, states)
        if isinstance(stmt, (ast.Try, ast.TryStar)):
            return self._try(stmt, states)
        if isinstance(stmt, ast.Match):
            flow = _Flow()
            for case in stmt.cases:
                _join(flow, self.block(case.body, states))
            flow.out |= states  # no case matched
            return flow
        if self._rebinds(stmt):
            return _Flow(out={False})
        return _Flow(out=set(states))

    def _if(self, stmt: ast.If, states: set[bool]) -> _Flow:
        guard = any(isinstance(n, ast.Name) and n.id == self.name for n in ast.walk(stmt.test))
        body_states, else_states = set(states), set(states)
        if guard and self._ends_in(stmt.body):
            else_states = {False} if states else set()
        elif guard and self._ends_in(stmt.orelse):
            body_states = {False} if states else set()
        flow = self.block(stmt.body, body_states)
        _join(flow, self.block(stmt.orelse, else_states))
        return flow

    def _loop(self, stmt: ast.While | ast.For | ast.AsyncFor, states: set[bool]) -> _Flow:
        endless = isinstance(stmt, ast.While) and isinstance(stmt.test, ast.Constant) and bool(stmt.test.value)
        entry = set(states)
        while True:
            body = self.block(stmt.body, entry)
            again = entry | body.out | body.continues
            if again == entry:
                break
            entry = again
        flow = _Flow(out=set(body.breaks), returns=set(body.returns))
        if not endless:
            flow.out |= self.block(stmt.orelse, entry).out if stmt.orelse else entry
        return flow

    def _try(self, stmt: ast.Try | ast.TryStar, states: set[bool]) -> _Flow:
        body = self.block(stmt.body, states)
        flow = self.block(stmt.orelse, body.out) if stmt.orelse else _Flow(out=set(body.out))
        flow.breaks |= body.breaks
        flow.continues |= body.continues
        flow.returns |= body.returns
        if not stmt.finalbody:
            return flow
        final = _Flow()
        for kind in ("out", "breaks", "continues", "returns"):
            entered: set[bool] = getattr(flow, kind)
            if entered:
                after = self.block(stmt.finalbody, entered)
                getattr(final, kind).update(after.out)
                final.breaks |= after.breaks
                final.continues |= after.continues
                final.returns |= after.returns
        return final

    def _ends_in(self, stmts: list[ast.stmt]) -> bool:
        return any(id(node) in self.ends for stmt in stmts for node in ast.walk(stmt))

    def _rebinds(self, stmt: ast.stmt) -> bool:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        return any(isinstance(t, ast.Name) and t.id == self.name for t in targets)


def _join(flow: _Flow, other: _Flow) -> None:
    flow.out |= other.out
    flow.breaks |= other.breaks
    flow.continues |= other.continues
    flow.returns |= other.returns


def outlives_function(
    function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, created: ast.stmt, ends: list[ast.stmt]
) -> bool:
    """Whether the task that ``created`` binds to ``name`` may still be live when ``function``
    returns or falls off its end, on some normal path, where ``ends`` are the statements that
    end it (each a statement of its own: ``task.cancel()``)."""
    flow = _Paths(name, created, {id(stmt) for stmt in ends}).block(function.body, {False})
    return True in flow.out or True in flow.returns
