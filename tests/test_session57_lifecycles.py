"""Session 57: framework lifecycles followed as the framework runs them (issue 28, point 5).

- An ``@asynccontextmanager`` registered as an application's lifespan (``FastAPI(lifespan=f)``,
  ``Starlette(lifespan=f)``, ``router.lifespan_context = f``, in its module or through an import)
  is entered by Starlette's ``Router.lifespan`` alone: no request's error reaches its ``yield``,
  the code after it runs at shutdown, and an error of the lifespan fails the server's start or
  stop. The close after the ``yield`` is the end of life, outside ``finally`` too; an ``await``
  of the start-up or the shutdown before it leaves nothing open that outlives the server
  (``facts/lifespans.py``). Twins: the same context manager entered by the project's own
  ``async with`` (its block's error is thrown in at the ``yield``) stays reported, and so does a
  lifespan that closes nothing after its ``yield``.
- A value read back from a store (``hass.data[DOMAIN].get("coordinator")``, ``.pop(key)``,
  ``getattr(holder, name)``) is no creation of the function that closes it (fdebrus/hayward-ha's
  ``async_unload_entry``). Twin: a value the function makes itself, closed on one path only.
- ``httpx.AsyncClient(transport=httpx.ASGITransport(app=app))`` (or a ``MockTransport``) sends
  in-process and holds nothing: httpx's in-process transports define no ``aclose()``. Twins: a
  client given a real ``AsyncHTTPTransport``, and one given ``mounts=`` beside the in-process
  transport, stay reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

LIFESPAN = """\
from contextlib import asynccontextmanager

import httpx
import redis.asyncio as redis_lib
from fastapi import FastAPI

from .connector import Connector


@asynccontextmanager
async def lifespan(app: FastAPI):
    connector = Connector()
    await connector.connect()
    client = httpx.AsyncClient()
    await client.get("https://example.com/warmup")
    redis_client = redis_lib.from_url("redis://localhost")
    await redis_client.ping()
    session = make_session()
    await session.begin()
    yield
    await app.state.runner.shutdown()
    await connector.close()
    await client.aclose()
    await redis_client.close()
    await session.close()


def make_session():
    return Connector()


app = FastAPI(lifespan=lifespan)
"""

CONNECTOR = """\
import aiohttp


class Connector:
    def __init__(self):
        self.session = None

    async def connect(self):
        self.session = aiohttp.ClientSession()

    async def begin(self):
        await self.connect()

    async def close(self):
        await self.session.close()
"""

# The same body, entered by the project itself: the block's error is thrown in at the ``yield``.
ENTERED = """\
from contextlib import asynccontextmanager

import httpx


@asynccontextmanager
async def scope():
    client = httpx.AsyncClient()
    await client.get("https://example.com/warmup")
    yield client
    await client.aclose()


async def work():
    async with scope() as client:
        await client.get("https://example.com/")
"""

# A lifespan whose code after the ``yield`` closes nothing.
FORGOTTEN = """\
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette


@asynccontextmanager
async def lifespan(app):
    client = httpx.AsyncClient()
    app.state.warm = await client.get("https://example.com/warmup")
    yield
    print("bye")


app = Starlette(lifespan=lifespan)
"""


def test_lifespan_closes_after_its_yield(tmp_path: Path) -> None:
    files = {"svc/__init__.py": "", "svc/app.py": LIFESPAN, "svc/connector.py": CONNECTOR}
    assert tree_findings(tmp_path, files, "TRD2") == []


def test_entered_context_manager_still_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ENTERED, "TRD2") == [
        "8:5 TRD201 `client` (`httpx.AsyncClient(...)`) is closed outside `finally`; open it with `async with`",
    ]


def test_lifespan_that_closes_nothing_still_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FORGOTTEN, "TRD2") == [
        "9:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
    ]


LIFESPAN_MODULE = """\
from contextlib import asynccontextmanager

import httpx


@asynccontextmanager
async def lifespan(app):
    client = httpx.AsyncClient()
    await client.get("https://example.com/warmup")
    app.state.client = client
    yield
    await app.state.runner.stop()
    await client.aclose()
"""

MAIN_IMPORTING = """\
from fastapi import FastAPI

from .events import lifespan

app = FastAPI()
app.router.lifespan_context = lifespan
"""

MAIN_ENTERING = """\
from .events import lifespan


async def run(app):
    async with lifespan(app):
        await app.serve()
"""


def test_lifespan_registered_from_another_module(tmp_path: Path) -> None:
    files = {"svc/__init__.py": "", "svc/events.py": LIFESPAN_MODULE, "svc/main.py": MAIN_IMPORTING}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_context_manager_entered_from_another_module_still_reported(tmp_path: Path) -> None:
    files = {"svc/__init__.py": "", "svc/events.py": LIFESPAN_MODULE, "svc/main.py": MAIN_ENTERING}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "events.py:8:5 TRD201 `client` (`httpx.AsyncClient(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


UNLOAD = """\
DOMAIN = "pool"


async def async_unload_entry(hass, entry):
    try:
        coordinator = hass.data[DOMAIN].get("coordinator")
        if coordinator:
            await coordinator.auth.close()
        session = hass.data[DOMAIN].pop("session", None)
        if session:
            await session.close()
        link = getattr(entry, "link")
        await link.close()
        return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
    except Exception:
        return False
"""

# The same shape, the value made by the function itself: still reported.
UNLOAD_MADE = """\
from .api import connect

DOMAIN = "pool"


async def async_unload_entry(hass, entry):
    try:
        link = connect(entry.data["host"])
        if link:
            await link.close()
        return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
    except Exception:
        return False
"""


def test_lookup_of_a_stored_object_is_no_creation(tmp_path: Path) -> None:
    assert source_findings(tmp_path, UNLOAD, "TRD2", name="__init__.py") == []


def test_value_made_here_still_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, UNLOAD_MADE, "TRD2", name="__init__.py") == [
        "8:9 TRD201 `link` (`connect(...)`) is closed here on one path only: the `return` at line 13 leaves it open; close it in a `finally`",
    ]


IN_PROCESS = """\
import httpx


def from_app(app, **options):
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app", **options)
    return Api(client)


async def probe(app):
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://app")
    return (await client.get("/health")).status_code


async def mocked(handler):
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return (await client.get("https://example.com/")).json()


class Api:
    def __init__(self, client):
        self.client = client
"""

# Twins: a real transport, and mounts beside the in-process one, hold connections.
POOLED = """\
import httpx


async def pooled(app):
    client = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(retries=2))
    return (await client.get("https://example.com/")).status_code


async def mounted(app):
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        mounts={"https://": httpx.AsyncHTTPTransport()},
    )
    return (await client.get("https://example.com/")).status_code
"""


def test_in_process_transport_holds_nothing(tmp_path: Path) -> None:
    assert source_findings(tmp_path, IN_PROCESS, "TRD2") == []


def test_pooled_transports_still_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, POOLED, "TRD2") == [
        "5:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
        "10:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
    ]


UNIT = """\
import aiohttp


class Unit:
    def __init__(self, url):
        self.url = url
        self.client = None

    async def _client(self):
        if self.client:
            return self.client
        self.client = aiohttp.ClientSession(base_url=self.url)
        return self.client

    async def read(self):
        client = await self._client()
        return await client.get("/")

    async def disconnect(self):
        if self.client:
            await self.client.close()
            self.client = None


class EagerUnit:
    def __init__(self, url):
        self.url = url
        self.client = None

    async def connect(self):
        self.client = aiohttp.ClientSession(base_url=self.url)

    async def read(self):
        await self.connect()
        return await self.client.get("/")

    async def disconnect(self):
        await self.client.close()
"""

UNIT_TESTS = """\
from unittest.mock import AsyncMock

from pkg.unit import EagerUnit, Unit


async def test_read():
    unit = Unit("http://device")
    unit.client = AsyncMock()
    assert await unit.read()


async def test_read_named_double():
    unit = Unit("http://device")
    client = AsyncMock()
    client.get = AsyncMock(side_effect=ValueError())
    unit.client = client
    await unit.read()


async def test_eager():
    unit = EagerUnit("http://device")
    unit.client = AsyncMock()
    assert await unit.read()


async def test_used_first():
    unit = Unit("http://device")
    await unit.read()
    unit.client = AsyncMock()


async def test_real():
    unit = Unit("http://device")
    unit.client = None
    await unit.read()
"""


def test_connection_replaced_by_a_double_holds_nothing(tmp_path: Path) -> None:
    """Only the units whose lazily made client is a ``unittest.mock`` object before any use are
    left: a class that makes its client whatever the attribute holds (``EagerUnit``), a unit used
    before its client is replaced, and one given ``None`` stay reported."""
    files = {"pkg/__init__.py": "", "pkg/unit.py": UNIT, "tests/test_unit.py": UNIT_TESTS}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "test_unit.py:21:5 TRD201 `unit` (`EagerUnit(...)`) is never closed; call `await unit.disconnect()` in a `finally`",
        "test_unit.py:27:5 TRD201 `unit` (`Unit(...)`) is never closed; call `await unit.disconnect()` in a `finally`",
        "test_unit.py:33:5 TRD201 `unit` (`Unit(...)`) is never closed; call `await unit.disconnect()` in a `finally`",
    ]


SHUTDOWN_AWAIT = """\
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .db import async_session


@asynccontextmanager
async def scope(app):
    session = async_session()
    yield
    await app.state.runner.shutdown()
    await session.close()
{registration}

async def work(app):
    async with scope(app):
        await app.serve()
"""


def test_shutdown_await_before_the_close_in_a_lifespan(tmp_path: Path) -> None:
    """An ``await`` of the shutdown before the close fails the server's stop, after which nothing
    goes on: not reported in a lifespan; entered by the project (the twin), it is."""
    registered = SHUTDOWN_AWAIT.format(registration="\napp = FastAPI(lifespan=scope)\n")
    entered = SHUTDOWN_AWAIT.format(registration="")
    assert tree_findings(tmp_path / "a", {"svc/__init__.py": "", "svc/app.py": registered}, "TRD2") == []
    assert tree_findings(tmp_path / "b", {"svc/__init__.py": "", "svc/app.py": entered}, "TRD2") == [
        "app.py:10:5 TRD201 `session` (`async_session(...)`) is closed here on one path only: an error in the `await` at line 12 leaves it open; close it in a `finally`",
    ]


LIFESPAN_TASK = """\
import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI


async def heartbeat():
    while True:
        await asyncio.sleep(5)


async def connect_db():
    await asyncio.sleep(0)


@asynccontextmanager
async def lifespan(app):
    task = asyncio.create_task(heartbeat())
    await connect_db()
    yield
    task.cancel()


app = FastAPI(lifespan=lifespan)
"""


def test_a_lifespan_is_no_end_of_the_tasks_it_starts(tmp_path: Path) -> None:
    """The lifespan rule is the resource family's: a looping task a lifespan starts and cancels
    only after its ``yield`` runs on when the start-up fails before it (a test client or an
    embedded server goes on after a failed start), as it did before session 57; the same task
    cancelled in a ``finally`` is the silent twin."""
    assert source_findings(tmp_path, LIFESPAN_TASK, "TRD3") == [
        "18:5 TRD302 task `task` from `asyncio.create_task(...)` runs on when an error comes before its `cancel()`; cancel it in a `finally`",
    ]
    guarded = LIFESPAN_TASK.replace(
        "    await connect_db()\n    yield\n    task.cancel()\n",
        "    try:\n        await connect_db()\n        yield\n    finally:\n        task.cancel()\n",
    )
    assert source_findings(tmp_path, guarded, "TRD3") == []
