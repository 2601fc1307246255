"""Session 62 (lead): a tuple of values stored in a tuple of ``self`` attributes, read in the
method that makes them (issue 28 point 1, session 61's left-alone); handlers that catch only the
cancellation; a coroutine run as a task is not on the program's way in (``s62-startup``'s noticed gap).

**A tuple of values stored in a tuple of targets keeps each element in its own target.**
``r, w = await asyncio.open_connection(...)`` then ``self._reader, self._writer = r, w`` keeps the
writer on ``self`` as ``self._writer = w`` does: the instance owns it, and the class must close it.
Session 61 read the store so in the class's summary (what a class acquires); the method that made
the local still took the tuple for a container the local was handed to, so no finding was made.
Twins: the class that closes the writer in ``close()``; a tuple store whose element goes to a local,
not to ``self``; a tuple of a different length (starred), read as before.

**A handler ends a task on an error only if it catches errors** (TRD302, the error path of a local
task cancelled on every normal path): ``except asyncio.CancelledError: task.cancel(); raise`` ends
it on a cancellation; a network error of the ``await`` goes past it with the task running (the
left-alone of session 62's ``s62-taskprec``). Twins: ``except Exception``, a tuple naming an error,
a bare ``except``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

STORED = """\
import asyncio


class Connection:
    async def connect(self, host: str) -> None:
        reader, writer = await asyncio.open_connection(host, 80)
        self._reader, self._writer = reader, writer

    async def send(self, data: bytes) -> None:
        self._writer.write(data)
        await self._writer.drain()
"""


def test_tuple_of_locals_stored_on_self_is_kept_by_the_instance(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STORED, "TRD2") == [
        "6:9 TRD202 `self._writer` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_single_store_reads_alike(tmp_path: Path) -> None:
    single = STORED.replace("self._reader, self._writer = reader, writer", "self._reader = reader\n        self._writer = writer")
    assert source_findings(tmp_path, single, "TRD2") == [
        "6:9 TRD202 `self._writer` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_twin_closed_by_the_class(tmp_path: Path) -> None:
    closed = STORED + """
    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


async def main() -> None:
    connection = Connection()
    try:
        await connection.connect("localhost")
        await connection.send(b"ping")
    finally:
        await connection.close()
"""
    assert source_findings(tmp_path, closed, "TRD2") == []


def test_twin_element_stored_in_a_local_is_judged_as_a_local(tmp_path: Path) -> None:
    local = """\
import asyncio


class Connection:
    async def probe(self, host: str) -> None:
        reader, writer = await asyncio.open_connection(host, 80)
        self._reader, other = reader, writer
        other.close()
        await other.wait_closed()
"""
    assert source_findings(tmp_path, local, "TRD2") == []


# 2. A handler ends a task on the errors of an ``await`` only if it catches errors: one that names
# only the cancellation (``except asyncio.CancelledError: task.cancel(); raise``) lets a network
# error go past it with the task running.

HEARTBEAT = """\
import asyncio


async def beat() -> None:
    while True:
        await asyncio.sleep(1)


async def serve(conn) -> None:
    task = asyncio.create_task(beat())
    try:
        await conn.serve()
    except {caught}:
        task.cancel()
        raise
    task.cancel()
"""


def test_a_handler_of_the_cancellation_only_guards_no_error(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HEARTBEAT.format(caught="asyncio.CancelledError"), "TRD3") == [
        "10:5 TRD302 task `task` from `asyncio.create_task(...)` runs on when an error comes before its `cancel()`; cancel it in a `finally`",
    ]


def test_twin_a_handler_of_errors_guards(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HEARTBEAT.format(caught="Exception"), "TRD3") == []
    assert source_findings(tmp_path, HEARTBEAT.format(caught="(ConnectionError, asyncio.CancelledError)"), "TRD3") == []
    bare = HEARTBEAT.replace("except {caught}:", "except:")
    assert source_findings(tmp_path, bare, "TRD3") == []


# 3. A coroutine run as a task (``asyncio.create_task(f())``) from the program's entry is not on
# the program's way in: the task gets f's error and the entry goes on, so what f leaks on an error
# stays open while the program runs. A task group's task raises at the group's exit, in the entry.

SERVER = """\
from aiohttp import web


async def serve(app):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "localhost", 8080)
    await site.start()
    return runner
"""

ENTRY = """\
import asyncio

from aiohttp import web

from app.server import serve


async def main():
{body}


if __name__ == "__main__":
    asyncio.run(main())
"""

RUNNER_LEAK = (
    "server.py:5:5 TRD201 `runner` (`web.AppRunner(...)`) leaks if an `await` before it is handed on raises;"
    " close it on that error"
)


def _entry(tmp_path: Path, body: str) -> list[str]:
    files = {"app/__init__.py": "", "app/server.py": SERVER, "app/run.py": ENTRY.replace("{body}", body)}
    return tree_findings(tmp_path, files, select="TRD201", project=True)


def test_a_task_made_by_the_entry_is_not_on_the_way_in(tmp_path: Path) -> None:
    body = "    asyncio.create_task(serve(web.Application()))\n    await asyncio.Event().wait()"
    assert _entry(tmp_path, body) == [RUNNER_LEAK]


def test_twin_awaited_by_the_entry_is_on_the_way_in(tmp_path: Path) -> None:
    assert _entry(tmp_path, "    await serve(web.Application())") == []


def test_twin_a_task_groups_task_is_on_the_way_in(tmp_path: Path) -> None:
    body = "    async with asyncio.TaskGroup() as tg:\n        tg.create_task(serve(web.Application()))"
    assert _entry(tmp_path, body) == []
