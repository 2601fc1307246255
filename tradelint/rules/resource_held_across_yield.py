from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.resources.resource_model import resource_analysis


class ResourceHeldAcrossYield(Rule):
    """## What it does
    Flags an async resource opened with `async with` inside an undecorated async generator and
    held open across a `yield`.

    ## Why is this bad?
    A consumer that stops iterating early (`break`, an exception, a cancelled task) leaves the
    generator suspended at its `yield`: the `async with` exits only when the generator is closed
    (PEP 533 was not accepted). Which consumer it gets decides when: a coroutine that drops it has
    it closed by the running loop's async-generator hooks, later and in another task (its errors
    go to the loop's handler; `asyncio.run` returning in that turn cancels the close); synchronous
    code stepping it on a loop of its own never closes it; a holder that keeps it keeps the
    session open as long ("Unclosed client session"). The generator cannot choose its consumer.

    ## Example
    ```python
    import aiohttp

    async def pages(url):
        async with aiohttp.ClientSession() as session:
            for page in range(10):
                async with session.get(url, params={"page": page}) as resp:
                    yield await resp.json()
    ```

    ## Use instead
    ```python
    import aiohttp

    async def pages(session, url):
        for page in range(10):
            async with session.get(url, params={"page": page}) as resp:
                yield await resp.json()
    ```

    Not reported: a generator every use of which in the project ends it on every way out
    (`Depends(get_session)`, whose framework exits a yielding dependency after the response;
    `asynccontextmanager(get_session)`; `aclosing(gen())`; or a local whose consuming function
    calls `gen.aclose()` in a `finally`). A module-level function is found by its name in the
    project's files; a method only when private, on `self` or `cls`.

    ## Fix safety
    No automatic fix: whether the caller should own the session, or wrap the generator in
    `contextlib.aclosing()`, is a design decision.
    """

    code = "TRD204"
    triggers = trigger_words.RESOURCE_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.resource_config_words(config)
    name = "resource-held-across-yield"
    incident = "002"
    fix_availability = "none"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for verdict in resource_analysis(ctx).verdicts:
            if verdict.problem != "generator":
                continue
            c = verdict.creation
            function = c.function.name if c.function is not None else "?"
            yield Report(c.call, _message(c.label, function), help=HELP)


def _message(label: str, function: str) -> str:
    return fit("`{label}(...)` stays open across `yield` in `{function}()`; let the caller own it", label=label, function=function)


# Why, and the other way out.
HELP = "If the consumer stops early, it closes only at garbage collection; or wrap calls in `aclosing()`"
