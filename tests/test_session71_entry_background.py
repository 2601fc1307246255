"""Session 71: a config entry's own background task kept on another object at setup is the
entry's (issue 28 point 5, lifecycles; a false positive of half a of ``benchmarks/heads70.txt``,
temp-droid/ha-wellborne).

``coordinator.sse_task = entry.async_create_background_task(hass, client.async_run(), name)`` in
``async_setup_entry``: Home Assistant cancels the task when the entry is unloaded and when it
stops, as it does for one kept on ``self`` by such an object (session 42). Twin: the same store of
``hass.async_create_task(...)``, which Home Assistant cancels at neither, is still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

INIT = '''\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .coordinator import Coordinator, SseClient


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    coordinator = Coordinator(hass)
    client = SseClient()
    coordinator.sse_task = CREATE
    hass.data[entry.entry_id] = coordinator
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    hass.data.pop(entry.entry_id)
    return True
'''

COORDINATOR = '''\
import asyncio

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class SseClient:
    async def async_run(self):
        while True:
            await asyncio.sleep(30)


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass):
        super().__init__(hass, None, name="x")
        self.sse_task = None
'''


def _check(tmp_path: Path, create: str) -> list[str]:
    files = {
        "custom_components/demo/__init__.py": INIT.replace("CREATE", create),
        "custom_components/demo/coordinator.py": COORDINATOR,
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
    }
    return tree_findings(tmp_path, files, "TRD3")


def test_the_entry_background_task_kept_on_the_coordinator(tmp_path: Path) -> None:
    assert _check(tmp_path, 'entry.async_create_background_task(hass, client.async_run(), "sse")') == []


def test_twin_a_hass_task_kept_on_the_coordinator(tmp_path: Path) -> None:
    assert _check(tmp_path, "hass.async_create_task(client.async_run())") == [
        "__init__.py:10:5 TRD303 task in `coordinator.sse_task` is never cancelled or awaited; `Coordinator` keeps it and nothing ends it"
    ]
