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

from tests.conftest import source_findings, tree_findings

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
        if not url.startswith("http"):
            raise ValueError(url)
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
        "58:9 TRD201 `stack` (`AsyncExitStack(...)`) leaks on an exit before it is handed on; call its `aclose()` on that path",
    ]


def test_twin_the_chain_called_only_on_the_normal_path(tmp_path: Path) -> None:
    assert source_findings(tmp_path, NORMAL_PATH_ONLY, "TRD201") == [
        "57:9 TRD201 `stack` (`AsyncExitStack(...)`) is closed by the function it is given, outside `finally`; open it with `async with`",
    ]


# A module global handed out by its module (a getter, or the module's ``__getattr__``) and ended
# where the application ends, through a collection its lifespan ends element by element (an MCP
# gateway's lazy service singletons, put in ``services_to_shutdown`` and shut down in a loop of a
# helper the lifespan awaits after its ``yield``).

SERVICES = """\
import httpx


class ToolService:
    def __init__(self) -> None:
        self._http = httpx.AsyncClient()

    async def fetch(self, url: str) -> httpx.Response:
        return await self._http.get(url)

    async def shutdown(self) -> None:
        await self._http.aclose()


_tool_service: ToolService | None = None
_client: httpx.AsyncClient | None = None


def __getattr__(name: str) -> ToolService:
    global _tool_service
    if name == "tool_service":
        if _tool_service is None:
            _tool_service = ToolService()
        return _tool_service
    raise AttributeError(name)


def get_client() -> httpx.AsyncClient:
    global _client
    if _client is None:
        _client = httpx.AsyncClient()
    return _client
"""

MAIN = """\
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from app.services import get_client, tool_service


@asynccontextmanager
async def lifespan(_app: FastAPI):
    client = get_client()
    yield
    services: list[Any] = [tool_service]
    await shutdown_services(services)
    await client.aclose()


async def shutdown_services(services: list[Any]) -> None:
    for service in services:
        try:
            await service.shutdown()
        except Exception:
            pass


app = FastAPI(lifespan=lifespan)
"""

NOT_AN_END = """\
from typing import Any

from app.services import get_client, tool_service


async def refresh() -> None:
    services: list[Any] = [tool_service]
    await shutdown_services(services)
    await get_client().aclose()


async def shutdown_services(services: list[Any]) -> None:
    for service in services:
        await service.shutdown()
"""


def test_a_handed_out_global_ended_by_the_lifespan_through_a_collection(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/services.py": SERVICES, "app/main.py": MAIN}
    assert tree_findings(tmp_path, files, "TRD201", project=True) == []


def test_twin_the_collection_ended_in_a_function_that_is_no_end_of_life(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/services.py": SERVICES, "app/main.py": NOT_AN_END}
    assert tree_findings(tmp_path, files, "TRD201", project=True) == [
        "services.py:23:13 TRD201 module global `_tool_service` (`ToolService(...)`) is never closed; close it at shutdown",
        "services.py:31:9 TRD201 module global `_client` (`httpx.AsyncClient(...)`) is never closed; close it at shutdown",
    ]


def test_twin_the_lifespan_ends_a_collection_the_global_is_not_in(tmp_path: Path) -> None:
    main = MAIN.replace("[tool_service]", "[]").replace("    await client.aclose()\n", "")
    files = {"app/__init__.py": "", "app/services.py": SERVICES, "app/main.py": main}
    assert tree_findings(tmp_path, files, "TRD201", project=True) == [
        "services.py:23:13 TRD201 module global `_tool_service` (`ToolService(...)`) is never closed; close it at shutdown",
        "services.py:31:9 TRD201 module global `_client` (`httpx.AsyncClient(...)`) is never closed; close it at shutdown",
    ]
