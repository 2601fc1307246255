"""Session 42: tasks stored on an object a Home Assistant integration keeps for its config entry,
by code of another object (issue 28 point 6, barneyonline/ha-enphase-ev-charger ``9373dcb8``).

A helper holding the coordinator (``coord = self.coordinator``) makes a ``hass`` task, binds it to
a local and stores it on the coordinator (``coord._stop_task = task``, ``coord._restarts[sn] =
task``). The coordinator owns it and lives as long as the entry; its end is what the unload runs,
so the task is ended only if code the unload reaches ends that attribute. The same store ended in
the coordinator's shutdown (which the unload awaits), a task the local hands to
``entry.async_on_unload(task.cancel)``, or a task awaited, give nothing; so does a helper's cancel
of the previous task (mid-life, not at the unload's reach) not count as an end."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

KEPT = "TRD303 task in `coord.{attr}` is never cancelled or awaited; `Coordinator` keeps it and nothing ends it"

SETUP = """\
from .coordinator import Coordinator

DOMAIN = "charger"


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass, entry)
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator
    return True


async def async_unload_entry(hass, entry):
    await hass.data[DOMAIN].pop(entry.entry_id).async_shutdown()
    return True
"""

COORDINATOR = """\
from .runtime import Runtime


class Coordinator:
    def __init__(self, hass, entry):
        self.hass = hass
        self.entry = entry
        self._stop_task = None
        self._restarts = {}
        self.runtime = Runtime(self)

    async def async_shutdown(self):
        self.entry = None
"""

RUNTIME = """\
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .coordinator import Coordinator


class Runtime:
    def __init__(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator

    def schedule_stop(self) -> None:
        coord = self.coordinator
        existing = coord._stop_task
        if existing and not existing.done():
            return
        task = coord.hass.async_create_task(self._stop())
        coord._stop_task = task

        def _cleanup(done) -> None:
            if coord._stop_task is done:
                coord._stop_task = None

        task.add_done_callback(_cleanup)

    def schedule_restart(self, sn: str) -> None:
        coord = self.coordinator
        existing = coord._restarts.pop(sn, None)
        if existing and not existing.done():
            existing.cancel()
        task = coord.hass.async_create_task(self._restart(sn))
        coord._restarts[sn] = task

    async def _stop(self) -> None:
        pass

    async def _restart(self, sn: str) -> None:
        pass
"""


def _charger(tmp_path: Path, runtime: str = RUNTIME, coordinator: str = COORDINATOR) -> list[str]:
    files = {
        "custom_components/charger/__init__.py": SETUP,
        "custom_components/charger/coordinator.py": coordinator,
        "custom_components/charger/runtime.py": runtime,
    }
    return _check_tree(tmp_path, files)


def test_tasks_stored_on_the_entrys_coordinator_by_a_helper(tmp_path: Path) -> None:
    # The helper's cancel of the previous restart (mid-life) and the done callback that drops the
    # stop task from its attribute leave the last task running after the unload.
    assert _charger(tmp_path) == [
        "runtime.py:18:9 " + KEPT.format(attr="_stop_task"),
        "runtime.py:32:9 " + KEPT.format(attr="_restarts"),
    ]


def test_stores_ended_in_the_coordinators_shutdown(tmp_path: Path) -> None:
    # The fix of 9373dcb8: the shutdown the unload awaits cancels both.
    coordinator = COORDINATOR.replace(
        "        self.entry = None\n",
        "        self.entry = None\n"
        "        if self._stop_task is not None:\n"
        "            self._stop_task.cancel()\n"
        "        for task in list(self._restarts.values()):\n"
        "            task.cancel()\n",
    )
    assert _charger(tmp_path, coordinator=coordinator) == []


def test_task_cancelled_at_the_entrys_unload(tmp_path: Path) -> None:
    runtime = RUNTIME.replace(
        "        coord._stop_task = task\n",
        "        coord._stop_task = task\n        coord.entry.async_on_unload(task.cancel)\n",
    ).replace(
        "        coord._restarts[sn] = task\n",
        "        coord._restarts[sn] = task\n        coord.entry.async_on_unload(task.cancel)\n",
    )
    assert _charger(tmp_path, runtime) == []


def test_task_awaited_by_the_helper(tmp_path: Path) -> None:
    runtime = RUNTIME.replace("    def schedule_restart(self", "    async def schedule_restart(self").replace(
        "        coord._restarts[sn] = task\n",
        "        coord._restarts[sn] = task\n        await task\n",
    ).replace("    def schedule_stop(self", "    async def schedule_stop(self").replace(
        "        task.add_done_callback(_cleanup)\n",
        "        task.add_done_callback(_cleanup)\n        await task\n",
    )
    assert _charger(tmp_path, runtime) == []


def test_same_stores_outside_an_entrys_objects(tmp_path: Path) -> None:
    # The setup keeps nothing for the entry: the coordinator is not an entry's object.
    setup = SETUP.replace("    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator\n", "")
    files = {
        "custom_components/charger/__init__.py": setup,
        "custom_components/charger/coordinator.py": COORDINATOR,
        "custom_components/charger/runtime.py": RUNTIME,
    }
    assert _check_tree(tmp_path, files) == []


def test_task_stored_directly_on_the_coordinator(tmp_path: Path) -> None:
    runtime = RUNTIME.replace(
        "        task = coord.hass.async_create_task(self._restart(sn))\n        coord._restarts[sn] = task\n",
        "        coord._restarts[sn] = coord.hass.async_create_task(self._restart(sn))\n",
    )
    assert _charger(tmp_path, runtime) == [
        "runtime.py:18:9 " + KEPT.format(attr="_stop_task"),
        "runtime.py:32:9 " + KEPT.format(attr="_restarts"),
    ]
