"""Session 86: two error paths that cannot leave a resource open, read from what the code says
(issue 28, point 8; precision on applications).

Read on heads70 half a's random sample (``heads70_a3.tsv``): a Home Assistant config flow's
connection probe writes, drains and reads inside a ``try`` whose bare ``except:`` records the
error and goes on to ``writer.close()``; it was reported as closed outside ``finally``, and no
error or cancellation between the two can skip the close. An integration's client borrows Home
Assistant's shared session and opens its own connection only in ``start()``; a failed first
snapshot (a request through the shared session) raised ``ConfigEntryNotReady`` and was reported
as leaving the client open, though it held nothing yet. Twins: a handler that catches
``Exception`` only (a cancellation skips the close), one that re-raises or returns, the creation
inside the ``try`` (its handler skips the close), and a first call that opens the client's own
session before it fails.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

PROBE = """\
import asyncio


async def probe(host, port):
    error = None
    try:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(b"ping")
            await writer.drain()
            await reader.readline()
        {handler}
            error = "write_error"
            {after}
        writer.close()
        await writer.wait_closed()
    except BaseException:
        error = "connect_failed"
    return error
"""

OUTSIDE = [
    "7:9 TRD201 `writer` (`asyncio.open_connection(...)`) is closed outside `finally`; call `writer.close()` in a `finally`"
]


def probe(tmp_path: Path, handler: str, after: str = "pass") -> list[str]:
    return source_findings(tmp_path, PROBE.format(handler=handler, after=after), "TRD2")


def test_a_bare_except_between_the_creation_and_the_close_lets_nothing_skip_it(tmp_path: Path) -> None:
    assert probe(tmp_path, "except:") == []


def test_except_base_exception_alone_or_in_a_tuple_catches_all_too(tmp_path: Path) -> None:
    assert probe(tmp_path, "except BaseException:") == []
    assert probe(tmp_path, "except (OSError, BaseException):") == []


def test_except_exception_lets_a_cancellation_skip_the_close(tmp_path: Path) -> None:
    assert probe(tmp_path, "except Exception:") == OUTSIDE


def test_a_handler_that_re_raises_skips_the_close(tmp_path: Path) -> None:
    assert probe(tmp_path, "except:", "raise") == OUTSIDE


def test_a_handler_that_returns_skips_the_close(tmp_path: Path) -> None:
    assert probe(tmp_path, "except:", "return error") == OUTSIDE


def test_a_creation_inside_the_catching_try_is_skipped_past_by_its_handler(tmp_path: Path) -> None:
    source = """\
import asyncio


async def probe(host, port):
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"ping")
        await writer.drain()
        writer.close()
    except:
        return "failed"
    return None
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "6:9 TRD201 `writer` (`asyncio.open_connection(...)`) is closed outside `finally`; call `writer.close()` in a `finally`"
    ]


INTEGRATION = """\
import asyncio

import aiohttp

from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.aiohttp_client import async_get_clientsession


class Client:
    def __init__(self, hass, host):
        self._session = async_get_clientsession(hass)
        self._host = host
        self._ws_session = None
        self._task = None

    async def snapshot(self):
        async with self._session.get(f"http://{{self._host}}/state") as response:
            return await response.json()

    async def connect(self):
        self._ws_session = aiohttp.ClientSession()
        await self._ws_session.get(f"http://{{self._host}}/ping")

    def start(self):
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self):
        if self._ws_session is None:
            self._ws_session = aiohttp.ClientSession()
        async with self._ws_session.ws_connect(f"ws://{{self._host}}/events") as ws:
            async for message in ws:
                print(message)

    async def shutdown(self):
        if self._task is not None:
            self._task.cancel()
        if self._ws_session is not None:
            await self._ws_session.close()


async def async_setup_entry(hass, entry):
    client = Client(hass, entry.data["host"])
    try:
        await client.{first}()
    except Exception as err:
        raise ConfigEntryNotReady("unreachable") from err
    hass.data[entry.entry_id] = client
    client.start()
    return True


async def async_unload_entry(hass, entry):
    client = hass.data.pop(entry.entry_id)
    await client.shutdown()
    return True
"""


def integration(tmp_path: Path, first: str) -> list[str]:
    files = {"custom_components/demo/manifest.json": '{"domain": "demo"}', "custom_components/demo/__init__.py": INTEGRATION.format(first=first)}
    return tree_findings(tmp_path, files, "TRD2")


def test_a_lazy_client_whose_failed_first_call_opened_nothing_holds_nothing_at_the_raise(tmp_path: Path) -> None:
    assert integration(tmp_path, "snapshot") == []


def test_a_first_call_that_opens_the_clients_own_session_leaves_it_open_at_the_raise(tmp_path: Path) -> None:
    assert integration(tmp_path, "connect") == [
        "__init__.py:42:5 TRD201 `client` (`Client(...)`) leaks on an exit before it is handed on; call its `shutdown()` on that path"
    ]


def scheduled_first(tmp_path: Path, scheduled: str) -> list[str]:
    source = INTEGRATION.format(first="snapshot").replace(
        '    client = Client(hass, entry.data["host"])\n    try:',
        f'    client = Client(hass, entry.data["host"])\n    hass.async_create_task(client.{scheduled}())\n    try:',
    )
    files = {"custom_components/demo/manifest.json": '{"domain": "demo"}', "custom_components/demo/__init__.py": source}
    return tree_findings(tmp_path, files, "TRD2")


def test_a_call_that_opens_the_client_scheduled_before_leaves_it_open_at_the_raise(tmp_path: Path) -> None:
    # Session 87 (the pool's lifesmart integration: ``async_connect()`` started with
    # ``hass.async_create_task`` before a wait that opens nothing): from the scheduled call on,
    # the client may be open whatever is awaited, as before session 86.
    assert scheduled_first(tmp_path, "connect") == [
        "__init__.py:42:5 TRD201 `client` (`Client(...)`) leaks on an exit before it is handed on; call its `shutdown()` on that path"
    ]


def test_a_scheduled_call_that_opens_nothing_leaves_nothing_open_at_the_raise(tmp_path: Path) -> None:
    assert scheduled_first(tmp_path, "snapshot") == []


AGGREGATOR = """\
import aiohttp


class Aggregator:
    def __init__(self):
        self.session = None

    async def __aenter__(self):
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        await self.session.close()

    async def fetch(self, url):
        if self.session is None:
            self.session = aiohttp.ClientSession()
        async with self.session.get(url) as response:
            return await response.json()


aggregator = Aggregator()
"""


def aggregated(tmp_path: Path, use: str) -> list[str]:
    engine = f"from .aggregator import aggregator as shared\n\n\nasync def analyse(url):\n    {use}\n        return await shared.fetch(url)\n"
    files = {"app/__init__.py": "", "app/aggregator.py": AGGREGATOR, "app/engine.py": engine}
    return tree_findings(tmp_path, files, "TRD2")


def test_a_modules_instance_entered_where_another_module_imports_it_is_entered(tmp_path: Path) -> None:
    assert aggregated(tmp_path, "async with shared:") == []


def test_a_modules_instance_imported_and_used_without_entering_it_is_never_entered(tmp_path: Path) -> None:
    assert aggregated(tmp_path, "if shared is not None:") == [
        "aggregator.py:17:13 TRD202 `self.session` is never closed: only `__aexit__()` closes it, and no `async with` enters a `Aggregator`"
    ]


COORDINATED = '''\
import aiohttp

from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Api:
    def __init__(self, key):
        self._key = key
        self._session = aiohttp.ClientSession()

    async def devices(self):
        async with self._session.get("https://api.example/devices") as response:
            return await response.json()

    async def close(self):
        await self._session.close()


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, config_entry, api):
        super().__init__(hass, None, name="demo", config_entry=config_entry)
        self._api = api

    async def async_setup(self):
        self.devices = await self._api.devices()

    async def _async_update_data(self):
        return await self._api.devices()

    async def {release}(self):
        await self._api.close()


async def async_setup_entry(hass, entry):
    api = Api(entry.data["key"])
    coordinator = Coordinator(hass, entry, api)
    try:
        await coordinator.async_setup()
    except Exception as err:
        await api.close()
        raise ConfigEntryNotReady("unreachable") from err
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    return True


async def async_unload_entry(hass, entry):
    await entry.runtime_data.{release}()
    return True
'''


def coordinated(tmp_path: Path, release: str) -> list[str]:
    files = {"custom_components/demo/manifest.json": '{"domain": "demo"}', "custom_components/demo/__init__.py": COORDINATED.format(release=release)}
    return tree_findings(tmp_path, files, "TRD2")


def test_a_client_given_to_a_coordinator_its_entry_ends_is_handed_on_there_and_closed_on_the_failure_before(tmp_path: Path) -> None:
    # ``DataUpdateCoordinator.__init__`` registers ``async_shutdown`` with the entry: a failed
    # setup (the first refresh) runs it, and it closes the client. The close in the ``except``
    # answers the failure before; it does not make the coordinator a borrower.
    assert coordinated(tmp_path, "async_shutdown") == []


def test_a_coordinator_released_by_another_method_holds_the_client_only_from_the_store(tmp_path: Path) -> None:
    assert coordinated(tmp_path, "close") == [
        "__init__.py:36:5 TRD201 `api` (`Api(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "__init__.py:37:5 TRD201 `coordinator` (`Coordinator(...)`) leaks on an exit before it is handed on; call its `close()` on that path",
    ]



REFRESHED = '''\
import aiohttp

from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Api:
    def __init__(self, session):
        self._session = session

    async def devices(self):
        async with self._session.get("https://api.example/devices") as response:
            return await response.json()


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, api):
        super().__init__(hass, None, name="demo")
        self.api = api
        self._ws = None

    async def _async_update_data(self):
        {update}
        return await self.api.devices()

    async def start_websocket(self):
        self._ws = aiohttp.ClientSession()

    async def stop_websocket(self):
        if self._ws is not None:
            await self._ws.close()


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass, Api(async_get_clientsession(hass)))
    await coordinator.async_config_entry_first_refresh()
    hass.data[entry.entry_id] = coordinator
    await coordinator.start_websocket()
    return True


async def async_unload_entry(hass, entry):
    await hass.data.pop(entry.entry_id).stop_websocket()
    return True
'''


def refreshed(tmp_path: Path, update: str) -> list[str]:
    files = {"custom_components/demo/manifest.json": '{"domain": "demo"}', "custom_components/demo/__init__.py": REFRESHED.format(update=update)}
    return tree_findings(tmp_path, files, "TRD2")


def test_a_coordinators_first_refresh_runs_only_its_update_and_opens_nothing_else(tmp_path: Path) -> None:
    # Home Assistant's first refresh runs the subclass's ``_async_update_data()`` (and
    # ``_async_setup()``): one that only asks the API through the shared session opens nothing
    # of the coordinator's, whose websocket only ``start_websocket()`` makes after the store.
    assert refreshed(tmp_path, "pass") == []


def test_a_coordinators_update_that_starts_its_websocket_opens_it_at_the_first_refresh(tmp_path: Path) -> None:
    assert refreshed(tmp_path, "await self.start_websocket()") == [
        "__init__.py:27:9 TRD202 `start_websocket()` stores a new `aiohttp.ClientSession(...)` in `self._ws` each time it runs without closing the old one; close it first",
        "__init__.py:35:5 TRD201 `coordinator` (`Coordinator(...)`) leaks if an `await` before it is handed on raises; close it on that error"
    ]
