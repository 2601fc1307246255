"""Session 59: releases that run through the project's own functions (issue 28, development
pool sample 59: an MCP client pool whose connect path answers every failure with
``await self._safe_teardown_on_connect_failure(key, stack)``, which awaits
``self._safe_close_stack(stack)``, a ``@staticmethod`` that awaits ``stack.aclose()``).

Principle (ownership): a first-party coroutine given the resource ends it when its code ends the
parameter directly or hands it to another first-party coroutine that ends it (followed a few
calls deep, each function once), with the same ``finally``/plain distinction as a direct
release; such a call is a release of the name wherever the model looks for the releases on the
way to a hand-off (an exit, an ``await`` that raises before it). Twins: the same chain called
only on the normal path (reported as closed outside ``finally``), and a chain broken by a
function that only reads the resource (reported: nothing ends it on the way out).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

POOL = """\
import asyncio
import logging
from contextlib import AsyncExitStack

log = logging.getLogger(__name__)


class Entry:
    stack: AsyncExitStack | None = None


async def close_quietly(stack: AsyncExitStack) -> None:
    try:
        await stack.aclose()
    except Exception:
        log.debug("close failed", exc_info=True)


async def teardown(stack: AsyncExitStack) -> None:
    await close_quietly(stack)


class Pool:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}

    @staticmethod
    async def _close_stack(stack: AsyncExitStack) -> None:
        try:
            async with asyncio.timeout(5):
                await stack.aclose()
        except (Exception, asyncio.CancelledError):
            log.debug("close failed", exc_info=True)

    async def _teardown(self, key: str, stack: AsyncExitStack) -> None:
        await self._drain(key)
        await self._close_stack(stack)

    async def _describe(self, key: str, stack: AsyncExitStack) -> None:
        await self._drain(key)
        log.warning("giving up on %s: %r", key, stack)

    async def _drain(self, key: str) -> None:
        await asyncio.sleep(0)

    async def _probe(self, url: str) -> None:
        await asyncio.sleep(0)

    async def close(self) -> None:
        for entry in self.entries.values():
            if entry.stack is not None:
                await entry.stack.aclose()
"""

THROUGH_METHODS = POOL + """
    async def connect(self, key: str, url: str) -> None:
        entry = self.entries[key]
        stack = AsyncExitStack()
        await stack.__aenter__()
        try:
            await self._probe(url)
        except TimeoutError:
            await self._teardown(key, stack)
            raise RuntimeError(f"timed out: {url}") from None
        except Exception:
            await self._teardown(key, stack)
            raise
        entry.stack = stack
"""

THROUGH_FUNCTIONS = POOL + """
    async def connect(self, key: str, url: str) -> None:
        entry = self.entries[key]
        stack = AsyncExitStack()
        await stack.__aenter__()
        try:
            await self._probe(url)
        except TimeoutError:
            await teardown(stack)
            raise RuntimeError(f"timed out: {url}") from None
        entry.stack = stack
"""

ONLY_READ = POOL + """
    async def connect(self, key: str, url: str) -> None:
        entry = self.entries[key]
        stack = AsyncExitStack()
        await stack.__aenter__()
        try:
            await self._probe(url)
        except TimeoutError:
            await self._describe(key, stack)
            raise RuntimeError(f"timed out: {url}") from None
        entry.stack = stack
"""

NORMAL_PATH_ONLY = POOL + """
    async def probe(self, key: str, url: str) -> None:
        stack = AsyncExitStack()
        await stack.__aenter__()
        await self._probe(url)
        await self._teardown(key, stack)
"""


def test_a_release_two_methods_deep_ends_it_on_every_way_out(tmp_path: Path) -> None:
    assert source_findings(tmp_path, THROUGH_METHODS, "TRD201") == []


def test_a_release_two_module_functions_deep_ends_it_on_the_way_out(tmp_path: Path) -> None:
    assert source_findings(tmp_path, THROUGH_FUNCTIONS, "TRD201") == []


def test_twin_a_chain_broken_by_a_function_that_only_reads_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ONLY_READ, "TRD201") == [
        "56:9 TRD201 `stack` (`AsyncExitStack(...)`) leaks on an exit before it is handed on; call its `aclose()` on that path",
    ]


def test_twin_the_chain_called_only_on_the_normal_path(tmp_path: Path) -> None:
    assert source_findings(tmp_path, NORMAL_PATH_ONLY, "TRD201") == [
        "55:9 TRD201 `stack` (`AsyncExitStack(...)`) is closed by the function it is given, outside `finally`; open it with `async with`",
    ]
