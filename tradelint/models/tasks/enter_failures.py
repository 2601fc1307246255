"""A task ``__aenter__`` starts for ``__aexit__`` to end, left running when ``__aenter__`` fails
after starting it.

``async with Client() as c`` runs ``__aexit__`` only once ``__aenter__`` has returned. A task that
``__aenter__`` starts and keeps on ``self`` (itself, or through the methods it awaits on ``self``;
on an attribute of one, ``self._state.session_task``), which what ``__aexit__`` runs ends, is left
running when an ``await`` after its start raises or is cancelled, or a ``raise`` follows: a
connect whose wait for the session's readiness is cancelled leaves the session runner and its
transport running (jlowin/fastmcp ``d26b04f8``). Not when that ``await`` is in a ``try`` whose
``finally``, or handler of the cancellation (bare, ``BaseException``, ``CancelledError``), ends
the task, nor a ``raise`` under a test of the task (``if self.t.done(): raise ...``: it has
ended), nor an ``await`` of the task itself (cancelling the wait cancels it); an ``__aenter__``
with a ``try`` of its own handles errors in a way not judged here, and a test or a script's
``main()`` ends with its error. The task-family twin of TRD202's ``self_leaks_when_enter_fails``.

Asked by TRD303; it reads no other layer of the task model."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, TASK_MAKERS, last_name, own_nodes, walk

Method = ast.FunctionDef | ast.AsyncFunctionDef
_CANCEL_CATCHERS = frozenset({"CancelledError", "BaseException"})


@dataclass(frozen=True)
class EnterLeft:
    stmt: ast.Assign  # where the task is started and kept
    path: str  # ``_state.session_task`` for ``self._state.session_task``
    cls: ast.ClassDef
    maker: str  # the method that starts it


def left_when_enter_fails(module: ModuleInfo) -> Iterator[EnterLeft]:
    for cls in module.index.classes:
        methods: dict[str, Method] = {s.name: s for s in cls.body if isinstance(s, FUNCTION_NODES)}
        enter, leave = methods.get("__aenter__"), methods.get("__aexit__")
        if enter is None or leave is None or any(isinstance(n, ast.Try) for n in walk(enter)):
            continue
        if not goes_on_after_errors(module, enter, lifespans_end=False):
            continue
        at_exit = [n for m in _reachable("__aexit__", methods) for n in own_nodes(methods[m])]
        for name in sorted(_reachable("__aenter__", methods)):
            maker = methods[name]
            for stmt in own_nodes(maker):
                if not (
                    isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and (path := _self_path(stmt.targets[0])) is not None
                    and isinstance(stmt.value, ast.Call) and last_name(stmt.value.func) in TASK_MAKERS
                ):
                    continue
                coroutine = stmt.value.args[0] if stmt.value.args else None
                if isinstance(coroutine, ast.Call) and is_release_name(last_name(coroutine.func)):
                    continue  # a teardown
                if _ends_path(at_exit, path) and _fails_after(enter, maker, stmt, path, methods, set()):
                    yield EnterLeft(stmt, path, cls, name)


def _fails_after(method: Method, maker: Method, made: ast.stmt, path: str, methods: dict[str, Method], seen: set[str]) -> bool:
    """Whether ``method`` starts the task (through ``maker``) and can fail after that."""
    if method is maker:
        return _can_fail_after(method, made.end_lineno or made.lineno, path)
    seen.add(method.name)
    for node in walk(method):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
            continue
        callee = _self_path(node.value.func)
        if callee is None or callee not in methods or callee in seen or maker.name not in _reachable(callee, methods):
            continue
        if _can_fail_after(method, node.end_lineno or node.lineno, path):
            return True
        if _fails_after(methods[callee], maker, made, path, methods, seen):
            return True
    return False


def _can_fail_after(method: Method, line: int, path: str) -> bool:
    """An ``await`` or ``raise`` of ``method`` after ``line`` that no ``try`` ending the task
    covers: not the task's own ``await``, nor a ``raise`` under a test of the task."""
    parents = {id(child): node for node in walk(method) for child in ast.iter_child_nodes(node)}
    for node in walk(method):
        if not isinstance(node, ast.Await | ast.Raise) or node.lineno <= line:
            continue
        if isinstance(node, ast.Await) and _self_path(node.value) == path:
            continue
        if not _covered(node, parents, path, method):
            return True
    return False


def _covered(node: ast.AST, parents: dict[int, ast.AST], path: str, method: Method) -> bool:
    child, parent = node, parents.get(id(node))
    while parent is not None and parent is not method:
        if isinstance(parent, ast.Try | ast.TryStar):
            if child in parent.finalbody or any(child is h for h in parent.handlers):
                return True  # the cleanup's own statements
            if any(child is s for s in parent.body) and (
                _ends_path(_nodes(parent.finalbody), path)
                or any(
                    (h.type is None or _catches_cancel(h.type)) and _ends_path(_nodes(h.body), path)
                    for h in parent.handlers
                )
            ):
                return True
        if isinstance(node, ast.Raise) and isinstance(parent, ast.If) and any(
            _self_path(n) == path for n in walk(parent.test)
        ):
            return True  # ``if self.t.done(): raise ...``: the task has ended there
        child, parent = parent, parents.get(id(parent))
    return False


def _nodes(stmts: list[ast.stmt]) -> list[ast.AST]:
    return [n for stmt in stmts for n in walk(stmt)]


def _ends_path(nodes: list[ast.AST], path: str) -> bool:
    """Whether these nodes cancel or await the task at ``path`` (or a local naming it), or hand it
    to a call (``gather``, a helper that ends it)."""
    names = {
        n.targets[0].id for n in nodes
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
        and _self_path(n.value) == path
    }

    def named(expr: ast.AST) -> bool:
        return _self_path(expr) == path or (isinstance(expr, ast.Name) and expr.id in names)

    for node in nodes:
        if isinstance(node, ast.Await) and named(node.value):
            return True
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "cancel" and named(node.func.value):
                return True
            if any(named(a.value if isinstance(a, ast.Starred) else a) for a in node.args):
                return True
    return False


def _catches_cancel(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Tuple):
        return any(_catches_cancel(e) for e in expr.elts)
    return last_name(expr) in _CANCEL_CATCHERS


def _reachable(name: str, methods: dict[str, Method]) -> set[str]:
    """``name`` and the methods of the class it calls on ``self``, transitively."""
    seen = {name}
    stack = [name]
    while stack:
        for node in own_nodes(methods[stack.pop()]):
            callee = _self_path(node.func) if isinstance(node, ast.Call) else None
            if callee is not None and callee in methods and callee not in seen:
                seen.add(callee)
                stack.append(callee)
    return seen


def _self_path(node: ast.AST) -> str | None:
    """``a.b`` for ``self.a.b``, ``a`` for ``self.a``; None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "self" and parts:
        return ".".join(reversed(parts))
    return None
