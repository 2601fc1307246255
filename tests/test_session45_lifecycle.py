"""Session 45 (issue 28 point 5): a resource kept for a framework's lifetime through an owner that
takes it over.

A first-party owner that takes over what it is given (a coordinator whose ``stop()`` closes the
client handed to it) is a resource of its own. Made in a framework's setup hook and kept where the
framework keeps things for the application's or the config entry's life (``entry.runtime_data``,
``hass.data[...]``, ``app.state.x``, ``app["x"]``), it is no hand-off to an unknown holder: the
paired end (the entry's unload, the application's shutdown) must release it, and a setup that
fails before keeping it leaks it, since Home Assistant unloads only an entry that set up
(patman15/BMS_BLE-HA ``dbe7565e``'s shape).

A Home Assistant coordinator whose own ``async_shutdown()`` releases what it holds is ended by
its config entry on every end of the entry's life (``DataUpdateCoordinator.__init__`` registers
it with ``entry.async_on_unload``, whose callbacks run at unload and when the setup fails): its
maker owes it nothing.

Each shape has its negative twin: the same code releasing the owner in the paired hook, on the
setup's error, or through the coordinator's own ``async_shutdown()``; a resource shared from the
framework (``async_get_clientsession(hass)``) that the owner only borrows gives nothing.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

API = """\
import aiohttp


class Api:
    def __init__(self, host, session=None):
        self.host = host
        self._session = session or aiohttp.ClientSession()

    async def fetch(self):
        async with self._session.get(self.host) as response:
            return await response.json()

    async def close(self):
        await self._session.close()
"""

COORDINATOR = """\
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, api):
        super().__init__(hass, None, name="demo")
        self.api = api

    async def _async_update_data(self):
        return await self.api.fetch()

    async def stop(self):
        await self.api.close()
"""

SETUP = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .api import Api
from .coordinator import Coordinator


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    coordinator = Coordinator(hass, Api(entry.data["host"]))
    FIRST
    entry.runtime_data = coordinator
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    ok = await hass.config_entries.async_unload_platforms(entry, ["sensor"])
    UNLOAD
    return ok
"""

REFRESH = "await coordinator.async_config_entry_first_refresh()"
STOP = "await entry.runtime_data.stop()"


def _integration(tmp_path: Path, setup: str, coordinator: str = COORDINATOR) -> list[str]:
    files = {
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
        "custom_components/demo/api.py": API,
        "custom_components/demo/coordinator.py": coordinator,
        "custom_components/demo/__init__.py": setup,
    }
    return tree_findings(tmp_path, files, "TRD2", project=True)


def _setup(first: str = "", unload: str = "") -> str:
    return SETUP.replace("    FIRST\n", f"    {first}\n" if first else "").replace("UNLOAD", unload or "pass")


def test_taker_kept_at_setup_never_released_at_unload(tmp_path: Path) -> None:
    assert _integration(tmp_path, _setup()) == [
        "__init__.py:9:5 TRD201 `coordinator` (`Coordinator(...)`) is kept at setup and never closed at unload; "
        "close it in `async_unload_entry()`"
    ]


def test_taker_kept_at_setup_released_at_unload(tmp_path: Path) -> None:
    assert _integration(tmp_path, _setup(unload=STOP)) == []


def test_taker_released_through_an_unload_callback(tmp_path: Path) -> None:
    setup = _setup().replace("    entry.runtime_data = coordinator\n", "    entry.runtime_data = coordinator\n    entry.async_on_unload(coordinator.stop)\n")
    assert _integration(tmp_path, setup) == []


def test_taker_left_open_by_a_failed_first_refresh(tmp_path: Path) -> None:
    assert _integration(tmp_path, _setup(REFRESH, STOP)) == [
        "__init__.py:9:5 TRD201 `coordinator` (`Coordinator(...)`) leaks if an `await` before it is handed on raises; "
        "close it on that error"
    ]


def test_taker_stopped_when_the_first_refresh_fails(tmp_path: Path) -> None:
    guarded = "try:\n        " + REFRESH + "\n    except Exception:\n        await coordinator.stop()\n        raise"
    assert _integration(tmp_path, _setup(guarded, STOP)) == []


def test_owner_of_the_shared_session_is_no_resource(tmp_path: Path) -> None:
    shared = _setup(REFRESH).replace(
        'Api(entry.data["host"])', 'Api(entry.data["host"], async_get_clientsession(hass))'
    ).replace("from .api import Api\n", "from homeassistant.helpers.aiohttp_client import async_get_clientsession\n\nfrom .api import Api\n")
    assert _integration(tmp_path, shared) == []


SHUTDOWN_COORDINATOR = COORDINATOR.replace("    async def stop(self):\n", "    async def async_shutdown(self):\n        await super().async_shutdown()\n")


def test_coordinator_ended_by_its_entry(tmp_path: Path) -> None:
    assert _integration(tmp_path, _setup(REFRESH), SHUTDOWN_COORDINATOR) == []


def test_coordinator_made_outside_the_setup_is_its_makers(tmp_path: Path) -> None:
    flow = """\
from .api import Api
from .coordinator import Coordinator


async def validate(hass, data):
    coordinator = Coordinator(hass, Api(data["host"]))
    await coordinator.async_refresh()
    return coordinator.data
"""
    files = {
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
        "custom_components/demo/api.py": API,
        "custom_components/demo/coordinator.py": SHUTDOWN_COORDINATOR,
        "custom_components/demo/__init__.py": _setup(unload=STOP),
        "custom_components/demo/config_flow.py": flow,
    }
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "config_flow.py:6:5 TRD201 `coordinator` (`Coordinator(...)`) is never closed; "
        "call `await coordinator.async_shutdown()` in a `finally`"
    ]


LIFESPAN = """\
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from app.client import Client


@asynccontextmanager
async def lifespan(app: FastAPI):
    client = Client(httpx.AsyncClient())
    await client.ping()
    app.state.client = client
    yield
    END


app = FastAPI(lifespan=lifespan)
"""

CLIENT = """\
class Client:
    def __init__(self, http):
        self._http = http

    async def ping(self):
        return (await self._http.get("/ping")).json()

    async def close(self):
        await self._http.aclose()
"""


def _service(tmp_path: Path, end: str) -> list[str]:
    files = {"app/__init__.py": "", "app/client.py": CLIENT, "app/main.py": LIFESPAN.replace("END", end)}
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_taker_kept_on_the_app_state_never_closed(tmp_path: Path) -> None:
    assert _service(tmp_path, "print('bye')") == [
        "main.py:11:5 TRD201 `client` lives on in `app.state.client` after the function, never closed; close it where that ends"
    ]


def test_taker_kept_on_the_app_state_closed_after_the_yield(tmp_path: Path) -> None:
    assert _service(tmp_path, "await app.state.client.close()") == []


PLUGIN_COORDINATOR = """\
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, device):
        super().__init__(hass, None, name="demo")
        self._device = device

    async def _async_update_data(self):
        return await self._device.read()

    async def stop(self):
        await self._device.disconnect()
"""

PLUGIN_SETUP = """\
from homeassistant.helpers.importlib import async_import_module

from .coordinator import Coordinator


async def async_setup_entry(hass, entry):
    plugin = await async_import_module(hass, entry.data["type"])
    coordinator = Coordinator(hass, plugin.Device(entry.data["address"]))
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    return True


async def async_unload_entry(hass, entry):
    await entry.runtime_data.stop()
    return True
"""


def _plugin(tmp_path: Path, coordinator: str) -> list[str]:
    files = {
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
        "custom_components/demo/coordinator.py": coordinator,
        "custom_components/demo/__init__.py": PLUGIN_SETUP,
    }
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_taker_of_a_class_picked_at_run_time(tmp_path: Path) -> None:
    # (the device's class cannot be read; the coordinator's ``stop()`` says it must be released)
    assert _plugin(tmp_path, PLUGIN_COORDINATOR) == [
        "__init__.py:8:5 TRD201 `coordinator` (`Coordinator(...)`) leaks if an `await` before it is handed on raises; "
        "close it on that error"
    ]


def test_holder_of_a_class_picked_at_run_time_that_it_never_releases(tmp_path: Path) -> None:
    assert _plugin(tmp_path, PLUGIN_COORDINATOR.replace("await self._device.disconnect()", "self._device = None")) == []


def test_taker_given_a_mock_holds_nothing(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/client.py": CLIENT,
        "app/test_client.py": (
            "from unittest import mock\n\nfrom app.client import Client\n\n\n"
            "async def test_ping():\n    client = Client(mock.AsyncMock())\n    await client.ping()\n"
        ),
    }
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_taker_of_an_imported_class_the_table_does_not_know(tmp_path: Path) -> None:
    # (an imported class is known by its code or the library table: one they do not call a
    # resource is none, whatever an owner does with it)
    setup = PLUGIN_SETUP.replace("from .coordinator", "from somelib import Device\n\nfrom .coordinator").replace(
        "plugin.Device(", "Device("
    )
    files = {
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
        "custom_components/demo/coordinator.py": PLUGIN_COORDINATOR,
        "custom_components/demo/__init__.py": setup,
    }
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []
