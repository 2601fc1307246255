from __future__ import annotations

import ast
from typing import Iterator

from flake8_tradelint.analysis.uses import name_loads
from flake8_tradelint.engine import FileContext
from flake8_tradelint.registry import Report, Rule

WAIT = {"asyncio.wait", "asyncio.tasks.wait"}
EARLY_RETURN = {"FIRST_COMPLETED", "FIRST_EXCEPTION"}


class PendingTasksNeverCancelled(Rule):
    """## What it does
    Flags `done, pending = await asyncio.wait(..., return_when=FIRST_COMPLETED)` (or
    `FIRST_EXCEPTION`, or with a `timeout`) when `pending` is never used afterwards.

    ## Why is this bad?
    `asyncio.wait` does not cancel the tasks that have not finished. The losers of the race run
    on, unowned: they hold connections, raise errors nobody retrieves, and are destroyed pending
    at shutdown.

    ## Example
    ```python
    import asyncio

    async def first(tasks):
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return done.pop().result()
    ```

    ## Use instead
    ```python
    import asyncio

    async def first(tasks):
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return done.pop().result()
    ```

    ## Fix safety
    No automatic fix: whether the losers should be cancelled or awaited is the caller's choice.
    """

    code = "TRD304"
    name = "pending-tasks-never-cancelled"
    incident = "002"
    fix_availability = "none"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        for call in module.index.calls:
            if module.imports.qualify(call.func) not in WAIT or not _may_leave_pending(call):
                continue
            awaited = module.parent(call)
            assign = module.parent(awaited) if isinstance(awaited, ast.Await) else None
            if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1):
                continue
            target = assign.targets[0]
            if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name)):
                continue
            pending = target.elts[1].id
            function = module.enclosing_function(call)
            if function is None:
                continue
            if pending == "_" or next(name_loads(function, pending), None) is None:
                yield Report(
                    assign,
                    f"`{pending}` from `asyncio.wait(...)` is never used: the tasks still running are not "
                    f"cancelled and run on unowned; cancel them (`for t in {pending}: t.cancel()`)",
                )


def _may_leave_pending(call: ast.Call) -> bool:
    for kw in call.keywords:
        if kw.arg == "timeout" and not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
            return True
        if kw.arg == "return_when":
            name = kw.value.attr if isinstance(kw.value, ast.Attribute) else getattr(kw.value, "id", "")
            if name in EARLY_RETURN:
                return True
    return len(call.args) >= 2  # positional timeout
