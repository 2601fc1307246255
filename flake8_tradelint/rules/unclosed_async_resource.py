from __future__ import annotations

from typing import Iterator

from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.specs import async_with_fix
from flake8_tradelint.registry import Report, Rule


class UnclosedAsyncResource(Rule):
    """## What it does
    Flags an async resource (`aiohttp.ClientSession`, `httpx.AsyncClient`, a ccxt async exchange,
    a `redis.asyncio` client, an `asyncpg` pool, or one configured in `resources`) created in a
    function and not reliably closed: never closed, closed only outside `finally`, or created
    inline where nothing can close it.

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
            if verdict.problem == "never_closed":
                message = (
                    f"`{c.name}` (`{ctor}`) is never closed; "
                    f"use `async with {ctor} as {c.name}:`"
                )
            elif verdict.problem == "not_in_finally":
                message = (
                    f"`{c.name}` (`{ctor}`) is closed, but not in `finally`: it leaks when an "
                    f"exception or cancellation comes first; use `async with {ctor} as {c.name}:`"
                )
            elif verdict.problem == "inline":
                message = (
                    f"`{ctor}` is created inline and nothing can close it; "
                    f"use `async with {ctor} as session:`"
                )
            else:
                continue
            fix = None
            if verdict.problem != "inline" and c.function is not None:
                fix = async_with_fix(ctx.module, c.function, c.stmt, c.name, c.label)
            yield Report(c.stmt, message, fix)
