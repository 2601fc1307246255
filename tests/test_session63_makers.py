"""Session 63: a callee makes a new resource for its caller by what its body does on every path,
judged once, the same for a module function, a method of a proven receiver, a class method and a
maker called inside another maker; and a callee that returns its argument gives it back (the
caller still owns it).

- A method of a receiver whose first-party class is proven (or a class method) that returns a
  first-party holder given a resource it makes there (``return Wrapper(ClientSession())``) is a
  maker of the holder, as a module function with that body is (``class_factories._made_by`` asks
  ``returned_parts.made_holder`` as ``factories.factory_spec`` does).
- A resource made by another first-party maker counts as made there (``factories.made_here``:
  ``connection = await self._connections.new_connection(); return Assistant(connection)``).
- ``self._session = tag(raw)`` where ``tag`` returns its argument on every path keeps ``raw`` on
  ``self`` (``facts.given_back``), on either branch of a conditional expression too.
- ``self.proxies = {name: self.make() for name in names}`` keeps each new element in
  ``self.proxies`` (``facts.owned_elements.built_with``), and ``self_method_factory`` is asked there.
- A library wrapper returned with a resource made for it (``return AsyncOpenAI(http_client=
  httpx.AsyncClient())``) owns it, as where it is made in place (``given_own``): a maker.
- A receiver stored as ``assistants or Assistants()`` (a parameter annotated ``Optional[Assistants]``)
  is proven of that class (``attribute_types.value_class``).

Each shape has its negative twin: a cached or shared one, a getter of a kept one, one released,
one stored elsewhere too, a pass-through that returns another object on some path: silent.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

HOLDERS = """\
import aiohttp


class Wrapper:
    def __init__(self, session):
        self._session = session

    async def get(self, url):
        return await self._session.get(url)

    async def close(self):
        await self._session.close()


class Factory:
    def __init__(self):
        self._shared = None
        self._kept = Wrapper(aiohttp.ClientSession())

    def make(self):
        return Wrapper(aiohttp.ClientSession())

    @classmethod
    def create(cls):
        session = aiohttp.ClientSession()
        return Wrapper(session)

    def shared(self):
        if self._shared is None:
            self._shared = Wrapper(aiohttp.ClientSession())
        return self._shared

    def kept(self):
        return self._kept

    async def close(self):
        await self._kept.close()
        if self._shared is not None:
            await self._shared.close()


def make_free():
    return Wrapper(aiohttp.ClientSession())


async def from_method(factory: Factory):
    w = factory.make()
    await w.get("u")


async def from_class_method():
    w = Factory.create()
    await w.get("u")


async def from_function():
    w = make_free()
    await w.get("u")


async def from_method_closed(factory: Factory):
    w = factory.make()
    try:
        await w.get("u")
    finally:
        await w.close()


async def from_cache(factory: Factory):
    w = factory.shared()
    await w.get("u")


async def from_getter(factory: Factory):
    w = factory.kept()
    await w.get("u")
"""


def test_a_method_or_class_method_returning_a_new_holder_makes_it_for_its_caller(tmp_path: Path) -> None:
    # Before: only ``make_free()`` (a module function) was a maker; ``factory.make()`` and
    # ``Factory.create()`` made nothing. ``shared()`` (a lazily made kept one) and ``kept()`` (a
    # getter) lend theirs; the closed one is released.
    assert source_findings(tmp_path, HOLDERS, "TRD2") == [
        "47:5 TRD201 `w` (`factory.make(...)`) is never closed; call `await w.close()` in a `finally`",
        "52:5 TRD201 `w` (`Factory.create(...)`) is never closed; call `await w.close()` in a `finally`",
        "57:5 TRD201 `w` (`make_free(...)`) is never closed; call `await w.close()` in a `finally`",
    ]


NESTED = """\
from typing import Optional

import aiohttp


class Connection:
    def __init__(self, session: aiohttp.ClientSession):
        self._session = session
        self._ws: Optional[aiohttp.ClientWebSocketResponse] = None

    async def connect(self, url: str):
        self._ws = await self._session.ws_connect(url)

    async def disconnect(self):
        if self._ws is not None:
            await self._ws.close()
        self._ws = None

    async def send(self, data):
        await self._ws.send_json(data)


class Assistant:
    def __init__(self, connection: Connection):
        self._connection = connection

    async def connect(self, url: str):
        await self._connection.connect(url)

    async def disconnect(self):
        await self._connection.disconnect()

    async def send(self, data):
        await self._connection.send(data)


class Connections:
    def __init__(self):
        self._session: Optional[aiohttp.ClientSession] = None
        self._connection: Optional[Connection] = None

    async def new_connection(self) -> Connection:
        session = await self._shared_session()
        connection = Connection(session)
        return connection

    async def kept_connection(self) -> Connection:
        if self._connection is None:
            self._connection = Connection(await self._shared_session())
        return self._connection

    async def _shared_session(self) -> aiohttp.ClientSession:
        self._session = self._session or aiohttp.ClientSession()
        return self._session

    async def close(self):
        if self._connection is not None:
            await self._connection.disconnect()
        if self._session is not None:
            await self._session.close()


class Assistants:
    def __init__(self):
        self._connections = Connections()

    async def new_assistant(self) -> Assistant:
        connection = await self._connections.new_connection()
        assistant = Assistant(connection)
        return assistant

    async def kept_assistant(self) -> Assistant:
        connection = await self._connections.kept_connection()
        return Assistant(connection)

    async def close(self):
        await self._connections.close()


class Source:
    def __init__(self, assistants: Assistants):
        self._assistants = assistants

    async def listen(self):
        ws = await self._assistants.new_assistant()
        await ws.connect("wss://x")
        await ws.send({"op": "sub"})

    async def listen_closed(self):
        ws = await self._assistants.new_assistant()
        try:
            await ws.connect("wss://x")
        finally:
            await ws.disconnect()

    async def listen_kept(self):
        ws = await self._assistants.kept_assistant()
        await ws.connect("wss://x")


class DefaultSource:
    def __init__(self, assistants: Optional[Assistants] = None):
        self._assistants = assistants or Assistants()

    async def listen(self):
        ws = await self._assistants.new_assistant()
        await ws.connect("wss://x")
"""


def test_a_holder_given_what_another_maker_made_is_made_for_the_caller(tmp_path: Path) -> None:
    # ``new_assistant()`` hands a new ``Assistant`` holding the ``Connection`` that
    # ``new_connection()`` makes (the shared session it is lent stays the factory's). Silent:
    # the one disconnected in ``finally``, and ``kept_assistant()``, whose connection is a kept one.
    # ``DefaultSource``'s receiver is ``assistants or Assistants()``: proven of one class.
    # (``self._assistants`` made unless given and never closed: reported before too.)
    assert source_findings(tmp_path, NESTED, "TRD2") == [
        "85:9 TRD201 `ws` (`self...new_assistant(...)`) is never closed; call `await ws.disconnect()` in a `finally`",
        "103:9 TRD202 `self._assistants` is never closed; add a `close()` method that calls its `close()`",
        "106:9 TRD201 `ws` (`self...new_assistant(...)`) is never closed; call `await ws.disconnect()` in a `finally`",
    ]


PASSTHROUGH = """\
import aiohttp

_REGISTRY = []


def make_session():
    return aiohttp.ClientSession()


def tag(session):
    session.tagged = True
    return session


def register(session):
    _REGISTRY.append(session)
    return session


def tag_sometimes(session, other):
    if other is not None:
        return other
    return session


class Tagged:
    def __init__(self):
        raw = make_session()
        self._session = tag(raw)

    async def get(self, url):
        return await self._session.get(url)


class TaggedInline:
    def __init__(self):
        self._session = tag(aiohttp.ClientSession())

    async def get(self, url):
        return await self._session.get(url)


class TaggedByMethod:
    def __init__(self):
        raw = make_session()
        self._session = self._tag(raw)

    def _tag(self, session):
        session.headers["x"] = "y"
        return session

    async def get(self, url):
        return await self._session.get(url)


class TaggedClosed:
    def __init__(self):
        raw = make_session()
        self._session = tag(raw)

    async def close(self):
        await self._session.close()


class Registered:
    def __init__(self):
        raw = make_session()
        self._session = register(raw)

    async def get(self, url):
        return await self._session.get(url)


class Sometimes:
    def __init__(self, other=None):
        raw = make_session()
        self._session = tag_sometimes(raw, other)

    async def get(self, url):
        return await self._session.get(url)


class TaggedWhen:
    def __init__(self, flag=False):
        raw = make_session()
        self._session = tag(raw) if flag else raw

    async def get(self, url):
        return await self._session.get(url)
"""


def test_a_function_returning_its_argument_gives_it_back_to_its_owner(tmp_path: Path) -> None:
    # Before: ``tag(raw)`` was read as a hand-off and nothing was reported but the conditional
    # one's local (``raw`` never closed). Silent: the class that closes ``self._session``,
    # ``register`` (it keeps the session in a registry too), ``tag_sometimes`` (it may return another).
    assert source_findings(tmp_path, PASSTHROUGH, "TRD2") == [
        "28:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
        "37:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
        "45:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
        "85:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
    ]


COMPREHENSION = """\
import aiohttp


class Pool:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()


class Proxies:
    def __init__(self, names):
        self.proxies = {name: self.make() for name in names}

    def make(self) -> Pool:
        return Pool()

    async def aclose(self):
        pass


class ProxiesClosed:
    def __init__(self, names):
        self.proxies = {name: self.make() for name in names}

    def make(self) -> Pool:
        return Pool()

    async def aclose(self):
        for proxy in self.proxies.values():
            await proxy.close()


class ProxiesShared:
    def __init__(self, names, pool: Pool):
        self._pool = pool
        self.proxies = {name: self.make() for name in names}

    def make(self) -> Pool:
        return self._pool

    async def aclose(self):
        pass


class ProxiesListed:
    def __init__(self, names):
        self.proxies = [self.make() for name in names]

    def make(self) -> Pool:
        return Pool()

    async def aclose(self):
        pass
"""


def test_a_collection_built_by_a_comprehension_keeps_each_new_element(tmp_path: Path) -> None:
    # Before: silent. Silent still: the class whose ``aclose()`` closes each element, and the one
    # whose ``make()`` returns the pool it was given.
    assert source_findings(tmp_path, COMPREHENSION, "TRD2") == [
        "14:9 TRD202 `self.make(...)` items of `self.proxies` are never closed; close each in `aclose()`",
        "49:9 TRD202 `self.make(...)` items of `self.proxies` are never closed; close each in `aclose()`",
    ]


WRAPPED = """\
import httpx
from openai import AsyncOpenAI


def make_client(key):
    return AsyncOpenAI(api_key=key, http_client=httpx.AsyncClient())


def make_lent(key, http):
    return AsyncOpenAI(api_key=key, http_client=http)


def make_plain(key):
    return AsyncOpenAI(api_key=key)


async def run(key):
    client = make_client(key)
    await client.models.list()


async def run_lent(key, http):
    client = make_lent(key, http)
    await client.models.list()


async def run_closed(key):
    client = make_client(key)
    try:
        await client.models.list()
    finally:
        await client.close()


async def run_plain(key):
    client = make_plain(key)
    await client.models.list()
"""


def test_a_library_wrapper_returned_with_a_resource_made_for_it_is_made_for_the_caller(tmp_path: Path) -> None:
    # ``AsyncOpenAI(http_client=httpx.AsyncClient())`` returned: the wrapper owns the client made
    # for it, as where it is made in place, and the caller owns the wrapper (before: no maker).
    # Silent: the wrapper of a client the maker was lent, and the one closed.
    assert source_findings(tmp_path, WRAPPED, "TRD2") == [
        "18:5 TRD201 `client` (`make_client(...)`) is never closed; call `await client.close()` in a `finally`",
        "36:5 TRD201 `client` (`make_plain(...)`) is never closed; call `await client.close()` in a `finally`",
    ]
