"""Session 34 (issue 28): shapes that round 15's development half b showed tradelint could not
see, each a general rule beside its negative twin:

- a release handed the thing it releases (``AsyncBoltSocket.close_socket(s)``,
  ``close_conn(conn)``, ``self._drop(conn)``), where the callee is a first-party ``async def``
  that calls a release method on that parameter, called as a statement without ``await``:
  the coroutine never runs, so nothing is released (TRD205 on the call), and the local it was
  handed, bound once to what a call returned in the same function, is left open (TRD201 where
  it is bound; neo4j/neo4j-python-driver ``c4681063``: the socket of an unsupported protocol
  version).
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
