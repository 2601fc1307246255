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
