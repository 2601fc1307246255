"""Session 30's rules of ``scripts/make_resource_table.py`` (issue 28 point 1), each on a small
library written here, beside the negative twin it must leave out: a plain ``close()`` that
``__aexit__`` calls under a test of the object's own state (asyncssh's connections), a coroutine
function that says it returns a resource and returns what a private helper of its module makes
(``asyncssh.connect``), a class that makes resources and has a release of its own (SQLAlchemy's
``AsyncEngine``, its factory ``create_async_engine``), and a class kept through a method that
returns it (python-socketio's ``self._engineio_client_class()(...)``), from another library read
in the same run and named by its re-export."""

from __future__ import annotations

import sys
from pathlib import Path

from tradelint.api import check_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen


def _write(root: Path, folder: str, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / folder


def _entries(found: dict[str, gen.Entry]) -> dict[str, tuple[str, bool, bool, str]]:
    return {name: (e.close, e.awaited, e.lazy, e.rule) for name, e in found.items()}


SSH = {
    "sshlib/__init__.py": "from sshlib.connection import Connection, Channel, connect, connect_cached\n",
    "sshlib/connection.py": '''\
import asyncio

_CACHE = {}


class Connection(asyncio.Protocol):
    """``close()`` under a test of the loop's state, then ``await wait_closed()``."""

    def __init__(self, loop):
        self._loop = loop
        self._closed = loop.create_future()

    def close(self):
        self._transport.close()

    async def wait_closed(self):
        await self._closed

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        if not self._loop.is_closed():
            self.close()
        await self.wait_closed()


class Channel:
    """Twin: ``close()`` only by the outcome of the block."""

    def close(self):
        self._open = False

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()


async def _connect(loop, factory):
    _, conn = await loop.create_connection(factory, "host", 22)
    return conn


async def connect(host) -> Connection:
    loop = asyncio.get_event_loop()

    def factory() -> Connection:
        return Connection(loop)

    return await asyncio.wait_for(_connect(loop, factory), timeout=10)


async def connect_cached(host) -> Connection:
    """Twin: what a public function of the module returns (a cache, maybe)."""
    return await lookup(host)


async def lookup(host) -> Connection:
    return _CACHE[host]
''',
}


def test_a_plain_close_under_a_test_of_own_state_and_an_annotated_helper_factory(tmp_path: Path) -> None:
    found = gen.generate([_write(tmp_path, "sshlib-1.0", SSH)])
    assert _entries(found) == {
        "sshlib.Connection": ("close", False, True, "protocol"),
        "sshlib.connect": ("close", False, False, "factory"),
        "sshlib.connection.Connection": ("close", False, True, "protocol"),
        "sshlib.connection.connect": ("close", False, False, "factory"),
    }


DB = {
    "dblib/__init__.py": "from dblib.engine import Engine, Registry, Cursorless, create_engine\n",
    "dblib/engine.py": '''\
class Connection:
    """A resource by the protocol rule."""

    def __init__(self, engine):
        self.engine = engine

    async def close(self):
        await self.engine.give_back(self)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()


class Engine:
    """Makes connections and disposes of their pool: a resource by the maker rule."""

    def __init__(self, pool):
        self.pool = pool

    def connect(self) -> Connection:
        return Connection(self)

    async def give_back(self, conn):
        self.pool.put(conn)

    async def dispose(self):
        self.pool.dispose()


class Registry:
    """Twin: makes connections, but has no release of its own."""

    def connect(self) -> Connection:
        return Connection(self)

    async def give_back(self, conn):
        pass


class Cursorless:
    """Twin: a release of its own, but it makes no resource."""

    def cursor(self):
        return object()

    async def close(self):
        self.closed = True


def create_engine(url):
    pool = object()
    return Engine(pool)
''',
}


def test_a_class_that_makes_resources_and_has_its_own_release_is_a_pool(tmp_path: Path) -> None:
    found = gen.generate([_write(tmp_path, "dblib-1.0", DB)])
    assert _entries(found) == {
        "dblib.engine.Connection": ("close", True, True, "protocol"),
        "dblib.Engine": ("dispose", True, True, "maker"),
        "dblib.create_engine": ("dispose", True, True, "factory"),
        "dblib.engine.Engine": ("dispose", True, True, "maker"),
        "dblib.engine.create_engine": ("dispose", True, True, "factory"),
    }


TRANSPORT = {
    "wirelib/__init__.py": "from wirelib.client import AsyncClient\n",
    "wirelib/client.py": '''\
import aiohttp


class AsyncClient:
    def __init__(self):
        self.http = None

    async def connect(self, url):
        self.http = aiohttp.ClientSession()

    async def disconnect(self):
        if self.http is not None:
            await self.http.close()
''',
}

EVENTS = {
    "eventlib/__init__.py": "from eventlib.async_client import AsyncClient\nfrom eventlib.client import Client\n",
    "eventlib/base.py": '''\
class BaseClient:
    def __init__(self, **options):
        self.wire = self._wire_class()(**options)

    def _wire_class(self):
        pass
''',
    "eventlib/async_client.py": '''\
import wirelib

from eventlib import base


class AsyncClient(base.BaseClient):
    async def disconnect(self):
        await self.wire.disconnect()

    def _wire_class(self):
        return wirelib.AsyncClient
''',
    "eventlib/client.py": '''\
from eventlib import base


class Plain:
    def disconnect(self):
        pass


class Client(base.BaseClient):
    """Twin: its method returns a class that is no resource."""

    def disconnect(self):
        self.wire.disconnect()

    def _wire_class(self):
        return Plain
''',
}


def test_a_class_kept_through_a_method_returning_it_from_a_library_read_alongside(tmp_path: Path) -> None:
    found = gen.generate([_write(tmp_path, "wirelib-1.0", TRANSPORT), _write(tmp_path, "eventlib-1.0", EVENTS)])
    assert _entries(found) == {
        # Lazy since session 44: the wire client it makes in ``__init__`` opens only in a method
        # of its own (an owner-rule type acquiring outside ``__init__``), so it holds nothing
        # until then either (python-socketio's ``AsyncClient`` over engineio's).
        "eventlib.AsyncClient": ("disconnect", True, True, "owner"),
        "eventlib.async_client.AsyncClient": ("disconnect", True, True, "owner"),
        "wirelib.AsyncClient": ("disconnect", True, True, "owner"),
        "wirelib.client.AsyncClient": ("disconnect", True, True, "owner"),
    }


def test_a_first_party_class_kept_through_a_method_returning_it_is_a_resource(tmp_path: Path) -> None:
    # The same acquisition in an application's own code makes its class a resource type: TRD201
    # where an instance is never stopped, none where it is stopped in a ``finally``.
    (tmp_path / "feed.py").write_text(
        '''\
import aiohttp


class Feed:
    def __init__(self):
        self.session = self._session_class()()

    def _session_class(self):
        return aiohttp.ClientSession

    async def fetch(self, url):
        return await self.session.get(url)

    async def stop(self):
        await self.session.close()


async def main():
    feed = Feed()
    await feed.fetch("https://example.invalid")


async def main_closed():
    feed = Feed()
    try:
        await feed.fetch("https://example.invalid")
    finally:
        await feed.stop()
''',
        encoding="utf-8",
    )
    found = [(f.line, f.code) for f in check_paths([tmp_path / "feed.py"])]
    assert found == [(19, "TRD201")]
