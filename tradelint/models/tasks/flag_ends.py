"""A task whose loop its owner ends with a flag: the task runs a method of the class that loops
``while self.running:`` (or ``while not self.stopping:``), waiting a bounded time at each turn
(``await asyncio.sleep(interval)``, ``asyncio.wait_for(..., timeout=0.3)``), and the class's
end (``stop()``, ``close()``, or a method of the class it calls) sets that flag to the value
that ends the loop (``self.running = False``). At the end the task leaves its loop at the next
test, within one wait, and finishes by itself: the end stops it as a cancel would, and does
not tear it down mid-work. It is neither unowned (TRD302) nor left running by the class's end
(TRD303).

A ``while True:`` whose turn starts with a guard that leaves it (``if not self.running:
return``, or ``break``; first in the body or in a ``try`` that opens it) tests the flag as
``while self.running:`` does. Not when some loop of the coroutine does not test the flag (a
``while True`` without such a guard, an ``async for`` over a connection), nor when a turn may
wait without bound before the next test (``await queue.get()``, ``await event.wait()``, a
``recv()``: the flag is read only when something arrives), nor when no turn waits a bounded
time at all, nor when no end method sets the flag (where the framework names the object's end,
a cog's unload or what a Home Assistant entry's unload reaches, only those methods are its end).

Asked by TRD302 (a local task) and TRD303 (a task on ``self``); it reads no other layer of the
task model."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.release_names import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, own_nodes
from tradelint.facts.uses import self_name

# An await of one of these, called on anything, waits for something to arrive, with no bound:
# a queue's or a stream's next item, an event, a lock, a connection.
_IDLE_WAITS = frozenset({"get", "wait", "join", "acquire", "wait_for", "wait_closed", "accept"})
_IDLE_PREFIXES = ("recv", "receive", "read")
_BOUNDED = frozenset({"asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "trio.sleep", "anyio.sleep"})


def ended_by_flag(
    module: ModuleInfo, cls: ast.AST | None, call: ast.Call, teardown: Callable[[ast.ClassDef], frozenset[str] | None],
    *, given_waits_unbounded: bool = False,
) -> bool:
    """The task of ``call`` (``create_task(self.m())``, in a method of the class ``cls``; anything
    else is no class and ends nothing) runs a method of ``cls`` whose every loop
    tests a flag on ``self`` that an end method of ``cls`` sets to stop it, and whose every turn
    waits a bounded time and never without bound. Where the framework says what ends the object
    (``teardown``: a cog's unload, what a Home Assistant entry's unload reaches), only those
    methods count: a ``stop()`` it never calls sets the flag too late. With ``given_waits_unbounded``
    (tasks kept as elements of a collection), an ``await`` of what the method was given
    (``await watch_func(...)``, a parameter) may wait without bound, as a ``recv()`` may."""
    coro = call.args[0] if call.args else None
    if not isinstance(cls, ast.ClassDef) or not (isinstance(coro, ast.Call) and isinstance(coro.func, ast.Attribute) and isinstance(coro.func.value, ast.Name)):
        return False
    methods = {m.name: m for m in cls.body if isinstance(m, FUNCTION_NODES)}
    runner = methods.get(coro.func.attr)
    enclosing = module.enclosing_function(call)
    if not isinstance(runner, ast.AsyncFunctionDef) or enclosing is None or self_name(enclosing) != coro.func.value.id:
        return False
    receiver = self_name(runner)
    loops = [n for n in own_nodes(runner) if isinstance(n, (ast.While, ast.AsyncFor))]
    if receiver is None or not loops:
        return False
    stops: set[tuple[str, bool]] = set()
    given = {a.arg for a in (*runner.args.posonlyargs, *runner.args.args, *runner.args.kwonlyargs)} if given_waits_unbounded else set()
    for loop in loops:
        found = _loop_stops(loop, receiver) if isinstance(loop, ast.While) else set()
        if not found or not _waits_bounded(module, loop, given):
            return False
        stops |= found
    known = teardown(cls)
    set_at_end = {
        setting
        for name, method in methods.items()
        if (name in known if known is not None else is_release_name(name))
        for setting in _settings(methods, method, 0)
    }
    return bool(stops & set_at_end)


def _loop_stops(loop: ast.While, receiver: str) -> set[tuple[str, bool]]:
    """The (flag, value) settings that end ``loop``: those that make its test false, or, for
    ``while True:``, those that make true the guard its turn starts with (``if not
    self._connected or self._disconnecting: return``, first in the body or in a ``try`` that
    opens it), the same loop written the other way."""
    if not (isinstance(loop.test, ast.Constant) and loop.test.value is True):
        return _stops(loop.test, receiver)
    first = loop.body[0]
    if isinstance(first, ast.Try) and first.body:
        first = first.body[0]
    if isinstance(first, ast.If) and not first.orelse and isinstance(first.body[-1], (ast.Return, ast.Break)):
        return _exits(first.test, receiver)
    return set()


def _exits(test: ast.expr, receiver: str) -> set[tuple[str, bool]]:
    """The (flag, value) settings that make a guard true: ``self.stopping`` by a true value,
    ``not self.running`` by a false one, and ``a or b`` by what makes either true."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return {s for value in test.values for s in _exits(value, receiver)}
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _stops(test.operand, receiver)
    return {(name, not value) for name, value in _stops(test, receiver)}


def _stops(test: ast.expr, receiver: str) -> set[tuple[str, bool]]:
    """The (flag, value) settings that make the loop test false: ``self.running`` is ended by a
    false value, ``not self.stopping`` by a true one, and ``a and b`` by what ends either."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return {s for value in test.values for s in _stops(value, receiver)}
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return {(name, not value) for name, value in _stops(test.operand, receiver)}
    if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == receiver:
        return {(test.attr, False)}
    return set()


def _waits_bounded(module: ModuleInfo, loop: ast.While | ast.AsyncFor, given: set[str]) -> bool:
    """Each turn of ``loop`` waits a bounded time, and no await of it waits without bound (nor
    awaits a call of a name in ``given``)."""
    bounded = False
    for node in _loop_nodes(loop):
        if isinstance(node, ast.AsyncFor):
            return False
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if isinstance(func, ast.Name) and func.id in given:
            return False
        qualified = module.imports.qualify(func) or ""
        if qualified in _BOUNDED:
            if qualified.endswith("sleep") or _has_timeout(node.value, qualified):
                bounded = True
                continue
            return False  # ``asyncio.wait_for(q.get(), None)``, ``asyncio.wait(tasks)``
        name = func.attr if isinstance(func, ast.Attribute) else ""
        if name in _IDLE_WAITS or name.startswith(_IDLE_PREFIXES):
            return False
    return bounded


def _loop_nodes(loop: ast.While | ast.AsyncFor) -> Iterator[ast.AST]:
    """The loop's body, not its nested functions (nor its test)."""
    for statement in (*loop.body, *loop.orelse):
        yield statement
        yield from own_nodes(statement)


def _has_timeout(call: ast.Call, qualified: str) -> bool:
    """``wait_for(aw, 0.3)`` or ``wait(aws, timeout=5)``: a timeout that is not ``None``."""
    given = [k.value for k in call.keywords if k.arg == "timeout"]
    if qualified.endswith("wait_for") and len(call.args) > 1:
        given.append(call.args[1])
    return bool(given) and not any(isinstance(v, ast.Constant) and v.value is None for v in given)


def _settings(
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], method: ast.FunctionDef | ast.AsyncFunctionDef, depth: int
) -> Iterator[tuple[str, bool]]:
    """The constant settings of flags on ``self`` in ``method`` and the methods of the class it
    calls on ``self`` (``self._sync_stop()``), as (flag, truth)."""
    receiver = self_name(method)
    if receiver is None or depth > 3:
        return
    for node in own_nodes(method):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver:
                    yield target.attr, bool(node.value.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == receiver
            and node.func.attr in methods
            and methods[node.func.attr] is not method
        ):
            yield from _settings(methods, methods[node.func.attr], depth + 1)
