"""Session 83: connections made by a plain coroutine (``asyncpg.connect()``, ``aio_pika.connect()``,
``aio_pika.connect_robust()``) are resources (issue 28, points 1 and 5), and one reading of "a local
collection that dies with the frame" for resources and tasks.

``conn = await asyncpg.connect(dsn)`` holds a socket to the server until its awaited ``close()``;
the call is no context manager (``async with asyncpg.connect(dsn)`` fails), so the cure is a
``close()`` in a ``finally``, and an owner's is its end-of-life method. The library table cannot
see them: asyncpg's ``Connection`` is handed the transport ``connect()`` opened for it, and
aio_pika's factories return an instance of the class they are given. Before, such a connection was
judged only where the function closed it itself on some path (``own_closes``); one never closed,
or kept on an object that never closes it, was silent.

A local collection made in the function (a display, or ``list()``/``set()``/``dict()``) that the
function only adds to, takes from, tests, counts or logs dies with the frame with whatever it
holds: ``facts/frame_collections.dies_with_frame``, asked by TRD201 (a resource stored into it) and
TRD302 (a task appended to it). The two models read it differently before: the resource one took
no annotated binding (``sessions: dict[str, ClientSession] = {}``) and no display with elements.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import source_findings
from tests.programs import copy_program, run_python

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"


def test_an_asyncpg_connection_never_closed(tmp_path: Path) -> None:
    source = """\
import asyncpg


async def last_price(dsn):
    conn = await asyncpg.connect(dsn)
    return await conn.fetchval("select price from ticks")
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "5:5 TRD201 `conn` (`asyncpg.connect(...)`) is never closed; call `await conn.close()` in a `finally`"]


def test_twin_an_asyncpg_connection_closed_in_a_finally(tmp_path: Path) -> None:
    source = """\
import asyncpg


async def last_price(dsn):
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval("select price from ticks")
    finally:
        await conn.close()
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_twin_made_and_closed_in_one_expression(tmp_path: Path) -> None:
    source = """\
import asyncpg


async def ping(dsn):
    await (await asyncpg.connect(dsn)).close()
"""
    assert source_findings(tmp_path, source, "TRD2") == []


OPEN_DB = """\
from asyncpg import connect


async def open_db(dsn):
    conn = await connect(dsn)
    SETUP
    return conn
"""


def test_twin_a_connection_handed_back_to_the_caller(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OPEN_DB.replace("SETUP", "print(dsn)"), "TRD2") == []


def test_a_connection_handed_back_after_an_await_that_may_raise(tmp_path: Path) -> None:
    source = OPEN_DB.replace("SETUP", 'await conn.execute("set search_path to market")')
    assert source_findings(tmp_path, source, "TRD2") == [
        "5:5 TRD201 `conn` (`connect(...)`) leaks if an `await` before it is handed on raises; close it on that error"]


RABBIT = """\
import aio_pika


async def publish(url, body):
    connection = await aio_pika.connect_robust(url)
BODY"""

PUBLISH = """\
    channel = await connection.channel()
    await channel.default_exchange.publish(aio_pika.Message(body), routing_key="orders")
"""


def test_an_aio_pika_connection_never_closed(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RABBIT.replace("BODY", PUBLISH), "TRD2") == [
        "5:5 TRD201 `connection` (`aio_pika.connect_robust(...)`) is never closed; call `await connection.close()` in a `finally`"]


def test_twin_an_aio_pika_connection_entered(tmp_path: Path) -> None:
    body = "    async with connection:\n" + "".join("    " + line + "\n" for line in PUBLISH.splitlines())
    assert source_findings(tmp_path, RABBIT.replace("BODY", body), "TRD2") == []


STORE = """\
import asyncpg


class PriceStore:
    async def start(self, dsn):
        self.conn = await asyncpg.connect(dsn)

    async def stop(self):
        STOP
"""


def test_a_connection_kept_by_an_object_whose_stop_never_closes_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STORE.replace("STOP", "print('stopping')"), "TRD2") == [
        "6:9 TRD202 `self.conn` is never closed; call its `close()` in `stop()`"]


def test_twin_the_objects_stop_closes_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STORE.replace("STOP", "await self.conn.close()"), "TRD2") == []


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd, timeout=120)


def test_the_fix_closes_the_connection_at_the_objects_stop(tmp_path: Path) -> None:
    """A price store keeps the connection its ``start()`` opens; its ``stop()`` never closes it,
    and the program ends with one connection open (a stand-in for asyncpg counts them). The
    safe fix closes it in ``stop()``, and the same program ends with none."""
    program = copy_program(DATA / "asyncpg_store", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "price 1\nstopping\nopen connections: 1\n")
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:12:9: TRD202 [*] `self.conn` is never closed; call its `close()` in `stop()`",
        "main.py:22:5: TRD201 `store.conn` is never closed once `store.start()` opens it; call its `close()` in a `finally`",
    ]
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "main.py"], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (
        "    async def stop(self) -> None:\n"
        '        print("stopping")\n'
        '        if (conn := getattr(self, "conn", None)) is not None:\n'
        "            await conn.close()\n"
    ) in (program / "main.py").read_text(encoding="utf-8")
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "price 1\nstopping\nopen connections: 0\n", "")


ANNOTATED = """\
import aiohttp


async def probe(hosts):
    sessions: dict[str, aiohttp.ClientSession] = {}
    for host in hosts:
        sessions[host] = aiohttp.ClientSession(base_url=host)
    END
"""


def test_resources_stored_into_an_annotated_local_dict_die_with_the_frame(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ANNOTATED.replace("END", "print(len(sessions))"), "TRD2") == [
        "7:26 TRD201 `aiohttp.ClientSession(...)` kept in local `sessions` is never closed; close each before the function returns"]


def test_twin_the_annotated_dict_is_returned(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ANNOTATED.replace("END", "return sessions"), "TRD2") == []


def test_resources_appended_to_a_list_made_with_elements(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def probe(hosts, first):
    sessions = [first]
    for host in hosts:
        sessions.append(aiohttp.ClientSession(base_url=host))
    return len(sessions)
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "7:25 TRD201 `aiohttp.ClientSession(...)` kept in local `sessions` is never closed; close each before the function returns"]


def test_twin_the_list_is_a_parameter(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def probe(hosts, sessions):
    for host in hosts:
        sessions.append(aiohttp.ClientSession(base_url=host))
    return len(sessions)
"""
    assert source_findings(tmp_path, source, "TRD2") == []


SPAWN = """\
import asyncio


async def poll(n):
    await asyncio.sleep(n)


async def spawn(n):
    tasks: list[asyncio.Task[None]] = []
    for i in range(n):
        tasks.append(asyncio.create_task(poll(i)))
    END
    return n
"""


def test_tasks_appended_to_an_annotated_list_only_cleared(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SPAWN.replace("END", "tasks.clear()"), "TRD3") == [
        "11:9 TRD302 tasks in local `tasks` (from `asyncio.create_task(...)`) are never awaited; gather or keep them"]


def test_twin_the_tasks_are_gathered(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SPAWN.replace("END", "await asyncio.gather(*tasks)"), "TRD3") == []
