"""Session 49 (issue 28 point 1): a first-party class that keeps what a library's maker makes
on a receiver of the maker's class is a resource type, released by its own method that releases
that attribute, and held once the method that made it has run.

``self._ws = await self._session.ws_connect(url)`` in ``connect()``, ``self._session`` stored
from a parameter annotated ``aiohttp.ClientSession``, and ``disconnect()`` awaiting
``self._ws.close()``: a ``Connection`` connected and never disconnected leaks its websocket,
whoever made it (a function, or a class keeping it on ``self``). Before, only a constructor's
or a project maker's call stored on ``self`` made a class a resource type (the summaries'
acquisitions); a method of a value (``ClassFacts.made``) said nothing. A plain maker of the
table's ``protocol`` rule kept in ``__init__`` (redis ``pubsub()``) makes one too. Twins:
disconnected in ``finally``; disconnected by the holder's ``stop()``; never connected (it holds
nothing); a receiver nothing types in a module that does not import the library.

A factory's method that makes such an instance around its own session (``return Connection(
self._session)``) makes a resource for its caller: the class keeps the session and releases only
what it opens itself. Before, any instance made from the factory's own state was a view of it.
Twin: ``return Api(self._session)``, whose ``close()`` closes the session it is given.

Such a type holds nothing until the method that opens it runs: a release that first dereferences
what ``__init__`` leaves ``None`` (``self._closing.set()``) fails only on an instance that never
started, and so leaks nothing ("test it first" is for one held from ``__init__``; TwitchIO's
``Client``, seen in the development pool when ``WSConnection`` became a resource type).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

CONNECTION = """\
class Connection:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, url: str) -> None:
        self._ws = await self._session.ws_connect(url)

    async def disconnect(self) -> None:
        if self._ws is not None:
            await self._ws.close()
"""

WORKER = """\
import aiohttp
from redis.asyncio import Redis


""" + CONNECTION + """

class Listener:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.pubsub = self.redis.pubsub()

    async def listen(self) -> None:
        await self.pubsub.subscribe("x")

    async def aclose(self) -> None:
        await self.pubsub.aclose()


class Feed:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.connection = Connection(session)

    async def start(self) -> None:
        await self.connection.connect("u")


async def leaked(session: aiohttp.ClientSession) -> None:
    connection = Connection(session)
    await connection.connect("u")


async def listened(redis: Redis) -> None:
    listener = Listener(redis)
    await listener.listen()
"""

TWINS = """\
import aiohttp


""" + CONNECTION + """

class Feed:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.connection = Connection(session)

    async def start(self) -> None:
        await self.connection.connect("u")

    async def stop(self) -> None:
        await self.connection.disconnect()


async def closed(session: aiohttp.ClientSession) -> None:
    connection = Connection(session)
    await connection.connect("u")
    try:
        pass
    finally:
        await connection.disconnect()


async def never_connected(session: aiohttp.ClientSession) -> None:
    connection = Connection(session)
    print(connection)
"""

UNTYPED = """\
class Untyped:
    def __init__(self, session) -> None:
        self._session = session

    async def connect(self, url: str) -> None:
        self._ws = await self._session.ws_connect(url)

    async def disconnect(self) -> None:
        await self._ws.close()


async def untyped(session) -> None:
    u = Untyped(session)
    await u.connect("u")
"""


def test_a_class_keeping_what_a_maker_makes_on_its_receiver_is_a_resource(tmp_path: Path) -> None:
    assert source_findings(tmp_path, WORKER, "TRD2") == [
        "32:9 TRD202 `self.connection` is never closed; add a `close()` method that calls its `disconnect()`",
        "39:5 TRD201 `connection` (`Connection(...)`) is never closed; call `await connection.disconnect()` in a `finally`",
        "44:5 TRD201 `listener` (`Listener(...)`) is never closed; call `await listener.aclose()` in a `finally`",
    ]


def test_released_never_opened_or_untyped_is_not_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD2") == []
    assert source_findings(tmp_path, UNTYPED, "TRD2", name="untyped.py") == []


FACTORY = """\
import aiohttp


""" + CONNECTION + """

class Api:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def get(self, url: str) -> bytes:
        async with self._session.get(url) as response:
            return await response.read()

    async def close(self) -> None:
        await self._session.close()


class Factory:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def connection(self) -> Connection:
        return Connection(self._session)

    async def api(self) -> Api:
        return Api(self._session)


async def stream(factory: Factory) -> None:
    connection = await factory.connection()
    await connection.connect("u")


async def fetch(factory: Factory) -> None:
    api = await factory.api()
    await api.get("u")
"""


def test_a_factory_method_making_one_around_its_own_session_makes_a_resource(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FACTORY, "TRD2") == [
        "41:5 TRD201 `connection` (`factory.connection(...)`) is never closed; call `await connection.disconnect()` in a `finally`",
    ]


LAZY_HELD = """\
import asyncio

import aiohttp


class Connection:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def _connect(self) -> None:
        self._ws = await self._session.ws_connect("u")

    async def _close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


class Client:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._closing: asyncio.Event | None = None
        self._connection = Connection(session)

    async def connect(self) -> None:
        self._closing = asyncio.Event()
        await self._connection._connect()

    async def close(self) -> None:
        self._closing.set()
        await self._connection._close()
"""


def test_a_release_failing_before_the_start_leaks_nothing_of_a_lazy_type(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LAZY_HELD, "TRD2") == []
