"""Session 52 (issue 28, locals judged closed or handed on where they are not).

A close on one path only is no close on the others: an ``except`` that closes the resource only
after awaiting something else (reporting the failure, flushing a queue) leaves it open when that
``await`` raises or is cancelled, and the handler was the only close on the failure path. Twins:
the close first, the close in a ``finally``, the other ``await`` in a ``try`` of its own, a close
of something else first, and a test (whose error ends it).

An element of an unpacked tuple kept on ``self`` (``reader, writer = await
asyncio.open_connection(...); self._writer = writer``, or the client of a first-party helper that
returns ``client, info``) is the instance's, as a whole value stored on ``self`` is: some method
must close it. Twins: the class closes it, and the local closed where it is made.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

HANDLER = '''\
import asyncio
from contextlib import AsyncExitStack


async def report(item):
    await asyncio.sleep(0)


async def relay(stream, stack):
    try:
        async for chunk in stream:
            yield chunk
    finally:
        await stack.aclose()


async def handle(pending, make_pool, attempt):
    stack = AsyncExitStack()
    pool = await stack.enter_async_context(make_pool())
    try:
        stream = await attempt(pool)
    except BaseException:
{handler}
        raise
    return relay(stream, stack)
'''

REPORT_FIRST = '''\
        if pending:
            await asyncio.gather(*(report(p) for p in pending), return_exceptions=True)
        await stack.aclose()'''

MESSAGE = (
    "18:5 TRD201 `stack` (`AsyncExitStack(...)`) is closed in an `except` after another `await`; "
    "close it first, or in `finally`"
)


def test_a_handler_that_awaits_before_its_close_leaks_on_that_await(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HANDLER.format(handler=REPORT_FIRST), "TRD2") == [MESSAGE]


def test_the_close_first_is_clean(tmp_path: Path) -> None:
    handler = '''\
        await stack.aclose()
        if pending:
            await asyncio.gather(*(report(p) for p in pending), return_exceptions=True)'''
    assert source_findings(tmp_path, HANDLER.format(handler=handler), "TRD2") == []


def test_the_close_in_a_finally_of_its_own_is_clean(tmp_path: Path) -> None:
    handler = '''\
        try:
            await asyncio.gather(*(report(p) for p in pending), return_exceptions=True)
        finally:
            await stack.aclose()'''
    assert source_findings(tmp_path, HANDLER.format(handler=handler), "TRD2") == []


def test_an_await_guarded_by_a_try_of_its_own_is_clean(tmp_path: Path) -> None:
    handler = '''\
        try:
            await asyncio.gather(*(report(p) for p in pending), return_exceptions=True)
        except BaseException:
            pass
        await stack.aclose()'''
    assert source_findings(tmp_path, HANDLER.format(handler=handler), "TRD2") == []


def test_closing_something_else_first_is_clean(tmp_path: Path) -> None:
    handler = '''\
        await pool.aclose()
        await stack.aclose()'''
    assert source_findings(tmp_path, HANDLER.format(handler=handler), "TRD2") == []


def test_in_a_test_the_error_ends_it(tmp_path: Path) -> None:
    source = HANDLER.format(handler=REPORT_FIRST).replace("async def handle(", "async def test_handle(")
    assert tree_findings(tmp_path, {"tests/test_handle.py": source}, "TRD2") == []


CLOSED_ON_SUCCESS = '''\
import aiohttp


async def notify(url):
    ...


async def fetch(url):
    session = aiohttp.ClientSession()
    try:
        response = await session.get(url)
        data = await response.read()
    except BaseException:
        await notify(url)
        await session.close()
        raise
    await session.close()
    return data
'''


def test_a_close_on_success_and_a_late_one_in_the_handler(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CLOSED_ON_SUCCESS, "TRD2") == [
        "9:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed in an `except` after another `await`; "
        "close it first, or in `finally`",
    ]


def test_the_handler_closing_first_is_clean(tmp_path: Path) -> None:
    source = CLOSED_ON_SUCCESS.replace(
        "        await notify(url)\n        await session.close()\n", "        await session.close()\n        await notify(url)\n"
    )
    assert source_findings(tmp_path, source, "TRD2") == []


STREAM = '''\
import asyncio


class Link:
    def __init__(self) -> None:
        self._writer = None

    async def start(self, host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        self._writer = writer
        await reader.readline()

    async def send(self, data: bytes) -> None:
        self._writer.write(data)
        await self._writer.drain()
{close}'''

CLOSE = '''
    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


async def run(host: str, port: int) -> None:
    link = Link()
    try:
        await link.start(host, port)
    finally:
        await link.close()
'''


def test_an_unpacked_part_kept_on_self_is_the_instances(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STREAM.format(close=""), "TRD2") == [
        "9:9 TRD202 `self._writer` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_the_class_closing_the_part_is_clean(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STREAM.format(close=CLOSE), "TRD2") == []


HELPER = '''\
from bleak import BleakClient
from bleak_retry_connector import establish_connection


async def fetch_model(device):
    client = await establish_connection(BleakClient, device, device.address)
    try:
        model = await client.read_gatt_char("2a24")
    except Exception:
        await client.disconnect()
        return None, None
    return client, model.decode()


class Flow:
    def __init__(self) -> None:
        self._client = None

    async def step_model(self, device) -> str | None:
        client, model = await fetch_model(device)
        if client:
            self._client = client
        return model

    async def step_pair(self) -> None:
{pair}
'''


def test_a_helpers_client_kept_on_self_is_the_instances(tmp_path: Path) -> None:
    source = HELPER.format(pair="        await self._client.pair()")
    assert source_findings(tmp_path, source, "TRD2") == [
        "20:9 TRD202 `self._client` is never closed; add a `close()` method that calls its `disconnect()`",
    ]


def test_a_helpers_client_the_class_disconnects_is_clean(tmp_path: Path) -> None:
    pair = '''\
        try:
            await self._client.pair()
        finally:
            await self._client.disconnect()'''
    assert source_findings(tmp_path, HELPER.format(pair=pair), "TRD2") == []
