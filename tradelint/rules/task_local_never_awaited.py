from __future__ import annotations

from typing import Iterator

from tradelint.core.messages import Text, fit
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.tasks.fixes import keep_task_fix_and_reason, no_fix_help
from tradelint.models.tasks.task_model import task_analysis


class TaskLocalNeverAwaited(Rule):
    """## What it does
    Flags a task kept in a local variable, or in a local set or list, that is never awaited,
    cancelled, passed on, stored or returned; also a task added to a module-level list, set or
    dict (`_TASKS.append(create_task(...))`) that no code of the module ever reaches to cancel,
    await or hand on. A local whose function then blocks in `loop.run_forever()` or
    `loop.run_until_complete()` lives as long as the loop runs, and one the function asserts done
    (`assert task.done()`, `self.assertTrue(task.done())`) ended within the frame: neither is flagged.

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

    A preview rule: 2 of its 9 findings on the real code reviewed so far were locals kept alive
    or dropped on purpose by means the rule cannot see (uvicorn's lifespan task waits on a queue
    its object holds; a test deletes its task to see it collected).

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
    # Preview since issue 14's review on application code: 7 of 9 findings true across the corpus,
    # the holdout and 29 applications (uvicorn's and mitmproxy's are deliberate), below 95 %.
    preview = True
    name = "task-local-never-awaited"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for site in task_analysis(ctx).sites:
            if site.problem in TEXTS:
                message, help = TEXTS[site.problem]
                # A module's own task or registry: ending it at shutdown is the module's choice.
                fix, reason = (
                    (None, "") if site.problem in ("global", "global_container") else keep_task_fix_and_reason(ctx, site.call)
                )
                yield Report(
                    site.node,
                    fit(message, name=site.name, label=site.label),
                    fix,
                    no_fix_help(reason) if reason else help,
                )


# Per problem: message and help.
TEXTS = {
    "local": Text(
        "task `{name}` from `{label}(...)` is never awaited or kept; await or store it",
        "Once the function returns nothing references it: it can be garbage-collected mid-run",
    ),
    "global": Text(
        "global task `{name}` from `{label}(...)` is never ended; cancel or await it at shutdown",
        "No code of the module awaits, cancels or hands it on",
    ),
    "global_container": Text(
        "tasks in global `{name}` (from `{label}(...)`) are never ended; cancel them at shutdown",
        "No code of the module reaches the collection to cancel, await or hand them on",
    ),
    "container": Text(
        "tasks in local `{name}` (from `{label}(...)`) are never awaited; gather or keep them",
        "The container dies with the frame, and the tasks can then be garbage-collected mid-run",
    ),
}
