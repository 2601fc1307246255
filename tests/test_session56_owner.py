"""Session 56: who owns what is made, and who releases it.

- A function whose own frame returns no value makes nothing for its caller, whatever the
  functions nested in it return (``models/resources/returns_nothing.py``).
- A class factory's resource handed into the instance it returns is judged at the factory's
  callers (``models/resources/returned_holders.py``).
- A plain function returning an ``async`` maker's unawaited call makes a resource only where
  its result is awaited (``models/resources/coroutine_makers.py``).
- A wrapper of the process's standard stream, and a protocol-only first-party type built only
  from parameters (that acquires nothing itself), hold nothing of their own
  (``models/resources/borrowed_views.py``).
- An async generator every consumer of which ends it holds nothing across its ``yield``
  (``models/resources/consumed_generators.py``).
- A bare release in a plain method whose async twin awaits it is the sync protocol's (TRD205).
- A release looked up with ``getattr`` and called ends the object
  (``models/resources/getattr_releases.py``).

Each shape has its negative twin: the same shape with a real leak is still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

REGISTERS = """\
from contextlib import AsyncExitStack

import httpx


async def connect_all(cfg, stack: AsyncExitStack) -> None:
    def factory(headers=None):
        return httpx.AsyncClient(headers=headers)
    cfg.client = await stack.enter_async_context(httpx.AsyncClient())
    cfg.factory = factory


def register(services) -> None:
    def make(provider):
        return httpx.AsyncClient()
    services.add(httpx.AsyncClient, make)


def make_client(cfg):
    def unused():
        return None
    return httpx.AsyncClient()


class Loop:
    async def connect(self, cfg, services):
        self._stack = AsyncExitStack()
        await self._stack.__aenter__()
        await connect_all(cfg, self._stack)
        register(services)
        make_client(cfg)

    async def close(self):
        await self._stack.aclose()
"""


def test_a_function_returning_nothing_creates_nothing_and_a_factory_still_does(tmp_path: Path) -> None:
    assert source_findings(tmp_path, REGISTERS, "TRD2") == [
        "31:9 TRD201 `make_client(...)` is created inline, so nothing closes it; open it with `async with`",
    ]


FACTORY = """\
import aiohttp


class Api:
    def __init__(self, url, session):
        self.url = url
        self.session = session

    @classmethod
    async def from_url(cls, url):
        session = aiohttp.ClientSession()
        return cls(url, session)

    async def call(self):
        async with self.session.get(self.url) as resp:
            return await resp.json()


def build(url):
    session = aiohttp.ClientSession()
    return Api(url, session)


async def main(url):
    api = await Api.from_url(url)
    await api.call()
    await api.session.close()


class Unended:
    def __init__(self, session):
        self.session = session

    @classmethod
    def from_url(cls, url):
        session = aiohttp.ClientSession(base_url=url)
        return cls(session)


class Partial:
    def __init__(self, url, session):
        self.url = url
        self.session = session
        self.pool = aiohttp.TCPConnector()

    @staticmethod
    async def from_env(url):
        session = aiohttp.ClientSession()
        return Partial(url, session)

    async def close(self):
        await self.pool.close()
"""


def test_a_class_factory_hands_its_session_to_the_instance_and_its_caller_is_judged(tmp_path: Path) -> None:
    # The factory's session, which its callers close through the instance, is no longer reported
    # where it is made; the caller that keeps the instance is (its close is not in a ``finally``).
    # Judged as before: a module function doing the same, a factory whose class has a release that
    # leaves the session open, and one whose session no caller ever closes.
    assert source_findings(tmp_path, FACTORY, "TRD2") == [
        "20:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "36:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "48:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
    ]


COROUTINES = """\
import aiohttp


class Inner:
    def __init__(self, session):
        self.session = session

    @classmethod
    async def from_url(cls, url):
        return cls(aiohttp.ClientSession())

    async def status(self):
        return await self.session.get("/status")


class Outer:
    @staticmethod
    def get_client(url):
        return Inner.from_url(url)


def make(url):
    return Inner.from_url(url)


async def broken(url):
    await Outer.get_client(url).status()
    await make(url).status()


async def awaited(url):
    client = await Outer.get_client(url)
    await client.status()


async def closing(url):
    client = await Outer.get_client(url)
    try:
        await client.status()
    finally:
        await client.session.close()
"""


def test_an_unawaited_async_makers_coroutine_makes_nothing_until_awaited(tmp_path: Path) -> None:
    assert source_findings(tmp_path, COROUTINES, "TRD2") == [
        "32:5 TRD201 `Outer.get_client(...)` never closes its `self.session`; give the class an async `close()`, call it",
    ]


STREAMS = """\
import sys
from io import TextIOWrapper

import anyio


async def serve(stdin=None, stdout=None):
    if not stdin:
        stdin = anyio.wrap_file(TextIOWrapper(sys.stdin.buffer, encoding="utf-8"))
    if not stdout:
        stdout = anyio.wrap_file(TextIOWrapper(sys.stdout.buffer, encoding="utf-8"))
    async for line in stdin:
        await stdout.write(line)


async def copy(path):
    out = anyio.wrap_file(open(path, "w"))
    await out.write("x")
"""


def test_a_wrapper_of_the_process_stdout_holds_nothing_and_one_of_a_file_does(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STREAMS, "TRD2") == [
        "17:5 TRD201 `out` (`anyio.wrap_file(...)`) is never closed; call `await out.aclose()` in a `finally`",
    ]


TRANSPORT = """\
from abc import ABC, abstractmethod

import httpx


class Base(ABC):
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    @abstractmethod
    async def close(self) -> None:
        \"\"\"Close.\"\"\"


class Transport(Base):
    def __init__(self, client: httpx.AsyncClient, url: str | None = None):
        self.client = client
        self.url = url

    async def send(self, body):
        return await self.client.post(self.url, json=body)

    async def close(self):
        await self.client.aclose()


class Dialer(Base):
    def __init__(self, url: str):
        self.url = url

    async def connect(self):
        self.ws = await httpx.AsyncClient().__aenter__()

    async def close(self):
        await self.ws.aclose()


class Lent:
    def __init__(self, client: httpx.AsyncClient, url: str | None = None):
        self._transport = Transport(client, url)

    async def send(self, body):
        return await self._transport.send(body)


class Owning:
    def __init__(self, url: str):
        self._transport = Transport(httpx.AsyncClient(), url)

    async def send(self, body):
        return await self._transport.send(body)


class Dialing:
    def __init__(self, url: str):
        self._dialer = Dialer(url)

    async def send(self, body):
        await self._dialer.connect()
"""


def test_a_protocol_type_built_only_from_parameters_holds_nothing_of_its_own(tmp_path: Path) -> None:
    # ``Lent`` wraps the client its caller passed in: closing the transport would close the
    # caller's client. ``Owning`` gives it one made here, ``Dialing`` a type that opens its own.
    assert source_findings(tmp_path, TRANSPORT, "TRD2") == [
        "51:9 TRD202 `self._transport` is never closed; add a `close()` method that calls its `close()`",
        "59:9 TRD202 `self._dialer` is never closed; add a `close()` method that calls its `close()`",
    ]


DEPENDENCIES = """\
from contextlib import asynccontextmanager

import aiohttp
from fastapi import Depends, FastAPI

app = FastAPI()


async def get_session():
    async with aiohttp.ClientSession() as session:
        yield session


def session_context():
    return asynccontextmanager(get_session)()


@app.get("/")
async def index(session=Depends(get_session)):
    return {}


async def pages(url):
    async with aiohttp.ClientSession() as session:
        for page in range(3):
            yield await (await session.get(url)).json()


async def first_page(url):
    async for page in pages(url):
        return page


class Exporter:
    async def _rows(self, url):
        async with aiohttp.ClientSession() as session:
            for page in range(3):
                yield page

    def rows(self, url, loop):
        gen = self._rows(url)
        try:
            while True:
                try:
                    yield loop.run_until_complete(gen.__anext__())
                except StopAsyncIteration:
                    break
        finally:
            loop.run_until_complete(gen.aclose())

    async def _leaky(self, url):
        async with aiohttp.ClientSession() as session:
            yield session

    async def use(self, url):
        async for s in self._leaky(url):
            return s
"""

ROUTES = """\
from fastapi import Depends

from app.db import get_session


async def handler(session=Depends(get_session)):
    return session


async def direct():
    async for session in get_session():
        return session
"""


def test_a_generator_every_consumer_ends_holds_nothing_across_its_yield(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/db.py": DEPENDENCIES, "app/routes.py": ROUTES.replace(
        "\n\nasync def direct():\n    async for session in get_session():\n        return session\n", "\n")}
    assert [f for f in tree_findings(tmp_path, files, "TRD204", project=True)] == [
        "db.py:24:16 TRD204 `aiohttp.ClientSession(...)` stays open across `yield` in `pages()`; let the caller own it",
        "db.py:52:20 TRD204 `aiohttp.ClientSession(...)` stays open across `yield` in `_leaky()`; let the caller own it",
    ]


def test_a_dependency_also_iterated_elsewhere_is_still_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/db.py": DEPENDENCIES, "app/routes.py": ROUTES}
    assert "db.py:10:16 TRD204 `aiohttp.ClientSession(...)` stays open across `yield` in `get_session()`; let the caller own it" in (
        tree_findings(tmp_path, files, "TRD204", project=True))


TWINS = """\
class SyncTransport:
    def connect(self):
        pass

    def close(self):
        pass


class AsyncTransport:
    async def connect(self):
        pass

    async def close(self):
        pass


class Client:
    def __init__(self, transport):
        self.transport = transport

    async def __aenter__(self):
        await self.transport.connect()
        return self

    async def __aexit__(self, *exc):
        await self.transport.close()

    def __enter__(self):
        self.transport.connect()
        return self

    def __exit__(self, *exc):
        self.transport.close()


class Leaky:
    def __init__(self, transport):
        self.transport = transport

    async def stop(self):
        await self.transport.close()

    async def restart(self):
        self.transport.close()
"""


def test_a_sync_twin_of_an_awaited_release_is_the_sync_protocols(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD205") == [
        "44:9 TRD205 `self.transport.close()` is never awaited, so it releases nothing; await it",
    ]


GETATTR = """\
import inspect

import redis.asyncio as aioredis


class Bridge:
    def __init__(self, url: str):
        self._redis = aioredis.from_url(url)

    async def publish(self, key, value):
        await self._redis.set(key, value)

    async def close(self) -> None:
        close = getattr(self._redis, "aclose", None) or getattr(self._redis, "close", None)
        if close is None:
            return
        result = close()
        if inspect.isawaitable(result):
            await result


class Unclosed:
    def __init__(self, url: str):
        self._redis = aioredis.from_url(url)

    async def publish(self, key, value):
        await self._redis.set(key, value)

    async def close(self) -> None:
        close = getattr(self._redis, "aclose", None)
        print(close)
"""


def test_a_release_looked_up_with_getattr_and_awaited_ends_the_object(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GETATTR, "TRD2") == [
        "24:9 TRD202 `self._redis` is never closed; call its `aclose()` in `close()`",
    ]
