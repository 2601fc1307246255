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

One exception is followed: the cancellation of an ``await`` that cannot complete otherwise, on a
waiter made in that expression which nothing else can reach to set or resolve (``await
asyncio.Event().wait()``, ``await asyncio.Future()``, ``await loop.create_future()``: "wait
until cancelled"). No normal path goes on after it; its only way out is its cancellation, which
leaves through the handlers that catch it (``except asyncio.CancelledError``, ``except
BaseException``, a bare ``except``) and the ``finally`` blocks around it, and then on as they
do (a handler that swallows it goes on after its ``try``; a bare ``raise`` in it goes on
outwards), or out of the function. A task cancelled on that way out is cancelled on every path
(dream77r/my-claude-bot ``59c3dcd1``: ``await asyncio.Event().wait()`` then ``except
CancelledError: task.cancel()``); one that is not outlives the function as on a ``return``.
Only while that is the function's only way out with the task: after another ``await`` passed
with the task live (which may raise, a way out not followed here), such a wait is taken as
completing, as before.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

from tradelint.facts.handlers import catches_errors
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.tasks.races import _catches_cancellation

# Waiters that a call makes fresh, and that nothing else can then reach to complete.
_FRESH_WAITERS = frozenset({"Future", "create_future"})
_FRESH_EVENTS = frozenset({"Event"})


def _asks_bound(node: ast.AST, name: str) -> bool:
    """``'task' in locals()`` (``vars()``, ``dir()``): a test of whether the task's name is bound
    yet, true from its creation on; on its other branch the task was never made."""
    return (
        isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn))
        and isinstance(node.left, ast.Constant) and node.left.value == name
        and isinstance(call := node.comparators[0], ast.Call) and isinstance(call.func, ast.Name)
        and call.func.id in ("locals", "vars", "dir") and not call.args and not call.keywords
    )


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
        # Per enclosing ``try`` body (innermost last), the states in which a cancellation of an
        # await that only ends so leaves it; ``left``, those in which it leaves the function.
        self.cancelled: list[set[bool]] = []
        self.left: set[bool] = set()
        self.handling = 0  # inside a handler entered by such a cancellation: a bare ``raise`` goes on with it
        # An ``await`` passed while the task is live, other than one that only ends by its
        # cancellation: it may raise, and that way out is not followed, so such a wait after it is
        # taken as completing, as any other await (the function is not left by a cancellation only).
        self.raising = False

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
        forever = waits_until_cancelled(stmt)
        if True in states and not forever and _awaits_here(stmt, _never):
            self.raising = True
        if isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef)):
            return _Flow(out=set(states))
        if id(stmt) in self.ends:
            return _Flow(out={False})
        if isinstance(stmt, ast.Return):
            return _Flow(returns=set(states))
        if isinstance(stmt, ast.Raise):
            if self.handling and stmt.exc is None:
                self._cancel_out(states)
            return _Flow()
        if forever and not self.raising:
            self._cancel_out(states)
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
        parts = stmt.test.values if isinstance(stmt.test, ast.BoolOp) else [stmt.test]
        about = [any(isinstance(n, ast.Name) and n.id == self.name or _asks_bound(n, self.name) for n in ast.walk(part)) for part in parts]
        guard = any(about)
        if guard and not all(about) and any(
            isinstance(n, ast.Await) and isinstance(n.value, ast.Name) and n.value.id == self.name
            for block in (stmt.body, stmt.orelse) for s in block for n in ast.walk(s)
        ):
            # A join under a test of something else (``if task and reason != SHUTDOWN: await
            # task``) leaves the task unjoined on the other branch (tnoff/discord-bot); a cancel
            # so tested chooses to let it finish there (a watchdog left to close what it guards).
            guard = False
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

    def _try_body(self, stmt: ast.Try | ast.TryStar, states: set[bool]) -> _Flow:
        return self.block(stmt.body, states)

    def _cancel_out(self, states: set[bool]) -> None:
        """A cancellation leaves the innermost ``try`` body (or the function) in ``states``."""
        (self.cancelled[-1] if self.cancelled else self.left).update(states)

    def _try(self, stmt: ast.Try | ast.TryStar, states: set[bool]) -> _Flow:
        self.cancelled.append(set())
        try:
            body = self._try_body(stmt, states)
        finally:
            cancelled = self.cancelled.pop()
        flow = self.block(stmt.orelse, body.out) if stmt.orelse else _Flow(out=set(body.out))
        flow.breaks |= body.breaks
        flow.continues |= body.continues
        flow.returns |= body.returns
        going_on: set[bool] = set()  # states in which the cancellation goes on past this ``try``
        if cancelled:
            handler = next((h for h in stmt.handlers if _catches_cancellation(h)), None)
            if handler is None:
                going_on = cancelled
            else:
                self.cancelled.append(set())
                self.handling += 1
                try:
                    _join(flow, self.block(handler.body, cancelled))
                finally:
                    self.handling -= 1
                    going_on = self.cancelled.pop()
        if going_on:
            self._cancel_out(self.block(stmt.finalbody, going_on).out if stmt.finalbody else going_on)
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


def _never(node: ast.Await) -> bool:
    return False


def waits_until_cancelled(stmt: ast.stmt) -> bool:
    """``await asyncio.Event().wait()``, ``await asyncio.Future()``, ``await
    loop.create_future()`` as a statement (or a binding's value): an await on a waiter the
    expression makes and nothing else can reach, which completes only by being cancelled. An
    event or future kept anywhere first (``self._stop.wait()``) may be set: not this."""
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    if not isinstance(value, ast.Await) or not isinstance(value.value, ast.Call):
        return False
    call = value.value
    if _called_name(call) in _FRESH_WAITERS:
        return True
    func = call.func
    return (
        isinstance(func, ast.Attribute) and func.attr == "wait" and not call.args and not call.keywords
        and isinstance(func.value, ast.Call) and _called_name(func.value) in _FRESH_EVENTS
    )


def _called_name(call: ast.Call) -> str:
    """The name a call makes its object with: a plain name, or an attribute of a name or of a
    call's result (``asyncio.Event()``, ``loop.create_future()``,
    ``asyncio.get_running_loop().create_future()``), not a method of an object's attribute
    (``self._conn.create_future()`` may keep what it makes)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Call)):
        return func.attr
    return ""


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
    end it (each a statement of its own: ``task.cancel()``), or leaves it on the way out of the
    cancellation of an await that only ends so."""
    paths = _Paths(name, created, {id(stmt) for stmt in ends})
    flow = paths.block(function.body, {False})
    return True in flow.out or True in flow.returns or True in paths.left


class _ErrorPaths(_Paths):
    """``_Paths`` that also notes whether an ``await`` may raise while the task is live and no
    ``finally`` (nor a handler) of an enclosing ``try`` ends it: the error leaves the function
    with the task running. Only an ``await`` (an ``async for``, an ``async with``) is taken as
    what raises: a network read, a request; a plain call's error is possible but rare here, and
    an await that ``quiet`` says raises nothing but a cancellation (``asyncio.sleep``) is none.
    A handler guards only if it catches errors: one that names only the cancellation (``except
    asyncio.CancelledError: task.cancel(); raise``) lets a network error past with the task
    running."""

    def __init__(self, name: str, created: ast.stmt, ends: set[int], quiet: Callable[[ast.Await], bool]) -> None:
        super().__init__(name, created, ends)
        self.guarded = 0  # how many enclosing ``try`` bodies end the task on an error
        self.raised = False
        self.quiet = quiet

    def stmt(self, stmt: ast.stmt, states: set[bool]) -> _Flow:
        # A wait until cancelled raises nothing but its cancellation, which ``_Paths`` follows.
        if True in states and not self.guarded and stmt is not self.created and not waits_until_cancelled(stmt) and _awaits_here(stmt, self.quiet):
            self.raised = True
        return super().stmt(stmt, states)

    def _try_body(self, stmt: ast.Try | ast.TryStar, states: set[bool]) -> _Flow:
        """The ``try``'s body, guarded while a ``finally`` or a handler of it ends the task; what a
        handler does after an error is another question (as in ``_Paths``)."""
        guards = self._ends_in(stmt.finalbody) or any(catches_errors(h) and self._ends_in(h.body) for h in stmt.handlers)
        self.guarded += guards
        try:
            return super()._try_body(stmt, states)
        finally:
            self.guarded -= guards


def _awaits_here(stmt: ast.stmt, quiet: Callable[[ast.Await], bool]) -> bool:
    """The statement itself (for a compound one, its header: a test, an iterable, the items of
    a ``with``) awaits, outside any function it defines."""
    if isinstance(stmt, (ast.AsyncFor, ast.AsyncWith)):
        return True
    if isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef, ast.Try, ast.TryStar)):
        return False
    header: list[ast.AST]
    if isinstance(stmt, (ast.If, ast.While)):
        header = [stmt.test]
    elif isinstance(stmt, ast.For):
        header = [stmt.iter]
    elif isinstance(stmt, ast.With):
        header = [item.context_expr for item in stmt.items]
    elif isinstance(stmt, ast.Match):
        header = [stmt.subject]
    else:
        header = [stmt]
    return any(isinstance(node, ast.Await) and not quiet(node) for part in header for node in _own_walk(part))


def _own_walk(node: ast.AST) -> list[ast.AST]:
    """The nodes of ``node``, not those of a function or lambda defined in it."""
    found: list[ast.AST] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(c for c in ast.iter_child_nodes(current) if not isinstance(c, (*FUNCTION_NODES, ast.Lambda)))
    return found


def left_running_on_errors(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    name: str,
    created: ast.stmt,
    ends: list[ast.stmt],
    quiet: Callable[[ast.Await], bool],
) -> bool:
    """Whether an ``await`` may raise while the task that ``created`` binds to ``name`` is live
    and nothing on that error's way out of ``function`` (a ``finally``, a handler) ends it: the
    heartbeat of a websocket loop cancelled after the loop, not in a ``finally``, left running by
    each disconnect (embl-bio-it/python-mattermost-autodriver ``83e97a99``)."""
    paths = _ErrorPaths(name, created, {id(stmt) for stmt in ends}, quiet)
    paths.block(function.body, {False})
    return paths.raised
