"""Session 46: a resource stored on ``self`` over an open one by a method that runs again (TRD202,
issue 28 points 1 and 5).

A poll, a reconnect, a handler called per event makes a new resource and stores it in
``self.<slot>`` each time it runs, without closing the one the slot holds; the class closes the
slot at its end of life, so only the last one is closed (renaudallard/homeassistant_nespresso_smart
``551418bc``: a BLE client made at every coordinator update; eet-energy/solmate-sdk ``b3703020``:
``connect()`` reached again on a redirect). The method must be shown to run again (a loop of the
class calls it, a framework calls it at intervals, a method calls it twice on one path), and
nothing on the way to the store may look at the slot.

Twins give nothing: the old one closed first (itself or through a method that does), a guard that
returns while one is held, a flag the method sets tested before it, a ``finally`` that closes it,
a loop whose turn reads the slot (a reader that runs until it is closed), a store that runs once.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

COORDINATOR = """\
from bleak import BleakClient
from bleak_retry_connector import establish_connection
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coordinator(DataUpdateCoordinator[dict]):
    def __init__(self, hass, device):
        super().__init__(hass, None, name="x")
        self.device = device
        self._client = None

    async def async_shutdown(self):
        await self._disconnect()
        await super().async_shutdown()

    async def _disconnect(self):
        if self._client is not None:
            await self._client.disconnect()
            self._client = None

    async def _async_update_data(self):
        if self.device is None:
            await self._disconnect()
            raise RuntimeError("gone")
        client = await establish_connection(BleakClient, self.device, "addr")
        try:
            data = await client.read_gatt_char("uuid")
            self._client = client
        except Exception:
            await client.disconnect()
            raise
        return data
"""


def test_coordinator_update_stores_a_new_client_each_poll(tmp_path: Path) -> None:
    assert source_findings(tmp_path, COORDINATOR, "TRD202") == [
        "25:9 TRD202 `_async_update_data()` stores a new `establish_connection(...)` in `self._client` each time it runs "
        "without closing the old one; close it first",
    ]


def test_coordinator_update_that_disconnects_first_is_clean(tmp_path: Path) -> None:
    fixed = COORDINATOR.replace(
        "    async def _async_update_data(self):\n",
        "    async def _async_update_data(self):\n        await self._disconnect()\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_coordinator_update_guarded_by_the_slot_is_clean(tmp_path: Path) -> None:
    guarded = COORDINATOR.replace(
        "        client = await establish_connection(",
        "        if self._client is not None and self._client.is_connected:\n"
        "            return await self._client.read_gatt_char(\"uuid\")\n"
        "        client = await establish_connection(",
    )
    assert source_findings(tmp_path, guarded, "TRD202") == []


def test_update_method_given_to_a_plain_coordinator(tmp_path: Path) -> None:
    source = """\
import aiohttp
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Hub:
    def __init__(self, hass):
        self.session = None
        self.coordinator = DataUpdateCoordinator(hass, None, name="hub", update_method=self._poll)

    async def _poll(self):
        self.session = aiohttp.ClientSession()
        async with self.session.get("http://x") as r:
            return await r.json()

    async def close(self):
        if self.session is not None:
            await self.session.close()
"""
    assert source_findings(tmp_path, source, "TRD202") == [
        "11:9 TRD202 `_poll()` stores a new `aiohttp.ClientSession(...)` in `self.session` each time it runs "
        "without closing the old one; close it first",
    ]
    closed = source.replace(
        "        self.session = aiohttp.ClientSession()\n",
        "        if self.session is not None:\n            await self.session.close()\n"
        "        self.session = aiohttp.ClientSession()\n",
    )
    assert source_findings(tmp_path, closed, "TRD202") == []


HANDLER = """\
import asyncio
import websockets


class Relay:
    def __init__(self, url):
        self.url = url
        self.ws = None
        self.queue = asyncio.Queue()

    async def run(self):
        while True:
            text = await self.queue.get()
            await self._forward(text)

    async def _forward(self, text):
        self.ws = await websockets.connect(self.url)
        await self.ws.send(text)

    async def stop(self):
        if self.ws is not None:
            await self.ws.close()
"""


def test_handler_called_in_a_loop_stores_over_the_open_socket(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HANDLER, "TRD202") == [
        "17:9 TRD202 `_forward()` stores a new `websockets.connect(...)` in `self.ws` each time it runs "
        "without closing the old one; close it first",
    ]


def test_handler_that_closes_the_old_socket_first_is_clean(tmp_path: Path) -> None:
    fixed = HANDLER.replace(
        "        self.ws = await websockets.connect(self.url)\n",
        "        if self.ws is not None:\n            await self.ws.close()\n"
        "        self.ws = await websockets.connect(self.url)\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_handler_that_closes_in_finally_is_clean(tmp_path: Path) -> None:
    fixed = HANDLER.replace(
        "        self.ws = await websockets.connect(self.url)\n        await self.ws.send(text)\n",
        "        self.ws = await websockets.connect(self.url)\n        try:\n            await self.ws.send(text)\n"
        "        finally:\n            await self.ws.close()\n            self.ws = None\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_loop_whose_turn_reads_the_slot_is_not_proof(tmp_path: Path) -> None:
    # The loop reads the socket to its end: when it turns again, the old one has ended.
    reader = HANDLER.replace(
        "            text = await self.queue.get()\n            await self._forward(text)\n",
        "            await self._forward(\"hello\")\n            async for message in self.ws:\n                print(message)\n",
    )
    assert source_findings(tmp_path, reader, "TRD202") == []


def test_flag_the_method_sets_guards_the_store(tmp_path: Path) -> None:
    flagged = HANDLER.replace(
        "        self.ws = await websockets.connect(self.url)\n",
        "        if self._connected:\n            return\n"
        "        self.ws = await websockets.connect(self.url)\n        self._connected = True\n",
    )
    assert source_findings(tmp_path, flagged, "TRD202") == []


TWICE = """\
import asyncio
import websockets


class Connection:
    def __init__(self, sock):
        self.sock = sock

    async def close(self):
        await self.sock.close()


class Client:
    def __init__(self, uri):
        self.uri = uri
        self.conn = None

    async def _connect(self):
        sock = await websockets.connect(self.uri)
        self.conn = Connection(sock)

    def connect(self):
        asyncio.get_event_loop().run_until_complete(self._connect())

    def start(self, redirect):
        self.connect()
        if redirect:
            self.uri = redirect
        self.connect()

    def close(self):
        asyncio.get_event_loop().run_until_complete(self.conn.close())
"""


def test_connect_called_twice_replaces_the_first_connection(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWICE, "TRD202") == [
        "19:9 TRD202 `_connect()` stores a new `websockets.connect(...)` in `self.conn` each time it runs "
        "without closing the old one; close it first",
    ]


def test_connect_that_closes_the_old_connection_first_is_clean(tmp_path: Path) -> None:
    fixed = TWICE.replace(
        "        sock = await websockets.connect(self.uri)\n",
        "        if self.conn is not None:\n            await self.conn.close()\n"
        "        sock = await websockets.connect(self.uri)\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_connection_closed_between_the_two_calls_is_clean(tmp_path: Path) -> None:
    fixed = TWICE.replace(
        "            self.uri = redirect\n        self.connect()\n",
        "            self.uri = redirect\n        self.close()\n        self.connect()\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_store_made_once_is_not_judged_again(tmp_path: Path) -> None:
    once = TWICE.replace("        self.connect()\n        if redirect:\n            self.uri = redirect\n", "")
    assert source_findings(tmp_path, once, "TRD202") == []


def test_interval_callback_and_tasks_loop(tmp_path: Path) -> None:
    source = """\
import httpx
from discord.ext import tasks
from homeassistant.helpers.event import async_track_time_interval


class Poller:
    def __init__(self, hass):
        self.client = None
        self.other = None
        self._unsub = async_track_time_interval(hass, self._tick, 30)

    async def _tick(self, now):
        self.client = httpx.AsyncClient()
        await self.client.get("http://x")

    @tasks.loop(seconds=10)
    async def refresh(self):
        self.other = httpx.AsyncClient()
        await self.other.get("http://y")

    async def close(self):
        await self.client.aclose()
        await self.other.aclose()
"""
    assert source_findings(tmp_path, source, "TRD202") == [
        "13:9 TRD202 `_tick()` stores a new `httpx.AsyncClient(...)` in `self.client` each time it runs "
        "without closing the old one; close it first",
        "18:9 TRD202 `refresh()` stores a new `httpx.AsyncClient(...)` in `self.other` each time it runs "
        "without closing the old one; close it first",
    ]


def test_update_reaching_the_store_through_a_helper(tmp_path: Path) -> None:
    source = """\
import aiohttp
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coordinator(DataUpdateCoordinator):
    async def _async_update_data(self):
        await self._open()
        async with self.session.get("http://x") as r:
            return await r.json()

    async def _open(self):
        self.session = aiohttp.ClientSession()

    async def async_shutdown(self):
        await self.session.close()
"""
    assert source_findings(tmp_path, source, "TRD202") == [
        "12:9 TRD202 `_open()` stores a new `aiohttp.ClientSession(...)` in `self.session` each time it runs "
        "without closing the old one; close it first",
    ]
    # ``_open()`` reached through a helper that looks at the slot first: guarded.
    guarded = source.replace("        await self._open()\n", "        if self.session is None or self.session.closed:\n            await self._open()\n")
    assert source_findings(tmp_path, guarded, "TRD202") == []


def test_loop_reaching_the_store_through_a_helper(tmp_path: Path) -> None:
    source = """\
import asyncio
import websockets


class Pusher:
    def __init__(self, url):
        self.url = url
        self.ws = None
        self.queue = asyncio.Queue()

    async def run(self):
        while True:
            item = await self.queue.get()
            await self.push(item)

    async def push(self, item):
        await self._connect()
        await self.ws.send(item)

    async def _connect(self):
        self.ws = await websockets.connect(self.url)

    async def close(self):
        await self.ws.close()
"""
    assert source_findings(tmp_path, source, "TRD202") == [
        "21:9 TRD202 `_connect()` stores a new `websockets.connect(...)` in `self.ws` each time it runs "
        "without closing the old one; close it first",
    ]
    guarded = source.replace("        await self._connect()\n", "        if self.ws is None:\n            await self._connect()\n")
    assert source_findings(tmp_path, guarded, "TRD202") == []


def test_reader_that_runs_until_the_connection_ends_is_no_proof(tmp_path: Path) -> None:
    source = """\
import websockets


class Listener:
    def __init__(self, url):
        self.url = url
        self.ws = None
        self.running = True

    async def run(self):
        while self.running:
            await self.listen()

    async def listen(self):
        await self._connect()
        while True:
            message = await self.ws.recv()
            print(message)

    async def _connect(self):
        self.ws = await websockets.connect(self.url)

    async def close(self):
        self.running = False
        await self.ws.close()
"""
    assert source_findings(tmp_path, source, "TRD202") == []


FLAGGED = """\
import asyncio
import websockets


class Transport:
    def __init__(self, url):
        self.url = url
        self._ws = None
        self._connected = False
        self._loop = None

    async def start(self):
        self._loop = asyncio.get_running_loop()
        await self._connect()

    async def _connect(self):
        if self._connected or self.url is None:
            return
        self._ws = await websockets.connect(self.url)
        self._connected = True

    async def _disconnect(self):
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
        self._connected = False

    async def stop(self):
        await self._disconnect()

    async def _on_connection_lost(self, error):
        self._connected = False
        self._schedule_reconnect()

    def _schedule_reconnect(self):
        self._loop.call_later(5, lambda: asyncio.ensure_future(self._connect()))
"""


def test_flag_cleared_on_loss_lets_the_guarded_start_store_over_the_open_socket(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FLAGGED, "TRD202") == [
        "19:9 TRD202 `self._ws` is left open when `_on_connection_lost()` resets `self._connected` without "
        "closing it; close it there",
    ]


def test_connection_loss_that_disconnects_is_clean(tmp_path: Path) -> None:
    fixed = FLAGGED.replace(
        "    async def _on_connection_lost(self, error):\n        self._connected = False\n",
        "    async def _on_connection_lost(self, error):\n        await self._disconnect()\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_start_with_no_guard_of_its_own_is_not_proof(tmp_path: Path) -> None:
    # Nothing says that the start runs again once the flag is cleared.
    unguarded = FLAGGED.replace("        if self._connected or self.url is None:\n            return\n", "")
    assert source_findings(tmp_path, unguarded, "TRD202") == []


def test_guard_through_a_property(tmp_path: Path) -> None:
    prop = HANDLER.replace(
        "    async def _forward(self, text):\n",
        "    @property\n    def connected(self):\n        return self.ws is not None\n\n"
        "    async def _forward(self, text):\n        if self.connected:\n            return await self.ws.send(text)\n",
    )
    assert source_findings(tmp_path, prop, "TRD202") == []


def test_local_released_after_the_store_is_clean(tmp_path: Path) -> None:
    released = COORDINATOR.replace(
        "            self._client = client\n        except Exception:\n            await client.disconnect()\n            raise\n",
        "            self._client = client\n        finally:\n            await client.disconnect()\n",
    )
    assert released != COORDINATOR
    assert source_findings(tmp_path, released, "TRD202") == []


def test_flag_the_store_sets_tested_by_the_caller_guards_it(tmp_path: Path) -> None:
    source = """\
import asyncio
import aiohttp


class Memory:
    def __init__(self):
        self._backend = None
        self._ready = False
        self.queue = asyncio.Queue()

    async def serve(self):
        while True:
            query = await self.queue.get()
            await self._ensure()
            print(query)

    async def _ensure(self):
        if self._ready:
            return
        await self._init_backend()

    async def _init_backend(self):
        self._backend = aiohttp.ClientSession()
        self._ready = True

    async def close(self):
        await self._backend.close()
"""
    assert source_findings(tmp_path, source, "TRD202") == []
    unguarded = source.replace("        if self._ready:\n            return\n", "")
    assert source_findings(tmp_path, unguarded, "TRD202") == [
        "21:9 TRD202 `_init_backend()` stores a new `aiohttp.ClientSession(...)` in `self._backend` each time it runs "
        "without closing the old one; close it first",
    ]


def test_loop_that_retries_while_not_connected_is_no_proof(tmp_path: Path) -> None:
    # ``while not self.connected`` looks at the slot at every turn (a property reading it): the
    # store runs again only once the old socket is gone.
    source = HANDLER.replace(
        "            text = await self.queue.get()\n            await self._forward(text)\n",
        "            while not self.connected:\n                await self._forward(\"hello\")\n",
    ).replace(
        "    async def _forward(self, text):\n",
        "    @property\n    def connected(self):\n        return self.ws is not None and self.ws.open\n\n"
        "    async def _forward(self, text):\n",
    )
    assert source_findings(tmp_path, source, "TRD202") == []
