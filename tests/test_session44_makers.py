"""Session 44: resources reached through a chain of the project's own makers (issue 28, point 1).

A first-party maker hands its caller a new resource on every path; what it returns may itself be
the result of another of the project's makers, followed to any depth:

* a class or static method named through its class (``return Factory.create()``), or a function
  named through its module (``return makers.make_session()``), returned by a function or by
  another class method;
* an element of the tuple a class, static or instance method returns (``return session, url``),
  as a module function's tuple element already was;
* an instance method of a first-party class on a module function's first parameter annotated with
  it (``async def crawl(pool: Pool)``: that parameter is no ``self``);
* a holder made around ``param or ClientSession()`` with a flag it keeps saying which it got
  (``Manager(session or ClientSession(), session is None)``, postlund/pyatv ``8faa4ebe``): the
  holder owns a new session whenever the parameter is left ``None``; a caller passing a session
  of its own makes nothing.

* a maker that lends what it made to an awaited helper (``await refresh(client)``), calls methods of its parts
  (``client.services.get_characteristic(uuid)``) and ends it in
  an ``except`` that leaves without it (``await client.disconnect(); return None, None``),
  eigger/hass-omron ``434fe64d``: it still hands the caller a new one on every path that returns one;
* a class picked from a registry (``CLIENTS[kind](url)``, ``CLIENTS.get(kind)``, a pair of
  classes unpacked from ``PAIRS[kind]``): a dict display bound once and never stored into, whose
  every value is a class of one kind of resource; one value that is no resource (or a registry
  filled at runtime) makes the call unknown.

Each shape's negative twin closes what the chain makes and gives nothing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

MAKERS = """\
import aiohttp


def make_session():
    return aiohttp.ClientSession()


class Factory:
    @classmethod
    def create(cls):
        return aiohttp.ClientSession()

    @classmethod
    async def create_pair(cls, url):
        session = aiohttp.ClientSession()
        return session, url

    @staticmethod
    def through_module():
        from app import makers
        return makers.make_session()


def via_classmethod():
    return Factory.create()


def via_module():
    from app import makers
    return makers.make_session()


class Pool:
    async def get(self, url):
        session = aiohttp.ClientSession()
        return session, url
"""

USE = """\
from app.makers import Factory, Pool, via_classmethod, via_module


async def pair():
    session, url = await Factory.create_pair("u")
    await session.get(url)


async def static():
    session = Factory.through_module()
    await session.get("u")


async def chained():
    session = via_classmethod()
    await session.get("u")


async def module_named():
    session = via_module()
    await session.get("u")


async def crawl(pool: Pool):
    session, url = await pool.get("u")
    await session.get(url)
"""

USE_CLOSED = """\
from app.makers import Factory, Pool, via_classmethod, via_module


async def pair():
    session, url = await Factory.create_pair("u")
    try:
        await session.get(url)
    finally:
        await session.close()


async def static():
    async with Factory.through_module() as session:
        await session.get("u")


async def chained():
    session = via_classmethod()
    try:
        await session.get("u")
    finally:
        await session.close()


async def module_named():
    async with via_module() as session:
        await session.get("u")


async def crawl(pool: Pool):
    session, url = await pool.get("u")
    try:
        await session.get(url)
    finally:
        await session.close()
"""

SUPPORT = """\
from typing import Optional

from aiohttp import ClientSession


class Manager:
    def __init__(self, session: ClientSession, should_close: bool) -> None:
        self._session = session
        self._should_close = should_close

    async def close(self) -> None:
        if self._should_close:
            await self._session.close()


async def create_session(session: Optional[ClientSession] = None) -> Manager:
    return Manager(session or ClientSession(), session is None)
"""

CONNECT = """\
from app import support


async def connect(session=None):
    manager = await support.create_session(session)
    await manager._session.get("x")


async def connect_new():
    manager = await support.create_session()
    await manager._session.get("x")
"""

CONNECT_GIVEN = """\
from app import support


async def connect(session):
    manager = await support.create_session(session)
    await manager._session.get("x")


class Client:
    async def connect(self):
        manager = await support.create_session(self.session)
        await manager._session.get("x")
"""

CONNECT_CLOSED = """\
from app import support


async def connect(session=None):
    manager = await support.create_session(session)
    try:
        await manager._session.get("x")
    finally:
        await manager.close()
"""


def _files(**sources: str) -> dict[str, str]:
    return {"app/__init__.py": "", **{f"app/{name}.py": source for name, source in sources.items()}}


def test_chained_makers_are_followed(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(makers=MAKERS, use=USE), "TRD2") == [
        "use.py:10:5 TRD201 `session` (`Factory.through_module(...)`) is never closed; open it with `async with`",
        "use.py:15:5 TRD201 `session` (`via_classmethod(...)`) is never closed; open it with `async with`",
        "use.py:20:5 TRD201 `session` (`via_module(...)`) is never closed; open it with `async with`",
        "use.py:25:5 TRD201 `session` (`pool.get(...)`) is never closed; call `await session.close()` in a `finally`",
        "use.py:5:5 TRD201 `session` (`Factory.create_pair(...)`) is never closed; call `await session.close()` in a `finally`",
    ]


def test_chained_makers_closed_give_nothing(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(makers=MAKERS, use=USE_CLOSED), "TRD2") == []


def test_holder_made_unless_given(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(support=SUPPORT, use=CONNECT), "TRD2") == [
        "use.py:10:5 TRD201 `manager` (`support.create_session(...)`) is never closed; call `await manager.close()` in a `finally`",
        "use.py:5:5 TRD201 `manager` (`support.create_session(...)`) is never closed; call `await manager.close()` in a `finally`",
    ]


def test_holder_given_a_session_or_closed_gives_nothing(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(support=SUPPORT, use=CONNECT_GIVEN), "TRD2") == []
    assert tree_findings(tmp_path / "closed", _files(support=SUPPORT, use=CONNECT_CLOSED), "TRD2") == []


REGISTRY = """\
import aiohttp
import httpx


class RedisClient:
    def __init__(self, url):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()


class PgClient:
    def __init__(self, url):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()


class Plain:
    def __init__(self, url):
        self.url = url


CLIENTS = {"redis": RedisClient, "pg": PgClient}
MIXED = {"redis": RedisClient, "plain": Plain}
PAIRS = {"a": (RedisClient, httpx.AsyncClient), "b": (PgClient, httpx.AsyncClient)}
FILLED = {"redis": RedisClient}
FILLED["pg"] = Plain


async def direct(kind, url):
    client = CLIENTS[kind](url)
    await client.get()


async def via_get(kind, url):
    client_class = CLIENTS.get(kind)
    client = client_class(url)
    await client.get()


async def pair(kind, url):
    client_class, http_class = PAIRS[kind]
    client = client_class(url)
    http = http_class()
    await client.get()
    await http.get(url)


async def closed(kind, url):
    client = CLIENTS[kind](url)
    try:
        await client.get()
    finally:
        await client.close()


async def mixed(kind, url):
    client = MIXED[kind](url)
    await client.get()


async def filled(kind, url):
    client = FILLED[kind](url)
    await client.get()
"""


def test_class_picked_from_a_registry(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(clients=REGISTRY), "TRD2") == [
        "clients.py:34:5 TRD201 `client` (`CLIENTS[kind](...)`) is never closed; call `await client.close()` in a `finally`",
        "clients.py:40:5 TRD201 `client` (`client_class(...)`) is never closed; call `await client.close()` in a `finally`",
        "clients.py:46:5 TRD201 `client` (`client_class(...)`) is never closed; call `await client.close()` in a `finally`",
        "clients.py:47:5 TRD201 `http` (`http_class(...)`) is never closed; open it with `async with`",
    ]  # (``closed()`` closes its client; ``MIXED`` holds a class that is no resource, ``FILLED`` is filled at runtime)


PROBED = """\
import aiohttp


async def _probe(session):
    await session.get("x")


async def fetch_model(url):
    try:
        session = aiohttp.ClientSession()
        try:
            await _probe(session)
            agent = session.headers.get("User-Agent")
            model = await session.get(url, params={"agent": agent})
            if model:
                return session, model
        except Exception:
            await session.close()
            return None, None
    except Exception:
        return None, None
    return session, None
"""

PROBED_USE = """\
from app.setup import fetch_model


async def step(url):
    session, model = await fetch_model(url)
    if session:
        await session.get(model)


async def step_closed(url):
    session, model = await fetch_model(url)
    if session:
        try:
            await session.get(model)
        finally:
            await session.close()
"""


def test_maker_that_lends_and_ends_on_failure(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(setup=PROBED, use=PROBED_USE), "TRD2") == [
        "use.py:5:5 TRD201 `session` (`fetch_model(...)`) is never closed; call `await session.close()` in a `finally`",
    ]  # (``step_closed`` closes it)


EXCHANGES = """\
import ccxt.async_support as ccxt


async def prices(exchange_type, symbol):
    exchange_classes = {"binance": ccxt.binance, "kraken": ccxt.kraken}
    exchange_class = exchange_classes[exchange_type]
    exchange = exchange_class({"enableRateLimit": True})
    return await exchange.fetch_ticker(symbol)


async def prices_closed(exchange_type, symbol):
    exchange_classes = {"binance": ccxt.binance, "kraken": ccxt.kraken}
    exchange = exchange_classes[exchange_type]({"enableRateLimit": True})
    try:
        return await exchange.fetch_ticker(symbol)
    finally:
        await exchange.close()
"""


def test_library_classes_picked_from_a_local_registry(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"bot.py": EXCHANGES}, "TRD2") == [
        "bot.py:7:5 TRD201 `exchange` (`exchange_class(...)`) is never closed; open it with `async with`",
    ]
