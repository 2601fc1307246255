"""Session 34 (issue 28): shapes that round 15's development half b showed tradelint could not
see, each a general rule beside its negative twin:

- a release handed the thing it releases (``AsyncBoltSocket.close_socket(s)``,
  ``close_conn(conn)``, ``self._drop(conn)``), where the callee is a first-party ``async def``
  that calls a release method on that parameter, called as a statement without ``await``:
  the coroutine never runs, so nothing is released (TRD205 on the call), and the local it was
  handed, bound once to what a call returned in the same function, is left open (TRD201 where
  it is bound; neo4j/neo4j-python-driver ``c4681063``: the socket of an unsupported protocol
  version).
- an object kept on ``self`` whose class makes a resource in ``__init__`` and has no release
  at all, in an owner that has one (``close()``, ``stop()``, ``__aexit__``) that does not reach
  it: the owner's end cannot end what its part holds (TRD202 where the owner keeps it, beside
  the part's own TRD202; pinecone-io/pinecone-python-client ``173e3119``: the lazily made
  ``AsyncInference`` with its own HTTP client; ydb-platform/ydb-python-sdk ``f5e568ef``: the
  driver's ``TableClient`` with its session pool). The part's resource may be a first-party
  type's now, not only a library's.
- a first-party class that keeps a task it starts (``self._keep_alive = asyncio.ensure_future(
  ...)``) and whose ``__aexit__`` awaits its own public release (``stop()``) is a resource type
  even when no method releases an attribute: the task runs until that end (ydb's aio
  ``SessionPool``). One that starts no task and whose end only clears a flag is still none.
- an ``__aenter__`` (with no ``try``) that makes ``self.client``, opens it (``await
  self.client.connect()``) and then awaits more (``login()``), where ``__aexit__`` ends it by a
  method of its class that calls the class's own release (``await self.client.quit()``, whose
  ``quit()`` calls ``self.close()``), leaves it open when that fails: reported where
  ``__aenter__`` made it (aio-libs/aioftp ``f83046e5``).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str, select: str = "TRD2") -> list[str]:
    path = tmp_path / "bolt.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=[select])]


# --- a release handed the thing, never awaited -----------------------------------------------------

SOCKET = """\
import asyncio


class BoltSocket:
    def __init__(self, writer):
        self._writer = writer

    async def close(self):
        self._writer.close()
        await self._writer.wait_closed()

    @classmethod
    async def close_socket(cls, socket_):
        try:
            await socket_.close()
        except OSError:
            pass

    @classmethod
    async def connect(cls, host):
        _, writer = await asyncio.open_connection(host, 7687)
        return cls(writer), (5, 0)


async def close_conn(conn):
    await conn.close()


async def log_close(message):
    print(message)


class Bolt:
    @classmethod
    async def open(cls, host):
        s, version = await BoltSocket.connect(host)
        if version != (5, 0):
            {close}
            raise RuntimeError("unsupported version")
        return cls(s)
"""


def _socket(close: str) -> str:
    return SOCKET.replace("{close}", close)


def test_a_release_handed_the_socket_never_awaited(tmp_path: Path) -> None:
    assert _check(tmp_path, _socket("BoltSocket.close_socket(s)")) == [
        "36:9 TRD201 `s` (`BoltSocket.connect(...)`) is left open: `BoltSocket.close_socket(s)` is never awaited",
        "38:13 TRD205 `BoltSocket.close_socket()` is never awaited, so it releases nothing; await it",
    ]
    assert _check(tmp_path, _socket("close_conn(s)")) == [
        "36:9 TRD201 `s` (`BoltSocket.connect(...)`) is left open: `close_conn(s)` is never awaited",
        "38:13 TRD205 `close_conn()` is never awaited, so it releases nothing; await it",
    ]


def test_a_release_handed_the_socket_awaited_twin(tmp_path: Path) -> None:
    assert _check(tmp_path, _socket("await BoltSocket.close_socket(s)")) == []
    assert _check(tmp_path, _socket("await close_conn(s)")) == []
    # A coroutine function that releases nothing it is handed is no release of it (the
    # unawaited call is another rule's), nor a release named so that is a plain ``def``.
    assert _check(tmp_path, _socket("log_close(s)")) == []
    source = _socket("close_sync(s)") + "\n\ndef close_sync(conn):\n    conn.close()\n"
    assert _check(tmp_path, source) == []


# --- an owner's end that cannot reach what its part holds -----------------------------------------

HOLDER = """\
import httpx


class HTTPClient:
    def __init__(self):
        self._client = httpx.AsyncClient()

    async def get(self, path):
        return await self._client.get(path)

    async def close(self):
        await self._client.aclose()


class Inference:
    def __init__(self):
        self._http = HTTPClient()

    async def embed(self, text):
        return await self._http.get("/embed")


class Pinecone:
    def __init__(self):
        self._http = HTTPClient()
        self._inference = None

    @property
    def inference(self):
        if self._inference is None:
            self._inference = Inference()
        return self._inference

    async def {release}(self):
        await self._http.close(){extra}
"""


def _holder(release: str = "close", extra: str = "") -> str:
    return HOLDER.replace("{release}", release).replace("{extra}", extra)


PART = "17:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `close()`"


def test_an_owner_end_that_cannot_reach_its_part(tmp_path: Path) -> None:
    assert _check(tmp_path, _holder()) == [
        PART,
        "31:13 TRD202 `self._inference` holds a `self._http` that nothing closes, and `close()` cannot end it; "
        "give `Inference` a `close()` that closes it and call it from `close()`",
    ]
    assert _check(tmp_path, _holder("stop"))[1:] == [
        "31:13 TRD202 `self._inference` holds a `self._http` that nothing closes, and `stop()` cannot end it; "
        "give `Inference` a `close()` that closes it and call it from `stop()`",
    ]


def test_an_owner_end_that_reaches_its_part_twin(tmp_path: Path) -> None:
    # The owner reaches in to close what its part holds: both are ended.
    reach = "\n        if self._inference is not None:\n            await self._inference._http.close()"
    assert _check(tmp_path, _holder(extra=reach)) == []
    # An owner with no end of its own: only the part's own finding.
    assert _check(tmp_path, _holder("refresh")) == [PART]
    # A part handed the owner's client makes nothing of its own.
    lent = _holder().replace("    def __init__(self):\n        self._http = HTTPClient()\n\n    async def embed",
                             "    def __init__(self, http):\n        self._http = http\n\n    async def embed")
    assert _check(tmp_path, lent.replace("Inference()", "Inference(self._http)")) == []


# --- a class that starts a task and says how it ends ---------------------------------------------

POOL = """\
import asyncio


class SessionPool:
    def __init__(self, size):
        self._size = size
        {start}

    async def _keep_alive_loop(self):
        while True:
            await asyncio.sleep(60)

    async def stop(self):
        {stop}

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.stop()


class TableClient:
    def __init__(self):
        self._pool = SessionPool(10)


class Driver:
    def __init__(self):
        self.table_client = TableClient()

    async def stop(self):
        pass
"""

TASK = "self._keep_alive = asyncio.ensure_future(self._keep_alive_loop())"


def test_a_class_that_starts_a_task_and_says_how_it_ends(tmp_path: Path) -> None:
    source = POOL.replace("{start}", TASK).replace("{stop}", "await asyncio.wait_for(self._keep_alive, timeout=1)")
    assert _check(tmp_path, source) == [
        "25:9 TRD202 `self._pool` is never closed; add a `close()` method that calls its `stop()`",
        "30:9 TRD202 `self.table_client` holds a `self._pool` that nothing closes, and `stop()` cannot end it; "
        "give `TableClient` a `close()` that closes it and call it from `stop()`",
    ]


def test_a_class_whose_end_only_clears_a_flag_twin(tmp_path: Path) -> None:
    source = POOL.replace("{start}", "self._running = True").replace("{stop}", "self._running = False")
    assert _check(tmp_path, source) == []


# --- an __aenter__ that makes and opens a client, then fails --------------------------------------

SESSION = """\
from .streams import open_stream


class Client:
    async def connect(self, host):
        self.reader, self.writer = await open_stream(host, 21)

    async def login(self, user):
        self.writer.write(user.encode())
        await self.writer.drain()

    async def ping(self):
        self.writer.write(b"NOOP")

    async def quit(self):
        self.writer.write(b"QUIT")
        self.close()

    def close(self):
        self.writer.close()


class ClientSession:
    def __init__(self, host, user):
        self.host = host
        self.user = user

    async def __aenter__(self):
{enter}
        return self.client

    async def __aexit__(self, *exc_info):
        await self.client.{leave}()
"""

ENTER = """\
        self.client = Client()
        await self.client.connect(self.host)
        await self.client.login(self.user)"""


def _session(enter: str = ENTER, leave: str = "quit") -> str:
    return SESSION.replace("{enter}", enter).replace("{leave}", leave)


def test_an_enter_that_makes_and_opens_a_client_then_fails(tmp_path: Path) -> None:
    expected = ["29:9 TRD202 `self.client` is left open when `__aenter__()` fails after opening it; close it there before re-raising"]
    assert _check(tmp_path, _session()) == expected
    # Closed by its own release, the client is a known resource: the verdict on its creation
    # says it, once.
    assert _check(tmp_path, _session(leave="close")) == [
        "29:9 TRD202 `self.client` leaks when `__aenter__()` fails after making it; close it there before re-raising",
    ]


def test_an_enter_that_makes_and_opens_a_client_twin(tmp_path: Path) -> None:
    # ``__aexit__`` calls a method that does not end the client: nothing says it must be closed.
    assert _check(tmp_path, _session(leave="ping")) == []
    # Nothing can fail after the connect.
    assert _check(tmp_path, _session(ENTER.rsplit("\n", 1)[0])) == []
    # ``__aenter__`` handles its errors (closing the client there).
    handled = """\
        self.client = Client()
        try:
            await self.client.connect(self.host)
            await self.client.login(self.user)
        except BaseException:
            self.client.close()
            raise"""
    assert _check(tmp_path, _session(handled)) == []


EVIDENCED = """\
import grouplib


async def run_once():
    group = grouplib.TaskGroup()
    try:
        await group.spawn()
    finally:
        await group.shutdown()


class Service:
    def __init__(self):
        self._group = grouplib.TaskGroup()


class Owner:
    def __init__(self):
        self.service = Service()

    async def close(self):
        pass


def build():
    return {"session": Service()}
"""


def test_a_part_holding_a_type_known_only_by_the_projects_closes_twin(tmp_path: Path) -> None:
    # ``grouplib.TaskGroup`` is a resource only by the project's own closes elsewhere: it may be
    # shared, so it is judged where it is made (lablup/backend.ai's ``PersistentTaskGroup``), not
    # through the holders of the class that keeps it (no owner finding, no TRD201 at ``build``).
    assert _check(tmp_path, EVIDENCED) == []
