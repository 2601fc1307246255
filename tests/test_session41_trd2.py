"""Session 41 (issue 28, resources): shapes the resource model did not follow.

1. A resource opened under a timeout: ``ws = await asyncio.wait_for(websockets.connect(url), 10)``
   (or through ``asyncio.shield``). The pass-through call awaits the maker and returns what it
   makes, as ``await websockets.connect(url)`` does: the result is the resource, judged as any
   other (Offline-Protocol/offline-protocol-sdk ``0e06ce6e``'s ``self._ws``), also where a
   first-party factory returns it (``return await asyncio.wait_for(connect(url), 5)``). The ``async with``
   fix is not offered there (the wrapper's result cannot be entered as it is written).
2. A release that no end of life reaches (session 40's rule), now also for the usual Home
   Assistant integration: an entity class typed with the coordinator (``class
   Entity(CoordinatorEntity[Coordinator])``) names the class only as a type argument, not as a
   base nor to make one; and a close that a ``raise`` follows at once (``await
   self.session.close(); raise ConfigEntryNotReady(...)`` in a refresh) ends the resource on a
   failed path only, so the class's normal life still ends only at its ends
   (sHedC/homeassistant-mastertherm ``9b0f2e6e``: the coordinator's ``ClientSession`` closed only
   by an ``__aexit__`` that nothing calls, the coordinator kept in ``hass.data``).

Each shape has its negative twin: the same code closed (or entered) gives nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings, tree_findings

_check = partial(source_findings, select="TRD2")
_check_tree = partial(tree_findings, select="TRD202", project=True)

WAIT_FOR_LOCAL = """\
import asyncio

import websockets


async def send(url, payload):
    ws = await asyncio.wait_for(websockets.connect(url), timeout=10)
    await ws.send(payload)
"""


def test_wait_for_local_never_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, WAIT_FOR_LOCAL) == [
        "7:5 TRD201 `ws` (`websockets.connect(...)`) is never closed; open it with `async with`"
    ]


def test_wait_for_local_closed_in_finally(tmp_path: Path) -> None:
    source = WAIT_FOR_LOCAL.replace(
        "    await ws.send(payload)\n", "    try:\n        await ws.send(payload)\n    finally:\n        await ws.close()\n"
    )
    assert _check(tmp_path, source) == []


def test_wait_for_offers_no_async_with_fix(tmp_path: Path) -> None:
    from tradelint.api import fix_source

    result = fix_source(WAIT_FOR_LOCAL, tmp_path / "worker.py", select=["TRD2"])
    assert (result.text, result.fixed) == (WAIT_FOR_LOCAL, 0)  # ``async with asyncio.wait_for(...)`` would not run


def test_shield(tmp_path: Path) -> None:
    source = WAIT_FOR_LOCAL.replace("asyncio.wait_for(websockets.connect(url), timeout=10)", "asyncio.shield(websockets.connect(url))")
    assert _check(tmp_path, source) == [
        "7:5 TRD201 `ws` (`websockets.connect(...)`) is never closed; open it with `async with`"
    ]


def test_wait_for_of_another_awaitable_makes_nothing(tmp_path: Path) -> None:
    # The twin: what ``wait_for`` waits for is no maker (a read of an open connection).
    source = WAIT_FOR_LOCAL.replace("asyncio.wait_for(websockets.connect(url), timeout=10)", "asyncio.wait_for(queue.get(), timeout=10)")
    assert _check(tmp_path, source.replace("async def send(url, payload):", "async def send(queue, payload):")) == []


WAIT_FOR_SELF = """\
import asyncio

import websockets


class Feed:
    async def connect(self, url):
        self._ws = await asyncio.wait_for(websockets.connect(url), timeout=10)
        await self._ws.send("hello")
"""


def test_wait_for_on_self_never_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, WAIT_FOR_SELF) == [
        "8:9 TRD202 `self._ws` is never closed; add a `close()` method that calls its `close()`"
    ]


def test_wait_for_on_self_closed_by_the_class(tmp_path: Path) -> None:
    source = WAIT_FOR_SELF + "\n    async def close(self):\n        await self._ws.close()\n"
    assert _check(tmp_path, source) == []


FACTORY = """\
import asyncio

import websockets


async def open_feed(url):
    return await asyncio.wait_for(websockets.connect(url), timeout=5)


async def main(url):
    ws = await open_feed(url)
    await ws.send("x")
"""


def test_factory_returning_through_wait_for(tmp_path: Path) -> None:
    # A first-party function whose every ``return`` opens one under a timeout makes one.
    assert _check(tmp_path, FACTORY) == [
        "11:5 TRD201 `ws` (`open_feed(...)`) is never closed; open it with `async with`"
    ]


def test_factory_returning_through_wait_for_closed(tmp_path: Path) -> None:
    source = FACTORY.replace('    await ws.send("x")\n', '    try:\n        await ws.send("x")\n    finally:\n        await ws.close()\n')
    assert _check(tmp_path, source) == []


COORDINATOR = """\
import asyncio
from datetime import timedelta

from aiohttp import ClientSession
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


async def fetch(session):
    async with session.get("https://example.invalid") as response:
        return await response.json()


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass):
        super().__init__(hass, None, name="demo", update_interval=timedelta(seconds=30))
        self.session = ClientSession()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.session.close()

    async def _async_update_data(self):
        data = await fetch(self.session)
        if data.get("offline"):
            await self.session.close()
            raise ConfigEntryNotReady("offline")
        return data
"""

ENTITY = """\
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import Coordinator


class Entity(CoordinatorEntity[Coordinator]):
    def __init__(self, coordinator: Coordinator):
        super().__init__(coordinator)
"""

SETUP = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .coordinator import Coordinator

DOMAIN = "demo"


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    coordinator = Coordinator(hass)
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator
    await coordinator.async_config_entry_first_refresh()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
UNLOAD    return True
"""


def _integration(tmp_path: Path, coordinator: str = COORDINATOR, unload: str = "") -> list[str]:
    folder = "custom_components/demo/"
    return _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": SETUP.replace("UNLOAD", unload),
        folder + "coordinator.py": coordinator,
        folder + "entity.py": ENTITY,
    })


REPORTED = (
    "coordinator.py:17:9 TRD202 `self.session` is closed only by `Coordinator.__aexit__()`, which nothing calls on "
    "the one kept in `hass...entry_id]`; call it where that ends"
)


def test_exit_no_unload_reaches_typed_entity_and_close_before_raise(tmp_path: Path) -> None:
    assert _integration(tmp_path) == [REPORTED]


def test_typed_entity_alone(tmp_path: Path) -> None:
    # A public ``stop()`` as the only end, and a refresh that never closes the session: only the
    # entity's type argument was in the way.
    coordinator = COORDINATOR.replace("            await self.session.close()\n", "").replace(
        "    async def __aexit__(self, *exc):", "    async def stop(self):")
    assert _integration(tmp_path, coordinator=coordinator) == [REPORTED.replace("__aexit__", "stop")]


def test_close_before_raise_alone(tmp_path: Path) -> None:
    # No entity module: only the close on the failed refresh was in the way.
    folder = "custom_components/demo/"
    found = _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": SETUP.replace("UNLOAD", ""),
        folder + "coordinator.py": COORDINATOR,
    })
    assert found == [REPORTED]


def test_unload_closes_the_session(tmp_path: Path) -> None:
    # The twin: the unload ends the coordinator's session through what it keeps.
    unload = "    coordinator = hass.data[DOMAIN].pop(entry.entry_id)\n    await coordinator.session.close()\n"
    assert _integration(tmp_path, unload=unload) == []


def test_close_on_a_path_that_goes_on(tmp_path: Path) -> None:
    # The twin: the refresh closes the session and goes on (no ``raise`` after it): a close in
    # a method Home Assistant calls, so the class is not judged.
    coordinator = COORDINATOR.replace('            raise ConfigEntryNotReady("offline")\n', '            return {}\n')
    assert _integration(tmp_path, coordinator=coordinator) == []


def test_class_built_from_the_coordinator(tmp_path: Path) -> None:
    # The twin: ``Coordinator[...]`` as a base is a class built from it (its own ends may differ).
    entity = ENTITY.replace("CoordinatorEntity[Coordinator]", "Coordinator[int]")
    folder = "custom_components/demo/"
    found = _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": SETUP.replace("UNLOAD", ""),
        folder + "coordinator.py": COORDINATOR,
        folder + "entity.py": entity,
    })
    assert found == []
