"""A task stored over one the class still means to cancel (TRD305, beside ``replaced``):
``self._reply = create_task(self._answer(text))`` in a method that a repeating loop of the class
calls at each turn (``while True: msg = await queue.get(); await self._on_message(msg)``), where
another method of the class stops the work through that slot (``self._reply.cancel()`` when the
user interrupts or the service stops); bolna-ai/bolna ``2a4a2a01``.

The task need not loop: the class's own cancel says that the task may still run when the class
wants it stopped, and the loop stores the next one without looking at the slot, so the cancel
reaches only the newest task; the ones it replaced run on unowned.

Each step asks for proof, not for a name:

- the class ends the slot's task elsewhere: ``self.<slot>.cancel()`` (or through a local or a
  ``for`` name that holds the slot) in a method other than the storing one;
- the storing method runs again while the object lives: a method of the class calls it inside a
  repeating loop (``while True``, ``while self._running``, ``async for``, ``for``), or the store is
  itself inside one, and the path from the store does not leave the loop (a retry that stops once
  it succeeds); or a method of the class gives it, in a loop, to several objects as the handler
  of their events (not to a call that runs it once: ``call_soon``, ``add_done_callback``);
- nothing looks at the slot first: the storing method reads it nowhere before the store nor
  awaits it after, and no statement on the loop's path through the store (before or after it, in
  each block up to the loop's body) reads it, itself or through a method of the class it calls,
  or sleeps (a loop that stores at a fixed period gives the old task that time to end);
- no state decides that the store runs once: no ``if`` around the store and no early ``return``
  before it tests an attribute of ``self`` that the storing method or the task's coroutine sets
  (``if self._busy: return`` ... ``self._busy = True``);
- the old task is not the one storing: the task's coroutine does not reach the storing method.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, cast

from tradelint.facts.syntax import class_methods
from tradelint.facts.uses import methods_reached, self_calls, self_name
from tradelint.models.tasks.replaced import single_stores

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class LostSite:
    call: ast.Call  # the task's creation
    statement: ast.Assign  # the store
    cls: ast.ClassDef
    function: Function  # the method that stores it
    name: str  # the attribute on ``self``
    ender: str  # the method that cancels the slot's task
    again: str  # why the storing method runs again while the old task may still run


def lost_handle_sites(module: ModuleInfo, is_task: Callable[[ast.Call], bool]) -> list[LostSite]:
    """The stores of a task over one the class may still cancel through the slot, in source order."""
    return [site for call, statement in single_stores(module) if (site := _site(module, call, statement, is_task)) is not None]


def _site(
    module: ModuleInfo, call: ast.Call, statement: ast.Assign, is_task: Callable[[ast.Call], bool]
) -> LostSite | None:
    target = statement.targets[0]
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function or function.name == "__init__":
        return None
    cls = module.parent(function)
    receiver = self_name(function)
    if not isinstance(cls, ast.ClassDef) or receiver is None or target.value.id != receiver:
        return None
    name = target.attr
    if _reads_slot(function, receiver, name, before=statement):
        return None
    methods = class_methods(cls)
    ender = _ender(module, methods, function, name)
    if ender is None or not is_task(call):
        return None
    coroutine = _coroutine_method(call, receiver, methods)
    if coroutine is not None and (
        function.name == coroutine.name or function.name in methods_reached(methods, [coroutine.name], calls_only=False)
    ):
        return None  # the old task itself runs the store (its own restart)
    if _awaited_after(function, statement, receiver, name):
        return None  # the method waits for the task it stored: it ends before the method returns
    if _state_guarded(module, function, statement, receiver, coroutine):
        return None
    again = _looping_caller(module, methods, function, statement, name)
    if again is None:
        return None
    return LostSite(call, statement, cls, function, name, ender, again)


def _slot_loads(node: ast.AST, receiver: str, name: str) -> list[ast.Attribute]:
    return [
        n for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and n.attr == name and isinstance(n.ctx, ast.Load)
        and isinstance(n.value, ast.Name) and n.value.id == receiver
    ]


def _reads_slot(function: Function, receiver: str, name: str, before: ast.stmt) -> bool:
    start = (before.lineno, before.col_offset)
    return any((n.lineno, n.col_offset) < start for n in _slot_loads(function, receiver, name))


def _awaited_after(function: Function, statement: ast.Assign, receiver: str, name: str) -> bool:
    """An ``await`` after the store whose expression reads the slot (``await self._sleep``,
    ``await asyncio.wait_for(self._connect, 5)``)."""
    return any(
        isinstance(node, ast.Await) and (node.lineno, node.col_offset) > (statement.lineno, statement.col_offset)
        and _slot_loads(node, receiver, name)
        for node in ast.walk(function)
    )


def _ender(module: ModuleInfo, methods: dict[str, Function], storing: Function, name: str) -> str | None:
    """A method other than the storing one that cancels the slot's task: ``self.<name>.cancel()``,
    through a local it copied the slot into (``task = self.<name>``), or through the name of a
    ``for`` over a tuple or list that holds the slot (``for t in (self._a, self._b): t.cancel()``)."""
    for method in methods.values():
        receiver = self_name(method)
        if method is storing or receiver is None:
            continue
        copies, loops, cancelled = _cancels(module, method)
        if not cancelled:
            continue
        aliases: set[str] = set()
        for value, targets in copies:
            if _is_slot(value, receiver, name):
                aliases.update(targets)
        for target, elements in loops:
            if any(_is_slot(e, receiver, name) for e in elements):
                aliases.add(target)
        for held in cancelled:
            if _is_slot(held, receiver, name) or (isinstance(held, ast.Name) and held.id in aliases):
                return method.name
    return None


_Cancels = tuple[list[tuple[ast.expr, list[str]]], list[tuple[str, list[ast.expr]]], list[ast.expr]]


def _cancels(module: ModuleInfo, method: Function) -> _Cancels:
    """What :func:`_ender` reads of a method, from one walk of it, once per method while the
    project keeps the module (``Project.class_memo``: each store of a class asked again, and every
    method of its class walked twice for each): the values copied into names (``task =
    self._t``) with those names, the loops over a tuple or list with their target's name, and the
    receivers of ``.cancel()`` calls."""
    key = ("lost-handle-cancels", method)
    memo = module.project.class_memo
    found = memo.get(key)
    if found is None:
        copies: list[tuple[ast.expr, list[str]]] = []
        loops: list[tuple[str, list[ast.expr]]] = []
        cancelled: list[ast.expr] = []
        for node in ast.walk(method):
            if isinstance(node, ast.Assign):
                copies.append((node.value, [t.id for t in node.targets if isinstance(t, ast.Name)]))
            elif (
                isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name)
                and isinstance(node.iter, (ast.Tuple, ast.List))
            ):
                loops.append((node.target.id, node.iter.elts))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cancel":
                cancelled.append(node.func.value)
        found = memo[key] = (copies, loops, cancelled)
    return cast("_Cancels", found)


def _is_self(func: ast.expr, receiver: str) -> bool:
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver


def _is_slot(node: ast.AST, receiver: str, name: str) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == name
        and isinstance(node.value, ast.Name) and node.value.id == receiver
    )


def _coroutine_method(call: ast.Call, receiver: str, methods: dict[str, Function]) -> Function | None:
    coro = call.args[0] if call.args else None
    if (
        isinstance(coro, ast.Call) and isinstance(coro.func, ast.Attribute)
        and isinstance(coro.func.value, ast.Name) and coro.func.value.id == receiver
    ):
        return methods.get(coro.func.attr)
    return None


def _assigned(function: Function, receiver: str) -> set[str]:
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


def _mutated(function: Function, receiver: str) -> set[str]:
    """The attributes of ``self`` whose value ``function`` changes through a method of theirs
    (``self._candles.append(row)``, ``self._seen.add(key)``)."""
    return {
        node.func.value.attr for node in ast.walk(function)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute) and isinstance(node.func.value.value, ast.Name)
        and node.func.value.value.id == receiver
    }


def _self_reads(node: ast.AST, receiver: str) -> set[str]:
    return {
        n.attr for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == receiver
    }


def _state_guarded(
    module: ModuleInfo, function: Function, statement: ast.Assign, receiver: str, coroutine: Function | None
) -> bool:
    """An ``if`` around the store, or the condition of an early ``return`` or ``raise`` before it,
    tests an attribute of ``self`` that the storing method or the task's coroutine sets: a flag
    that lets the store run once, or once per run of the task. For an ``if`` around the store, an
    attribute the storing method changes through a method of its own counts too (``if not
    self._candles:`` ... ``self._candles.append(row)``: stored while it is empty)."""
    flags = _assigned(function, receiver)
    if coroutine is not None:
        inner = self_name(coroutine)
        if inner is not None:
            flags |= _assigned(coroutine, inner)
    tests: list[ast.expr] = []
    changed = flags | _mutated(function, receiver)
    for ancestor in module.ancestors(statement, stop=function):
        test = ancestor.subject if isinstance(ancestor, ast.Match) else getattr(ancestor, "test", None)
        if isinstance(ancestor, (ast.If, ast.While, ast.IfExp, ast.Match)) and test is not None:
            if _self_reads(test, receiver) & changed:
                return True  # stored only while that state holds, and the method changes it
    for node in ast.walk(function):
        if isinstance(node, (ast.Return, ast.Raise)) and node.lineno < statement.lineno:
            for ancestor in module.ancestors(node, stop=function):
                if isinstance(ancestor, (ast.If, ast.While)):
                    tests.append(ancestor.test)
    return any(_self_reads(test, receiver) & flags for test in tests)


def _looping_caller(
    module: ModuleInfo, methods: dict[str, Function], function: Function, statement: ast.Assign, name: str
) -> str | None:
    """Why the store runs again: a repeating loop runs it (the storing method's own, or a loop of
    another method that calls it) and nothing on the loop's path through the store reads the slot
    (itself or through a method of the class it calls); or it handles several objects' events."""
    receiver = self_name(function)
    assert receiver is not None
    own = _enclosing_loop(module, statement, function)
    if own is not None and not _path_reads(module, methods, own, statement, receiver, name, function.name):
        return "it runs in a loop"
    for method in methods.values():
        inner = self_name(method)
        if method is function or inner is None:
            continue
        for call, callee in self_calls(method):
            if callee != function.name:
                continue
            loop = _enclosing_loop(module, call, method)
            if loop is not None and not _path_reads(module, methods, loop, call, inner, name, function.name):
                return f"`{method.name}()` calls it in a loop"
    return _registered(methods, function)


# Calls that run a callback they are given once, or not as a handler of events.
ONCE = frozenset({
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_done_callback", "run_in_executor",
    "create_task", "ensure_future", "run_coroutine_threadsafe", "to_thread", "start_background_task",
    "partial", "wait_for", "shield", "gather", "run", "run_until_complete", "Thread", "Timer",
    "async_create_task", "async_create_background_task", "async_add_executor_job", "async_add_job",
    "async_listen_once", "listen_once", "once", "async_call_later", "async_at_started", "async_at_start",
})


def _registered(methods: dict[str, Function], function: Function) -> str | None:
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
            if _registration(loop, receiver, function.name):
                return f"`{method.name}()` makes it the handler of several objects' events"
    return None


def _registration(loop: ast.AST, receiver: str, handler: str) -> bool:
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if callee in ONCE or "once" in callee.lower():
                continue
            if _is_self(node.func, receiver):
                continue  # a method of the class: not another object's events
            given = list(node.args) + [k.value for k in node.keywords]
            if any(_is_slot(arg, receiver, handler) for arg in given):
                return True
    return False


def _repeating(node: ast.AST) -> bool:
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


def _enclosing_loop(module: ModuleInfo, node: ast.AST, function: Function) -> Loop | None:
    """The nearest repeating loop of ``function`` around ``node``, unless the path from ``node``
    leaves it unconditionally (a ``break`` or ``return`` after it in a block on the way up: a
    retry that stops once it succeeds)."""
    child: ast.AST = node
    for ancestor in module.ancestors(node, stop=function):
        if isinstance(ancestor, SCOPES):
            return None
        for block in _blocks(ancestor):
            if any(stmt is child for stmt in block):
                after = block[[id(s) for s in block].index(id(child)) + 1:]
                if any(_leaves(s) for s in after):
                    return None  # a retry: the turn that succeeds leaves the loop
        if isinstance(ancestor, (ast.While, ast.For, ast.AsyncFor)):
            return ancestor if _repeating(ancestor) else None
        child = ancestor
    return None


def _leaves(node: ast.AST) -> bool:
    """A ``break`` of the loop around ``node`` or a ``return`` in it (not in a nested function,
    nor a nested loop's own ``break``)."""
    if isinstance(node, (ast.Break, ast.Return)):
        return True
    if isinstance(node, SCOPES):
        return False
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return any(isinstance(n, ast.Return) for n in ast.walk(node))
    return any(_leaves(child) for child in ast.iter_child_nodes(node))


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    fields = ("body", "orelse", "finalbody")
    return [list(getattr(node, f)) for f in fields if isinstance(getattr(node, f, None), list)]


def _path_reads(
    module: ModuleInfo, methods: dict[str, Function], loop: ast.AST, node: ast.AST,
    receiver: str, name: str, storing: str,
) -> bool:
    """Whether a statement that runs with ``node`` at each turn of ``loop`` (before or after it
    in each block from ``node`` up to the loop's body, and the tests of the ``if``s on its way)
    reads the slot, itself or through a method of the class it calls (not the storing one), or
    sleeps (the loop stores at a fixed period)."""
    parts: list[ast.AST] = []
    child: ast.AST = node
    for ancestor in module.ancestors(node, stop=loop):
        if isinstance(ancestor, (ast.If, ast.While)) and child is not ancestor.test:
            parts.append(ancestor.test)
        for block in _blocks(ancestor):
            if any(stmt is child for stmt in block):
                parts.extend(s for s in block if s is not child)
        if isinstance(ancestor, TRIES) and not any(stmt is child for stmt in ancestor.finalbody):
            parts.extend(ancestor.finalbody)  # it runs after the store, whatever the turn does
        if isinstance(ancestor, ast.stmt) and not _blocks(ancestor):
            parts.append(ancestor)  # the statement holding the call: its other parts run too
        child = ancestor
    for block in _blocks(loop):
        if any(stmt is child for stmt in block):
            parts.extend(s for s in block if s is not child)
    for part in parts:
        if _slot_loads(part, receiver, name) or _sleeps(part):
            return True
        reached = _loop_reach(methods, part, receiver, storing)
        if any(_slot_loads(methods[r], self_name(methods[r]) or "", name) for r in reached):
            return True
    return False


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


def _sleeps(part: ast.AST) -> bool:
    """``await asyncio.sleep(...)`` (or another ``sleep``): a loop that stores at a fixed period
    gives the old task that time to end; only a loop driven by events (a queue, a stream) proves
    that the next store may come while the old task runs."""
    return any(
        isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
        and (getattr(node.value.func, "attr", None) == "sleep" or getattr(node.value.func, "id", None) == "sleep")
        for node in ast.walk(part)
    )


def _loop_reach(methods: dict[str, Function], part: ast.AST, receiver: str, storing: str) -> set[str]:
    """The methods of the class that ``part`` calls on ``self``, transitively, not through the
    storing method (what it reaches is the store's own path, after the old task is replaced)."""
    todo = [
        n.func.attr for n in ast.walk(part)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name) and n.func.value.id == receiver and n.func.attr in methods
    ]
    seen: set[str] = set()
    while todo:
        current = todo.pop()
        if current == storing or current in seen:
            continue
        seen.add(current)
        todo.extend(name for _, name in self_calls(methods[current]) if name in methods)
    return seen


