"""Session 46 (issue 28 point 1): factories ``scripts/make_resource_table.py`` read but no rule
entered (``scripts/resource_factories.py``); each on a small made-up library beside its negative
twin:

- a public coroutine function saying it returns a resource type, which it makes with a callable
  made in the function itself: ``functools.partial(T, ...)`` or a nested function returning
  ``T``, chosen by configuration (arq's ``create_pool``);
- a public async class method that constructs the class, opens the new instance (awaits one of
  its methods, or keeps on it what an ``await`` gave) and returns it, of a class whose public
  release method releases what the instance holds: an attribute chain of ``self``
  (``self.protocol.transport.close()``: asyncio_redis's ``Connection``, whose connection its
  protocol holds) or each element of a list it keeps (asyncio_redis's ``Pool``, aiocoap's
  ``Context``); entered under the package's re-export of the class too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen
import merge_part_entries as merge


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _found(tmp_path: Path, name: str, files: dict[str, str]) -> dict[str, tuple[str, bool, bool, str]]:
    folder = tmp_path / name
    _write(folder, files)
    return {key: (e.close, e.awaited, e.lazy, e.rule) for key, e in gen.generate([folder]).items()}


POOL = '''\
import functools
from redis.asyncio import Redis


class QueueRedis(Redis):
    pass


async def create_pool(settings) -> QueueRedis:
    if settings.sentinel:

        def pool_factory(*args, **kwargs) -> QueueRedis:
            return QueueRedis(*args, sentinel=settings.host, **kwargs)

    else:
        pool_factory = functools.partial(QueueRedis, host=settings.host)
    while True:
        try:
            pool = pool_factory(db=settings.database)
            await pool.ping()
        except OSError:
            continue
        else:
            return pool


_SHARED = None


async def shared_pool(settings) -> QueueRedis:
    """A cache: the same pool every call."""
    return _SHARED


async def pool_from(factory, settings) -> QueueRedis:
    """The caller's callable: what it makes is the caller's business."""
    pool = factory(db=settings.database)
    await pool.ping()
    return pool


async def sync_maker(settings) -> QueueRedis:
    """A nested function saying it returns another type."""

    def make(**kwargs) -> dict:
        return dict(**kwargs)

    pool = make(db=settings.database)
    return pool
'''


def test_callable_made_factory(tmp_path: Path) -> None:
    found = _found(tmp_path, "queue-1.0", {"queue/__init__.py": "from .connections import QueueRedis, create_pool\n", "queue/connections.py": POOL})
    assert found["queue.connections.create_pool"] == ("aclose", True, False, "factory")
    assert found["queue.create_pool"] == ("aclose", True, False, "factory")
    assert "queue.connections.shared_pool" not in found
    assert "queue.connections.pool_from" not in found
    assert "queue.connections.sync_maker" not in found


CONNECTION = '''\
import asyncio


class Protocol(asyncio.Protocol):
    def __init__(self):
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport


class Connection:
    @classmethod
    async def create(cls, host="localhost", port=6379):
        connection = cls()
        connection.host = host
        connection.port = port
        connection.protocol = Protocol()
        await connection._connect()
        return connection

    async def _connect(self):
        loop = asyncio.get_event_loop()
        await loop.create_connection(lambda: self.protocol, self.host, self.port)

    def close(self):
        if self.protocol.transport:
            self.protocol.transport.close()


class Pool:
    @classmethod
    async def create(cls, host="localhost", port=6379, poolsize=1):
        self = cls()
        self._connections = list(await asyncio.gather(*[Connection.create(host, port) for _ in range(poolsize)]))
        return self

    def close(self):
        for c in self._connections:
            c.close()
        self._connections = []


class Context:
    def __init__(self):
        self.interfaces = []

    @classmethod
    async def create_client_context(cls):
        self = cls()
        await self._append_transport()
        return self

    async def _append_transport(self):
        self.interfaces.append(Connection())

    async def shutdown(self):
        await asyncio.wait([asyncio.create_task(ri.shutdown()) for ri in self.interfaces])


class Settings:
    """Loaded by its factory, released by nothing it holds."""

    @classmethod
    async def load(cls, path):
        self = cls()
        await self._read(path)
        return self

    async def _read(self, path):
        self.values = {}

    def close(self):
        self.closed = True


class Plain:
    """Constructed, never opened, by its factory."""

    @classmethod
    async def create(cls):
        return cls()

    def close(self):
        for c in self._connections:
            c.close()


class Cached:
    """A class method returning a shared instance."""

    _instance = None

    @classmethod
    async def create(cls):
        await cls._instance.refresh()
        return cls._instance

    def close(self):
        self.protocol.transport.close()
'''


def test_class_method_opening_an_instance(tmp_path: Path) -> None:
    found = _found(tmp_path, "redislite-1.0", {"redislite/__init__.py": "from .connection import Connection, Pool, Context, Settings, Plain, Cached\n", "redislite/connection.py": CONNECTION})
    assert found["redislite.connection.Connection.create"] == ("close", False, False, "factory")
    assert found["redislite.connection.Pool.create"] == ("close", False, False, "factory")
    assert found["redislite.connection.Context.create_client_context"] == ("shutdown", True, False, "factory")
    # the re-exported class's factory, not the class itself (its constructor opens nothing)
    assert found["redislite.Pool.create"] == ("close", False, False, "factory")
    assert found["redislite.Context.create_client_context"] == ("shutdown", True, False, "factory")
    assert not {"redislite.connection.Connection", "redislite.connection.Pool", "redislite.Pool"} & set(found)
    for twin in ("Settings.load", "Plain.create", "Cached.create"):
        assert f"redislite.connection.{twin}" not in found, twin


def test_a_holder_of_what_the_factory_opens(tmp_path: Path) -> None:
    """A client keeping what the factory of another library read with it opens is an owner (named
    by its module: a package's re-export of the class is entered only at the end of the run, so a
    library of a later batch sees it, one read in the same batch does not)."""
    client = '''\
from redislite.connection import Pool


class Client:
    def __init__(self):
        self._pool = None

    async def start(self):
        self._pool = await Pool.create()

    def stop(self):
        self._pool.close()
'''
    _write(tmp_path / "redislite-1.0", {"redislite/__init__.py": "from .connection import Connection, Pool\n", "redislite/connection.py": CONNECTION})
    _write(tmp_path / "client-1.0", {"client/__init__.py": client})
    found = gen.generate([tmp_path / "redislite-1.0", tmp_path / "client-1.0"])
    assert found["client.Client"].rule == "owner"
    assert found["client.Client"].close == "stop"


def test_merge_with_the_rule_switched(tmp_path: Path) -> None:
    """``merge_part_entries.py --rule factories`` adds exactly the readings of the new rules to a
    table, every entry before unchanged."""
    _write(tmp_path / "src" / "redislite-1.0", {"redislite/__init__.py": "from .connection import Connection, Pool\n", "redislite/connection.py": CONNECTION})
    pins = tmp_path / "pins.txt"
    pins.write_text("redislite==1.0\n", encoding="utf-8")
    table = tmp_path / "table.json"
    before = {"other.Client": {"close": "aclose", "awaited": True, "lazy": True, "ends": [], "given": [], "rule": "owner", "source": "other-1.0"}}
    table.write_text(json.dumps({"sources": ["other-1.0"], "types": before, "makers": {}, "returns": {}}), encoding="utf-8")
    assert merge.main(["--rule", "factories", "--table", str(table), "--src", str(tmp_path / "src"), "--list", str(pins)]) == 0
    types = json.loads(table.read_text(encoding="utf-8"))["types"]
    assert types["other.Client"] == before["other.Client"]
    assert {"redislite.Pool.create", "redislite.connection.Connection.create"} <= set(types)
    assert all(row["rule"] == "factory" for name, row in types.items() if name.startswith("redislite."))


STREAM = '''\
import asyncio


class AudioStream:
    """Starts its reader in the constructor; ``aclose()`` ends it."""

    def __init__(self, track, loop=None):
        self._loop = loop or asyncio.get_event_loop()
        self._queue = asyncio.Queue()
        self._task = self._loop.create_task(self._run())

    async def _run(self):
        while True:
            await self._queue.get()

    async def aclose(self):
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    @classmethod
    def from_track(cls, track):
        return cls(track)


class Ticker:
    """A plain ``stop()`` that cancels the task."""

    def __init__(self):
        self._task = asyncio.ensure_future(self._tick())

    async def _tick(self):
        await asyncio.sleep(1)

    def stop(self):
        self._task.cancel()


class Lazy:
    """Starts its task in ``start()``: nothing runs until then."""

    def __init__(self):
        self._task = None

    def start(self):
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        pass

    async def aclose(self):
        self._task.cancel()


class Maybe:
    """Starts its task only on a branch."""

    def __init__(self, run):
        if run:
            self._task = asyncio.create_task(self._run())

    async def _run(self):
        pass

    async def aclose(self):
        self._task.cancel()


class Unended:
    """Starts a task nothing of its own ends."""

    def __init__(self):
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        pass

    async def aclose(self):
        self.closed = True
'''


def test_task_started_by_the_constructor(tmp_path: Path) -> None:
    found = _found(tmp_path, "rtc-1.0", {"rtc/__init__.py": "from .stream import AudioStream, Ticker\n", "rtc/stream.py": STREAM})
    assert found["rtc.stream.AudioStream"] == ("aclose", True, False, "task")
    assert found["rtc.AudioStream"] == ("aclose", True, False, "task")
    assert found["rtc.stream.AudioStream.from_track"] == ("aclose", True, False, "factory")
    assert found["rtc.stream.Ticker"] == ("stop", False, False, "task")
    for twin in ("Lazy", "Maybe", "Unended"):
        assert f"rtc.stream.{twin}" not in found, twin


def test_merge_leaves_out_a_module_another_distribution_defines(tmp_path: Path) -> None:
    """A fork the table read (``redislite-fork`` defining ``redislite`` too) and the merge did not:
    the generator keeps a name only when every definer agrees, so the merge leaves it out; another
    distribution of a namespace package (``redislite/api`` only) is no definer."""
    files = {"redislite/__init__.py": "from .connection import Connection, Pool\n", "redislite/connection.py": CONNECTION}
    _write(tmp_path / "src" / "redislite-1.0", files)
    _write(tmp_path / "src" / "redislite-fork-0.1", files)
    pins = tmp_path / "pins.txt"
    pins.write_text("redislite==1.0\n", encoding="utf-8")
    table = tmp_path / "table.json"
    table.write_text(json.dumps({"sources": ["redislite-fork-0.1"], "types": {}, "makers": {}, "returns": {}}), encoding="utf-8")
    assert merge.main(["--rule", "factories", "--table", str(table), "--src", str(tmp_path / "src"), "--list", str(pins)]) == 0
    assert json.loads(table.read_text(encoding="utf-8"))["types"] == {}
    assert merge._module_path(tmp_path / "src" / "redislite-1.0", "redislite.connection.Pool.create") == "redislite/connection"


SHIPPED = '''\
import asyncio_redis
from arq import create_pool
from livekit import rtc
from aiocoap import Context


async def count(host):
    pool = await asyncio_redis.Pool.create(host=host)
    return await pool.dbsize()


async def enqueue(settings, job):
    redis = await create_pool(settings)
    await redis.enqueue_job(job)


async def first_frame(track):
    stream = rtc.AudioStream(track)
    async for event in stream:
        return event.frame


async def probe(message):
    context = await Context.create_client_context()
    return await context.request(message).response


async def count_closed(host):
    pool = await asyncio_redis.Pool.create(host=host)
    try:
        return await pool.dbsize()
    finally:
        pool.close()


async def enqueue_closed(settings, job):
    redis = await create_pool(settings)
    try:
        await redis.enqueue_job(job)
    finally:
        await redis.aclose()


async def first_frame_closed(track):
    stream = rtc.AudioStream(track)
    try:
        async for event in stream:
            return event.frame
    finally:
        await stream.aclose()


async def probe_closed(message):
    context = await Context.create_client_context()
    try:
        return await context.request(message).response
    finally:
        await context.shutdown()
'''


def test_the_shipped_table_knows_them(tmp_path: Path) -> None:
    from tests.conftest import source_findings

    assert [f.split(" is never")[0] for f in source_findings(tmp_path, SHIPPED, "TRD201")] == [
        "8:5 TRD201 `pool` (`asyncio_redis.Pool.create(...)`)",
        "13:5 TRD201 `redis` (`create_pool(...)`)",
        "18:5 TRD201 `stream` (`rtc.AudioStream(...)`)",
        "24:5 TRD201 `context` (`Context.create_client_context(...)`)",
    ]


def test_merge_leaves_out_a_batch_pin_naming_a_first_populations_package(tmp_path: Path) -> None:
    """With ``--first``, a pin of a batch population never names a package a distribution of the
    first populations defines, even a module that one lacks (``python-binance-async-ha``'s
    ``binance.depthcache`` beside python-binance's ``binance``); a first pin's names stay."""
    files = {"redislite/__init__.py": "from .connection import Connection, Pool\n", "redislite/connection.py": CONNECTION}
    _write(tmp_path / "src" / "redislite-fork-0.1", files)
    _write(tmp_path / "src" / "redislite-1.0", {"redislite/__init__.py": "", "redislite/other.py": "X = 1\n"})
    first = tmp_path / "first.txt"
    first.write_text("redislite==1.0\n", encoding="utf-8")
    pins = tmp_path / "pins.txt"
    pins.write_text("redislite-fork==0.1\n", encoding="utf-8")
    table = tmp_path / "table.json"
    table.write_text(json.dumps({"sources": ["redislite-1.0"], "types": {}, "makers": {}, "returns": {}}), encoding="utf-8")
    argv = ["--rule", "factories", "--table", str(table), "--src", str(tmp_path / "src"), "--list", str(pins)]
    assert merge.main([*argv, "--first", str(first)]) == 0
    assert json.loads(table.read_text(encoding="utf-8"))["types"] == {}
    assert merge.main(argv) == 0  # without --first: only a definer of the module itself competes
    assert "redislite.connection.Pool.create" in json.loads(table.read_text(encoding="utf-8"))["types"]


def test_rule_candidates_read_the_conditions_alone() -> None:
    """``scripts/rule_candidates.py``: the names whose own source meets a rule's conditions, read
    with ``ast`` alone (the population of the targeted merge)."""
    import ast

    import rule_candidates

    assert rule_candidates.candidates(ast.parse(CONNECTION)) == ["Connection (opened)", "Pool (opened)", "Context (opened)"]
    assert rule_candidates.candidates(ast.parse(STREAM)) == ["AudioStream (task)", "Ticker (task)"]
    assert rule_candidates.candidates(ast.parse(POOL)) == ["create_pool (made)"]
