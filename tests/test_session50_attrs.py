"""Session 50: a resource handed to the constructor of a first-party attrs class is handed on
only when the class keeps it and releases it, as for a stdlib dataclass (issue 28, session 37).

apscheduler's ``RedisEventBroker.from_url()`` (fixed in 3390502c85) made a ``Redis`` client and
returned ``cls(client, **kwargs)``: an ``@attrs.define`` class, with keyword-only attrs bases in
another module, that never closes ``client``. The generated ``__init__`` was not read, so the
store was unknown and the hand-off trusted. Now the attrs makers (``attrs.define``/``frozen``/
``mutable``, ``attr.s``, ``define`` imported from attrs) are read as the stdlib one is: which
statements are fields (``auto_attribs``), ``_x`` taking the parameter ``x`` unless ``alias=``
says otherwise, ``init=False`` fields not taken, ``kw_only`` (the class's and a field's), and the
bases' fields first in MRO order. Twins: the class releases what it keeps; an ``init=False``
field before the one given (position 0 is the next field); an ``alias=``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

BASE = """\
import attrs


@attrs.define(kw_only=True)
class BaseBroker:
    _logger: object = attrs.field(init=False)
    serializer: object = attrs.field(factory=dict)
"""

# apscheduler's shape (src/apscheduler/eventbrokers/redis.py at 3390502c85^), cut down.
BROKER = """\
from __future__ import annotations

import attrs
from redis.asyncio import Redis
from redis.asyncio.connection import ConnectionPool

from .base import BaseBroker


@attrs.define(eq=False)
class RedisBroker(BaseBroker):
    client: Redis
    channel: str = attrs.field(kw_only=True, default="x")
    _stopped: bool = attrs.field(init=False, default=True)

    @classmethod
    def from_url(cls, url: str, **kwargs: object) -> RedisBroker:
        pool = ConnectionPool.from_url(url)
        client = Redis(connection_pool=pool)
        return cls(client, **kwargs)

    async def publish(self, msg: str) -> None:
        await self.client.publish(self.channel, msg)


def by_keyword(url: str) -> RedisBroker:
    client = Redis.from_url(url)
    return RedisBroker(client=client)
"""

# The fix's shape: the broker closes what it keeps.
RELEASED = BROKER.replace(
    "    async def publish(",
    "    async def aclose(self) -> None:\n        await self.client.aclose()\n\n    async def publish(",
)

# The spellings: a private field's parameter, ``alias=``, classic ``attr.s`` with ``attr.ib()``,
# bare ``define`` from attrs, ``frozen``, a positional base field before the subclass's own.
SPELLINGS = """\
import attr
import attrs
from attrs import define
from redis.asyncio import Redis


@define
class Private:
    _client: Redis

    async def ping(self) -> None:
        await self._client.ping()


@attrs.frozen
class Aliased:
    _conn: Redis = attrs.field(alias="redis")


@attr.s
class Classic:
    name = attr.ib()
    client = attr.ib()


@attrs.define
class Named:
    name: str


@attrs.mutable
class Derived(Named):
    client: Redis


def private(url: str) -> Private:
    client = Redis.from_url(url)
    return Private(client=client)


def aliased(url: str) -> Aliased:
    client = Redis.from_url(url)
    return Aliased(redis=client)


def classic(url: str) -> Classic:
    client = Redis.from_url(url)
    return Classic("n", client)


def derived(url: str) -> Derived:
    client = Redis.from_url(url)
    return Derived("n", client)
"""

# Twins: each class releases the field the argument lands in, and would not if ``init=False``,
# ``alias=`` or the base's field were misread.
TWINS = """\
import attrs
from redis.asyncio import Redis


@attrs.define
class Skipped:
    _other: Redis = attrs.field(init=False)
    client: Redis

    async def aclose(self) -> None:
        await self.client.aclose()


@attrs.define
class Aliased:
    _conn: Redis = attrs.field(alias="redis")
    conn: Redis | None = None

    async def close(self) -> None:
        await self._conn.aclose()


@attrs.define
class Named:
    client: Redis

    async def close(self) -> None:
        await self.client.aclose()


@attrs.define
class Derived(Named):
    other: Redis | None = None


def skipped(url: str) -> Skipped:
    client = Redis.from_url(url)
    return Skipped(client)


def aliased(url: str) -> Aliased:
    client = Redis.from_url(url)
    return Aliased(redis=client)


def derived(url: str) -> Derived:
    client = Redis.from_url(url)
    return Derived(client)
"""

# The stdlib twin of BROKER prints the same message (what the attrs finding mirrors).
DATACLASS = """\
from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass
class Broker:
    client: Redis
    channel: str = "x"

    @classmethod
    def from_url(cls, url: str) -> "Broker":
        client = Redis.from_url(url)
        return cls(client)
"""

NEVER_CLOSED = "is never closed; make it in the coroutine that uses it and close it there"


def test_apscheduler_shape_leaks_at_the_creator(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/redis.py": BROKER}
    assert tree_findings(tmp_path, files, "TRD2") == [
        f"redis.py:18:9 TRD201 `pool` (`ConnectionPool.from_url(...)`) {NEVER_CLOSED}",
        f"redis.py:19:9 TRD201 `client` (`Redis(...)`) {NEVER_CLOSED}",
        f"redis.py:27:5 TRD201 `client` (`Redis.from_url(...)`) {NEVER_CLOSED}",
    ]


def test_a_broker_releasing_the_client_takes_it(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/redis.py": RELEASED}
    assert tree_findings(tmp_path, files, "TRD2") == [
        f"redis.py:18:9 TRD201 `pool` (`ConnectionPool.from_url(...)`) {NEVER_CLOSED}",
    ]


def test_the_attrs_spellings_are_read(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SPELLINGS, "TRD2") == [
        f"37:5 TRD201 `client` (`Redis.from_url(...)`) {NEVER_CLOSED}",
        f"42:5 TRD201 `client` (`Redis.from_url(...)`) {NEVER_CLOSED}",
        f"47:5 TRD201 `client` (`Redis.from_url(...)`) {NEVER_CLOSED}",
        f"52:5 TRD201 `client` (`Redis.from_url(...)`) {NEVER_CLOSED}",
    ]


def test_init_false_alias_and_inherited_fields_land_where_released(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD2") == []


def test_the_dataclass_twin_prints_the_same(tmp_path: Path) -> None:
    assert source_findings(tmp_path, DATACLASS, "TRD2") == [f"13:9 TRD201 `client` (`Redis.from_url(...)`) {NEVER_CLOSED}"]


# The four false readings the 19-mirror scan found (lablup/backend.ai, ol-iver/denonavr), each
# cut down with its stdlib-dataclass twin (which main read the same wrong way).

# backend.ai ``StorageSessionManager``: a record kept in ``self._proxies[...]``, its session
# closed by ``aclose()`` through each value. A plain record (fields only) goes where it is put,
# and the resource with it: judged as the session added there would be.
KEPT_IN_A_MAP = """\
import asyncio
from dataclasses import dataclass

import aiohttp
import attrs


@attrs.define(frozen=True)
class InfoA:
    session: aiohttp.ClientSession
    secret: str


@dataclass(frozen=True)
class InfoD:
    session: aiohttp.ClientSession
    secret: str


class ManagerA:
    def __init__(self, names: list[str]) -> None:
        self._proxies: dict[str, InfoA] = {}
        for name in names:
            session = aiohttp.ClientSession()
            self._proxies[name] = InfoA(session=session, secret=name)

    async def aclose(self) -> None:
        await asyncio.gather(*[info.session.close() for info in self._proxies.values()])


class ManagerD:
    def __init__(self, names: list[str]) -> None:
        self._proxies: dict[str, InfoD] = {}
        for name in names:
            session = aiohttp.ClientSession()
            self._proxies[name] = InfoD(session=session, secret=name)

    async def aclose(self) -> None:
        for info in self._proxies.values():
            await info.session.close()


def dropped(names: list[str]) -> None:
    infos = []
    for name in names:
        session = aiohttp.ClientSession()
        infos.append(InfoD(session, name))
"""


def test_a_record_kept_in_a_map_goes_with_its_session(tmp_path: Path) -> None:
    # Only the record added to a local list that nothing hands on is still the creator's.
    assert source_findings(tmp_path, KEPT_IN_A_MAP, "TRD2") == [
        f"46:9 TRD201 `session` (`aiohttp.ClientSession(...)`) {NEVER_CLOSED}",
    ]


# backend.ai's ``DomainSocketProxy`` (attrs): a server made, an ``await`` (a chmod), then the
# server put in a record appended to ``self.domain_socket_proxies`` (handed on to the kernel,
# whose destruction closes it) or to a list the function returns. The record hands the server on;
# the ``await`` between is the leak. A record returned alone is still the holder that never
# releases it, as before.
HANDED_ON_IN_A_RECORD = """\
import asyncio
from dataclasses import dataclass
from pathlib import Path

import attrs


@attrs.define
class ProxyA:
    path: Path
    server: asyncio.AbstractServer


@dataclass
class ProxyD:
    path: Path
    server: asyncio.AbstractServer


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


class Context:
    def __init__(self) -> None:
        self.proxies: list[ProxyA] = []

    async def prepare(self, paths: list[Path]) -> None:
        loop = asyncio.get_running_loop()
        for path in paths:
            server = await asyncio.start_unix_server(serve, str(path))
            await loop.run_in_executor(None, path.chmod, 0o666)
            self.proxies.append(ProxyA(path, server))

    async def start(self) -> dict[str, object]:
        return {"proxies": self.proxies}


async def prepare_a(paths: list[Path]) -> tuple[list[ProxyA], int]:
    loop = asyncio.get_running_loop()
    proxies = []
    for path in paths:
        server = await asyncio.start_unix_server(serve, str(path))
        await loop.run_in_executor(None, path.chmod, 0o666)
        proxies.append(ProxyA(path, server))
    return proxies, len(paths)


async def prepare_d(paths: list[Path]) -> list[ProxyD]:
    loop = asyncio.get_running_loop()
    proxies = []
    for path in paths:
        server = await asyncio.start_unix_server(serve, str(path))
        await loop.run_in_executor(None, path.chmod, 0o666)
        proxies.append(ProxyD(path, server))
    return proxies


async def one(path: Path) -> ProxyD:
    server = await asyncio.start_unix_server(serve, str(path))
    return ProxyD(path, server)
"""

ERROR_PATH = "(`asyncio.start_unix_server(...)`) leaks if an `await` before it is handed on raises; close it on that error"


def test_a_record_handed_on_hands_its_server_on(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HANDED_ON_IN_A_RECORD, "TRD2") == [
        f"31:13 TRD201 `server` {ERROR_PATH}",
        f"43:9 TRD201 `server` {ERROR_PATH}",
        f"53:9 TRD201 `server` {ERROR_PATH}",
        # Returned alone, the record is the holder that never releases it (issue 28).
        "60:5 TRD201 `server` (`asyncio.start_unix_server(...)`) is never closed; call `server.close()` in a `finally`",
    ]


# denonavr: ``DeviceInfo`` makes its telnet API from an ``attr.Factory`` default and never
# disconnects it; ``Foundation`` (another module) declares ``_device`` made the same way, and its
# subclass ``Receiver`` (a third module, which never names ``DeviceInfo``) disconnects it through
# ``self._device.telnet_api``. The owner's subclass holds what its base declares.
API = """\
import asyncio
from dataclasses import dataclass
from typing import Optional

import attr


@attr.s(auto_attribs=True)
class TelnetApi:
    host: str = attr.ib(default="localhost")
    _transport: Optional[asyncio.Transport] = attr.ib(default=None)

    async def async_connect(self) -> None:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_connection(asyncio.Protocol, self.host, 23)

    async def async_disconnect(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None


@dataclass
class TelnetApiD:
    host: str = "localhost"
    _transport: Optional[asyncio.Transport] = None

    async def async_connect(self) -> None:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_connection(asyncio.Protocol, self.host, 23)

    async def async_disconnect(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
"""

FOUNDATION = """\
from dataclasses import dataclass, field

import attr

from .api import TelnetApi, TelnetApiD


@attr.s(auto_attribs=True)
class DeviceInfo:
    telnet_api: TelnetApi = attr.ib(default=attr.Factory(TelnetApi), kw_only=True)
    zone: str = "main"


@attr.s(auto_attribs=True)
class Foundation:
    _device: DeviceInfo = attr.ib(default=attr.Factory(DeviceInfo), kw_only=True)


@dataclass
class DeviceInfoD:
    telnet_api: TelnetApiD = field(default_factory=TelnetApiD)
    zone: str = "main"


@dataclass
class FoundationD:
    _device: DeviceInfoD = field(default_factory=DeviceInfoD)
"""

RECEIVER = """\
from dataclasses import dataclass

import attr

from .foundation import Foundation, FoundationD


@attr.s(auto_attribs=True)
class Receiver(Foundation):
    async def async_telnet_connect(self) -> None:
        await self._device.telnet_api.async_connect()

    async def async_telnet_disconnect(self) -> None:
        await self._device.telnet_api.async_disconnect()


@dataclass
class ReceiverD(FoundationD):
    async def async_telnet_connect(self) -> None:
        await self._device.telnet_api.async_connect()

    async def async_telnet_disconnect(self) -> None:
        await self._device.telnet_api.async_disconnect()
"""


def test_a_subclass_of_the_owner_closes_what_its_base_holds(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/api.py": API, "pkg/foundation.py": FOUNDATION, "pkg/receiver.py": RECEIVER}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_a_subclass_that_never_disconnects_leaves_it_open(tmp_path: Path) -> None:
    receiver = RECEIVER.replace("def async_telnet_disconnect(self) -> None:\n        await self._device.telnet_api.async_disconnect()",
                                "def async_telnet_reset(self) -> None:\n        await self._device.telnet_api.async_connect()")
    files = {"pkg/__init__.py": "", "pkg/api.py": API, "pkg/foundation.py": FOUNDATION, "pkg/receiver.py": receiver}
    text = "is never closed; add a `close()` method that calls its `async_disconnect()`"
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        f"foundation.py:10:5 TRD202 `self.telnet_api` {text}",
        f"foundation.py:21:5 TRD202 `self.telnet_api` {text}",
    ]
