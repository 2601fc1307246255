"""A local task whose end the function hands to a closure it starts as a task: ``async def
watch(): try: await main_done.wait() ... finally: side.cancel()``, then
``asyncio.create_task(watch())``. The function returns with the task running by design; the
closure's task holds it (the closure names it) and cancels it in its ``finally``, whatever
ends the closure. The task lives as long as that closure's task, which is judged on its own (a
discarded one is TRD301's, a local one TRD302's).

Not a cancel in a closure the function only defines or calls (``def stop(): side.cancel()``,
which may never run), nor one outside the closure's ``finally`` (skipped by its errors).

Asked by TRD302 (``task_uses._cancelled_on_some_paths``); it reads no other layer of the task
model."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import own_nodes


def ended_by_closure_task(module: ModuleInfo, function: ast.AST, ends: Iterable[ast.stmt]) -> bool:
    """Some statement of ``ends`` is in a ``finally`` of an ``async def`` defined in
    ``function`` that ``function`` starts as a task (passes its call, or itself, to a call)."""
    for end in ends:
        closure, in_finally = None, False
        child: ast.AST = end
        for ancestor in module.ancestors(end):
            if isinstance(ancestor, ast.Try) and any(child is s for s in ancestor.finalbody):
                in_finally = True
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                closure = ancestor
                break
            child = ancestor
        if in_finally and isinstance(closure, ast.AsyncFunctionDef) and _started(function, closure):
            return True
    return False


def _started(function: ast.AST, closure: ast.AsyncFunctionDef) -> bool:
    """``closure`` is defined in ``function``'s own frame and given to a call there: ``create_task(
    closure())``, ``loop.create_task(closure())``, ``group.start_soon(closure)``."""
    nodes = list(own_nodes(function))
    if not any(node is closure for node in nodes):
        return False
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        for arg in node.args:
            if isinstance(arg, ast.Name) and arg.id == closure.name:
                return True
            if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == closure.name and not arg.args:
                return True
    return False
