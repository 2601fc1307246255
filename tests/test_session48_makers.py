"""Session 48 (issue 28 points 1 and 3): resources made by a method of a value, the largest
class of missed sites measured by ``benchmarks/miss_causes.py`` (9 of the 18 TRD2 sites the
held-out halves miss, 14 of 91 in the development pool).

- A first-party coroutine that returns, on every path, what a library's maker makes on a
  receiver (``return await self.browser.new_context()``, ``ws = await session.ws_connect(url);
  return ws``) is a maker of that resource, as one returning a constructor's call already was:
  its caller owns what it gets. Twins: the maker keeps a hand on it (``self._ws = ws`` before
  the ``return``), a getter returning the slot it fills, a caller that closes or enters it.
- A plain (not awaited) library maker whose type's own ``__aexit__`` awaits its release (the
  table's ``protocol`` rule), called on a receiver shown to be of the maker's class: ``pubsub =
  self.redis.pubsub()`` of ``self.redis = Redis.from_url(url)``, a parameter or an attribute
  annotated ``Redis`` (re-exported or not). redis's ``PubSub`` takes a connection of its own at
  its first ``subscribe()`` and keeps it until ``aclose()``. Twins: closed in ``finally``,
  entered, a pipeline (released by ``execute()``, not the ``protocol`` rule), never opened, kept
  on ``self`` and closed by the class, made together with the client the class closes (its
  pool's connections close with it), an untyped receiver.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

RETURNED = """\
import aiohttp
from playwright.async_api import Browser, BrowserContext


def make_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def use1() -> None:
    s = make_session()
    await s.get("u")


async def open_ws(session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect("u")
    return ws


async def use2(session: aiohttp.ClientSession) -> None:
    ws = await open_ws(session)
    await ws.send_str("x")


class Holder:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    async def _context(self) -> BrowserContext:
        context = await self.browser.new_context()
        return context

    async def use3(self) -> None:
        context = await self._context()
        await context.new_page()

    async def _ws(self, session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        return await session.ws_connect("u")

    async def use4(self, session: aiohttp.ClientSession) -> None:
        ws = await self._ws(session)
        await ws.send_str("x")
"""

RETURNED_TWINS = """\
import aiohttp
from playwright.async_api import Browser, BrowserContext


class Client:
    def __init__(self, session: aiohttp.ClientSession, browser: Browser) -> None:
        self.session = session
        self.browser = browser
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        ws = await self.session.ws_connect("u")
        self._ws = ws
        return ws

    async def kept(self) -> None:
        ws = await self._connect()
        await ws.send_str("x")

    async def _context(self) -> BrowserContext:
        return await self.browser.new_context()

    async def closed(self) -> None:
        context = await self._context()
        try:
            await context.new_page()
        finally:
            await context.close()

    async def entered(self) -> None:
        async with await self._context() as context:
            await context.new_page()

    async def get_ws(self) -> aiohttp.ClientWebSocketResponse:
        if self._ws is None:
            self._ws = await self.session.ws_connect("u")
        return self._ws

    async def borrowed(self) -> None:
        ws = await self.get_ws()
        await ws.send_str("x")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
"""

PUBSUB = """\
import attrs
from redis.asyncio import Redis


@attrs.define
class Broker:
    client: Redis
    channel: str = "x"

    async def start(self) -> None:
        pubsub = self.client.pubsub()
        await pubsub.subscribe(self.channel)
        msg = await pubsub.get_message()
        print(msg)


class Broker2:
    def __init__(self, client: Redis) -> None:
        self.client = client

    async def start(self) -> None:
        pubsub = self.client.pubsub()
        await pubsub.subscribe("x")
        print(await pubsub.get_message())


class Broker3:
    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)

    async def start(self) -> None:
        pubsub = self.redis.pubsub()
        await pubsub.subscribe("x")
        print(await pubsub.get_message())

    async def close(self) -> None:
        await self.redis.aclose()
"""

PUBSUB_TWINS = """\
from redis.asyncio import Redis


class Good:
    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)
        self.sub = self.redis.pubsub()

    async def run(self) -> None:
        pubsub = self.redis.pubsub()
        try:
            await pubsub.subscribe("x")
            print(await pubsub.get_message())
        finally:
            await pubsub.aclose()

    async def entered(self) -> None:
        async with self.redis.pubsub() as pubsub:
            await pubsub.subscribe("x")

    async def piped(self) -> None:
        pipe = self.redis.pipeline()
        pipe.set("a", 1)
        await pipe.execute()

    async def unused(self) -> int:
        pubsub = self.redis.pubsub()
        return len(str(pubsub))

    async def kept(self) -> None:
        await self.sub.subscribe("x")

    async def close(self) -> None:
        await self.sub.aclose()
        await self.redis.aclose()


async def untyped(client) -> None:
    pubsub = client.pubsub()
    await pubsub.subscribe("x")
"""

PUBSUB_KEPT = """\
from redis.asyncio import Redis


class Kept:
    def __init__(self, client: Redis) -> None:
        self.client = client
        self.sub = self.client.pubsub()

    async def kept(self) -> None:
        await self.sub.subscribe("x")

    async def close(self) -> None:
        pass
"""

PUBSUB_MADE_TOGETHER = """\
from redis.asyncio import Redis


class Kept:
    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)
        self.sub = self.redis.pubsub()

    async def kept(self) -> None:
        await self.sub.subscribe("x")

    async def close(self) -> None:
        await self.redis.aclose()
"""

PUBSUB_HELPER_CLOSES = """\
from redis.asyncio import Redis


async def _close_redis(client: Redis) -> None:
    await client.aclose(close_connection_pool=True)


class Together:
    def __init__(self, url: str) -> None:
        self.url = url
        self.redis: Redis | None = None

    def _ensure(self) -> None:
        if self.redis is None:
            self.redis = Redis.from_url(self.url)
            self.sub = self.redis.pubsub()

    async def listen(self) -> None:
        self._ensure()
        await self.sub.subscribe("x")

    async def flush(self) -> None:
        if self.redis is not None:
            await _close_redis(self.redis)
            self.redis = None
"""


def test_a_coroutine_returning_a_library_makers_resource_is_a_maker(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RETURNED, "TRD201") == [
        "10:5 TRD201 `s` (`make_session(...)`) is never closed; open it with `async with`",
        "20:5 TRD201 `ws` (`open_ws(...)`) is never closed; call `await ws.close()` in a `finally`",
        "33:9 TRD201 `context` (`self._context(...)`) is never closed; call `await context.close()` in a `finally`",
        "40:9 TRD201 `ws` (`self._ws(...)`) is never closed; call `await ws.close()` in a `finally`",
    ]


def test_a_maker_that_keeps_it_a_getter_and_a_caller_that_closes_are_clean(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RETURNED_TWINS, "TRD201") == []
    assert source_findings(tmp_path, RETURNED_TWINS, "TRD202") == []


def test_a_pubsub_of_a_typed_client_is_a_resource(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PUBSUB, "TRD201") == [
        "11:9 TRD201 `pubsub` (`self.client.pubsub(...)`) is never closed; call `await pubsub.aclose()` in a `finally`",
        "22:9 TRD201 `pubsub` (`self.client.pubsub(...)`) is never closed; call `await pubsub.aclose()` in a `finally`",
        "32:9 TRD201 `pubsub` (`self.redis.pubsub(...)`) is never closed; call `await pubsub.aclose()` in a `finally`",
    ]


def test_the_same_from_the_defining_module(tmp_path: Path) -> None:
    defining = PUBSUB.replace("from redis.asyncio import Redis", "from redis.asyncio.client import Redis")
    assert len(source_findings(tmp_path, defining, "TRD201")) == 3


def test_pubsub_twins_are_clean(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PUBSUB_TWINS, "TRD201") == []
    assert source_findings(tmp_path, PUBSUB_TWINS, "TRD202") == []


def test_a_pubsub_kept_on_self_and_never_closed(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PUBSUB_KEPT, "TRD202") == [
        "7:9 TRD202 `self.sub` is never closed; call its `aclose()` in `close()`",
    ]


def test_a_pubsub_made_with_its_client_ends_with_it(tmp_path: Path) -> None:
    # Made together with the client the class closes (its pool's connections, the pubsub's
    # among them, close with it), directly or through a helper named for closing it.
    assert source_findings(tmp_path, PUBSUB_MADE_TOGETHER, "TRD202") == []
    assert not any("self.sub" in f for f in source_findings(tmp_path, PUBSUB_HELPER_CLOSES, "TRD202"))
