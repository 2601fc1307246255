"""Tasks kept in a collection on ``self`` only until they are done, because each one leaves it
by itself: its own coroutine removes its entry at its end (``del self._jobs[key]`` in its
``else``/``except``, ``self._jobs.pop(key, None)`` in its ``finally``), or a done callback given
to it does (``task.add_done_callback(lambda t: self._finished(key, t))``, where ``_finished``
pops the key). This is the set-plus-``discard`` pattern (``owned_elements``) written by hand: the
collection holds the work while it runs and drops it once done, so one-shot work kept so needs
no end of its own. An object with an end of its own (``stop()``, ``close()``, a cog's unload)
must still end its tasks at that end, whatever they do: a loop leaves the collection only when
it fails, a timer still waiting when the owner ends fires after it, and one-shot work (a
download, a refresh) runs on past the end (session 55: development sites lost otherwise)."""

from __future__ import annotations

import ast
from typing import Iterator

from tradelint.facts.owned_elements import has_an_end_of_its_own
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import bound_once, self_name

# What takes one element out of a collection: ``self._jobs.pop(key)``, ``.discard(task)``.
_REMOVERS = frozenset({"pop", "discard", "remove"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


def leaves_when_done(cls: ast.ClassDef, attr: str) -> bool:
    """Every task the class puts in ``self.<attr>`` leaves it by itself once done (its own
    coroutine, or a done callback given to it, removes an element of the collection), and none
    loops until cancelled in a class with an end of its own."""
    methods: dict[str, Function] = {m.name: m for m in cls.body if isinstance(m, FUNCTION_NODES)}
    if has_an_end_of_its_own(methods):
        # An object with an end of its own ends the work in flight there, one-shot or not (a
        # download that takes minutes, a refresh that reads through a stopped handler).
        return False
    found = False
    for method in methods.values():
        receiver = self_name(method)
        if receiver is None:
            continue
        if any(_fills_whole(node, receiver, attr) for node in walk(method)):
            return False  # tasks put there all at once (``self.x = {k: create_task(...) ...}``): not read here
        for scope, value, held in _additions(method, receiver, attr):
            task = bound_once(scope, value.id) if isinstance(value, ast.Name) else value
            if not (isinstance(task, ast.Call) and task.args):
                return False
            body = _coroutine_body(task.args[0], scope, receiver, methods)
            ends: list[ast.AST] = [body] if body is not None else []
            ends.extend(_done_callbacks(scope, held, receiver, methods))
            if not any(_removes(end, _receiver_in(end, receiver, methods), attr) for end in ends):
                return False
            found = True
    return found


def sleeps(node: ast.AST) -> bool:
    """``asyncio.sleep(...)`` (or any ``sleep``): a timer, still waiting when its owner ends."""
    return isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)) and (
        node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
    ) == "sleep"


def _additions(method: Function, receiver: str, attr: str) -> Iterator[tuple[ast.AST, ast.expr, ast.expr]]:
    """Each value put in ``self.<attr>`` in ``method`` (``self.x[key] = v``, ``self.x.add(v)``):
    the function it stands in, the value, and what holds the task there (the local it is
    bound to, or the value itself)."""
    for node in walk(method):
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            if _is_collection(node.targets[0].value, receiver, attr):
                value = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("add", "append")
            and len(node.args) == 1
            and _is_collection(node.func.value, receiver, attr)
        ):
            value = node.args[0]
        if value is not None:
            yield _scope_of(method, node), value, value


def _fills_whole(node: ast.AST, receiver: str, attr: str) -> bool:
    """``self.<attr> = value`` where ``value`` is not an empty collection (``{}``, ``dict()``)."""
    if not (isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not any(_is_collection(t, receiver, attr) for t in targets):
        return False
    value = node.value
    if isinstance(value, (ast.Dict, ast.List, ast.Set)) and not (value.keys if isinstance(value, ast.Dict) else value.elts):
        return False
    return not (isinstance(value, ast.Call) and not value.args and not value.keywords)


def _scope_of(method: Function, node: ast.AST) -> ast.AST:
    """The innermost function of ``method`` (itself included) that holds ``node``."""
    scope: ast.AST = method
    for inner in walk(method):
        if isinstance(inner, FUNCTION_NODES) and inner is not method and any(n is node for n in walk(inner)):
            scope = inner
    return scope


def _is_collection(expr: ast.expr, receiver: str, attr: str) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr == attr and isinstance(expr.value, ast.Name) and expr.value.id == receiver


def _coroutine_body(coroutine: ast.expr, scope: ast.AST, receiver: str, methods: dict[str, Function]) -> Function | None:
    """The function whose coroutine the task runs: a coroutine function defined in ``scope``
    (``create_task(reply())``) or a method of the class (``create_task(self._get(url))``)."""
    if not isinstance(coroutine, ast.Call):
        return None
    func = coroutine.func
    if isinstance(func, ast.Name):
        return next((n for n in walk(scope) if isinstance(n, ast.AsyncFunctionDef) and n.name == func.id), None)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver:
        return methods.get(func.attr)
    return None


def _done_callbacks(scope: ast.AST, held: ast.expr, receiver: str, methods: dict[str, Function]) -> Iterator[ast.AST]:
    """What runs once the task held by ``held`` is done: the callbacks given to it by
    ``add_done_callback`` in ``scope`` (a method of the class, or a lambda and the methods of the
    class it calls)."""
    for node in walk(scope):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_done_callback"
            and len(node.args) == 1
        ):
            continue
        target = node.func.value
        if not (target is held or (isinstance(target, ast.Name) and isinstance(held, ast.Name) and target.id == held.id)):
            continue
        callback = node.args[0]
        if isinstance(callback, ast.Lambda):
            yield callback
            for call in walk(callback):
                if isinstance(call, ast.Call) and (method := _own_method(call.func, receiver, methods)) is not None:
                    yield method
        elif (method := _own_method(callback, receiver, methods)) is not None:
            yield method


def _own_method(expr: ast.expr, receiver: str, methods: dict[str, Function]) -> Function | None:
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == receiver:
        return methods.get(expr.attr)
    return None


def _receiver_in(region: ast.AST, receiver: str, methods: dict[str, Function]) -> str:
    """The name of the object in ``region``: a method's own first parameter; in a closure or a
    lambda, the enclosing method's."""
    for method in methods.values():
        if region is method:
            return self_name(method) or receiver
    return receiver


def _removes(region: ast.AST, receiver: str, attr: str) -> bool:
    """``region`` takes an element out of ``self.<attr>``: ``del self.x[key]``,
    ``self.x.pop(key, None)``, ``self.x.discard(task)``."""
    for node in walk(region):
        if isinstance(node, ast.Delete):
            if any(isinstance(t, ast.Subscript) and _is_collection(t.value, receiver, attr) for t in node.targets):
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _REMOVERS:
            if _is_collection(node.func.value, receiver, attr) and node.args:
                return True
    return False


def dropped_by_own_helper(cls: ast.ClassDef, attr: str, coroutines: set[str]) -> ast.stmt | None:
    """``self.<attr> = None`` in a method of the class that the task's own coroutine (a method
    named in ``coroutines``) calls on ``self`` after its first ``await``: one-shot work that
    clears its own reference at its end through a helper (``await asyncio.sleep(window)``, then
    ``await self._reset()``, which sets ``self._reset_task = None``). Judged as the coroutine
    dropping it itself (``task_uses._dropped_after_await``)."""
    methods: dict[str, Function] = {m.name: m for m in cls.body if isinstance(m, FUNCTION_NODES)}
    for name in coroutines:
        runner = methods.get(name)
        receiver = self_name(runner) if isinstance(runner, ast.AsyncFunctionDef) else None
        if runner is None or receiver is None:
            continue
        first = min((n.lineno for n in walk(runner) if isinstance(n, ast.Await)), default=None)
        for node in walk(runner):
            if not (first is not None and isinstance(node, ast.Call) and node.lineno > first
                    and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == receiver and node.func.attr in methods and node.func.attr != name):
                continue
            helper = methods[node.func.attr]
            inner = self_name(helper)
            for stmt in walk(helper):
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and stmt.value.value is None and any(
                    isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == inner
                    for t in stmt.targets
                ):
                    return stmt
    return None
