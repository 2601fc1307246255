"""Session 55: resources that never open (TRD201, TRD202).

A lazy resource type holds nothing until something opens it: a library client that connects on
its first awaited use (``socketio.AsyncClient``), or a first-party class whose acquisitions
happen only in a method of its own (a session made by ``_get_session()``, reached from
``fetch()``; a server made by ``start()``). When its holder never opens it (no call of an
opening method, no awaited call through a library client, never entered, iterated or handed
on, and no other code spelling the attribute), there is nothing to release and no leak is
reported. A first-party ``close()`` that only clears in-memory state (a cache dict) releases
no resource, so a function that calls it on one path only leaks nothing on the others.

Twins: the holder awaits an opening method (``fetch()``, ``start()``, ``connect()``), another
function of the module opens it through its holder, a subclass opens it, a local is opened by
an awaited ``open()``, and a ``close()`` that awaits a release of what it holds.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

FEED = """\
import aiohttp


class Feed:
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def fetch(self) -> str:
        session = await self._get_session()
        async with session.get(self._url) as response:
            return await response.text()

    def describe(self) -> str:
        return self._url

    async def ping(self) -> bool:
        return bool(self._url)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class Idle:
    def __init__(self) -> None:
        self.feed = Feed("https://example.org")

    def title(self) -> str:
        return "idle"


class Reader:
    def __init__(self) -> None:
        self.feed = Feed("https://example.org")

    async def read(self) -> str:
        return await self.feed.fetch()


class Labeller:
    def __init__(self) -> None:
        self._feed = Feed("https://example.org")

    def label(self) -> str:
        if self._feed is None:
            return ""
        return self._feed.describe()


async def peek(url: str) -> str:
    feed = Feed(url)
    return feed.describe()


async def pull(url: str) -> str:
    feed = Feed(url)
    return await feed.fetch()


async def check(url: str) -> bool:
    feed = Feed(url)
    return await feed.ping()
"""

LISTENER = """\
import asyncio


class Listener:
    def __init__(self, port: int) -> None:
        self._port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self.handle, port=self._port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()


class Worker:
    def __init__(self) -> None:
        self._listener = Listener(8000)
        self._loop = asyncio.get_running_loop()

    def take(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._loop.create_task(self._listener.handle(reader, writer))


class Server:
    def __init__(self) -> None:
        self._listener = Listener(8000)

    async def run(self) -> None:
        await self._listener.start()
"""

SOCKETIO = """\
import socketio


class Tester:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient()

    async def open(self) -> None:
        self.sio.on("connect")


class Talker:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient()

    async def open(self, url: str) -> None:
        await self.sio.connect(url)


class Handler:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient()

    def wire(self) -> None:
        self.sio.on("message", self.handle)

    async def handle(self, data: object) -> None:
        print(data)
"""

PIPE = """\
import aiohttp


class Pipe:
    def __init__(self, url: str) -> None:
        self.url = url
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class Upload:
    def __init__(self, source: Pipe) -> None:
        self._source = source

    @classmethod
    def from_url(cls, url: str) -> "Upload":
        pipe = Pipe(url)
        return cls(pipe)


async def fetch_once(url: str) -> None:
    pipe = Pipe(url)
    await pipe.open()
"""

REGISTRY = """\
class Registry:
    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    async def initialize(self) -> None:
        return None

    async def close(self) -> None:
        'Nothing is held: forget the cache.'
        self._cache.clear()


class Store:
    def __init__(self, pool: object) -> None:
        self._pool = pool

    async def initialize(self) -> None:
        return None

    async def close(self) -> None:
        await self._pool.close()  # type: ignore[attr-defined]


async def startup(strict: bool) -> None:
    registry = Registry()
    await registry.initialize()
    if strict:
        raise RuntimeError("strict mode")
    await registry.close()


async def startup_store(pool: object, strict: bool) -> None:
    store = Store(pool)
    await store.initialize()
    if strict:
        raise RuntimeError("strict mode")
    await store.close()
"""

SUBCLASS = """\
import aiohttp


class Feed:
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self) -> str:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(self._url) as response:
            return await response.text()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class Base:
    def __init__(self) -> None:
        self._feed = Feed("https://example.org")


class Child(Base):
    async def go(self) -> str:
        return await self._feed.fetch()
"""

OUTSIDE = FEED + """\
async def refresh(idle: Idle) -> str:
    return await idle.feed.fetch()
"""

def test_a_first_party_lazy_one_never_opened_by_its_holder_is_not_reported(tmp_path: Path) -> None:
    # ``Idle`` never uses its feed, ``Labeller`` only tests it and calls ``describe()``, which
    # reaches no acquisition; ``peek()`` and ``check()`` alike. ``Reader`` awaits ``fetch()``,
    # which reaches ``_get_session()``; ``pull()`` too.
    assert source_findings(tmp_path, FEED, "TRD2") == [
        "40:9 TRD202 `self.feed` is never closed; add a `close()` method that calls its `close()`",
        "62:5 TRD201 `feed` (`Feed(...)`) is never closed; call `await feed.close()` in a `finally`",
    ]


def test_a_class_opened_only_by_start_is_not_reported_where_start_is_never_called(tmp_path: Path) -> None:
    # ``Worker`` hands its listener only connections (``handle()``); ``Server`` awaits ``start()``.
    assert source_findings(tmp_path, LISTENER, "TRD202") == [
        "32:9 TRD202 `self._listener` is never closed; add a `close()` method that calls its `stop()`",
    ]


def test_a_library_client_whose_only_use_registers_a_handler_is_not_reported(tmp_path: Path) -> None:
    # ``self.sio.on("connect")`` is synchronous, given constants only, its result dropped;
    # ``await self.sio.connect(url)`` opens it, and what is given a handler may run it.
    assert source_findings(tmp_path, SOCKETIO, "TRD202") == [
        "14:9 TRD202 `self.sio` is never closed; add a `close()` method that calls its `disconnect()`",
        "22:9 TRD202 `self.sio` is never closed; add a `close()` method that calls its `disconnect()`",
    ]


def test_a_lazy_local_given_to_the_returned_object_that_never_releases_it_stays_reported(tmp_path: Path) -> None:
    # ``return cls(pipe)``: ``Upload`` keeps the pipe and never releases it, so whoever opens it
    # through the holder leaks it (kept as before); ``fetch_once()`` opens its own, never closed.
    assert source_findings(tmp_path, PIPE, "TRD201") == [
        "23:9 TRD201 `pipe` (`Pipe(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "28:5 TRD201 `pipe` (`Pipe(...)`) is never closed; call `await pipe.close()` in a `finally`",
    ]


def test_a_close_that_only_clears_a_cache_releases_nothing(tmp_path: Path) -> None:
    assert source_findings(tmp_path, REGISTRY, "TRD201") == [
        "33:5 TRD201 `store` (`Store(...)`) is closed here on one path only: the `raise` at line 36 leaves it open; "
        "close it in a `finally`",
    ]


def test_a_subclass_that_opens_it_keeps_the_finding(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SUBCLASS, "TRD202") == [
        "22:9 TRD202 `self._feed` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_code_that_opens_it_through_its_holder_keeps_the_finding(tmp_path: Path) -> None:
    # ``await idle.feed.fetch()`` in another function of the module opens ``Idle``'s feed.
    assert source_findings(tmp_path, OUTSIDE, "TRD202") == [
        "32:9 TRD202 `self.feed` is never closed; add a `close()` method that calls its `close()`",
        "40:9 TRD202 `self.feed` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_another_file_that_opens_it_through_its_holder_keeps_the_finding(tmp_path: Path) -> None:
    use = "from app.feed import Idle\n\n\nasync def refresh(idle: Idle) -> str:\n    return await idle.feed.fetch()\n"
    found = tree_findings(tmp_path, {"app/__init__.py": "", "app/feed.py": FEED, "app/use.py": use}, "TRD202", project=True)
    assert found == [
        "feed.py:32:9 TRD202 `self.feed` is never closed; add a `close()` method that calls its `close()`",
        "feed.py:40:9 TRD202 `self.feed` is never closed; add a `close()` method that calls its `close()`",
    ]
    alone = tree_findings(tmp_path / "alone", {"app/__init__.py": "", "app/feed.py": FEED}, "TRD202", project=True)
    assert alone == ["feed.py:40:9 TRD202 `self.feed` is never closed; add a `close()` method that calls its `close()`"]
