from __future__ import annotations

import ast
from typing import Iterator

from flake8_tradelint.analysis.resource_model import Creation
from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.specs import async_with_fix
from flake8_tradelint.registry import Report, Rule


class UnclosedAsyncResource(Rule):
    """## What it does
    Flags an async resource (`aiohttp.ClientSession`, `httpx.AsyncClient`, a ccxt async exchange,
    a `redis.asyncio` client, an `asyncpg` pool, or one configured in `resources`) created in a
    function and not reliably closed: never closed, closed only outside `finally`, or created
    inline where nothing can close it; replaced by a new one before it is used or closed; handed
    to a first-party class that never closes it; replaced by a new value without being closed;
    closed in `finally` but left behind by a `return` or `raise` before the `try`; a module global
    (`global SESSION; SESSION = ClientSession()`) that no code of the module closes. First-party classes that acquire a resource and release it in their own method
    (`close()`, `stop_monitoring()`...) are resources too.

    ## Why is this bad?
    An unclosed session leaks its connector and sockets ("Unclosed client session"); closing it
    only on the success path leaks it whenever a request fails or the task is cancelled.

    ## Example
    ```python
    import aiohttp

    async def fetch(url):
        session = aiohttp.ClientSession()
        resp = await session.get(url)
        await session.close()
        return resp
    ```

    ## Use instead
    ```python
    import aiohttp

    async def fetch(url):
        async with aiohttp.ClientSession() as session:
            return await session.get(url)
    ```

    ## Fix safety
    Safe when the resource does not escape the function: the statements that use it move into an
    `async with` block.
    """

    code = "TRD201"
    name = "unclosed-async-resource"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for verdict in ctx.resources.verdicts:
            c = verdict.creation
            ctor = f"{c.label}(...)"
            # A first-party resource type is released by its own method, not necessarily as a
            # context manager.
            cure = (
                f"call `{'await ' if c.spec.awaited else ''}{c.name}.{c.spec.close}()` in a `finally`"
                if c.spec.first_party
                else f"use `async with {ctor} as {c.name}:`"
            )
            if verdict.problem == "never_closed":
                message = f"`{c.name}` (`{ctor}`) is never closed; {cure}"
            elif verdict.problem == "not_in_finally":
                message = (
                    f"`{c.name}` (`{ctor}`) is closed, but not in `finally`: it leaks when an "
                    f"exception or cancellation comes first; {cure}"
                )
            elif verdict.problem == "inline":
                message = (
                    f"`{ctor}` is created inline and nothing can close it; "
                    f"use `async with {ctor} as session:`"
                )
            elif verdict.problem == "replaced":
                message = (
                    f"`{c.name}` (`{ctor}`) is replaced by a new value before it is used or closed: "
                    f"the first one is never closed; close it before reassigning `{c.name}`"
                )
            elif verdict.problem == "replaced_after_use":
                message = (
                    f"`{c.name}` (`{ctor}`) is replaced by a new value before it is closed: "
                    f"the first one is never closed; close it before reassigning `{c.name}`"
                )
            elif verdict.problem == "early_exit":
                message = (
                    f"`{c.name}` (`{ctor}`) is closed in `finally`, but a `return` or `raise` comes "
                    f"before the `try`: it leaks on that path; create it just before the `try`"
                    + ("" if c.spec.first_party else f", or use `async with {ctor} as {c.name}:`")
                )
            elif verdict.problem == "global_never_closed":
                message = (
                    f"module global `{c.name}` (`{ctor}`) is never closed anywhere in the module; "
                    f"close it at shutdown (`{'await ' if c.spec.awaited else ''}{c.name}.{c.spec.close}()`)"
                )
            elif verdict.problem == "handed":
                message = (
                    f"`{ctor}` is handed to `{c.name}(...)`, which never closes it: the caller still owns "
                    f"it; keep it and call `{c.spec.close}()` on it, or close it in `{c.name}`"
                )
            else:
                continue
            fix = None
            if verdict.problem in ("never_closed", "not_in_finally") and c.function is not None and not c.spec.first_party and _single_name(c):
                fix = async_with_fix(ctx.module, c.function, c.stmt, c.name, c.label)
            yield Report(c.stmt, message, fix)


def _single_name(c: Creation) -> bool:
    """``name = X()``: the only binding the ``async with`` rewrite knows how to move."""
    stmt = c.stmt
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
    return len(targets) == 1 and isinstance(targets[0], ast.Name)
