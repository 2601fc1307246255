"""A task raced in ``asyncio.wait`` that waits on an event of the object, where whatever can
cancel the wait sets that event first: the task then completes at once, and nothing is left
running past the cancelled wait.

The wait runs in a private method of a class (``_main_task``) that runs only as a task the
object keeps (``self._main = asyncio.create_task(self._main_task())``); the only way to cancel
the wait is to cancel that task. When every place of the class that cancels it (``.cancel()``,
or hands it to a call: ``cancel_and_wait(self._main)``, ``wait_for``) first sets the event on the
same path (``self._closing.set()``), a raced ``create_task(self._closing.wait())``, or one running
a method of the class that only waits on that event, finishes as soon as the cancelled wait
returns: the owner set what it waits on before cancelling (``aclose()`` of a realtime session).

A method called or handed on anywhere else, a task attribute returned or handed on, a cancel
with no earlier ``set()`` on its path: not proven."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import classify, self_name, sequential

Function = ast.FunctionDef | ast.AsyncFunctionDef


def set_before_every_cancel(module: ModuleInfo, function: ast.AsyncFunctionDef, made: ast.stmt) -> bool:
    """Whether the task made by ``made`` in ``function`` (a method) waits on ``self.<event>``
    that every cancel of the task running ``function`` sets first."""
    cls = module.parent(function)
    receiver = self_name(function)
    value = made.value if isinstance(made, (ast.Assign, ast.AnnAssign)) else None
    if not (isinstance(cls, ast.ClassDef) and receiver and function.name.startswith("_") and isinstance(value, ast.Call) and value.args):
        return False
    methods: dict[str, Function] = {m.name: m for m in cls.body if isinstance(m, FUNCTION_NODES)}
    event = _awaited_event(value.args[0], receiver, methods)
    if event is None:
        return False
    holders = _task_attributes(module, cls, function.name)
    if not holders:
        return False
    for method in methods.values():
        own = self_name(method)
        for node in walk(method):
            if not (
                isinstance(node, ast.Attribute)
                and node.attr in holders
                and isinstance(node.value, ast.Name)
                and node.value.id == own
                and isinstance(node.ctx, ast.Load)
            ):
                continue
            use = classify(module, node)
            if use.kind in ("test", "await") or (use.kind == "method" and use.name in ("done", "cancelled", "add_done_callback")):
                continue
            if not (use.kind in ("method", "argument") and (use.kind == "argument" or use.name == "cancel")):
                return False  # handed on, returned, kept elsewhere: who else may cancel it is unknown
            if not _set_before(module, method, own or "", event, node):
                return False
    return True


def _awaited_event(coroutine: ast.expr, receiver: str, methods: dict[str, Function]) -> str | None:
    """``self.<event>.wait()``, or ``self.<m>()`` where ``m`` awaits nothing but that: the event."""
    if not isinstance(coroutine, ast.Call):
        return None
    func = coroutine.func
    if isinstance(func, ast.Attribute) and func.attr == "wait" and not coroutine.args:
        inner = func.value
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id == receiver:
            return inner.attr
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver:
        method = methods.get(func.attr)
        if not isinstance(method, ast.AsyncFunctionDef):
            return None
        waits = [n for n in walk(method) if isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith))]
        if len(waits) == 1 and isinstance(waits[0], ast.Await):
            return _awaited_event(waits[0].value, self_name(method) or "", {})
    return None


def _task_attributes(module: ModuleInfo, cls: ast.ClassDef, name: str) -> set[str]:
    """The attributes of ``self`` that hold a task of ``self.<name>()``, when that is the only
    way the module ever names ``name``; else nothing."""
    holders: set[str] = set()
    for node in walk(module.tree):
        named = (isinstance(node, ast.Attribute) and node.attr == name) or (isinstance(node, ast.Name) and node.id == name)
        if not named or not isinstance(getattr(node, "ctx", None), ast.Load):
            continue
        call = module.parent(node)
        creator = module.parent(call) if isinstance(call, ast.Call) and call.func is node else None
        stmt = module.parent(creator) if isinstance(creator, ast.Call) and creator.args and creator.args[0] is call else None
        if not (isinstance(stmt, ast.Assign) and stmt.value is creator and len(stmt.targets) == 1):
            return set()
        target = stmt.targets[0]
        function = module.enclosing_function(stmt)
        if not (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and isinstance(function, FUNCTION_NODES)
            and target.value.id == self_name(function)
            and module.parent(function) is cls
        ):
            return set()
        holders.add(target.attr)
    return holders


def _set_before(module: ModuleInfo, method: Function, receiver: str, event: str, node: ast.AST) -> bool:
    """``self.<event>.set()`` runs earlier on the path to ``node`` in ``method``."""
    stmt = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    if stmt is None:
        return False
    for call in walk(method):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "set"
            and isinstance(call.func.value, ast.Attribute)
            and call.func.value.attr == event
            and isinstance(call.func.value.value, ast.Name)
            and call.func.value.value.id == receiver
            and module.enclosing_function(call) is method
        ):
            done = module.parent(call)
            if isinstance(done, ast.Expr) and done.lineno < stmt.lineno and sequential(module, done, stmt):
                return True
    return False
