"""Session 40 (issue 28, "every flagged site clean after the fix commit"): an end of life the
framework calls that reads the store back and releases the instance through its holder.

An instance handed to a first-party holder that never releases it (a coordinator keeping its
client on ``self``), the holder kept in a framework's per-instance store, lives on in that store:
TRD201 reports the local ("lives on in ``entry.runtime_data``"). The end of life the framework
calls for that store (Home Assistant's ``async_unload_entry``, the code after a lifespan's
``yield``, aiohttp's ``on_cleanup``) ends it when it reads the same store back (into a name or
inline: ``coordinator = entry.runtime_data``, ``hass.data[DOMAIN].pop(entry.entry_id)``,
``app["hub"]``, or the lifespan's own local) and calls a release of the instance through the
attribute the holder keeps it as (``coordinator.client.stop()``: the constructor's parameter
``client`` kept as ``self.client``). iprak/sensi ``9ec66e57``, the fix: ``coordinator =
entry.runtime_data; await coordinator.client.stop()``.

Negative twins keep the exact finding: the unload stops another attribute of the holder, reads
another store key, or releases nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings
from tests.test_session40_life import APP, APP_CLIENT as FEED  # the same programs as the life tests

_check_tree = partial(tree_findings, select="TRD201", project=True)

CLIENT = """\
import aiohttp


class Client:
    def __init__(self, hass):
        self._hass = hass
        self._session = None

    async def start(self):
        self._session = aiohttp.ClientSession()

    async def stop(self):
        if self._session:
            await self._session.close()
"""

COORDINATOR = """\
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .client import Client


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, client: Client, other: Client):
        super().__init__(hass, None, name="demo")
        self.client = client
        self.other = other

    async def _async_update_data(self):
        return await self.client.start()
"""

SETUP = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .client import Client
from .coordinator import Coordinator

DOMAIN = "demo"


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = Client(hass)
    await client.start()
    KEEP = Coordinator(hass, client, None)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
UNLOAD    return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
"""

RUNTIME = "entry.runtime_data"
HASS_DATA = "hass.data.setdefault(DOMAIN, {})[entry.entry_id]"


def _integration(tmp_path: Path, unload: str, keep: str = RUNTIME) -> list[str]:
    folder = "custom_components/demo/"
    return _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": SETUP.replace("KEEP", keep).replace("UNLOAD", unload),
        folder + "client.py": CLIENT,
        folder + "coordinator.py": COORDINATOR,
    })


def _reported(holder: str) -> list[str]:
    return [f"__init__.py:11:5 TRD201 `client` lives on in `{holder}` after the function, never closed; close it where that ends"]


def test_unload_stops_the_client_through_runtime_data(tmp_path: Path) -> None:
    # The fix of iprak/sensi: the unload reads the coordinator back and stops its client.
    unload = "    coordinator = entry.runtime_data\n    if coordinator:\n        await coordinator.client.stop()\n"
    assert _integration(tmp_path, unload) == []


def test_unload_stops_the_client_inline(tmp_path: Path) -> None:
    assert _integration(tmp_path, "    await entry.runtime_data.client.stop()\n") == []


def test_unload_stops_another_attribute(tmp_path: Path) -> None:
    # The twin: the unload stops the holder's other client, not the one made at setup.
    unload = "    coordinator = entry.runtime_data\n    await coordinator.other.stop()\n"
    assert _integration(tmp_path, unload) == _reported(RUNTIME)


def test_unload_releases_nothing(tmp_path: Path) -> None:
    # The twin: the unload reads the coordinator back and only refreshes its client.
    unload = "    coordinator = entry.runtime_data\n    await coordinator.client.start()\n"
    assert _integration(tmp_path, unload) == _reported(RUNTIME)


def test_unload_pops_the_entry_and_stops_the_client(tmp_path: Path) -> None:
    # ``hass.data[DOMAIN].pop(entry.entry_id)``: the same store, read back as it is dropped.
    unload = "    coordinator = hass.data[DOMAIN].pop(entry.entry_id)\n    await coordinator.client.stop()\n"
    assert _integration(tmp_path, unload, keep=HASS_DATA) == []


def test_unload_reads_the_item_under_its_own_parameter_names(tmp_path: Path) -> None:
    # The store's roots are the parameters by position: ``config_entry`` is the setup's ``entry``.
    unload = "    coordinator = hass.data[DOMAIN][config_entry.entry_id]\n    await coordinator.client.stop()\n"
    found = _integration(tmp_path, unload.replace("config_entry", "entry"), keep=HASS_DATA)
    renamed = SETUP.replace("KEEP", HASS_DATA).replace("UNLOAD", unload).replace(
        "async_unload_entry(hass: HomeAssistant, entry: ConfigEntry)", "async_unload_entry(hass: HomeAssistant, config_entry: ConfigEntry)")
    folder = "custom_components/demo/"
    assert found == [] and _check_tree(tmp_path / "renamed", {
        folder + "manifest.json": '{"domain": "demo"}', folder + "__init__.py": renamed,
        folder + "client.py": CLIENT, folder + "coordinator.py": COORDINATOR}) == []


def test_setup_keeps_through_a_local_of_the_store(tmp_path: Path) -> None:
    # ``domain_data = hass.data.setdefault(DOMAIN, {})`` then ``domain_data[entry.entry_id] = ...``:
    # the same place the unload pops.
    keep = "domain_data = hass.data.setdefault(DOMAIN, {})\n    domain_data[entry.entry_id]"
    unload = "    coordinator = hass.data[DOMAIN].pop(entry.entry_id)\n    await coordinator.client.stop()\n"
    assert _integration(tmp_path, unload, keep=keep) == []
    # The twin: another item of the same store.
    other = unload.replace("pop(entry.entry_id)", 'pop("default")')
    assert _integration(tmp_path / "other", other, keep=keep) == [
        "__init__.py:11:5 TRD201 `client` lives on in `domain_data...entry_id]` after the function, never closed; close it where that ends"]


def test_unload_stops_another_entrys_client(tmp_path: Path) -> None:
    # The twin: a different key of the store (another entry's holder).
    unload = '    coordinator = hass.data[DOMAIN].pop("default")\n    await coordinator.client.stop()\n'
    assert _integration(tmp_path, unload, keep=HASS_DATA) == _reported("hass...entry_id]")


LIFESPAN = """\
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .feed import Feed


class Hub:
    def __init__(self, feed, spare):
        self.feed = feed
        self.spare = spare


@asynccontextmanager
async def lifespan(app):
    feed = Feed()
    await feed.open()
    hub = Hub(feed, None)
    app.state.hub = hub
    yield
EXIT

app = FastAPI(lifespan=lifespan)
"""


def _lifespan(tmp_path: Path, exit_: str) -> list[str]:
    return _check_tree(tmp_path, {"svc/__init__.py": "", "svc/feed.py": FEED, "svc/app.py": LIFESPAN.replace("EXIT", exit_)})


def test_lifespan_closes_through_the_holder(tmp_path: Path) -> None:
    assert _lifespan(tmp_path, "    await hub.feed.close()\n") == []


def test_lifespan_closes_through_the_store(tmp_path: Path) -> None:
    assert _lifespan(tmp_path, "    await app.state.hub.feed.close()\n") == []


LIFESPAN_REPORTED = ["app.py:16:5 TRD201 `feed` lives on in `app.state.hub` after the function, never closed; close it where that ends"]


def test_lifespan_closes_another_attribute(tmp_path: Path) -> None:
    # The twin: the hub's other part is closed, not the feed made here.
    assert _lifespan(tmp_path, "    await hub.spare.close()\n") == LIFESPAN_REPORTED


def test_lifespan_closes_another_store_place(tmp_path: Path) -> None:
    # The twin: another place of the application's state.
    assert _lifespan(tmp_path, "    await app.state.other.feed.close()\n") == LIFESPAN_REPORTED


def test_lifespan_closes_nothing(tmp_path: Path) -> None:
    assert _lifespan(tmp_path, "") == LIFESPAN_REPORTED


def _app(tmp_path: Path, cleanup: str) -> list[str]:
    return _check_tree(tmp_path, {"svc/__init__.py": "", "svc/feed.py": FEED, "svc/app.py": APP.replace("CLEANUP", cleanup)})


def test_aiohttp_cleanup_closes_through_the_holder(tmp_path: Path) -> None:
    assert _app(tmp_path, "    hub = app[\"hub\"]\n    await hub.feed.close()\n") == []


def test_aiohttp_cleanup_closes_another_key(tmp_path: Path) -> None:
    # The twin: the cleanup closes the feed of another item of the application.
    assert _app(tmp_path, "    await app[\"spare\"].feed.close()\n") == [
        "app.py:12:5 TRD201 `feed` lives on in `app['hub']` after the function, never closed; close it where that ends"
    ]
