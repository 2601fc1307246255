"""Session 42 (issue 28 points 1-4): generators driven by hand, receivers typed by what stores
them, and the pass-through calls read one way.

- An async generator of the project that holds a resource at a ``yield`` (an ``async with`` of
  a known resource, a ``try`` whose ``finally`` releases) is closed only when exhausted or
  closed (PEP 525): stepping it by hand (``anext``) from synchronous code and dropping it
  leaves the resource open (onyx ``27df690a``: the discord client of a generator stepped from a
  sync wrapper). Negative twins: a loop with no early exit, ``aclosing()``, ``aclose()`` in a
  ``finally``, a loop stepping until ``StopAsyncIteration``, a generator holding no resource,
  and (since session 97) one a coroutine leaves, which the running loop closes.
- A library method that makes a resource on a receiver typed only by what the class stores
  there: a parameter annotated with the library's type (``def __init__(self, browser: Browser):
  self.browser = browser``), or what a first-party factory says it returns (``async def
  connect() -> Browser``). Negative twins: closed in ``finally``; a parameter of a project type.
- ``asyncio.shield(arg=make())`` and ``asyncio.wait_for(fut=make(), t)`` are ``make()``, as the
  positional forms are (each wrapper's own parameter name).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

GENERATOR = """\
import asyncio
import contextlib

import aiohttp


async def pages(url):
    async with aiohttp.ClientSession() as session:
        for page in range(10):
            yield page


async def numbers(url):
    for page in range(10):
        yield page


"""

def _trd201(tmp_path: Path, source: str) -> list[str]:
    return source_findings(tmp_path, source, "TRD201")


def test_a_generator_a_coroutine_leaves_by_break_or_return_is_closed_by_the_loop(tmp_path: Path) -> None:
    # Session 97: the running loop's async-generator hooks close what a coroutine leaves
    # (tests/test_session97_generators_closed.py runs it); reported through session 96, and
    # still under ``--preview``.
    source = GENERATOR + """\
async def first(url):
    async for page in pages(url):
        if page > 3:
            break


async def found(url):
    async for page in pages(url):
        return page
"""
    assert _trd201(tmp_path, source) == []
    assert tree_findings(tmp_path, {"worker.py": source}, "TRD201", preview=True) == [
        "worker.py:19:23 TRD201 `pages(...)` holds a cleanup at its `yield` and is left by the `break` at line 21 before "
        "it is exhausted; wrap it in `contextlib.aclosing()`",
        "worker.py:25:23 TRD201 `pages(...)` holds a cleanup at its `yield` and is left by the `return` at line 26 before "
        "it is exhausted; wrap it in `contextlib.aclosing()`",
    ]


def test_a_generator_stepped_by_hand_and_dropped(tmp_path: Path) -> None:
    source = GENERATOR + """\
def run_and_yield(url):
    loop = asyncio.new_event_loop()
    try:
        gen = pages(url)
        it = gen.__aiter__()
        while True:
            try:
                yield loop.run_until_complete(anext(it))
            except StopAsyncIteration:
                break
    finally:
        loop.close()


async def peek(url):
    gen = pages(url)
    return await gen.__anext__()
"""
    # ``peek`` is a coroutine's: the loop closes the generator at its return (session 97).
    assert _trd201(tmp_path, source) == [
        "21:15 TRD201 `pages(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 25); "
        "wrap it in `contextlib.aclosing()`",
    ]


def test_generators_exhausted_or_closed_are_not_reported(tmp_path: Path) -> None:
    source = GENERATOR + """\
async def every(url):
    async for page in pages(url):
        for retry in range(3):
            break
        print(page)


async def wrapped(url):
    async with contextlib.aclosing(pages(url)) as it:
        async for page in it:
            break


async def closed(url):
    gen = pages(url)
    try:
        async for page in gen:
            break
    finally:
        await gen.aclose()


async def drained(url):
    gen = pages(url)
    while True:
        try:
            page = await anext(gen)
        except StopAsyncIteration:
            break
        print(page)


async def nothing_held(url):
    async for page in numbers(url):
        break


async def handed(url, sink):
    gen = pages(url)
    await sink(gen)
    async for page in gen:
        break


def retrying(function):
    return function


@retrying
async def decorated(url):
    async with aiohttp.ClientSession() as session:
        yield session


async def wrapped_by_a_decorator(url):
    async for session in decorated(url):
        break
"""
    assert _trd201(tmp_path, source) == []


def test_a_generator_whose_finally_releases(tmp_path: Path) -> None:
    source = """\
class Feed:
    async def lines(self, reader):
        try:
            while True:
                yield await reader.readline()
        finally:
            reader.close()

    async def logged(self, reader):
        try:
            yield 1
        finally:
            print("done")

    def first(self, loop, reader):
        gen = self.lines(reader)
        return loop.run_until_complete(anext(gen))

    def first_logged(self, loop, reader):
        gen = self.logged(reader)
        return loop.run_until_complete(anext(gen))
"""
    assert _trd201(tmp_path, source) == [
        "16:15 TRD201 `lines(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 17); "
        "wrap it in `contextlib.aclosing()`",
    ]


RECEIVERS = """\
from typing import Optional

from playwright.async_api import Browser, async_playwright


async def connect(url) -> Browser:
    playwright = await async_playwright().start()
    return await playwright.chromium.connect_over_cdp(url)


class Given:
    def __init__(self, browser: Optional[Browser] = None):
        self.browser = browser

    async def shot(self, url):
        context = await self.browser.new_context()
        page = await context.new_page()
        await page.goto(url)

    async def closed(self, url):
        context = await self.browser.new_context()
        try:
            await context.new_page()
        finally:
            await context.close()


class Made:
    async def start(self, url):
        self.browser = await connect(url)

    async def shot(self, url):
        context = await self.browser.new_context()
        return await context.new_page()

    async def stop(self):
        await self.browser.close()
"""


def test_a_library_method_on_a_receiver_typed_by_its_store(tmp_path: Path) -> None:
    # (``async_playwright().start()``: the driver that ``connect()`` never stops, found since
    # session 60 although the module's ``Made`` has a ``start()`` of its own)
    assert source_findings(tmp_path, RECEIVERS, "TRD201") == [
        "7:5 TRD201 `playwright` (`async_playwright().start(...)`) is never closed; call `await playwright.stop()` in a `finally`",
        "16:9 TRD201 `context` (`self...new_context(...)`) is never closed; call `await context.close()` in a `finally`",
        # (line 17's page, a part of the context made here and kept here, ends with it: the
        # context's finding is the leak, session 61)
        "33:9 TRD201 `context` (`self...new_context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]


def test_a_receiver_of_a_project_type_stays_untyped(tmp_path: Path) -> None:
    # ``new_context`` makes a resource only on a receiver known to be a Playwright ``Browser``;
    # a parameter of a project type says nothing of it (as before: no finding).
    source = """\
from playwright.async_api import async_playwright

from app.browsers import Pool


class Given:
    def __init__(self, pool: Pool):
        self.pool = pool

    async def shot(self, url):
        context = await self.pool.new_context()
        await context.new_page()
"""
    assert source_findings(tmp_path, source, "TRD201") == []


PASS_THROUGH = """\
import asyncio

import websockets


async def shielded(url):
    ws = await asyncio.shield(arg=websockets.connect(url))
    await ws.send("x")


async def timed(url):
    ws = await asyncio.wait_for(fut=websockets.connect(url), timeout=5)
    await ws.send("x")


async def positional(url):
    ws = await asyncio.shield(websockets.connect(url))
    await ws.send("x")


async def closed(url):
    ws = await asyncio.wait_for(fut=websockets.connect(url), timeout=5)
    try:
        await ws.send("x")
    finally:
        await ws.close()


async def opened(url):
    return await asyncio.shield(arg=websockets.connect(url))


async def use(url):
    ws = await opened(url)
    await ws.send("x")
"""


def test_pass_through_calls_by_their_own_keyword(tmp_path: Path) -> None:
    never = "is never closed; open it with `async with`"
    assert source_findings(tmp_path, PASS_THROUGH, "TRD201") == [
        f"7:5 TRD201 `ws` (`websockets.connect(...)`) {never}",
        f"12:5 TRD201 `ws` (`websockets.connect(...)`) {never}",
        f"17:5 TRD201 `ws` (`websockets.connect(...)`) {never}",
        f"34:5 TRD201 `ws` (`opened(...)`) {never}",
    ]


def test_a_keyword_of_the_other_wrapper_is_not_read(tmp_path: Path) -> None:
    # ``shield`` has no ``fut`` and ``wait_for`` no ``arg``: neither is the awaited argument.
    source = """\
import asyncio

import websockets


async def opened(url):
    return await asyncio.shield(fut=websockets.connect(url))


async def use(url):
    ws = await opened(url)
    await ws.send("x")
"""
    assert source_findings(tmp_path, source, "TRD201") == []


def test_a_yield_the_call_never_reaches_holds_nothing(tmp_path: Path) -> None:
    # The connection is held at the ``yield`` only when ``ids`` is given: a call leaving it at
    # ``None`` never reaches that ``yield`` (astrbot_plugin_livingmemory's document batches).
    source = """\
import aiosqlite


class Store:
    async def batches(self, size, ids=None):
        if ids is not None:
            async with aiosqlite.connect("db") as db:
                yield await db.execute("x")
            return
        while True:
            yield size

    def every(self, loop):
        gen = self.batches(10)
        return loop.run_until_complete(anext(gen))

    def some(self, loop, ids):
        gen = self.batches(10, ids=ids)
        return loop.run_until_complete(anext(gen))
"""
    assert source_findings(tmp_path, source, "TRD201") == [
        "18:15 TRD201 `batches(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 19); "
        "wrap it in `contextlib.aclosing()`",
    ]
