"""Session 55: releases the TRD2 rules did not see.

1. A bare call of a coroutine release that runs only where the code tested that very callable
   and found it no coroutine function (``if not asyncio.iscoroutinefunction(self.close):
   self.close()``, the ``else`` of ``if inspect.iscoroutinefunction(s.close): await s.close()``,
   any call after ``if iscoroutinefunction(self.close): return``) is the sync twin's: TRD205
   says nothing. A test of another callable proves nothing about the call.
2. A project's awaited release given a computed positional argument (``await
   self.node.stop(guild_id)``) ends a part the argument picks, not the object: it is no evidence
   that the library type must be released. A constant argument (``stop(0)``) still is.
3. A resource closed by every handler of the ``try`` it is made in, the handlers catching every
   error (``CancelledError`` and ``Exception``, or ``BaseException``), and kept on success by
   what outlives the function, is closed on every way out. A handler set that misses the
   cancellation, or a handler that does not close it, is still reported.
4. Closed through what holds it: a local holder built around it (``ctx = Ctx(db=db)``) whose
   field the function releases in a ``finally`` (``await ctx.db.disconnect()``), the ``try``
   being entered before any ``await`` (a ``finally`` nested in the ``finally`` of an outer ``try``
   starts at the outer one); and an attribute released through a plain getter method that
   returns it (``await self.get_client().__aexit__(*exc)``).
5. An ``await`` between the making and the hand-off that is the object's own opening method
   (``await link.connect()``), every ``await`` and ``raise`` of which runs in a ``try`` that
   releases on every error (``except BaseException: await self.disconnect(); raise``), leaves
   nothing open when it fails. An ``except Exception`` there, or an ``await`` before its ``try``,
   still does.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

# 1. The coroutine-function test of the same callable.

GUARDED = """\
import asyncio
import inspect
from inspect import iscoroutinefunction

import aiohttp


class Conn:
    async def start(self) -> None:
        self._s = aiohttp.ClientSession()

    async def close(self) -> None:
        await self._s.close()

    def __del__(self) -> None:
        if not asyncio.iscoroutinefunction(self.close):
            self.close()


class Work:
    def __init__(self) -> None:
        self.conn = Conn()
        self._closed = False

    async def close(self) -> None:
        await self.conn.close()

    def __del__(self) -> None:
        if self._closed:
            return
        if iscoroutinefunction(self.close):
            return
        try:
            self.close()
        except OSError:
            pass


class Pair:
    def __init__(self) -> None:
        self.secondary = Conn()

    async def close(self) -> None:
        if inspect.iscoroutinefunction(self.secondary.close):
            await self.secondary.close()
        else:
            self.secondary.close()
"""

OTHER_CALLABLE = """\
import asyncio
import inspect

import aiohttp


class Conn:
    async def start(self) -> None:
        self._s = aiohttp.ClientSession()

    async def close(self) -> None:
        await self._s.close()


class Pair:
    def __init__(self) -> None:
        self.primary = Conn()
        self.secondary = Conn()

    async def close(self) -> None:
        await self.primary.close()
        if inspect.iscoroutinefunction(self.primary.close):
            await self.primary.close()
        else:
            self.secondary.close()

    def __del__(self) -> None:
        if asyncio.iscoroutinefunction(self.close):
            self.close()
"""


def test_a_call_behind_a_coroutine_function_test_of_the_same_callable(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GUARDED, "TRD205") == []


def test_a_test_of_another_callable_or_the_coroutine_branch_is_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OTHER_CALLABLE, "TRD205") == [
        "25:13 TRD205 `self.secondary.close()` is never awaited, so it closes nothing; await it",
        "29:13 TRD205 `self.close()` is never awaited, so it releases nothing; await it in a coroutine",
    ]


RESULT_TESTED = """\
import asyncio
import inspect

import aiohttp


class Conn:
    async def start(self):
        self._s = aiohttp.ClientSession()

    async def close(self):
        await self._s.close()


class Pair:
    def __init__(self):
        self.secondary = Conn()

    async def close(self):
        result = self.secondary.close()
        if inspect.isawaitable(result):
            await result

    async def stop(self):
        done = self.secondary.close()
        if asyncio.iscoroutine(done):
            await done
"""


def test_a_release_whose_result_is_tested_and_awaited(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RESULT_TESTED, "TRD2") == []


# 2. A release given a computed positional argument ends a part.

PART_STOPPED = """\
from discord.ext import commands
from voicelink import Node


class Music(commands.Cog):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.node = Node(bot.config["host"])
        self.node.connect()

    @commands.command()
    async def stop(self, ctx) -> None:
        await self.node.stop(ctx.guild.id)
"""


def test_a_release_given_what_it_ends_is_no_evidence_of_a_resource(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PART_STOPPED, "TRD2", name="music.py") == []


def test_a_release_given_a_constant_is_still_evidence(tmp_path: Path) -> None:
    source = PART_STOPPED.replace("await self.node.stop(ctx.guild.id)", "await self.node.stop(0)")
    assert source_findings(tmp_path, source, "TRD2", name="music.py") == [
        "8:9 TRD202 `self.node` is never closed; add a `cog_unload()` method that calls its `stop()`",
    ]


# 3. Every handler of the ``try`` closes it.

HANDLERS = """\
import asyncio
from dataclasses import dataclass

import aiohttp


@dataclass
class Entry:
    ws: aiohttp.ClientWebSocketResponse


class Box:
    def __init__(self, http: aiohttp.ClientSession):
        self._http = http
        self._entries = {}
        self._lock = asyncio.Lock()

    async def _drop(self, ws):
        if ws is not None:
            await ws.close()

    async def open(self, key):
        ws = None
        try:
            ws = await self._http.ws_connect("ws://x")
            await ws.send_str("hello")
            entry = Entry(ws=ws)
            async with self._lock:
                self._entries[key] = entry
        except asyncio.CancelledError:
            await self._drop(ws)
            raise
        except aiohttp.ClientError as e:
            await self._drop(ws)
            raise RuntimeError("no link") from e
        except Exception:
            await self._drop(ws)
            raise

"""


def test_closed_by_every_handler_of_every_error_and_kept_on_success(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HANDLERS, "TRD2") == []


def test_closed_by_a_base_exception_handler_and_kept_on_success(tmp_path: Path) -> None:
    source = HANDLERS.replace(
        "        except asyncio.CancelledError:\n            await self._drop(ws)\n            raise\n"
        "        except aiohttp.ClientError as e:\n            await self._drop(ws)\n            raise RuntimeError(\"no link\") from e\n"
        "        except Exception:\n", "        except BaseException:\n")
    assert "BaseException" in source
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_handler_set_that_misses_the_cancellation_is_reported(tmp_path: Path) -> None:
    source = HANDLERS.replace("except asyncio.CancelledError:", "except ValueError:")
    assert source_findings(tmp_path, source, "TRD2") == [
        "25:13 TRD201 `ws` (`self...ws_connect(...)`) is closed by the function it is given, outside `finally`; call `await ws.close()` in a `finally`",
    ]


def test_a_handler_that_does_not_close_it_is_reported(tmp_path: Path) -> None:
    source = HANDLERS.replace("        except asyncio.CancelledError:\n            await self._drop(ws)\n",
                              "        except asyncio.CancelledError:\n")
    assert source_findings(tmp_path, source, "TRD2") == [
        "25:13 TRD201 `ws` (`self...ws_connect(...)`) is closed by the function it is given, outside `finally`; call `await ws.close()` in a `finally`",
    ]


def test_a_close_under_a_condition_in_a_handler_is_reported(tmp_path: Path) -> None:
    source = HANDLERS.replace("        except Exception:\n            await self._drop(ws)\n",
                              "        except Exception:\n            if key:\n                await self._drop(ws)\n")
    assert source_findings(tmp_path, source, "TRD2") == [
        "25:13 TRD201 `ws` (`self...ws_connect(...)`) is closed by the function it is given, outside `finally`; call `await ws.close()` in a `finally`",
    ]


def test_closed_by_every_handler_but_dropped_on_success_is_reported(tmp_path: Path) -> None:
    source = HANDLERS.replace("            entry = Entry(ws=ws)\n            async with self._lock:\n                self._entries[key] = entry\n", "")
    assert "Entry(ws=ws)" not in source
    assert source_findings(tmp_path, source, "TRD2") == [
        "25:13 TRD201 `ws` (`self...ws_connect(...)`) is closed by the function it is given, outside `finally`; call `await ws.close()` in a `finally`",
    ]


# 4. Closed through what holds it.

LOCAL_HOLDER = """\
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp


class Store:
    def __init__(self, url):
        self._url = url
        self._session = None

    async def connect(self):
        self._session = aiohttp.ClientSession(self._url)

    async def insert(self, row):
        (await self._session.post("/rows", json=row)).release()

    async def disconnect(self):
        await self._session.close()


@dataclass
class Scope:
    name: str
    db: Store


@asynccontextmanager
async def observe(name, url):
    store = Store(url)
    await store.connect()
    scope = Scope(name=name, db=store)
    try:
        yield scope
    finally:
        try:
            await scope.db.insert(name)
        finally:
            await scope.db.disconnect()
"""


def test_closed_through_a_local_holder_in_a_nested_finally(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LOCAL_HOLDER, "TRD2") == []


def test_a_local_holder_never_released_through_leaves_it_open(tmp_path: Path) -> None:
    source = LOCAL_HOLDER.replace("await scope.db.disconnect()", "await scope.db.insert(name)")
    assert source_findings(tmp_path, source, "TRD2") == [
        "30:5 TRD201 `store` (`Store(...)`) is never closed; call `await store.disconnect()` in a `finally`",
    ]


GETTER = """\
import httpx


class Api:
    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    async def __aenter__(self) -> "Api":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.get_client().__aexit__(*exc)
"""


def test_released_through_a_getter_method_that_returns_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GETTER, "TRD2") == []


def test_a_getter_method_only_used_leaves_it_open(tmp_path: Path) -> None:
    source = GETTER.replace("await self.get_client().__aexit__(*exc)", "await self.get_client().get(\"/bye\")")
    assert source_findings(tmp_path, source, "TRD2") == [
        "10:13 TRD202 `self._client` is never closed; call its `aclose()` in `__aexit__()`",
    ]


# 5. The object's own opening method releases on its own failure.

OWN_OPENING = """\
import contextlib

import aiohttp


class Link:
    def __init__(self, url):
        self._url = url
        self._stack = None
        self._session = None

    async def connect(self):
        self._stack = contextlib.AsyncExitStack()
        try:
            self._session = await self._stack.enter_async_context(aiohttp.ClientSession())
            await self._session.get(self._url)
        except BaseException:
            await self.disconnect()
            raise

    async def disconnect(self):
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None


class Hub:
    def __init__(self):
        self._links = {}

    async def add(self, name, url):
        link = Link(url)
        await link.connect()
        self._links[name] = link

    async def close(self):
        for link in self._links.values():
            await link.disconnect()
"""


def test_an_own_opening_that_releases_on_every_error_leaves_nothing_open(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OWN_OPENING, "TRD2") == []


def test_an_own_opening_that_misses_the_cancellation_is_reported(tmp_path: Path) -> None:
    source = OWN_OPENING.replace("        except BaseException:", "        except Exception:")
    assert source_findings(tmp_path, source, "TRD2") == [
        "32:9 TRD201 `self._links` (`Link(...)`) leaks if an `await` before it is stored raises; close it on that error",
    ]


def test_an_own_opening_that_awaits_before_its_try_is_reported(tmp_path: Path) -> None:
    source = OWN_OPENING.replace("        self._stack = contextlib.AsyncExitStack()\n",
                                 "        self._stack = contextlib.AsyncExitStack()\n        await self._stack.__aenter__()\n")
    assert source_findings(tmp_path, source, "TRD2") == [
        "33:9 TRD201 `self._links` (`Link(...)`) leaks if an `await` before it is stored raises; close it on that error",
    ]
