"""Session 59: first-party classes that hold a resource, opened outside ``__init__`` (issue 28;
RULES.md "Lifecycles": ownership is transitive).

A first-party class that opens a resource on ``self`` and never closes it is a holder: whoever has
an instance holds what it opened (``owner_leaks``). Until now the holder rules read two openings:
``__init__`` (held from the constructor on) and a public method the maker calls (held once it
ran), each through a library constructor, a first-party type or a first-party maker. Two ways of
opening were not followed:

- A factory class method (``obj = cls(host); await obj._init(); return obj``) is the constructor
  its callers see (an ``__init__`` cannot await): what the methods it runs on the new instance
  open is held from the moment the caller has it, as what ``__init__`` opens is
  (kongo09/philips-airpurifier-coap's ``CoAPClient.create``). Twins: a class whose ``close()``
  closes it, closed by its maker in a ``finally``; a factory that runs no method of the instance.
- A public method that opens through a library maker called on a value (``self.ws = await
  self.session.ws_connect(url)``), as ``facts.made`` and the resource types already read it
  (fuatakgun/eufy_security's websocket wrapper). Twins: closed in a ``finally``; a method of the
  value that is no maker.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

FACTORY = """\
import aiohttp


class Client:
    def __init__(self, host):
        self.host = host
        self._session = None

    async def _init(self):
        self._session = aiohttp.ClientSession()

    @classmethod
    async def create(cls, host):
        client = cls(host)
        await client._init()
        return client

    async def status(self):
        return await self._session.get(self.host)


class Closing:
    def __init__(self, host):
        self.host = host
        self._session = None

    async def _init(self):
        self._session = aiohttp.ClientSession()

    @classmethod
    async def create(cls, host):
        client = cls(host)
        await client._init()
        return client

    async def close(self):
        await self._session.close()


class Bare:
    def __init__(self, host):
        self.host = host
        self._session = None

    async def _init(self):
        self._session = aiohttp.ClientSession()

    @classmethod
    def create(cls, host):
        return cls(host)


async def probe(host):
    client = await Client.create(host)
    return await client.status()


async def closed(host):
    client = await Closing.create(host)
    try:
        return client.host
    finally:
        await client.close()


async def bare(host):
    client = Bare.create(host)
    return client.host
"""

MADE = """\
import aiohttp


class Socket:
    def __init__(self, session: aiohttp.ClientSession, url):
        self.session = session
        self.url = url
        self.ws = None
        self.body = None

    async def connect(self):
        self.ws = await self.session.ws_connect(self.url)

    async def fetch(self):
        self.body = await self.session.get_text(self.url)


async def probe(session: aiohttp.ClientSession, url):
    sock = Socket(session, url)
    await sock.connect()
    return sock.ws.closed


async def closed(session: aiohttp.ClientSession, url):
    sock = Socket(session, url)
    await sock.connect()
    try:
        return sock.ws.closed
    finally:
        await sock.ws.close()


async def fetched(session: aiohttp.ClientSession, url):
    sock = Socket(session, url)
    await sock.fetch()
    return sock.body
"""


def test_what_a_factory_runs_on_the_instance_is_held(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FACTORY, "TRD2") == [
        "10:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
        "46:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
        "54:5 TRD201 `Client.create(...)` never closes its `self._session`; give the class an async `close()`, call it",
    ]


def test_a_public_method_opening_through_a_maker_of_a_value(tmp_path: Path) -> None:
    assert source_findings(tmp_path, MADE, "TRD2") == [
        "19:5 TRD201 `sock.ws` is never closed once `sock.connect()` opens it; call its `close()` in a `finally`",
    ]
