"""Session 58: resources made by a method of a value (issue 28 point 1; the held-out misses'
largest cause, ``unknown:method``).

- A first-party method that returns what a library maker makes from the instance's configuration
  (``return await asyncio.open_connection(self.host, 80)``) hands a new resource to its caller,
  whole or as an element of a tuple, as a module function does. Twin: a method that hands the
  library the instance's own resource where the table says that parameter takes one
  (``Redis(connection_pool=self.pool)``) makes a view of it and stays silent; a caller that
  closes what it gets stays silent.
- A function that returns what a method of a receiver of proven first-party class makes
  (``return await dialer.connect()``, ``dialer: Dialer``) hands it on, as its direct caller would
  have it. Twin: one that returns the receiver's attribute (a connection it keeps) stays silent.
- A receiver is typed by the return annotation of a method of a receiver of proven first-party
  class (``s = api.session()`` with ``def session(self) -> Browser``), also called in place
  (``self.api.session().new_context()``). Twin: the same call on a receiver of no proven class
  stays silent.
- An attribute of a receiver of proven first-party class is typed by what that class says of it
  (``self.api.browser``, ``api.browser`` where ``Api.__init__`` stores ``browser: Browser``).
  Twin: the same attribute of a receiver of no proven class stays silent.
- A getter of the project without a return annotation (``def browser(self): return
  self._browser``) gives what its class says of that attribute. Twin: a method returning
  something else on a path (``return self._browser or self._fallback()``) types nothing.
- A callable run by an executor (``asyncio.to_thread``, ``loop.run_in_executor``) gives back what
  a direct call of it gives, also for a method of a receiver whose first-party class is proven
  (``self.factory.make``, a parameter annotated ``Factory``). Twin: closed in a ``finally``, and a
  receiver of no proven class, stay silent.
- A module global read by a function that does not bind it is typed by what the module declares
  (``_redis: Optional[Redis] = None``) or binds it to (a function declaring it ``global``), as a
  parameter's annotation or a local's value types a receiver. Twin: closed in a ``finally``, and
  a local of the same name bound to an unknown value, stay silent.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

CONFIGURED = """\
import asyncio
import redis.asyncio as aioredis


class Dialer:
    def __init__(self, host, pool: aioredis.ConnectionPool):
        self.host = host
        self.pool = pool

    async def connect(self):
        return await asyncio.open_connection(self.host, 80)

    def client(self):
        return aioredis.Redis(connection_pool=self.pool)

    def own(self):
        return aioredis.Redis(host=self.host)


async def handshake(dialer: Dialer):
    reader, writer = await dialer.connect()
    await reader.read(10)
    return reader, writer


async def closed(dialer: Dialer):
    reader, writer = await dialer.connect()
    try:
        await reader.read(10)
    finally:
        writer.close()


async def borrowed(dialer: Dialer):
    client = dialer.client()
    await client.ping()
    return 1


async def own(dialer: Dialer):
    client = dialer.own()
    await client.ping()
    return 1
"""

RUN = """\
import asyncio

import aiohttp


class Factory:
    def make(self):
        return aiohttp.ClientSession()


class Service:
    def __init__(self):
        self.factory = Factory()

    async def fetch(self, url):
        session = await asyncio.to_thread(self.factory.make)
        await session.get(url)


async def fetch(factory: Factory, url):
    loop = asyncio.get_running_loop()
    session = await loop.run_in_executor(None, factory.make)
    await session.get(url)


async def closed(factory: Factory, url):
    session = await asyncio.to_thread(factory.make)
    try:
        await session.get(url)
    finally:
        await session.close()


async def unproven(factory, url):
    session = await asyncio.to_thread(factory.make)
    await session.get(url)
"""

GLOBALS = """\
from typing import Optional

import aiohttp
import redis.asyncio as aioredis

_redis: Optional[aioredis.Redis] = None


class Dialer:
    def __init__(self, session: aiohttp.ClientSession):
        self._session = session

    async def connect(self, url):
        return await self._session.ws_connect(url)


_dialer = None


def setup(session):
    global _dialer
    _dialer = Dialer(session)


async def listen():
    pubsub = _redis.pubsub()
    await pubsub.subscribe("news")
    async for message in pubsub.listen():
        print(message)


async def talk(url):
    ws = await _dialer.connect(url)
    await ws.send_str("hello")


async def talk_closed(url):
    ws = await _dialer.connect(url)
    try:
        await ws.send_str("hello")
    finally:
        await ws.close()


async def shadowed(url, make):
    _dialer = make()
    ws = await _dialer.connect(url)
    await ws.send_str("hello")
"""


def test_a_method_making_a_library_resource_from_its_configuration_hands_it_on(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CONFIGURED, "TRD201") == [
        "21:5 TRD201 `writer` (`dialer.connect(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "41:5 TRD201 `client` (`dialer.own(...)`) is never closed; open it with `async with`",
    ]


def test_a_method_lending_the_instance_s_own_resource_stays_silent(tmp_path: Path) -> None:
    found = source_findings(tmp_path, CONFIGURED, "TRD201")
    assert not any(f.startswith(("27:", "35:")) for f in found)


def test_a_method_of_a_proven_receiver_run_by_an_executor_makes_what_it_returns(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RUN, "TRD201") == [
        "16:9 TRD201 `session` (`self.factory.make(...)`) is never closed; open it with `async with`",
        "22:5 TRD201 `session` (`factory.make(...)`) is never closed; open it with `async with`",
    ]


def test_a_run_method_closed_or_of_an_unproven_receiver_stays_silent(tmp_path: Path) -> None:
    found = source_findings(tmp_path, RUN, "TRD201")
    assert not any(f.startswith(("27:", "35:")) for f in found)


def test_a_module_global_is_typed_by_its_declaration_and_its_bindings(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GLOBALS, "TRD201") == [
        "26:5 TRD201 `pubsub` (`_redis.pubsub(...)`) is never closed; call `await pubsub.aclose()` in a `finally`",
        "33:5 TRD201 `ws` (`_dialer.connect(...)`) is never closed; call `await ws.close()` in a `finally`",
    ]


def test_a_global_closed_or_shadowed_by_a_local_stays_silent(tmp_path: Path) -> None:
    found = source_findings(tmp_path, GLOBALS, "TRD201")
    assert not any(f.startswith(("38:", "47:")) for f in found)


CHAINED = """\
import asyncio


class Dialer:
    def __init__(self, host):
        self.host = host
        self.reader = None
        self.writer = None

    async def connect(self):
        return await asyncio.open_connection(self.host, 80)

    async def kept(self):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, 80)
        return self.reader, self.writer


async def open_it(dialer: Dialer):
    return await dialer.connect()


async def reuse(dialer: Dialer):
    return await dialer.kept()


async def main(dialer: Dialer):
    reader, writer = await open_it(dialer)
    await reader.read(1)
    kept_reader, kept_writer = await reuse(dialer)
    await kept_reader.read(1)
    return 1
"""


def test_a_function_returning_a_proven_receiver_s_made_resource_hands_it_on(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CHAINED, "TRD201") == [
        "28:5 TRD201 `writer` (`open_it(...)`) is never closed; call `writer.close()` in a `finally`",
    ]


GETTER = """\
from playwright.async_api import Browser


class Api:
    def __init__(self, browser: Browser):
        self._browser = browser

    def browser(self) -> Browser:
        return self._browser


class Shots:
    def __init__(self, api: Api):
        self.api = api

    async def inline(self):
        context = await self.api.browser().new_context()
        await context.new_page()
        return 1


async def local(api: Api):
    browser = api.browser()
    context = await browser.new_context()
    await context.new_page()
    return 1


async def unproven(api):
    browser = api.browser()
    context = await browser.new_context()
    await context.new_page()
    return 1
"""


def test_a_receiver_typed_by_a_proven_receiver_s_method_annotation(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GETTER, "TRD201") == [
        "17:9 TRD201 `context` (`self...new_context(...)`) is never closed; call `await context.close()` in a `finally`",
        "24:5 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]


NESTED = """\
from playwright.async_api import Browser


class Api:
    def __init__(self, browser: Browser):
        self.browser = browser


class Shots:
    def __init__(self, api: Api):
        self.api = api

    async def run(self):
        context = await self.api.browser.new_context()
        await context.new_page()
        return 1


async def local(api: Api):
    context = await api.browser.new_context()
    await context.new_page()
    return 1


async def untyped(api):
    context = await api.browser.new_context()
    await context.new_page()
    return 1
"""


def test_an_attribute_of_a_proven_receiver_is_typed_by_its_class(tmp_path: Path) -> None:
    assert source_findings(tmp_path, NESTED, "TRD201") == [
        "14:9 TRD201 `context` (`self...new_context(...)`) is never closed; call `await context.close()` in a `finally`",
        "20:5 TRD201 `context` (`api...new_context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]


GETTER_PLAIN = """\
from playwright.async_api import Browser


class Api:
    def __init__(self, browser: Browser):
        self._browser = browser

    def browser(self):
        return self._browser

    def either(self, other):
        if other:
            return other
        return self._browser

    async def context(self):
        return await self.browser().new_context()


async def local(api: Api):
    browser = api.browser()
    context = await browser.new_context()
    await context.new_page()
    return 1


async def made(api: Api):
    context = await api.context()
    await context.new_page()
    return 1


async def mixed(api: Api, other):
    browser = api.either(other)
    context = await browser.new_context()
    await context.new_page()
    return 1
"""


def test_a_plain_getter_gives_its_attribute_s_type(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GETTER_PLAIN, "TRD201") == [
        "22:5 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`",
        "28:5 TRD201 `context` (`api.context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]


CLOSURE = """\
from playwright.async_api import Browser

browser: Browser = None


async def outer(make):
    browser = make()

    async def inner():
        context = await browser.new_context()
        await context.new_page()

    await inner()


async def module_level():
    context = await browser.new_context()
    await context.new_page()
"""


def test_a_closure_reads_its_enclosing_local_not_the_global(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CLOSURE, "TRD201") == [
        "17:5 TRD201 `context` (`browser.new_context(...)`) is never closed; call `await context.close()` in a `finally`",
    ]
