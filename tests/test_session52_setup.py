"""Session 52 (round 23's development half): a client an integration's setup hands to a holder
(its coordinator) that the config entry keeps, and the unload releases through that holder
(``await coordinator.client.close()``), leaks when an ``await`` between its creation and the store
raises: the coordinator's first refresh raises ``ConfigEntryNotReady``, the setup fails, is never
unloaded, and each retry leaves one more client open. The store is the client's hand-off, as for a
client kept there itself (``handoff_problem``); a close on the failure path answers it.

Also: the holder kept as a value of a dict display (``{"coordinator": coordinator}``) and read back
by its key at unload; an ``async with client:`` on the way (a lazy client, used again after the
block) ends one session of the client, not the client; an ``async def start()`` that awaits nothing
and opens as its last statement cannot fail with something open.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD201", project=True)

CLIENT = """\
import aiohttp


class DemoClient:
    def __init__(self, host):
        self._host = host
        self._session = None

    async def __aenter__(self):
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def _ensure(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def fetch(self):
        session = await self._ensure()
        async with session.get(self._host) as response:
            return await response.json()

    async def close(self):
        if self._session:
            await self._session.close()
            self._session = None
"""

SETUP = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .client import DemoClient

DOMAIN = "demo"


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, client, entry):
        super().__init__(hass, None, name="demo")
        self.client = client

    async def _async_update_data(self):
        return await self.client.fetch()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = DemoClient(entry.data["host"])
MIGRATE    coordinator = Coordinator(hass, client, entry)
REFRESH    KEEP
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
UNLOAD    return True
"""

REFRESH = "    await coordinator.async_config_entry_first_refresh()\n"
CLOSED_ON_FAILURE = (
    "    try:\n"
    "        await coordinator.async_config_entry_first_refresh()\n"
    "    except Exception:\n"
    "        await client.close()\n"
    "        raise\n"
)
RUNTIME = ("entry.runtime_data = coordinator", "    coordinator = entry.runtime_data\n    await coordinator.client.close()\n")
HASS_DATA = (
    'hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {"coordinator": coordinator}',
    '    data = hass.data[DOMAIN].pop(entry.entry_id)\n    coordinator = data["coordinator"]\n    await coordinator.client.close()\n',
)
MIGRATE = (
    '    if "password" in entry.data:\n'
    "        async with client:\n"
    "            await client.fetch()\n"
)
LEAK = "__init__.py:20:5 TRD201 `client` (`DemoClient(...)`) leaks if an `await` before it is handed on raises; close it on that error"


def _integration(tmp_path: Path, store: tuple[str, str], refresh: str = REFRESH, migrate: str = "") -> list[str]:
    folder = "custom_components/demo/"
    keep, unload = store
    return _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": SETUP.replace("MIGRATE", migrate).replace("REFRESH", refresh).replace("KEEP", keep).replace("UNLOAD", unload),
        folder + "client.py": CLIENT,
    })


def test_first_refresh_raises_before_runtime_data_keeps_the_holder(tmp_path: Path) -> None:
    # Before: nothing (the unload's ``coordinator.client.close()`` was taken to end every path).
    assert _integration(tmp_path, RUNTIME) == [LEAK]


def test_client_closed_when_the_first_refresh_raises(tmp_path: Path) -> None:
    # The fix: closed before re-raising (before: reported as closed outside ``finally``).
    assert _integration(tmp_path, RUNTIME, CLOSED_ON_FAILURE) == []


def test_first_refresh_raises_before_the_dict_in_hass_data(tmp_path: Path) -> None:
    # Before: "lives on in ``hass...entry_id]``, never closed", the unload's close through
    # ``data["coordinator"]`` not followed.
    assert _integration(tmp_path, HASS_DATA) == [LEAK]


def test_dict_in_hass_data_closed_on_failure(tmp_path: Path) -> None:
    assert _integration(tmp_path, HASS_DATA, CLOSED_ON_FAILURE) == []


def test_dict_read_back_under_another_key_ends_nothing(tmp_path: Path) -> None:
    # The twin: the unload closes the client of another item of the dict.
    keep, unload = HASS_DATA
    other = (keep, unload.replace('data["coordinator"]', 'data["other"]'))
    assert _integration(tmp_path, other) == [
        "__init__.py:20:5 TRD201 `client` lives on in `hass...entry_id]` after the function, never closed; close it where that ends"
    ]


def test_async_with_on_the_way_is_not_the_end_of_the_client(tmp_path: Path) -> None:
    # Before: nothing (the ``async with`` of the migration branch was taken for its end).
    assert _integration(tmp_path, HASS_DATA, migrate=MIGRATE) == [LEAK]


def test_async_with_on_the_way_and_closed_on_failure(tmp_path: Path) -> None:
    assert _integration(tmp_path, HASS_DATA, CLOSED_ON_FAILURE, migrate=MIGRATE) == []


def test_async_with_that_ends_it(tmp_path: Path) -> None:
    # The twin: a client used only inside its block is ended by it.
    source = SETUP.replace("MIGRATE", "").replace("REFRESH", "").replace("KEEP", "").replace("UNLOAD", "")
    source = source.replace(
        "    coordinator = Coordinator(hass, client, entry)\n",
        "    async with client:\n        await client.fetch()\n",
    )
    folder = "custom_components/demo/"
    assert _check_tree(tmp_path, {folder + "manifest.json": '{"domain": "demo"}', folder + "__init__.py": source, folder + "client.py": CLIENT}) == []


STARTED = """\
import aiohttp
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant


class Client:
    def __init__(self, hass):
        self._session = None

    async def start(self):
        START

    async def stop(self):
        if self._session:
            await self._session.close()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = Client(hass)
    await client.start()
    entry.runtime_data = client
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    await entry.runtime_data.stop()
    return True
"""


def test_start_that_opens_last_and_awaits_nothing(tmp_path: Path) -> None:
    # ``self._session = ClientSession()`` is all it does: its failure leaves nothing open.
    folder = "custom_components/demo/"
    source = STARTED.replace("START", "self._session = aiohttp.ClientSession()")
    assert _check_tree(tmp_path, {folder + "manifest.json": '{"domain": "demo"}', folder + "__init__.py": source}) == []


def test_start_that_fails_after_opening(tmp_path: Path) -> None:
    # The twin: it awaits a login after opening the session.
    folder = "custom_components/demo/"
    source = STARTED.replace("START", "self._session = aiohttp.ClientSession()\n        await self._session.post('/login')")
    assert _check_tree(tmp_path, {folder + "manifest.json": '{"domain": "demo"}', folder + "__init__.py": source}) == [
        "__init__.py:20:5 TRD201 `client` (`Client(...)`) leaks if an `await` before it is handed on raises; close it on that error"
    ]


def test_async_with_on_a_path_that_returns(tmp_path: Path) -> None:
    # The twin: the block is followed by a ``return``: on its path it is the client's end (judged
    # as before), and a client given a block only on another path is not used after it.
    migrate = MIGRATE + "        return False\n"
    assert _integration(tmp_path, HASS_DATA, migrate=migrate) == []
