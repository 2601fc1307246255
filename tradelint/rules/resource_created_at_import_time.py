from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.resources.resource_model import resource_analysis


class ResourceCreatedAtImportTime(Rule):
    """## What it does
    Flags an `aiohttp.ClientSession` or `aiohttp.TCPConnector` created at module level or in a
    class body. Not in a discord.py extension (the module or its package's `__init__` defines
    `setup(bot)`) whose code closes it (`self.session.close()` in `cog_unload()`): the bot imports
    an extension inside `await bot.load_extension(...)`, on its running loop (owocado/cogs).

    ## Why is this bad?
    At import time no event loop is running: aiohttp binds the session to whatever loop it finds
    (or none), and nothing ever closes it. Clients that bind lazily (httpx, redis.asyncio) are
    not flagged.

    ## Example
    ```python
    import aiohttp

    session = aiohttp.ClientSession()
    ```

    ## Use instead
    ```python
    import aiohttp

    async def main():
        async with aiohttp.ClientSession() as session:
            ...
    ```

    ## Fix safety
    No automatic fix: where the session should live is a design decision.
    """

    code = "TRD203"
    triggers = trigger_words.RESOURCE_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.resource_config_words(config)
    name = "resource-created-at-import-time"
    incident = "002"
    fix_availability = "none"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for verdict in resource_analysis(ctx).verdicts:
            if verdict.problem == "import_time":
                label = verdict.creation.label
                yield Report(verdict.creation.call, _message(label), help=HELP)


def _message(label: str) -> str:
    return fit("`{label}(...)` is created at import time; create it in a coroutine and close it", label=label)


HELP = "No event loop runs yet: aiohttp binds it to whatever loop it finds, or none"
