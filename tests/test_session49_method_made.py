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

Read on code outside the scored sets (216 repositories' HEAD), the new types met three older
rules that did not ask whether anything was open yet, each now answered the way the lifetime
says: a lazy type made as a lookup's fallback (``data.get(key, Coordinator(session))``) and
dropped holds nothing; an ``await`` of its opening method (one that awaits only the opening it
keeps, nothing made on ``self`` before it; what it makes after that await, a task, is never
reached when the await fails) is no use of what is open, neither before a close in the same
method nor before the store that keeps the instance. Twins: an aiohttp session as the fallback,
a use (``send()``) before the close, a greeting awaited after the connect before the store.
A holder of such a type imported from another module of the project (``from .client import
Connection``) holds nothing until opened either: its name is the project's class, not a
library's (it was asked as a library's, which never holds nothing).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

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


COORDINATOR = """\
class Coordinator:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._connection = Connection(session)

    async def initialize(self) -> None:
        await self._connection.connect("u")

    async def shutdown(self) -> None:
        await self._connection.disconnect()


async def setup(data: dict, session: aiohttp.ClientSession) -> None:
    coordinator = data["coordinator"] = data.get("coordinator", Coordinator(session))
    await coordinator.initialize()
"""

EAGER = """\
import aiohttp


""" + CONNECTION + """

""" + COORDINATOR + """

async def fetch(data: dict) -> None:
    session = data["session"] = data.get("session", aiohttp.ClientSession())
    await session.get("u")
"""

OPENED_ONLY = """\
import asyncio

import aiohttp


class Connection:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._recv_task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._ws = await self._session.ws_connect("u")
        self._recv_task = asyncio.create_task(self._recv())

    async def _recv(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            print(message)

    async def hello(self) -> None:
        assert self._ws is not None
        await self._ws.send_str("hello")

    async def close(self) -> None:
        if self._recv_task is not None:
            self._recv_task.cancel()
        if self._ws is not None:
            await self._ws.close()


class Tts:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._connection: Connection | None = None

    async def current(self) -> Connection:
        conn = Connection(self._session)
        await conn.connect()
        self._connection = conn
        return conn

    async def greeted(self) -> Connection:
        conn = Connection(self._session)
        await conn.connect()
        await conn.hello()
        self._connection = conn
        return conn

    async def aclose(self) -> None:
        if self._connection is not None:
            await self._connection.close()
"""

OPENER_BEFORE_CLOSE = """\
import unittest

import aiohttp


class WSConnection:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, url: str) -> None:
        self._ws = await self._session.ws_connect(url)

    async def send(self, data: str) -> None:
        assert self._ws is not None
        await self._ws.send_str(data)

    async def disconnect(self) -> None:
        if self._ws is not None:
            await self._ws.close()


class Feed:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.connection = WSConnection(session)

    async def run(self) -> None:
        await self.connection.connect("u")
        await self.connection.disconnect()

    async def push(self) -> None:
        await self.connection.send("x")
        await self.connection.disconnect()
"""


def test_what_holds_nothing_until_opened_is_judged_so(tmp_path: Path) -> None:
    assert source_findings(tmp_path, EAGER, "TRD2") == [
        "34:53 TRD201 `aiohttp.ClientSession(...)` is made even when `data.get()` finds what it looks up, and then dropped unclosed; make it only when missing",
    ]
    assert source_findings(tmp_path, OPENED_ONLY, "TRD2", name="tts.py") == [
        "44:9 TRD201 `self._connection` (`Connection(...)`) leaks if an `await` before it is stored raises; close it on that error",
    ]
    assert source_findings(tmp_path, OPENER_BEFORE_CLOSE, "TRD2", name="feed.py") == [
        "25:9 TRD202 `self.connection` is closed in `push()` only after `await self.connection.send()`, which raises once it is broken; close it in a `finally`",
    ]


SETUP = """\
import aiohttp

from .client import Connection


""" + COORDINATOR


def test_a_holder_of_an_imported_lazy_type_holds_nothing_until_opened(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/client.py": "import aiohttp\n\n\n" + CONNECTION, "app/setup.py": SETUP}
    assert tree_findings(tmp_path, files, "TRD2") == []
    files["app/setup.py"] = SETUP.replace("Coordinator(session))", "aiohttp.ClientSession())").replace(
        "await coordinator.initialize()", "await coordinator.get('u')"
    )
    assert tree_findings(tmp_path, files, "TRD2") == [
        "setup.py:18:65 TRD201 `aiohttp.ClientSession(...)` is made even when `data.get()` finds what it looks up, and then dropped unclosed; make it only when missing",
    ]
