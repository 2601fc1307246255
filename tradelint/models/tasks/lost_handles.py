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
from tradelint.facts.reruns import assigned_attributes as _assigned, is_slot as _is_slot, looping_caller
from tradelint.facts.reruns import slot_loads as _slot_loads
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
    again = looping_caller(module, methods, function, statement, name)
    if again is None:
        return None
    return LostSite(call, statement, cls, function, name, ender, again)


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


def _coroutine_method(call: ast.Call, receiver: str, methods: dict[str, Function]) -> Function | None:
    coro = call.args[0] if call.args else None
    if (
        isinstance(coro, ast.Call) and isinstance(coro.func, ast.Attribute)
        and isinstance(coro.func.value, ast.Name) and coro.func.value.id == receiver
    ):
        return methods.get(coro.func.attr)
    return None


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
