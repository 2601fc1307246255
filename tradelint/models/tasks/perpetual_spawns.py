"""A never-ending task of an object, handed to a keeper and dropped, outlives the object's end.

A project's keeper (``spawn(coro)``: a first-party function that makes a task of the coroutine
it is given and holds it in a set until it is done) takes a task's *garbage* problem away, and
with it a discarded call's TRD301: the task is kept until it ends. That is enough for work that
ends by itself. It is not for a coroutine of the object that never ends by itself: a method of
the class that loops until it is cancelled (``while True:`` with nothing that leaves), or that
starts its own next turn (``await asyncio.sleep(interval)`` and then ``spawn(self.tick())``
again: a self-rescheduling poll). Such a task lives as long as the keeper does, which is the
program; when the object that started it is ended (its class has a release method, a
``finalize()``, ``close()`` or ``stop()``), the task runs on against the ended object, and
nothing can end it: its caller dropped it, and the keeper gives no way back to it (qtile
``dbd42c36``: a widget's poll, rescheduled through ``libqtile.utils.create_task``, still ran
after each configuration reload finalized the widget).

Each step is proven from the code:

- the callee is a first-party function that makes a task of its parameter with asyncio's
  creators (the task model found it no dangling wrapper: it keeps the task);
- the coroutine is ``self.method(...)`` of the calling method's class family, an ``async def``
  that loops without an end of its own (``endless_loop``) or whose body hands ``self.method(...)``
  to a creator again; a reschedule guarded by a parameter the call sets to a false constant
  (``self.tick(requeue=False)``) does not run, and that call's task is one-shot;
- the class family has a release method (``release_method``: configured shutdown names, then the
  class's own words), and neither it nor what it calls on ``self`` sets an attribute the
  coroutine reads (``self._running = False`` read by ``while self._running``: a stop flag the
  loop obeys) or names the keeper's registry (the only way back to a dropped task).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.ownership import release_method
from tradelint.facts.syntax import FUNCTION_NODES, own_nodes, walk
from tradelint.facts.uses import endless_loop, methods_reached, self_name
from tradelint.models.tasks.creators import _creator_kind, _is_loop, _methods

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

Function = ast.FunctionDef | ast.AsyncFunctionDef

_FALSE = (False, None, 0)


@dataclass(frozen=True)
class PerpetualSpawn:
    call: ast.Call  # the dropped keeper call
    method: str  # the coroutine's method
    how: str  # "loop" (runs until cancelled) or "reschedule" (starts its own next turn)
    release: str  # the class's release method


def perpetual_spawn(module: ModuleInfo, call: ast.Call, configured: tuple[str, ...]) -> PerpetualSpawn | None:
    """``call`` (a statement of its own, judged no dangling creation) hands a never-ending
    coroutine of ``self`` to a first-party keeper, in a class whose release does not end it."""
    if not (isinstance(module.parent(call), ast.Expr) and call.args and not call.keywords):
        return None
    coro = call.args[0]
    if not (isinstance(coro, ast.Call) and isinstance(coro.func, ast.Attribute) and isinstance(coro.func.value, ast.Name)):
        return None
    function = module.enclosing_function(call)
    if not isinstance(function, FUNCTION_NODES) or self_name(function) != coro.func.value.id:
        return None
    cls = module.parent(function)
    if not isinstance(cls, ast.ClassDef):
        return None
    methods = _methods(module, cls)
    found = methods.get(coro.func.attr)
    if found is None or not isinstance(found[1], ast.AsyncFunctionDef):
        return None
    target = found[1]
    registry = _keeper_registry(module, call.func)
    if registry is None:
        return None
    how = _never_ends(module, target, coro)
    if how is None:
        return None
    release = release_method(module, cls, configured)
    if release is None or release not in methods:
        return None
    if _release_stops(methods, release, target, registry):
        return None
    return PerpetualSpawn(call, coro.func.attr, how, release)


def _keeper_registry(module: ModuleInfo, func: ast.expr) -> frozenset[str] | None:
    """For a first-party function (module level, this module's or imported) that makes a task
    of the coroutine it is given with asyncio's creators: the module-level names its body reads
    (the registry it keeps the task in among them); None for any other callee."""
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return None
    found = resolve_definition(module, func)
    if found is None:
        return None
    home, definition = found
    if not isinstance(definition, FUNCTION_NODES):
        return None
    params = [a.arg for a in (*definition.args.posonlyargs, *definition.args.args)]
    if not params:
        return None
    given = params[0]
    makes = False
    for node in own_nodes(definition):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == given):
            continue
        if _creator_kind(home.imports.qualify(node.func)) is not None or (
            isinstance(node.func, ast.Attribute) and node.func.attr == "create_task" and _is_loop(home, node.func.value)
        ):
            makes = True
    if not makes:
        return None
    assigned = {
        target.id
        for stmt in home.tree.body if isinstance(stmt, (ast.Assign, ast.AnnAssign))
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        if isinstance(target, ast.Name)
    }
    return frozenset(n.id for n in own_nodes(definition) if isinstance(n, ast.Name) and n.id in assigned)


def _never_ends(module: ModuleInfo, target: ast.AsyncFunctionDef, coro: ast.Call) -> str | None:
    """``"loop"`` when ``target`` loops until cancelled, ``"reschedule"`` when it hands
    ``self.<its name>(...)`` to a creator again on the path ``coro``'s arguments take."""
    me = self_name(target)
    for node in own_nodes(target):
        if endless_loop(node):
            return "loop"
    for node in own_nodes(target):
        if not (isinstance(node, ast.Call) and node.args and isinstance(module.parent(node), ast.Expr)):
            continue
        again = node.args[0]
        if not (
            isinstance(again, ast.Call)
            and isinstance(again.func, ast.Attribute)
            and isinstance(again.func.value, ast.Name)
            and again.func.value.id == me
            and again.func.attr == target.name
        ):
            continue
        if _guard_off(module, target, node, coro):
            continue
        return "reschedule"
    return None


def _guard_off(module: ModuleInfo, target: ast.AsyncFunctionDef, node: ast.AST, coro: ast.Call) -> bool:
    """An ``if`` around ``node`` in ``target`` tests a parameter that ``coro`` gives a false
    constant (``requeue=False``): the reschedule does not run for this call."""
    parent = module.parent(node)
    while parent is not None and parent is not target:
        if isinstance(parent, ast.If):
            for name in walk(parent.test):
                if isinstance(name, ast.Name):
                    value = _argument_for(target, coro, name.id)
                    if isinstance(value, ast.Constant) and value.value in _FALSE and not isinstance(value.value, str):
                        return True
        parent = module.parent(parent)
    return False


def _argument_for(target: ast.AsyncFunctionDef, coro: ast.Call, name: str) -> ast.expr | None:
    """What ``coro`` (``self.m(...)``) gives ``target``'s parameter ``name``, or its default."""
    params = [*target.args.posonlyargs, *target.args.args][1:]
    names = [p.arg for p in params]
    if name not in names:
        return None
    for keyword in coro.keywords:
        if keyword.arg == name:
            return keyword.value
    index = names.index(name)
    if index < len(coro.args) and not any(isinstance(a, ast.Starred) for a in coro.args[: index + 1]):
        return coro.args[index]
    defaults = target.args.defaults
    offset = len(names) - len(defaults)
    return defaults[index - offset] if index >= offset else None


def _release_stops(
    methods: dict[str, tuple[ModuleInfo, ast.stmt]], release: str, target: ast.AsyncFunctionDef, registry: frozenset[str]
) -> bool:
    """The release (or a method it reaches on ``self``) sets an attribute ``target`` reads, or
    names the keeper's registry: the object may end the task after all."""
    functions = {name: stmt for name, (_, stmt) in methods.items() if isinstance(stmt, FUNCTION_NODES)}
    reached = {release} | methods_reached(functions, [release], calls_only=True)
    me = self_name(target)
    read = {
        n.attr for n in walk(target)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == me
    }
    for name in reached:
        function = functions.get(name)
        if function is None:
            continue
        owner = self_name(function)
        for node in walk(function):
            if (isinstance(node, ast.Name) and node.id in registry) or (isinstance(node, ast.Attribute) and node.attr in registry):
                return True
            targets: list[ast.expr] = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target_node in targets:
                if (
                    isinstance(target_node, ast.Attribute)
                    and isinstance(target_node.value, ast.Name)
                    and target_node.value.id == owner
                    and target_node.attr in read
                ):
                    return True
    return False
