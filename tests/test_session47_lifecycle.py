"""Session 47: a resource released on some ways out of a setup only (TRD201, issue 28 point 5).

Two shapes of one class of code: the function that makes a resource releases it where it foresees
a failure, and another failure, before the resource is handed on, leaves it open; a setup that its
framework retries strands one more each time.

- A close on a way out (in an ``except``, or in a branch that ends by raising or returning)
  answers that way out only: an ``await`` elsewhere before the hand-off that raises still leaves
  the resource open (tykeal/homeassistant-guesty ``2b27fcbaf9``: the HTTP client closed when the
  connection test fails, left open when the coordinator's first refresh raises).
- A value released in an ``except`` that catches some errors only (``except ConfigEntryNotReady:
  await conn.disconnect(); raise``), when the ``try`` is shown to raise another (the first
  refresh's ``ConfigEntryAuthFailed``, a ``raise`` of the body itself): that error propagates with
  it open, whatever its type, since the function's own release says it owns it
  (dknowles2/ha-pitboss ``672d18fad3``).

Twins give nothing: a handler of every error that closes it, a ``finally``, a ``try`` around it
that does, a handler that goes on, a test's code, a ``stop()`` of a value a function gives (a
command on a shared object), an ``await`` answered by a handler of every error, a handler of a
library's own error class around its calls (which errors they raise is not known).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

SETUP = """\
import httpx
from homeassistant.exceptions import ConfigEntryNotReady

from .api import Api, ApiError
from .coordinator import Coordinator

DOMAIN = "demo"


async def async_setup_entry(hass, entry):
    http_client = httpx.AsyncClient()
    api = Api(http_client)
    try:
        await api.test_connection()
    except ApiError as exc:
        await http_client.aclose()
        raise ConfigEntryNotReady("unreachable") from exc
    coordinator = Coordinator(hass, api)
    await coordinator.async_config_entry_first_refresh()
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {"http_client": http_client, "coordinator": coordinator}
    return True


async def async_unload_entry(hass, entry):
    data = hass.data[DOMAIN].pop(entry.entry_id)
    await data["http_client"].aclose()
    return True
"""

API = """\
class ApiError(Exception):
    pass


class Api:
    def __init__(self, http_client):
        self._http = http_client

    async def test_connection(self):
        await self._http.get("/ping")
"""

COORDINATOR = """\
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, api):
        super().__init__(hass, None, name="demo")
        self.api = api

    async def _async_update_data(self):
        return await self.api.test_connection()
"""


def _setup(tmp_path: Path, setup: str) -> list[str]:
    files = {
        "custom_components/demo/__init__.py": setup,
        "custom_components/demo/api.py": API,
        "custom_components/demo/coordinator.py": COORDINATOR,
    }
    return tree_findings(tmp_path, files, "TRD201")


def test_a_close_for_one_failure_does_not_answer_a_later_await(tmp_path: Path) -> None:
    assert _setup(tmp_path, SETUP) == [
        "__init__.py:11:5 TRD201 `http_client` (`httpx.AsyncClient(...)`) leaks if an `await` before it is handed on raises; "
        "close it on that error",
    ]


def test_a_close_in_a_branch_that_leaves_does_not_answer_a_later_await(tmp_path: Path) -> None:
    branch = SETUP.replace(
        "    try:\n        await api.test_connection()\n    except ApiError as exc:\n"
        "        await http_client.aclose()\n        raise ConfigEntryNotReady(\"unreachable\") from exc\n",
        "    if not await api.test_connection():\n        await http_client.aclose()\n        return False\n",
    )
    assert _setup(tmp_path, branch) == [
        "__init__.py:11:5 TRD201 `http_client` (`httpx.AsyncClient(...)`) leaks if an `await` before it is handed on raises; "
        "close it on that error",
    ]


def test_every_failure_closing_it_is_clean(tmp_path: Path) -> None:
    fixed = SETUP.replace(
        "    await coordinator.async_config_entry_first_refresh()\n",
        "    try:\n        await coordinator.async_config_entry_first_refresh()\n"
        "    except Exception:\n        await http_client.aclose()\n        raise\n",
    )
    assert _setup(tmp_path, fixed) == []
    # A handler of `ConfigEntryNotReady` alone lets the refresh's `ConfigEntryAuthFailed` through.
    assert _setup(tmp_path, fixed.replace("    except Exception:\n        await http_client", "    except ConfigEntryNotReady:\n        await http_client")) == [
        "__init__.py:11:5 TRD201 `http_client` (`httpx.AsyncClient(...)`) is released only when `except ConfigEntryNotReady` "
        "(line 21) catches; `ConfigEntryAuthFailed` from its `try` leaves it open; release it in `except Exception` or a `finally`",
    ]


def test_a_close_on_the_way_on_is_still_no_finding(tmp_path: Path) -> None:
    # Closed (and made again) on the main path before the hand-off: the rule keeps out.
    remade = SETUP.replace("except ApiError as exc:", "except Exception as exc:").replace(
        "    coordinator = Coordinator(hass, api)\n",
        "    await http_client.aclose()\n    return False\n",
    )
    assert _setup(tmp_path, remade) == []


TRANSPORT = """\
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from pytransport import api, wss, ble
from pytransport.transport import Transport

from .coordinator import Coordinator

DOMAIN = "demo"


async def _connect_ble(hass, device_id):
    conn = ble.BleConnection(device_id)
    await conn.connect()
    return conn


async def async_setup_entry(hass, entry):
    conn: Transport
    if entry.data["protocol"] == "wss":
        conn = wss.WebSocketConnection(entry.data["device"], session=async_get_clientsession(hass))
    else:
        conn = await _connect_ble(hass, entry.data["device"])
    device = await hass.async_add_executor_job(lambda: api.Device(conn))
    coordinator = Coordinator(hass, device)
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady:
        await conn.disconnect()
        raise
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator
    return True


async def async_unload_entry(hass, entry):
    coordinator = hass.data[DOMAIN].pop(entry.entry_id)
    await coordinator.api.stop()
    return True
"""


def _transport(tmp_path: Path, setup: str) -> list[str]:
    files = {"custom_components/demo/__init__.py": setup, "custom_components/demo/coordinator.py": COORDINATOR}
    return tree_findings(tmp_path, files, "TRD201")


def test_a_release_for_some_errors_only_is_reported_at_each_binding(tmp_path: Path) -> None:
    assert _transport(tmp_path, TRANSPORT) == [
        "__init__.py:20:9 TRD201 `conn` (`wss.WebSocketConnection(...)`) is released only when `except ConfigEntryNotReady` "
        "(line 27) catches; `ConfigEntryAuthFailed` from its `try` leaves it open; release it in `except Exception` or a `finally`",
        "__init__.py:22:9 TRD201 `conn` (`_connect_ble(...)`) is released only when `except ConfigEntryNotReady` "
        "(line 27) catches; `ConfigEntryAuthFailed` from its `try` leaves it open; release it in `except Exception` or a `finally`",
    ]


def test_a_release_for_every_error_is_clean(tmp_path: Path) -> None:
    assert _transport(tmp_path, TRANSPORT.replace("except ConfigEntryNotReady:", "except Exception:")) == []


def test_a_finally_or_an_outer_handler_of_every_error_is_clean(tmp_path: Path) -> None:
    outer = TRANSPORT.replace(
        "        raise\n    hass.data",
        "        raise\n    except BaseException:\n        await conn.disconnect()\n        raise\n    hass.data",
    )
    assert _transport(tmp_path, outer) == []


def test_a_handler_that_goes_on_is_left_to_the_other_rules(tmp_path: Path) -> None:
    assert _transport(tmp_path, TRANSPORT.replace("        await conn.disconnect()\n        raise\n", "        await conn.disconnect()\n")) == []


def test_a_stop_of_what_a_function_gives_is_no_release_of_an_owned_value(tmp_path: Path) -> None:
    shared = TRANSPORT.replace("await conn.disconnect()\n        raise", "await conn.stop()\n        raise").replace(
        "conn = wss.WebSocketConnection(", "conn = wss.get_connection(",
    )
    assert _transport(tmp_path, shared) == []


def test_a_test_that_fails_ends_with_its_value(tmp_path: Path) -> None:
    source = """\
from pytransport import wss


async def test_connects():
    conn = wss.WebSocketConnection("device")
    try:
        await conn.ping()
    except TimeoutError:
        await conn.disconnect()
        raise
    await conn.disconnect()
"""
    assert tree_findings(tmp_path, {"tests/test_conn.py": source}, "TRD201") == []


def test_a_service_method_releasing_for_a_timeout_only_is_reported(tmp_path: Path) -> None:
    source = """\
from pytransport import wss


class Service:
    async def open(self, device):
        conn = wss.WebSocketConnection(device)
        try:
            if not await conn.handshake():
                raise ConnectionError(device)
        except TimeoutError:
            await conn.disconnect()
            raise
        self._conn = conn

    async def close(self):
        await self._conn.disconnect()
"""
    assert tree_findings(tmp_path, {"service.py": source}, "TRD201") == [
        "service.py:6:9 TRD201 `conn` (`wss.WebSocketConnection(...)`) is released only when `except TimeoutError` (line 10) "
        "catches; `ConnectionError` from its `try` leaves it open; release it in `except Exception` or a `finally`",
    ]
    # `ConnectionError` is an `OSError`: a handler of `OSError` releases it too.
    assert tree_findings(tmp_path, {"service.py": source.replace("except TimeoutError:", "except OSError:")}, "TRD201") == []


def test_a_handler_of_a_library_error_alone_is_taken_as_every_error_it_raises(tmp_path: Path) -> None:
    # Which errors `handshake()` raises is not known: a handler of its own error class may be all it
    # needs (fdebrus/Nikobus-HA's fix releases the bus for `NikobusError`).
    source = """\
from pytransport import wss
from pytransport.errors import TransportError


class Service:
    async def open(self, device):
        conn = wss.WebSocketConnection(device)
        try:
            await conn.handshake()
        except TransportError:
            await conn.disconnect()
            raise
        self._conn = conn

    async def close(self):
        await self._conn.disconnect()
"""
    assert tree_findings(tmp_path, {"service.py": source}, "TRD201") == []


def test_a_value_given_to_an_owner_that_releases_it_is_left_to_the_owner(tmp_path: Path) -> None:
    owner = COORDINATOR + """
    async def async_shutdown(self):
        await self.api.disconnect()
        await super().async_shutdown()
"""
    files = {
        "custom_components/demo/__init__.py": TRANSPORT.replace("    device = await hass.async_add_executor_job(lambda: api.Device(conn))\n", "").replace(
            "Coordinator(hass, device)", "Coordinator(hass, conn)"),
        "custom_components/demo/coordinator.py": owner,
    }
    assert tree_findings(tmp_path, files, "TRD201") == []


def test_a_value_stored_on_the_instance_first_is_left_to_the_instance(tmp_path: Path) -> None:
    source = """\
from pytransport import wss


class Service:
    async def open(self, device):
        conn = wss.WebSocketConnection(device, session=self._session)
        self._conn = conn
        try:
            await conn.handshake()
        except TimeoutError:
            await conn.disconnect()
            raise

    async def close(self):
        await self._conn.disconnect()
"""
    assert tree_findings(tmp_path, {"service.py": source}, "TRD201") == []


def test_a_coordinator_its_entry_shuts_down_is_ended_on_every_failure(tmp_path: Path) -> None:
    coordinator = COORDINATOR + """
    async def connect(self):
        await self.api.test_connection()

    async def stop(self):
        await self.api.close()

    async def async_shutdown(self):
        await self.stop()
        await super().async_shutdown()
"""
    setup = """\
from homeassistant.exceptions import ConfigEntryNotReady

from .coordinator import Coordinator


class BusError(Exception):
    pass


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass, entry.data)
    entry.runtime_data = coordinator
    try:
        await coordinator.connect()
        await coordinator.async_config_entry_first_refresh()
    except (BusError, ConfigEntryNotReady) as err:
        await coordinator.stop()
        raise ConfigEntryNotReady from err
    return True


async def async_unload_entry(hass, entry):
    return True
"""
    files = {"custom_components/demo/__init__.py": setup, "custom_components/demo/coordinator.py": coordinator}
    assert tree_findings(tmp_path, files, "TRD201") == []
    plain = coordinator.replace("    async def async_shutdown(self):\n        await self.stop()\n        await super().async_shutdown()\n", "")
    assert tree_findings(tmp_path, {**files, "custom_components/demo/coordinator.py": plain}, "TRD201") == [
        "__init__.py:11:5 TRD201 `coordinator` (`Coordinator(...)`) is released only when `except (BusError, ConfigEntryNotReady)` "
        "(line 16) catches; `ConfigEntryAuthFailed` from its `try` leaves it open; release it in `except Exception` or a `finally`",
    ]


def test_a_close_on_a_way_out_answers_the_await_checked_before_it(tmp_path: Path) -> None:
    # `connect()` reports its failure by the state tested next, whose branch closes the client:
    # the code shows that failure handled; the refresh after it is answered by a handler of
    # every error (mathieuletyrant/cozytouch-hacs's fix).
    checked = SETUP.replace(
        "    try:\n        await api.test_connection()\n    except ApiError as exc:\n"
        "        await http_client.aclose()\n        raise ConfigEntryNotReady(\"unreachable\") from exc\n",
        "    await api.test_connection()\n    if not api.online:\n        await http_client.aclose()\n"
        "        raise ConfigEntryNotReady(\"unreachable\")\n",
    ).replace(
        "    await coordinator.async_config_entry_first_refresh()\n",
        "    try:\n        await coordinator.async_config_entry_first_refresh()\n"
        "    except Exception:\n        await http_client.aclose()\n        raise\n",
    )
    assert _setup(tmp_path, checked) == []


def test_an_await_on_the_way_out_after_its_close_is_not_on_the_way_on(tmp_path: Path) -> None:
    source = """\
import asyncio


class Tunnel:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    async def close(self):
        self.writer.close()
        await self.writer.wait_closed()


async def open_tunnel(host, port, target):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(target)
        await writer.drain()
        answer = await reader.read(4096)
    except Exception:
        writer.close()
        raise
    if not answer.startswith(b"HTTP/1.1 200 "):
        writer.close()
        await writer.wait_closed()
        raise ConnectionError(answer)
    return Tunnel(reader=reader, writer=writer)
"""
    assert tree_findings(tmp_path, {"tunnel.py": source}, "TRD201") == []
