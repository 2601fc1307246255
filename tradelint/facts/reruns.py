"""Proofs that a method runs again while the object lives, and that nothing on its way looks at
a slot of ``self`` first (moved from ``models.tasks.lost_handles``, which proves it for a task
stored over a live one, TRD305; the resource family asks the same of a resource stored over an
open one, TRD202). Each proof reads the class's own code:

- a repeating loop runs the store (the storing method's own ``while True``, ``while
  self._running``, ``for``, ``async for``), or a method of the class calls the storing method
  inside one, and the path from the store does not leave the loop (a retry that stops once it
  succeeds); nothing on the loop's path through the store (before or after it, in each block up
  to the loop's body) reads the slot, itself or through a method of the class it calls;
- a method of the class gives the storing method, in a loop, to several objects as the handler of
  their events (not to a call that runs it once: ``call_soon``, ``add_done_callback``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tradelint.facts.uses import self_calls, self_name

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

Function = ast.FunctionDef | ast.AsyncFunctionDef


def slot_loads(node: ast.AST, receiver: str, name: str) -> list[ast.Attribute]:
    return [
        n for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and n.attr == name and isinstance(n.ctx, ast.Load)
        and isinstance(n.value, ast.Name) and n.value.id == receiver
    ]


def is_self(func: ast.expr, receiver: str) -> bool:
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver


def is_slot(node: ast.AST, receiver: str, name: str) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == name
        and isinstance(node.value, ast.Name) and node.value.id == receiver
    )


def assigned_attributes(function: Function, receiver: str) -> set[str]:
    """The attributes of ``self`` that ``function`` assigns (``self.x = ...``, ``self.x += 1``)."""
    names: set[str] = set()
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == receiver:
                    names.add(sub.attr)
    return names


def looping_caller(
    module: ModuleInfo, methods: dict[str, Function], function: Function, statement: ast.stmt, name: str,
    sleeps_end: bool = True, whole_turn: bool = False,
) -> str | None:
    """Why the store runs again: a repeating loop runs it (the storing method's own, or a loop of
    another method that calls it) and nothing on the loop's path through the store reads the slot
    (itself or through a method of the class it calls); or it handles several objects' events.
    With ``sleeps_end`` (a task's store), a loop that sleeps on the way proves nothing: the old task
    had that time to end; a resource (``sleeps_end`` false) is not ended by waiting."""
    receiver = self_name(function)
    assert receiver is not None
    own = enclosing_loop(module, statement, function)
    if own is not None and not path_reads(module, methods, own, statement, receiver, name, function.name, sleeps_end, whole_turn):
        return "it runs in a loop"
    for method in methods.values():
        inner = self_name(method)
        if method is function or inner is None:
            continue
        for call, callee in self_calls(method):
            if callee != function.name:
                continue
            loop = enclosing_loop(module, call, method)
            if loop is not None and not path_reads(module, methods, loop, call, inner, name, function.name, sleeps_end, whole_turn):
                return f"`{method.name}()` calls it in a loop"
    return registered(methods, function)


# Calls that run a callback they are given once, or not as a handler of events.
ONCE = frozenset({
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_done_callback", "run_in_executor",
    "create_task", "ensure_future", "run_coroutine_threadsafe", "to_thread", "start_background_task",
    "partial", "wait_for", "shield", "gather", "run", "run_until_complete", "Thread", "Timer",
    "async_create_task", "async_create_background_task", "async_add_executor_job", "async_add_job",
    "async_listen_once", "listen_once", "once", "async_call_later", "async_at_started", "async_at_start",
})


def registered(methods: dict[str, Function], function: Function) -> str | None:
    """The method that hands the storing method, unbound from a call, to several other objects as
    a handler of their events, in a loop (``for db in self._dbs: db.on_change(self._on_change)``):
    each of them calls it, so a second event may come while the task of the first still runs. A
    handler given once may be called once (an init event), so it proves nothing."""
    for method in methods.values():
        receiver = self_name(method)
        if receiver is None:
            continue
        for loop in ast.walk(method):
            if not isinstance(loop, (ast.For, ast.AsyncFor, ast.While)):
                continue
            if registration(loop, receiver, function.name):
                return f"`{method.name}()` makes it the handler of several objects' events"
    return None


def registration(loop: ast.AST, receiver: str, handler: str) -> bool:
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if callee in ONCE or "once" in callee.lower():
                continue
            if is_self(node.func, receiver):
                continue  # a method of the class: not another object's events
            given = list(node.args) + [k.value for k in node.keywords]
            if any(is_slot(arg, receiver, handler) for arg in given):
                return True
    return False


def repeating(node: ast.AST) -> bool:
    """A loop that turns more than once: ``for`` and ``async for``, or ``while`` on a constant
    true or on a flag (``while self._running``, ``while not self._stopped``)."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return True
    if not isinstance(node, ast.While):
        return False
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    return (isinstance(test, ast.Constant) and test.value is True) or isinstance(test, (ast.Name, ast.Attribute))


Loop = ast.While | ast.For | ast.AsyncFor


def enclosing_loop(module: ModuleInfo, node: ast.AST, function: Function) -> Loop | None:
    """The nearest repeating loop of ``function`` around ``node``, unless the path from ``node``
    leaves it unconditionally (a ``break`` or ``return`` after it in a block on the way up: a
    retry that stops once it succeeds)."""
    child: ast.AST = node
    for ancestor in module.ancestors(node, stop=function):
        if isinstance(ancestor, SCOPES):
            return None
        for block in blocks(ancestor):
            if any(stmt is child for stmt in block):
                after = block[[id(s) for s in block].index(id(child)) + 1:]
                if any(leaves(s) for s in after):
                    return None  # a retry: the turn that succeeds leaves the loop
        if isinstance(ancestor, (ast.While, ast.For, ast.AsyncFor)):
            return ancestor if repeating(ancestor) else None
        child = ancestor
    return None


def leaves(node: ast.AST) -> bool:
    """A ``break`` of the loop around ``node`` or a ``return`` in it (not in a nested function,
    nor a nested loop's own ``break``)."""
    if isinstance(node, (ast.Break, ast.Return)):
        return True
    if isinstance(node, SCOPES):
        return False
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return any(isinstance(n, ast.Return) for n in ast.walk(node))
    return any(leaves(child) for child in ast.iter_child_nodes(node))


def blocks(node: ast.AST) -> list[list[ast.stmt]]:
    fields = ("body", "orelse", "finalbody")
    return [list(getattr(node, f)) for f in fields if isinstance(getattr(node, f, None), list)]


def path_reads(
    module: ModuleInfo, methods: dict[str, Function], loop: ast.AST, node: ast.AST,
    receiver: str, name: str, storing: str, sleeps_end: bool = True, whole_turn: bool = False,
) -> bool:
    """Whether a statement that runs with ``node`` at each turn of ``loop`` (before or after it
    in each block from ``node`` up to the loop's body, and the tests of the ``if``s on its way)
    reads the slot, itself or through a method of the class it calls (not the storing one), or
    sleeps (the loop stores at a fixed period: a task has that time to end; with ``sleeps_end``
    false, as for a resource, which no waiting ends, a sleep proves nothing). With ``whole_turn``
    (a resource's store), a ``while`` loop's own test and the properties read count too."""
    parts: list[ast.AST] = []
    child: ast.AST = node
    for ancestor in module.ancestors(node, stop=loop):
        if isinstance(ancestor, (ast.If, ast.While)) and child is not ancestor.test:
            parts.append(ancestor.test)
        for block in blocks(ancestor):
            if any(stmt is child for stmt in block):
                parts.extend(s for s in block if s is not child)
        if isinstance(ancestor, TRIES) and not any(stmt is child for stmt in ancestor.finalbody):
            parts.extend(ancestor.finalbody)  # it runs after the store, whatever the turn does
        if isinstance(ancestor, ast.stmt) and not blocks(ancestor):
            parts.append(ancestor)  # the statement holding the call: its other parts run too
        child = ancestor
    for block in blocks(loop):
        if any(stmt is child for stmt in block):
            parts.extend(s for s in block if s is not child)
    if whole_turn and isinstance(loop, ast.While):
        parts.append(loop.test)  # ``while not self.connected:`` tests it at every turn
    for part in parts:
        if slot_loads(part, receiver, name) or (sleeps_end and sleeps(part)):
            return True
        reached = loop_reach(methods, part, receiver, storing, whole_turn)
        if any(slot_loads(methods[r], self_name(methods[r]) or "", name) for r in reached):
            return True
    return False


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


def sleeps(part: ast.AST) -> bool:
    """``await asyncio.sleep(...)`` (or another ``sleep``): a loop that stores at a fixed period
    gives the old task that time to end; only a loop driven by events (a queue, a stream) proves
    that the next store may come while the old task runs."""
    return any(
        isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
        and (getattr(node.value.func, "attr", None) == "sleep" or getattr(node.value.func, "id", None) == "sleep")
        for node in ast.walk(part)
    )


def loop_reach(methods: dict[str, Function], part: ast.AST, receiver: str, storing: str, whole_turn: bool = False) -> set[str]:
    """The methods of the class that ``part`` calls on ``self``, transitively, not through the
    storing method (what it reaches is the store's own path, after the old task is replaced);
    with ``whole_turn``, also those it reads without a call, properties (``if not self.connected:``)."""
    todo = _members(part, receiver, methods, whole_turn)
    seen: set[str] = set()
    while todo:
        current = todo.pop()
        if current == storing or current in seen:
            continue
        seen.add(current)
        todo.extend(_members(methods[current], self_name(methods[current]) or "", methods, whole_turn))
    return seen


def _members(node: ast.AST, receiver: str, methods: dict[str, Function], whole_turn: bool) -> list[str]:
    return [
        n.func.attr if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) else getattr(n, "attr", "")
        for n in ast.walk(node)
        if (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id == receiver and n.func.attr in methods
        ) or (
            whole_turn and isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and n.attr in methods
            and isinstance(n.value, ast.Name) and n.value.id == receiver
        )
    ]


