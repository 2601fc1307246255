"""A coalesced one-shot task on ``self``: a method starts ``self._save_task = create_task(
self.save())`` only once the task it holds is done (``if self._save_task is not None and not
self._save_task.done(): return``), and the coroutine is a method of the class that neither
loops nor sleeps. The attribute marks the one run in flight, so calls made meanwhile coalesce
into it; the run ends by itself once its work is done, as one-shot work kept until it is done
does, and cancelling it at the owner's end would drop that work (the write a save was
coalescing). A task that loops, sleeps (a debounce or a delayed retry: it is still waiting when
the owner ends), or is replaced while it runs is judged as before."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import endless_loop, methods_reached, self_name, sequential
from tradelint.facts.owned_elements import has_an_end_of_its_own
from tradelint.models.tasks.self_leaving import sleeps

Function = ast.FunctionDef | ast.AsyncFunctionDef


def coalesced_one_shot(
    module: ModuleInfo, call: ast.Call, function: Function, cls: ast.ClassDef, attr: str, store: ast.stmt
) -> bool:
    """Whether ``store`` (``self.<attr> = call`` in ``function``) starts a coalesced one-shot
    run, as described above."""
    receiver = self_name(function)
    coroutine = call.args[0] if call.args else None
    if not (
        receiver
        and isinstance(coroutine, ast.Call)
        and isinstance(coroutine.func, ast.Attribute)
        and isinstance(coroutine.func.value, ast.Name)
        and coroutine.func.value.id == receiver
    ):
        return False
    methods = {m.name: m for m in cls.body if isinstance(m, FUNCTION_NODES)}
    if has_an_end_of_its_own(methods):
        # An object with an end of its own drains the run in flight there (a heartbeat that
        # outlives ``close()``; a save awaited at the end rather than lost).
        return False
    method = methods.get(coroutine.func.attr)
    if not isinstance(method, ast.AsyncFunctionDef):
        return False
    # The run and every method of the class it calls on ``self`` (a ``_try_loop()`` wrapping the
    # ``while True`` of ``_loop()``) neither loops nor sleeps.
    ran = [method, *(methods[name] for name in methods_reached(methods, [method.name], calls_only=True) if name in methods)]
    if any(endless_loop(n) or sleeps(n) for m in ran for n in walk(m)):
        return False
    return any(_guards(module, node, receiver, attr, store) for node in walk(function) if isinstance(node, ast.If))


def _guards(module: ModuleInfo, branch: ast.If, receiver: str, attr: str, store: ast.stmt) -> bool:
    """``branch`` asks whether ``self.<attr>`` is done and either returns while it is not
    (``if self.t is not None and not self.t.done(): return``, also after counting the call
    it coalesces: ``self.busy += 1; return``), before ``store`` on its path, or
    holds ``store`` in its body once it is (``if self.t is None or self.t.done(): self.t = ...``)."""
    asked = [
        n for n in walk(branch.test)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "done"
        and isinstance(n.func.value, ast.Attribute)
        and n.func.value.attr == attr
        and isinstance(n.func.value.value, ast.Name)
        and n.func.value.value.id == receiver
    ]
    if len(asked) != 1:
        return False
    parent = module.parent(asked[0])
    negated = isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    if not negated:
        return any(stmt is store for stmt in branch.body)
    return (
        _leaves(branch.body, receiver, attr)
        and not branch.orelse
        and branch.lineno < store.lineno
        and sequential(module, branch, store)
    )


def _leaves(body: list[ast.stmt], receiver: str, attr: str) -> bool:
    """``body`` ends in a ``return``, and what runs before it only notes the coalesced call
    (``self.busy_count += 1``, ``self.next_run = now + 1``): plain statements that store
    nothing into ``self.<attr>`` and make no branch or loop of their own, so the return is
    always reached and the run in flight stays the one held."""
    *before, last = body
    if not isinstance(last, ast.Return):
        return False
    for stmt in before:
        if not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Pass)):
            return False
        for node in walk(stmt):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, (ast.Store, ast.Del))
                and node.attr == attr
                and isinstance(node.value, ast.Name)
                and node.value.id == receiver
            ):
                return False
            if isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda)):
                return False
    return True
