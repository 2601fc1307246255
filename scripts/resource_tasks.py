"""The table's **task** rule (``scripts/make_resource_table.py``): a library class whose
constructor starts a task it keeps, and whose public release method ends that task.

``__init__`` runs ``self._task = self._loop.create_task(self._run())`` (or ``asyncio.create_task``,
``asyncio.ensure_future``) unconditionally, and the nearest public release method of the family
(``aclose``, ``close``, ``dispose``, ``shutdown``, ``disconnect``, ``stop``), needing no argument,
awaits that task or cancels it: every instance runs work until its user ends it, by the library's
own word (livekit's ``rtc.AudioStream``: ``aclose()`` disposes its handle and awaits ``self._task``).
A class that starts its task later (in ``start()``) holds nothing until then and is not taken.

The release method may end the task through private methods of the class that it calls
(``close()`` running ``self._do_close(exc)``, which cancels ``self._reader_task``: aioredis 1's
``RedisConnection``), as the owner rule takes a public method reaching a private release
(``resource_openers.public_release``): those helpers are the class's own steps of that release,
which its users cannot call. A public method on the way is a release of its own, not followed.
"""

from __future__ import annotations

import ast

RELEASES = ("aclose", "close", "dispose", "shutdown", "disconnect", "stop")
_STARTS = {"create_task", "ensure_future"}
# Whether a release method ends the task through the private methods it calls (session 63);
# off only to measure what it adds.
REACH_RULE = True


def _receiver(method: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    params = method.args.posonlyargs + method.args.args
    return params[0].arg if params else None


def _nearest(nodes: list[ast.ClassDef], name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((m for n in nodes for m in n.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == name), None)


def started_tasks(init: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The attributes ``__init__`` keeps a task it starts in, in a statement of its own body (no
    branch, no ``try``): ``self.<attr> = <...>.create_task(...)``."""
    receiver = _receiver(init)
    kept: set[str] = set()
    for stmt in init.body:
        if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call)):
            continue
        func = stmt.value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name not in _STARTS:
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver:
                kept.add(target.attr)
    return kept


def _ends(method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str) -> bool:
    """The method awaits ``self.<attr>`` (alone or as an argument of what it awaits) or cancels it."""
    receiver = _receiver(method)

    def is_task(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == receiver

    for node in ast.walk(method):
        if isinstance(node, ast.Await) and any(is_task(n) for n in ast.walk(node.value)):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cancel" and is_task(node.func.value):
            return True
    return False


def _private_calls(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The private methods ``method`` calls on its receiver (``self._do_close(exc)``), dunders aside."""
    receiver = _receiver(method)
    called: set[str] = set()
    for node in ast.walk(method):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        func = node.func
        if isinstance(func.value, ast.Name) and func.value.id == receiver and func.attr.startswith("_") and not func.attr.startswith("__"):
            called.add(func.attr)
    return called


def _ends_through(nodes: list[ast.ClassDef], method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str) -> bool:
    """The method ends the task itself, or a private method of the family it reaches does."""
    todo, seen = [method], {method.name}
    while todo:
        current = todo.pop()
        if _ends(current, attr):
            return True
        if not REACH_RULE:
            continue
        for name in sorted(_private_calls(current) - seen):
            seen.add(name)
            helper = _nearest(nodes, name)
            if helper is not None:
                todo.append(helper)
    return False


def task_release(nodes: list[ast.ClassDef]) -> tuple[str, bool] | None:
    """(name, is a coroutine) of the release method ending the task the family's constructor
    starts (module docstring); None when there is none."""
    init = _nearest(nodes, "__init__")
    tasks = started_tasks(init) if init is not None else set()
    if not tasks:
        return None
    for name in RELEASES:
        method = _nearest(nodes, name)
        if method is None:
            continue
        required = len(method.args.posonlyargs) + len(method.args.args) - 1 - len(method.args.defaults)
        if required == 0 and all(_ends_through(nodes, method, attr) for attr in tasks):
            return name, isinstance(method, ast.AsyncFunctionDef)
    return None
