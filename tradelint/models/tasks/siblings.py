"""A task a class keeps on ``self`` that the method ending its other tasks leaves running.

The class's end of life, as its own code shows it: a method that ends (cancels, awaits as a
statement, hands to ``gather``/``wait``), itself or through the methods of the class it calls on
``self``, every task the class ends anywhere, and starts none of them again (not a restart that
stops and reschedules). A task the class keeps on ``self`` that no method ends but some method
awaits for its result (a getter, ``return await self._device_manager_task``, which nothing may ever
call) runs on after that end: allenporter/python-google-nest-sdm ``3d617c61``. Not a task the
method that makes it awaits before it returns (it is done by then); a task nothing awaits or ends
at all is TRD303's own finding, or a fire-and-forget it judges.

Asked by TRD303; it reads no other layer of the task model."""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, TASK_MAKERS, last_name, own_nodes


@dataclass(frozen=True)
class LeftTask:
    stmt: ast.stmt  # where the task is stored
    name: str  # the attribute
    cls: ast.ClassDef
    ender: str  # the method that ends the class's other tasks


def left_by_ender(module: ModuleInfo) -> Iterator[LeftTask]:
    # A class keeps two tasks only with two calls of a task maker in its lines: most modules and
    # classes have fewer, and walking each method of each class for them was a fifth of a check.
    lines = sorted(call.lineno for call in module.index.calls if last_name(call.func) in TASK_MAKERS)
    if len(lines) < 2:
        return
    for cls in module.index.classes:
        end = cls.end_lineno if cls.end_lineno is not None else cls.lineno
        if bisect_right(lines, end) - bisect_left(lines, cls.lineno) < 2:
            continue
        methods = {s.name: s for s in cls.body if isinstance(s, FUNCTION_NODES)}
        stored = _stored_tasks(methods)
        if len(stored) < 2:
            continue
        ended = {name: _ended_in(method, stored.keys()) for name, method in methods.items()}
        anywhere = set().union(*ended.values())
        left = [attr for attr in stored if attr not in anywhere]
        if not anywhere or not left:
            continue
        # The class's end of life: a method that ends (itself or through the methods of the class it
        # calls on ``self``) every task the class ends anywhere, and starts none (not a restart).
        makers = {id(maker) for _, maker in stored.values()}
        enders = sorted(
            name for name in methods
            if _reached(name, methods, ended) >= anywhere
            and not any(id(methods[m]) in makers for m in _reachable(name, methods))
        )
        if not enders:
            continue
        ender = min(enders, key=lambda name: (len(_reachable(name, methods)), name))
        for attr in sorted(left, key=lambda a: stored[a][0].lineno):
            stmt, maker = stored[attr]
            # Awaited for its result by some method (which nothing may call), never by the one
            # that makes it: the class counts on it, and no end of it ends it.
            if not _awaited_in(maker, attr) and any(_awaited_in(m, attr) for m in methods.values()):
                yield LeftTask(stmt, attr, cls, ender)


def _stored_tasks(methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> dict[str, tuple[ast.stmt, ast.AST]]:
    """``self.<attr> = <loop or asyncio>.create_task(...)`` (or ``ensure_future``) in a method,
    by attribute: its first such statement and that method."""
    found: dict[str, tuple[ast.stmt, ast.AST]] = {}
    for method in methods.values():
        for node in own_nodes(method):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and _self_attr(node.targets[0]) is not None
                and isinstance(node.value, ast.Call)
                and last_name(node.value.func) in TASK_MAKERS
            ):
                attr = _self_attr(node.targets[0])
                assert attr is not None
                if attr not in found or node.lineno < found[attr][0].lineno:
                    found[attr] = (node, method)
    return found


def _ended_in(method: ast.AST, attrs: Collection[str]) -> set[str]:
    """The task attributes the method cancels or awaits (``self.x.cancel()``, ``await self.x``,
    ``self.x`` given to a call: ``gather``, ``wait``, a helper that ends it)."""
    found: set[str] = set()
    for node in own_nodes(method):
        attr = _self_attr(node)
        if attr is not None and attr in attrs and isinstance(node, ast.Attribute) and _ends(method, node):
            found.add(attr)
    return found


def _ends(method: ast.AST, node: ast.Attribute) -> bool:
    """``self.x.cancel()``, ``await self.x`` as a statement (waiting for its end), ``self.x`` given
    to a call (``gather``, ``wait``, a helper that ends it) or put in a display; not ``return await
    self.x`` nor ``v = await self.x`` (a getter's use of its result)."""
    for candidate in own_nodes(method):
        if isinstance(candidate, ast.Expr) and isinstance(candidate.value, ast.Await) and candidate.value.value is node:
            return True
        if isinstance(candidate, ast.Call):
            func = candidate.func
            if isinstance(func, ast.Attribute) and func.value is node and func.attr == "cancel":
                return True
            if any(arg is node or (isinstance(arg, ast.Starred) and arg.value is node) for arg in candidate.args):
                return True
        if isinstance(candidate, (ast.List, ast.Tuple, ast.Set)) and any(e is node for e in candidate.elts):
            return True
    return False


def _reached(name: str, methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], ended: dict[str, set[str]]) -> set[str]:
    """The tasks ``name`` ends, itself or through the methods of the class it calls on ``self``."""
    return set().union(*(ended[m] for m in _reachable(name, methods)))


def _reachable(name: str, methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> set[str]:
    """``name`` and the methods of the class it calls on ``self``, transitively (a restart that
    stops and then schedules ``self.post_login()`` reaches what ``post_login`` starts)."""
    seen = {name}
    stack = [name]
    while stack:
        for node in own_nodes(methods[stack.pop()]):
            callee = _self_attr(node.func) if isinstance(node, ast.Call) else None
            if callee is not None and callee in methods and callee not in seen:
                seen.add(callee)
                stack.append(callee)
    return seen


def _awaited_in(method: ast.AST, attr: str) -> bool:
    return any(isinstance(n, ast.Await) and _self_attr(n.value) == attr for n in own_nodes(method))


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None
