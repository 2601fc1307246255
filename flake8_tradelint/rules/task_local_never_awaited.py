from __future__ import annotations

from typing import Iterator

from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.specs import keep_task_fix
from flake8_tradelint.registry import Report, Rule


class TaskLocalNeverAwaited(Rule):
    """## What it does
    Flags a task kept in a local variable, or in a local set or list, that is never awaited,
    cancelled, passed on, stored or returned.

    ## Why is this bad?
    The reference dies with the function's frame, after which the task is as unowned as a
    discarded one: it may be garbage-collected mid-run and nothing will ever cancel it.

    ## Example
    ```python
    import asyncio

    async def refresh():
        task = asyncio.create_task(poll())
        task.add_done_callback(log_result)
    ```

    ## Use instead
    ```python
    import asyncio

    async def refresh():
        task = asyncio.create_task(poll())
        task.add_done_callback(log_result)
        await task
    ```

    ## Fix safety
    Safe: the task is moved into a module-level background set that releases it when done.
    """

    code = "TRD302"
    name = "task-local-never-awaited"
    incident = "002"
    fix_availability = "always"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for site in ctx.tasks.sites:
            if site.problem == "local":
                yield Report(
                    site.node,
                    f"task `{site.name}` (`{site.label}(...)`) is never awaited, cancelled, stored or "
                    "returned; it is unowned once the function returns",
                    keep_task_fix(ctx, site.call),
                )
            elif site.problem == "container":
                yield Report(
                    site.node,
                    f"task from `{site.label}(...)` is kept in local `{site.name}`, which is never awaited, "
                    "gathered or returned: the container dies with the frame and the task is unowned",
                    keep_task_fix(ctx, site.call),
                )
