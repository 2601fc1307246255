from __future__ import annotations

from typing import Iterator

from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.specs import keep_task_fix
from flake8_tradelint.registry import Report, Rule


class TaskLocalNeverAwaited(Rule):
    """## What it does
    Flags a task kept in a local variable, or in a local set or list, that is never awaited,
    cancelled, passed on, stored or returned; also a task added to a module-level list, set or
    dict (`_TASKS.append(create_task(...))`) that no code of the module ever reaches to cancel,
    await or hand on.

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
    In a method of a class with an async shutdown-like method, unsafe: the task is kept on the
    instance (`self._keep_task(...)`) and cancelled and awaited at the start of that method
    (never the task running it), so shutdown now stops the work. Elsewhere, safe: the project's
    own keeper (`task-keeper`) holds it, or, in a module that is a program of its own, a typed
    keeper written into it. None when the call may not give a task (a wrapper that returns None in
    some mode), in a package without `task-keeper`, and for a module-level registry (the cure is
    to end its tasks at shutdown, which the module must choose where).
    """

    code = "TRD302"
    name = "task-local-never-awaited"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for site in ctx.tasks.sites:
            if site.problem == "local":
                yield Report(
                    site.node,
                    f"task `{site.name}` (`{site.label}(...)`) is never awaited, cancelled, stored or "
                    "returned; it is unowned once the function returns",
                    keep_task_fix(ctx, site.call),
                )
            elif site.problem == "global":
                yield Report(
                    site.node,
                    f"task `{site.name}` (`{site.label}(...)`) is a module global that no code of the module "
                    "awaits, cancels or hands on: the task is never ended",
                )
            elif site.problem == "global_container":
                yield Report(
                    site.node,
                    f"task from `{site.label}(...)` is kept in module global `{site.name}`, which no code of the "
                    "module cancels, awaits or hands on: the task is never ended",
                )
            elif site.problem == "container":
                yield Report(
                    site.node,
                    f"task from `{site.label}(...)` is kept in local `{site.name}`, which is never awaited, "
                    "gathered or returned: the container dies with the frame and the task is unowned",
                    keep_task_fix(ctx, site.call),
                )
