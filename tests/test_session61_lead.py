"""Session 61 (lead): two readings of where a resource's owner takes it (issue 28, round 26's
development half).

1. **A release handed on, uncalled, is a hand-off from that statement on.** ``entry.async_on_unload(
   client.close)`` or ``stack.push_async_callback(client.close)`` gives the release to what runs it
   later; until that statement runs, nothing will. An ``await`` before it that raises (a first
   refresh that fails, so Home Assistant retries the setup) leaves the resource open: Home
   Assistant runs, on a failed setup, only the callbacks registered so far, never the unload
   (neakasa-litterbox's fix registers the close "before any await"). Until now any such
   registration, wherever it stood, was taken for the end. A store that keeps the resource for the
   integration (``entry.runtime_data = Data(client=client)``) is no hand-off while its release is
   registered only later: the registration is.
   Twins: the registration before the first ``await``; a close on the error path of every ``await``
   before the registration; a test's cleanup (an error ends the test, and what it opened).
2. **A tuple of values stored in a tuple of targets stores each element in its target.**
   ``self._rfile, self._wfile = reader, writer`` keeps the writer in ``self._wfile`` as
   ``self._wfile = writer`` would: a class that opens a connection so and closes it in
   ``disconnect()`` is a resource type (python-mpd2's asyncio ``MPDClient`` shape). Twin: the
   same class whose ``connect()`` keeps nothing it opened stays no resource type.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

API = """\
import aiohttp


class ApiClient:
    def __init__(self, host: str) -> None:
        self._session = aiohttp.ClientSession()
        self._host = host

    async def async_login(self) -> None:
        async with self._session.get(self._host) as response:
            response.raise_for_status()

    async def async_close(self) -> None:
        await self._session.close()
"""

SETUP = """\
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from .api import ApiClient


@dataclass
class Data:
    client: ApiClient


async def refresh(hass: HomeAssistant) -> None:
    await hass.async_block_till_done()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = ApiClient(entry.data["host"])
    try:
        await client.async_login()
    except OSError as exc:
        await client.async_close()
        raise ConfigEntryNotReady(str(exc)) from exc
    entry.runtime_data = Data(client=client)
    await refresh(hass)
    entry.async_on_unload(client.async_close)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return True
"""

SETUP_FIXED = """\
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from .api import ApiClient


@dataclass
class Data:
    client: ApiClient


async def refresh(hass: HomeAssistant) -> None:
    await hass.async_block_till_done()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = ApiClient(entry.data["host"])
    entry.async_on_unload(client.async_close)
    try:
        await client.async_login()
    except OSError as exc:
        raise ConfigEntryNotReady(str(exc)) from exc
    entry.runtime_data = Data(client=client)
    await refresh(hass)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return True
"""

SETUP_CLOSED_ON_ERROR = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from .api import ApiClient


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = ApiClient(entry.data["host"])
    try:
        await client.async_login()
    except BaseException as exc:
        await client.async_close()
        raise ConfigEntryNotReady(str(exc)) from exc
    entry.async_on_unload(client.async_close)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return True
"""

PACKAGE = "custom_components/demo"
MANIFEST = '{"domain": "demo", "name": "Demo", "version": "1.0"}\n'


def _integration(setup: str) -> dict[str, str]:
    return {f"{PACKAGE}/__init__.py": setup, f"{PACKAGE}/api.py": API, f"{PACKAGE}/manifest.json": MANIFEST}


def test_a_release_registered_after_a_failing_await_leaves_the_client_open(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _integration(SETUP), "TRD2") == [
        "__init__.py:20:5 TRD201 `client` (`ApiClient(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


def test_a_release_registered_before_any_await_is_the_end(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _integration(SETUP_FIXED), "TRD2") == []


def test_a_close_on_every_error_before_the_registration_is_the_end(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _integration(SETUP_CLOSED_ON_ERROR), "TRD2") == []


STACK = """\
import contextlib

import aiohttp


async def login(session: aiohttp.ClientSession) -> None:
    async with session.get("https://example.org/login") as response:
        response.raise_for_status()


class Service:
    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()

    async def start(self) -> None:
        session = aiohttp.ClientSession()
        await login(session)
        self._stack.push_async_callback(session.close)

    async def start_registered_first(self) -> None:
        session = aiohttp.ClientSession()
        self._stack.push_async_callback(session.close)
        await login(session)

    async def stop(self) -> None:
        await self._stack.aclose()
"""


def test_an_exit_stack_callback_is_a_hand_off_from_its_statement_on(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STACK, "TRD2") == [
        "16:9 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


CONNECTIONS = """\
import asyncio


class Client:
    def __init__(self) -> None:
        self.__rfile = self.__wfile = None

    async def connect(self, host: str, port: int = 6600) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        self.__rfile, self.__wfile = reader, writer

    def disconnect(self) -> None:
        if self.__wfile is not None:
            self.__wfile.close()
        self.__rfile = self.__wfile = None


class Probe:
    async def connect(self, host: str, port: int = 6600) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.close()
        self.host, self.port = host, port

    def disconnect(self) -> None:
        self.host = self.port = None


async def ping(host: str) -> None:
    client = Client()
    await client.connect(host)
    probe = Probe()
    await probe.connect(host)


async def ping_closed(host: str) -> None:
    client = Client()
    try:
        await client.connect(host)
    finally:
        client.disconnect()
"""


def test_a_tuple_of_values_is_stored_element_by_element(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CONNECTIONS, "TRD2") == [
        "29:5 TRD201 `client` (`Client(...)`) is never closed; call `client.disconnect()` in a `finally`",
    ]
