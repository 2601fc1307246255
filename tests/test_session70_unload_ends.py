"""Session 70: a task kept on an object the setup keeps for its config entry is ended by the
entry's unload itself, not only by what the unload calls (issue 28 point 5; a false positive on
fresh applications, jonnycastaway/ha-opendtu-ws).

``coordinator._ws_task = asyncio.ensure_future(coordinator.start())`` in ``async_setup_entry``,
and ``coordinator._ws_task.cancel()`` in ``async_unload_entry``: the unload ends it. The model
looked for the end in the functions the unload reaches, which did not include the unload. Twin:
an unload that only unloads the platforms is still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

SETUP = '''\
import asyncio

from .coordinator import Coordinator

DOMAIN = "dtu"


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass, entry)
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator
    task = asyncio.ensure_future(coordinator.start())
    coordinator._ws_task = task
    return True


async def async_unload_entry(hass, entry):
    coordinator = hass.data[DOMAIN].pop(entry.entry_id)
UNLOAD
    return True
'''

COORDINATOR = '''\
import asyncio


class Coordinator:
    def __init__(self, hass, entry):
        self.hass = hass
        self.entry = entry
        self._ws_task = None

    async def start(self):
        while True:
            await asyncio.sleep(5)
'''

CANCEL = '''\
    coordinator._ws_task.cancel()
    try:
        await coordinator._ws_task
    except asyncio.CancelledError:
        pass'''


def _check(tmp_path: Path, unload: str) -> list[str]:
    files = {
        "custom_components/dtu/__init__.py": SETUP.replace("UNLOAD", unload),
        "custom_components/dtu/coordinator.py": COORDINATOR,
    }
    return tree_findings(tmp_path, files, "TRD303", project=True)


def test_the_unload_cancels_the_task_it_kept(tmp_path: Path) -> None:
    assert _check(tmp_path, CANCEL) == []


def test_twin_an_unload_that_leaves_it_running(tmp_path: Path) -> None:
    assert _check(tmp_path, "    await hass.config_entries.async_unload_platforms(entry, [])") == [
        "__init__.py:11:5 TRD303 task in `coordinator._ws_task` is never cancelled or awaited; `Coordinator` keeps it"
        " and nothing ends it",
    ]
