"""Session 18 (issue 28, points 1 and 5): what holds a value as a part keeps it.

A resource or a task written into a dict, list, tuple or set display, or given to a first-party
*record* (a dataclass that only holds its fields), goes where the display or the record goes: kept
on the config entry at setup, it must be closed (or cancelled) at unload, as one kept there
directly must. And a task stored on another object is not ended by a cancel that only makes way
for the next task in the same place: the last one is still left to nobody. Each shape has its
negative twin."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ha_integration, preview_messages as _messages

INTEGRATION = '''\
import asyncio
from dataclasses import dataclass

import aiohttp


@dataclass
class RuntimeData:
    session: aiohttp.ClientSession
    poller: asyncio.Task
    name: str = "demo"


async def poll():
    while True:
        await asyncio.sleep(30)


async def async_setup_entry(hass, entry):
    machine = aiohttp.ClientSession()
    hass.data.setdefault("demo", {})[entry.entry_id] = {"machine": machine, "extra": [aiohttp.ClientSession()]}
    session = aiohttp.ClientSession()
    entry.runtime_data = RuntimeData(session, asyncio.create_task(poll()))
    return True


async def async_unload_entry(hass, entry):
UNLOAD    return True
'''


def _integration(tmp_path: Path, unload: str, source: str = INTEGRATION) -> Path:
    return ha_integration(tmp_path, source, unload)


def test_a_display_or_a_record_kept_at_setup_keeps_its_parts(tmp_path: Path) -> None:
    path = _integration(tmp_path, '    hass.data["demo"].pop(entry.entry_id)\n')
    assert _messages(path, "TRD2", "TRD3") == [
        "20 TRD201 `machine` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "21 TRD201 `…[entry.entry_id]` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "22 TRD201 `session` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "23 TRD302 task kept in `entry.runtime_data` at setup is never cancelled at unload; cancel it in `async_unload_entry()`",
    ]


def test_the_unload_that_ends_the_parts_is_clean(tmp_path: Path) -> None:
    unload = (
        '    data = hass.data["demo"].pop(entry.entry_id)\n'
        '    await data["machine"].close()\n'
        '    for extra in data["extra"]:\n'
        "        await extra.close()\n"
        "    entry.runtime_data.poller.cancel()\n"
        "    await entry.runtime_data.session.close()\n"
    )
    assert _messages(_integration(tmp_path, unload), "TRD2", "TRD3") == []


def test_a_class_that_releases_what_it_is_given_is_no_record(tmp_path: Path) -> None:
    # ``Holder`` has a ``close()``: it is an owner, judged as before (it closes its session),
    # not a record whose parts the unload must end. Its generated ``__init__`` keeps the session
    # it is given as a written one does (session 37), so the owner is the resource kept at setup,
    # and the unload must close it, as it must for the same class with a written ``__init__``.
    source = INTEGRATION.replace(
        '    name: str = "demo"\n',
        '    name: str = "demo"\n\n    async def close(self):\n        self.poller.cancel()\n        await self.session.close()\n',
    )
    path = _integration(tmp_path, '    hass.data["demo"].pop(entry.entry_id)\n', source)
    assert _messages(path, "TRD2", "TRD3") == [
        "24 TRD201 `machine` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "25 TRD201 `…[entry.entry_id]` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "27 TRD201 `entry.runtime_data` (`RuntimeData(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
    ]


def test_outside_a_setup_a_display_is_judged_as_before(tmp_path: Path) -> None:
    # The same statements in a function Home Assistant does not run at setup: no unload to ask.
    source = INTEGRATION.replace("async def async_setup_entry(", "async def prepare(")
    path = _integration(tmp_path, '    hass.data["demo"].pop(entry.entry_id)\n', source)
    assert [m for m in _messages(path, "TRD2", "TRD3") if "kept at setup" in m] == []


OTHER_OBJECT = '''\
import asyncio


class Buffer:
    def __init__(self):
        self.parts = []
        self.task = None


async def flush_after(buffers, key):
    await asyncio.sleep(5)
    buffers.pop(key, None)


async def add(buffers, key, text):
    buffer = buffers.get(key)
    if buffer is None:
        buffer = Buffer()
        buffers[key] = buffer
    buffer.parts.append(text)
    task = buffer.task
    if task is not None:
        task.cancel()
    buffer.task = asyncio.create_task(flush_after(buffers, key))
'''


def test_a_cancel_that_makes_way_for_the_next_task_ends_only_the_old_one(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    path = tmp_path / "buffers.py"
    path.write_text(OTHER_OBJECT, encoding="utf-8")
    assert _messages(path, "TRD3") == [
        "24 TRD303 task in `buffer.task` is never cancelled or awaited; `Buffer` keeps it and nothing ends it",
    ]
    # Its negative twin: the service's end cancels every buffer's pending flush.
    path.write_text(
        OTHER_OBJECT + "\n\nasync def close(buffers):\n    for buffer in buffers.values():\n        buffer.task.cancel()\n",
        encoding="utf-8",
    )
    assert _messages(path, "TRD3") == []


RACES = '''\
import asyncio


async def only_looked_at(a, b):
    ta = asyncio.ensure_future(a)
    tb = asyncio.ensure_future(b)
    await asyncio.wait([ta, tb], return_when=asyncio.FIRST_COMPLETED)
    return ta.result() if ta.done() else tb.result()


async def tested_in_done(a, b):
    ta = asyncio.create_task(a)
    tb = asyncio.create_task(b)
    done, pending = await asyncio.wait([ta, tb], return_when=asyncio.FIRST_COMPLETED)
    return ta in done


async def losers_cancelled(a, b):
    ta = asyncio.create_task(a)
    tb = asyncio.create_task(b)
    try:
        await asyncio.wait([ta, tb], return_when=asyncio.FIRST_COMPLETED)
        return ta.result() if ta.done() else tb.result()
    finally:
        ta.cancel()
        tb.cancel()


async def in_a_task_group(a, b):
    async with asyncio.TaskGroup() as tg:
        ta = tg.create_task(a)
        tb = tg.create_task(b)
        done, pending = await asyncio.wait([ta, tb], return_when=asyncio.FIRST_COMPLETED)
        return ta in done


class Batch:
    def __init__(self):
        self._waiter = asyncio.get_running_loop().create_future()

    async def wait_drained(self, timeout):
        waiter = self._waiter
        await asyncio.wait([waiter], timeout=timeout)
        if waiter.done():
            waiter.result()
'''


def test_a_raced_task_only_looked_at_after_the_wait_is_a_loser_nobody_cancels(tmp_path: Path) -> None:
    # ``t.done()``, ``t.result()`` and ``t in done`` end nothing: the loser runs on. Cancelled in
    # a ``finally``, made by a task group (which ends its tasks), or a future another owner holds
    # (``self._waiter``), it is not reported.
    path = tmp_path / "races.py"
    path.write_text(RACES, encoding="utf-8")
    assert _messages(path, "TRD304") == [
        "7 TRD304 the result of `asyncio.wait(...)` is discarded; keep `pending` and cancel its tasks",
        "14 TRD304 `pending` from `asyncio.wait(...)` is never used; call `cancel()` on each of its tasks",
    ]


CALLEES = '''\
import logging

import aiohttp

_LOGGER = logging.getLogger(__name__)


class Client:
    def __init__(self):
        self.session = None

    async def connect(self):
        self.session = aiohttp.ClientSession()

    async def disconnect(self):
        await self.session.close()


def make_client():
    return Client()


async def probe(session):
    await session.get("https://example.com")
    await session.close()


async def probe_safely(session):
    try:
        await session.get("https://example.com")
    finally:
        await session.close()


async def closed_at_the_end_of_the_callee():
    session = aiohttp.ClientSession()
    await probe(session)


async def closed_in_the_callee_s_finally():
    session = aiohttp.ClientSession()
    await probe_safely(session)


class Flow:
    async def _test(self, client):
        await client.connect()
        await client.disconnect()

    async def test_connection(self):
        try:
            client = make_client()
            _LOGGER.debug("client made: %s", client)
            await self._test(client)
            return None
        except Exception:
            return "cannot_connect"

    async def test_connection_or_raise(self):
        client = make_client()
        await self._test(client)
'''


def test_a_resource_closed_by_the_function_it_is_given_is_closed_where_that_function_closes_it(
    tmp_path: Path,
) -> None:
    # ``probe`` closes its parameter as its last statement: an error before it leaves the
    # session open. ``probe_safely`` closes it in ``finally``: the caller is clean (it used to be
    # reported as never closed). A first-party client closed so is reported where an ``except``
    # goes on without it (a config flow's connection test; logging it hands nothing on), and,
    # since session 24, where the error goes up to a caller that goes on (no script's ``main()``).
    path = tmp_path / "callees.py"
    path.write_text(CALLEES, encoding="utf-8")
    assert _messages(path, "TRD2") == [
        "36 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed by the function it is given, outside `finally`; open it with `async with`",
        "52 TRD201 `client` (`make_client(...)`) is closed by the function it is given, outside `finally`; call `await client.disconnect()` in a `finally`",
        "60 TRD201 `client` (`make_client(...)`) is closed by the function it is given, outside `finally`; call `await client.disconnect()` in a `finally`",
    ]
