"""Session 57: ownership moves into a holder only where the holder's own release is shown to
release it (issue 28 points 1 and 8).

- A library class that closes what it is given, read from the library's source into the shipped
  table's holder section (``scripts/resource_holders.py``, ``models/resources/library_holders.py``):
  aiogram 3's ``RedisStorage(redis=...)``, whose ``close()`` awaits ``self.redis.aclose()``. The
  client is released where the holder is; the holder must be released in turn. A close under the
  holder's documented owner flag passed false takes nothing.
- A function's resource handed through first-party parts into the holder it returns
  (``return Device(Config(session))``), whose release releases the path it ends up in
  (``models/resources/nested_holders.py``): judged at the function's callers.
- A module function's resource in the holder it returns, a holder that never releases it, that
  every caller ends through the instance (``await device.config.session.aclose()``).

Each shape has its negative twin: the same shape with the leak still reported.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.conftest import source_findings, tree_findings

STORAGE = """\
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis


async def closed_through_holder():
    redis = Redis(host="a")
    storage = RedisStorage(redis=redis)
    try:
        await storage.set_state("k", "s")
    finally:
        await storage.close()


async def holder_never_closed():
    redis = Redis(host="b")
    storage = RedisStorage(redis=redis)
    await storage.set_state("k", "s")


def make_storage():
    redis = Redis.from_url("redis://")
    return RedisStorage(redis=redis)


async def run():
    storage = make_storage()
    try:
        await storage.set_state("k", "s")
    finally:
        await storage.close()


async def run_leaky():
    storage = make_storage()
    await storage.set_state("k", "s")
"""


def test_a_library_holder_from_the_table_takes_the_client_and_must_be_closed_itself(tmp_path: Path) -> None:
    # Before: the clients at 15:5 and 21:5 reported where they are made (the factory's "make it
    # in the coroutine that uses it"), the callers not. Now the holder is what must be closed:
    # reported where it is never closed, the factory's at its caller.
    assert source_findings(tmp_path, STORAGE, "TRD2") == [
        "16:5 TRD201 `storage` (`RedisStorage(...)`) is never closed; call `await storage.close()` in a `finally`",
        "34:5 TRD201 `storage` (`make_storage(...)`) is never closed; call `await storage.close()` in a `finally`",
    ]


GLOBALS = """\
from aiogram import Dispatcher
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

aredis = Redis(host="a")
fsm_redis = Redis(host="x")
storage = RedisStorage(redis=fsm_redis)
dp = Dispatcher(storage=storage)
other = Redis(host="y")
inline = Dispatcher(storage=RedisStorage(redis=other))
"""

MAIN = """\
from aiohttp import web

from . import aredis, dp, inline


async def shutdown(app) -> None:
    await dp.storage.close()
    await aredis.aclose()


def main():
    app = web.Application()
    app.on_shutdown.append(shutdown)
    web.run_app(app)
"""


def test_a_process_global_handed_to_a_holder_the_application_closes_is_closed(tmp_path: Path) -> None:
    # ``dp.storage.close()`` at the application's end closes ``storage`` and with it
    # ``fsm_redis``; ``inline``'s storage is never closed, so ``other`` is still reported.
    files = {"app/__init__.py": GLOBALS, "app/__main__.py": MAIN}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "__init__.py:9:1 TRD201 `other` (`Redis(...)`) is kept for the whole process and never closed; close it at the application's end of life",
    ]


def test_a_process_global_handed_to_a_holder_never_closed_is_still_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": GLOBALS, "app/__main__.py": MAIN.replace("    await dp.storage.close()\n", "")}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "__init__.py:6:1 TRD201 `fsm_redis` (`Redis(...)`) is kept for the whole process and never closed; close it at the application's end of life",
        "__init__.py:9:1 TRD201 `other` (`Redis(...)`) is kept for the whole process and never closed; close it at the application's end of life",
    ]


LIBRARY = """\
class Storage:
    def __init__(self, redis, prefix="x"):
        self.redis = redis

    async def close(self):
        await self._shutdown()

    async def _shutdown(self):
        await self.redis.aclose()


class Session:
    def __init__(self, connector=None, connector_owner=True):
        self._connector = connector
        self._connector_owner = connector_owner

    async def close(self):
        if self._connector_owner:
            await self._connector.close()


class Client:
    def __init__(self, session=None):
        self._owns = session is None
        self._session = session

    async def close(self):
        if self._owns:
            await self._session.close()


class Isolation:
    def __init__(self, redis):
        self.redis = redis

    async def close(self):
        pass


class _Private:
    def __init__(self, redis):
        self.redis = redis

    async def close(self):
        await self.redis.aclose()
"""


def test_the_generator_reads_holders_and_their_owner_flags(tmp_path: Path) -> None:
    # A holder whose release reaches the close through a method of its own; one whose close is
    # under its documented owner flag (recorded with the flag's default); not one that closes only
    # what it made itself, nor one whose release closes nothing, nor a private class.
    wheel = tmp_path / "fakelib-1.0"
    (wheel / "fakelib").mkdir(parents=True)
    (wheel / "fakelib" / "__init__.py").write_text("from .store import Storage\n")
    (wheel / "fakelib" / "store.py").write_text(LIBRARY)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        import resource_holders
    finally:
        sys.path.pop(0)
    found = resource_holders.holders([wheel], types=set())
    assert found == {
        "fakelib.Storage": {"close": "close", "awaited": True, "given": [["redis", 0]], "source": "fakelib-1.0"},
        "fakelib.store.Session": {
            "close": "close", "awaited": True, "given": [["connector", 0, "connector_owner", 1, True]], "source": "fakelib-1.0",
        },
        "fakelib.store.Storage": {"close": "close", "awaited": True, "given": [["redis", 0]], "source": "fakelib-1.0"},
    }


def test_an_owner_flag_passed_false_takes_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tradelint.models.resources import library_holders
    from tradelint.models.resources.library_table import Holder

    holder = Holder("close", True, (("connector", 0, ("connector_owner", 1, True)),))
    monkeypatch.setattr(library_holders, "library_holder", lambda qualified: holder if qualified == "lib.Session" else None)

    class Module:
        def enclosing_function(self, node: ast.AST) -> object:
            return object()  # (inside a function)

    def taken(source: str) -> bool | None:
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        arg = call.keywords[0].value if call.keywords else call.args[0]
        return library_holders.holder_takes(Module(), "lib.Session", call, arg)  # type: ignore[arg-type]

    assert taken("Session(connector=c)") is True
    assert taken("Session(c, True)") is True
    assert taken("Session(connector=c, connector_owner=False)") is False
    assert taken("Session(c, False)") is False
    assert taken("Session(connector=c, connector_owner=flag)") is None
    assert taken("Session(other=c, connector=d)") is None
    spec = library_holders.library_holder_spec("lib.Session", ast.parse("Session(connector=c, connector_owner=False)").body[0].value)  # type: ignore[attr-defined]
    assert spec is None
    spec = library_holders.library_holder_spec("lib.Session", ast.parse("Session(connector=c)").body[0].value)  # type: ignore[attr-defined]
    assert spec is not None and spec.takes == (("connector", 0),) and spec.close == "close"


PARTS = """\
import aiohttp


class Config:
    def __init__(self, session):
        self.session = session


class Device:
    def __init__(self, config):
        self.config = config

    async def close(self):
        await self.config.session.close()


class Leaves:
    def __init__(self, config):
        self.config = config
        self.pool = aiohttp.TCPConnector()

    async def close(self):
        await self.pool.close()


def make_device():
    session = aiohttp.ClientSession()
    return Device(Config(session))


def make_device_inline():
    return Device(config=Config(session=aiohttp.ClientSession()))


def make_leaves():
    session = aiohttp.ClientSession()
    return Leaves(Config(session))


async def closes():
    device = make_device()
    try:
        await device.config.session.get("/")
    finally:
        await device.close()


async def leaks():
    device = make_device_inline()
    await device.config.session.get("/")
"""


def test_a_resource_moves_into_the_returned_holder_whose_release_releases_its_part(tmp_path: Path) -> None:
    # Before: both factories' sessions reported where they are made (27:5 and 32:41), and the
    # caller that never closes the device not at all. ``Leaves`` releases something else: its
    # factory's session stays the factory's (the twin).
    assert source_findings(tmp_path, PARTS, "TRD2") == [
        "36:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "49:5 TRD201 `device` (`make_device_inline(...)`) is never closed; call `await device.close()` in a `finally`",
    ]


CLI_DEVICE = """\
import attr
from httpx import AsyncClient


@attr.s
class Configuration:
    session: AsyncClient = attr.ib()
    host: str = attr.ib()


class Device:
    def __init__(self, configuration: Configuration) -> None:
        self.config = configuration

    async def initialize(self) -> None:
        await self.config.session.get(self.config.host)


async def make_device(host: str) -> Device:
    session = AsyncClient(verify=False)
    device = Device(Configuration(session, host))
    try:
        await device.initialize()
        return device
    except OSError:
        pass
    return device
"""

CLI_MAIN = """\
import asyncio

from app.device import make_device


async def main(host: str) -> None:
    device = await make_device(host)
    try:
        while True:
            await asyncio.sleep(1)
    finally:
        await device.config.session.aclose()
"""

CLI_OTHER = """\
from app.device import make_device


async def probe(host: str) -> None:
    device = await make_device(host)
    await device.initialize()
"""


def test_a_module_factory_whose_every_caller_ends_the_part_through_the_holder(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/device.py": CLI_DEVICE, "app/main.py": CLI_MAIN}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_a_module_factory_one_caller_of_which_never_ends_the_part_is_still_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/device.py": CLI_DEVICE, "app/main.py": CLI_MAIN, "app/other.py": CLI_OTHER}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "device.py:20:5 TRD201 `session` (`AsyncClient(...)`) is never closed; open it with `async with`",
    ]


def test_a_holder_handed_to_a_global_under_a_keyword_is_released_through_it(tmp_path: Path) -> None:
    main = MAIN.replace("    await aredis.aclose()\n", "    await aredis.aclose()\n    await inline.storage.close()\n")
    files = {"app/__init__.py": GLOBALS, "app/__main__.py": main}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_a_whole_regeneration_of_the_table_writes_its_holder_section(tmp_path: Path) -> None:
    wheel = tmp_path / "src" / "fakelib-1.0" / "fakelib"
    wheel.mkdir(parents=True)
    (wheel / "__init__.py").write_text("")
    (wheel / "store.py").write_text(LIBRARY)
    (tmp_path / "pins.txt").write_text("fakelib==1.0\n")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        import make_resource_table as gen
    finally:
        sys.path.pop(0)
    out = tmp_path / "table.json"
    assert gen.main(["--out", str(out), "--src", str(tmp_path / "src"), "--list", str(tmp_path / "pins.txt")]) == 0
    import json

    assert sorted(json.loads(out.read_text())["holders"]) == ["fakelib.store.Session", "fakelib.store.Storage"]


STARTED = """\
import aiohttp


class Config:
    def __init__(self, session):
        self.session = session


class Device:
    def __init__(self, config):
        self.config = config

    async def start(self):
        await self.config.session.get("/")

    async def close(self):
        await self.config.session.close()


async def make_device():
    session = aiohttp.ClientSession()
    device = Device(Config(session))
    await device.start()
    return device


async def make_two():
    session = aiohttp.ClientSession()
    device = Device(Config(session))
    if device.config:
        return None
    return device


async def leaks():
    device = await make_device()
    await device.start()
"""


def test_a_holder_bound_to_a_local_that_every_return_hands_out_is_returned(tmp_path: Path) -> None:
    # Before: the session reported where it is made (21:5), the caller not. ``make_two`` also
    # returns something else: its session stays its own (the twin). Since session 68 the session
    # is handed on at ``return device``, not at ``Device(...)``: ``await device.start()`` before
    # it leaks the session when it raises (``outliving.carrier_handoff``), as an ``await`` before
    # ``return Device(Config(session))`` does.
    assert source_findings(tmp_path, STARTED, "TRD2") == [
        "21:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises;"
        " close it on that error",
        "28:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        "36:5 TRD201 `device` (`make_device(...)`) is never closed; call `await device.close()` in a `finally`",
    ]


GAP = """\
import os

import aiohttp


class Config:
    def __init__(self, session, token):
        self.session = session
        self.token = token


class Device:
    def __init__(self, config):
        self.config = config

    async def close(self):
        await self.config.session.close()


async def fetch_token():
    return os.environ["TOKEN"]


async def make_device():
    session = aiohttp.ClientSession()
    token = await fetch_token()
    return Device(Config(session, token))
"""


def test_an_await_before_the_hand_off_to_the_returned_holder_still_leaks(tmp_path: Path) -> None:
    # The hand-off is judged as one to a holder that releases it: an error of the ``await``
    # before it leaves the session open (as for ``return cls(session, token)``).
    assert source_findings(tmp_path, GAP, "TRD2") == [
        "25:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]
