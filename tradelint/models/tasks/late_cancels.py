"""A task a class keeps on ``self`` that its end cancels only after releasing something else.

``close()`` awaits ``self._ws.close()`` and only then cancels ``self._reader``: when that release
raises (a connection already broken, an attribute still ``None``) or the closing task is
cancelled while it waits, every statement after it is skipped and the task runs on
(Thomas55555/aioautomower ``e838ffde``; lbbrhzn/ocpp ``1ef35ba4``, whose ``stop()`` closes the
websocket before cancelling ``self.tasks``). Both fixes cancel first, or in a ``finally``.

Reported where each cancel of the task in the class is such a late one, in a method named as a
release (``close()``, ``stop()``, ``shutdown()``): the release awaited before it, on the same
path, is a release method called on another attribute of ``self`` (``await self._conn.close()``),
with no ``try`` around it and no ``finally`` (or handler) around the cancel. A task awaited or
cancelled anywhere else, or handed on, is not judged here.

Asked by TRD303; it reads no other layer of the task model."""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, TASK_MAKERS, last_name, own_nodes


@dataclass(frozen=True)
class LateCancel:
    stmt: ast.stmt  # where the task is stored
    name: str  # the attribute
    cls: ast.ClassDef
    ender: str  # the release method that cancels it late
    release: str  # the awaited release before the cancel, as spelled


def cancelled_late(module: ModuleInfo) -> Iterator[LateCancel]:
    # A class stores a task only with a call of a task maker in its lines (as :mod:`.siblings`
    # asks): walking every method of every class for one was a tenth of a check.
    lines = sorted(call.lineno for call in module.index.calls if last_name(call.func) in TASK_MAKERS)
    if not lines:
        return
    for cls in module.index.classes:
        end = cls.end_lineno if cls.end_lineno is not None else cls.lineno
        if bisect_right(lines, end) == bisect_left(lines, cls.lineno):
            continue
        methods = [s for s in cls.body if isinstance(s, FUNCTION_NODES)]
        stored = _stored_tasks(methods)
        if not stored:
            continue
        for name, stmt in stored.items():
            late: tuple[str, str] | None = None
            judged = True
            coroutine = _coroutine_method(stmt, methods)
            for method in methods:
                for use in _uses(method, name):
                    found = _late_cancel(module, method, use)
                    if found and coroutine is not None and _stops_by_flag(method, coroutine):
                        found = ""  # the end tells the task to stop first: it ends by itself
                    if found is None:
                        judged = False
                    elif found and late is None:
                        late = (method.name, found)
            if judged and late is not None:
                yield LateCancel(stmt, name, cls, late[0], late[1])


def _stored_tasks(methods: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> dict[str, ast.stmt]:
    """``self.x = create_task(...)`` (or ``ensure_future``, or a list of them made by a
    comprehension or a display), by attribute: its first such statement."""
    found: dict[str, ast.stmt] = {}
    for method in methods:
        for node in own_nodes(method):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            name = _self_attr(node.targets[0])
            if name is None or not _makes_tasks(node.value):
                continue
            if name not in found or node.lineno < found[name].lineno:
                found[name] = node
    return found


def _coroutine_method(stmt: ast.stmt, methods: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> ast.AsyncFunctionDef | None:
    """The method of the class whose coroutine the stored task runs: ``create_task(self.run())``."""
    value = stmt.value if isinstance(stmt, ast.Assign) else None
    coroutine = value.args[0] if isinstance(value, ast.Call) and value.args else None
    if not (isinstance(coroutine, ast.Call) and _self_attr(coroutine.func) is not None):
        return None
    assert isinstance(coroutine.func, ast.Attribute)
    return next((m for m in methods if isinstance(m, ast.AsyncFunctionDef) and m.name == coroutine.func.attr), None)


def _stops_by_flag(ender: ast.AST, coroutine: ast.AsyncFunctionDef) -> bool:
    """``ender`` sets ``self.<flag>`` that every loop of the task's coroutine tests (``while not
    self.should_stop``): the task ends by itself once the flag is set, whatever the release does.
    Not when one of its loops does not test it (an ``async for`` over a connection)."""
    flags = {
        _self_attr(target)
        for node in own_nodes(ender)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if _self_attr(target) is not None and isinstance(node.value, ast.Constant)
    }
    loops = [n for n in ast.walk(coroutine) if isinstance(n, (ast.While, ast.For, ast.AsyncFor))]
    return bool(flags) and bool(loops) and all(
        isinstance(loop, ast.While) and any(_self_attr(n) in flags for n in ast.walk(loop.test)) for loop in loops
    )


def _makes_tasks(value: ast.expr) -> bool:
    if isinstance(value, ast.Call):
        return last_name(value.func) in TASK_MAKERS
    if isinstance(value, (ast.ListComp, ast.SetComp)):
        return _makes_tasks(value.elt)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts) and all(_makes_tasks(e) for e in value.elts)
    return False


def _uses(method: ast.AST, name: str) -> Iterator[ast.Attribute]:
    """The loads of ``self.<name>`` in the method that can end the task: all but the store's own
    target and tests of it (``if self.t is not None``, ``self.t.done()``)."""
    for node in own_nodes(method):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and _self_attr(node) == name:
            yield node


def _late_cancel(module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, use: ast.Attribute) -> str | None:
    """The release awaited before this cancel of the task, when it is a late one: ``self.t.cancel()``
    or ``for t in self.ts: t.cancel()`` in a method named as a release, after ``await
    self.<other>.<release>()`` on the same path. None for any other use (an end elsewhere, a
    test of the task, an await, a cancel with nothing awaited before it)."""
    parent = module.parent(use)
    cancel: ast.AST | None = None
    if isinstance(parent, ast.Attribute) and parent.attr in ("done", "cancelled"):
        return ""  # a test: no end
    if isinstance(parent, (ast.Compare, ast.BoolOp, ast.UnaryOp)) or isinstance(parent, (ast.If, ast.While)) and parent.test is use:
        return ""
    if isinstance(parent, ast.Starred) and _gathered_where_made(module, method, parent, use):
        return ""  # the maker waits on its own tasks: a failing one leaves the rest to the end
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set)):
        # ``for task in [self.a, self.b]: task.cancel()``
        parent = module.parent(parent) if isinstance(module.parent(parent), ast.For) else parent
        use_iter = module.parent(use)
    else:
        use_iter = use
    if isinstance(parent, ast.Attribute) and parent.attr == "cancel":
        cancel = parent
    elif isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is use_iter:
        cancel = _cancels_each(parent)
    if cancel is None or not is_release_name(method.name) or not isinstance(method, ast.AsyncFunctionDef):
        return None
    statement = _top_statement(module, method, cancel)
    if statement is None or _guarded(module, method, cancel):
        return None
    for earlier in method.body:
        if earlier is statement:
            break
        release = _awaited_release(earlier, _self_attr(use) or "")
        if release is not None:
            return release
    return None


def _gathered_where_made(module: ModuleInfo, method: ast.AST, starred: ast.Starred, use: ast.Attribute) -> bool:
    """``gather(*self.tasks)`` (or ``wait``) in the method that stores ``self.tasks``."""
    call = module.parent(starred)
    func = call.func if isinstance(call, ast.Call) else None
    if not (isinstance(func, (ast.Attribute, ast.Name)) and (getattr(func, "attr", None) or getattr(func, "id", "")) in ("gather", "wait")):
        return False
    return any(
        isinstance(node, ast.Assign) and any(_self_attr(t) == use.attr for t in node.targets)
        for node in own_nodes(method)
    )


def _cancels_each(loop: ast.For | ast.comprehension) -> ast.AST | None:
    target = loop.target
    if not isinstance(target, ast.Name):
        return None
    for node in ast.walk(loop):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "cancel"
            and isinstance(node.value, ast.Name)
            and node.value.id == target.id
        ):
            return node
    return None


def _top_statement(module: ModuleInfo, method: ast.AST, node: ast.AST) -> ast.stmt | None:
    """The statement of the method's own body that holds ``node``."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is method:
            return child if isinstance(child, ast.stmt) else None
        child = ancestor
    return None


def _guarded(module: ModuleInfo, method: ast.AST, node: ast.AST) -> bool:
    """The cancel runs in a ``try``'s ``finally`` or handler: it runs when an await before it
    fails."""
    for ancestor in module.ancestors(node):
        if ancestor is method:
            return False
        if isinstance(ancestor, (ast.ExceptHandler,)):
            return True
        if isinstance(ancestor, ast.Try) and any(node in ast.walk(s) for s in ancestor.finalbody):
            return True
    return False


def _awaited_release(statement: ast.stmt, name: str) -> str | None:
    """``await self.<other>.<release>(...)`` in ``statement`` (not inside a ``try``, nor a ``with``
    that may suppress its error), on another attribute than the task's."""
    if isinstance(statement, (ast.Try, ast.With, ast.AsyncWith)) or isinstance(statement, FUNCTION_NODES):
        return None
    for node in ast.walk(statement):
        if isinstance(node, (ast.Try, ast.With, ast.AsyncWith, *FUNCTION_NODES, ast.Lambda)):
            return None
    for node in ast.walk(statement):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if (
            isinstance(func, ast.Attribute)
            and is_release_name(func.attr)
            and _self_attr(func.value) not in (None, name)
        ):
            return ast.unparse(func)
    return None


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None
