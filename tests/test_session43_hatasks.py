"""Session 43: Home Assistant tasks that outlive what made them (issue 28, points 5 and 6).

``hass.async_create_task(...)`` keeps its task until Home Assistant stops: the entry's unload
neither waits for nor cancels it (``entry.async_create_background_task`` it cancels), and the stop
waits for it without unloading any entry or removing any entity. So a task that waits (a loop, a
timer written to be cancelled) and is ended only by an unload, a removal or a restart holds the
stop up, wherever it is kept: on another object, in a collection of ``self``, through a local, its
coroutine given as a parameter. An entity's task made anew at each coordinator refresh and thrown
away runs on after the entity's removal. A plain class whose release the unload reaches ends at
the unload, and a task its wrapper method returns is thrown away where a caller drops it. Each
shape has its negative twin: the same code ended at the stop, kept, or not waiting gives nothing."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

SETUP = """\
from .services import Services

DOMAIN = "vent"


async def async_setup_entry(hass, entry):
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = Services(hass)
    return True


async def async_unload_entry(hass, entry):
    await hass.data[DOMAIN].pop(entry.entry_id).async_cleanup()
    return True
"""

# The entity's timer, written to be cancelled; it cancels it only at its removal
# (ramses-rf/ramses_cc ``ce8e12cb``).
NUMBER = """\
import asyncio

from homeassistant.components.number import NumberEntity


class ParamNumber(NumberEntity):
    _pending_timer = None

    async def _clear_pending_after_timeout(self, timeout):
        try:
            await asyncio.sleep(timeout)
            self.clear_pending()
        except asyncio.CancelledError:
            raise

    def clear_pending(self):
        self.async_write_ha_state()

    async def async_will_remove_from_hass(self):
        if self._pending_timer is not None:
            self._pending_timer.cancel()
"""

SERVICES = """\
from typing import Any, cast


class Services:
    def __init__(self, hass):
        self.hass = hass

    def schedule_clear_pending(self, entity: Any, timeout: int) -> None:
        prev = getattr(entity, "_pending_timer", None)
        if prev and not prev.done():
            prev.cancel()
        entity._pending_timer = self.hass.async_create_task(
            cast(Any, entity)._clear_pending_after_timeout(timeout)
        )

    async def async_cleanup(self):
        pass
"""

ON_OTHER = (
    "services.py:12:9 TRD303 `entity._pending_timer` delays Home Assistant's stop; cancel it on "
    "`EVENT_HOMEASSISTANT_STOP`"
)


def _vent(tmp_path: Path, services: str, setup: str = SETUP) -> list[str]:
    files = {
        "custom_components/vent/__init__.py": setup,
        "custom_components/vent/number.py": NUMBER,
        "custom_components/vent/services.py": services,
    }
    return _check_tree(tmp_path, files)


def test_timer_kept_on_the_entity_it_runs_on(tmp_path: Path) -> None:
    assert _vent(tmp_path, SERVICES) == [ON_OTHER]


def test_timer_kept_on_the_entity_and_cancelled_at_the_stop(tmp_path: Path) -> None:
    # The fix: the handler keeps every timer too, and its cleanup, which a stop listener runs,
    # cancels them.
    services = SERVICES.replace(
        "        entity._pending_timer = self.hass.async_create_task(\n"
        "            cast(Any, entity)._clear_pending_after_timeout(timeout)\n"
        "        )\n",
        "        task = self.hass.async_create_task(\n"
        "            cast(Any, entity)._clear_pending_after_timeout(timeout)\n"
        "        )\n"
        "        entity._pending_timer = task\n"
        "        self._pending_timers.append(task)\n",
    ).replace(
        "        self.hass = hass\n",
        "        self.hass = hass\n        self._pending_timers = []\n"
        "        hass.bus.async_listen_once('homeassistant_stop', self._on_stop)\n",
    ).replace(
        "    async def async_cleanup(self):\n        pass\n",
        "    async def _on_stop(self, event):\n        await self.async_cleanup()\n\n"
        "    async def async_cleanup(self):\n        for task in self._pending_timers:\n            task.cancel()\n",
    )
    assert _vent(tmp_path, services.replace("'homeassistant_stop'", "EVENT_HOMEASSISTANT_STOP")) == []


def test_timer_kept_on_an_object_it_does_not_run_on(tmp_path: Path) -> None:
    # The task runs the entity's timer but is kept on something else: not this shape.
    services = SERVICES.replace("        entity._pending_timer = self", "        entity.other._pending_timer = self")
    assert _vent(tmp_path, services) == []


# A coordinator keeps the renewal loops it starts in a dict and a set that only the unload
# cancels; the coroutine is the helper's parameter (mosandlt/Bosch-Smart-Home-Camera-Tool-
# HomeAssistant ``34d52089``).
CAMERA = """\
import asyncio

DOMAIN = "cam"


class CameraCoordinator:
    def __init__(self, hass):
        self.hass = hass
        self._renewal_tasks = {}
        self._bg_tasks = set()

    def start(self, cam_id):
        self._replace_renewal_task(cam_id, self._auto_renew(cam_id))

    def _replace_renewal_task(self, cam_id, coro):
        old = self._renewal_tasks.get(cam_id)
        if old and not old.done():
            old.cancel()
        task = self.hass.async_create_task(coro)
        self._renewal_tasks[cam_id] = task
        self._bg_tasks.add(task)
        task.add_done_callback(self._bg_tasks.discard)
        return task

    async def _auto_renew(self, cam_id):
        try:
            while True:
                await asyncio.sleep(self.interval)
                if not await self.renew(cam_id):
                    break
        except asyncio.CancelledError:
            pass

    async def renew(self, cam_id):
        return True


async def async_setup_entry(hass, entry):
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = CameraCoordinator(hass)
    return True


async def async_unload_entry(hass, entry):
    coord = hass.data[DOMAIN].pop(entry.entry_id)
    for task in coord._renewal_tasks.values():
        task.cancel()
    return True
"""

IN_COLLECTION = (
    "__init__.py:19:9 TRD303 `self._renewal_tasks` delays Home Assistant's stop; cancel it on "
    "`EVENT_HOMEASSISTANT_STOP`"
)


def _camera(tmp_path: Path, source: str) -> list[str]:
    return _check_tree(tmp_path, {"custom_components/cam/__init__.py": source})


def test_loop_given_to_a_helper_kept_in_collections_ended_at_unload(tmp_path: Path) -> None:
    assert _camera(tmp_path, CAMERA) == [IN_COLLECTION]


def test_same_loop_also_ended_at_the_stop(tmp_path: Path) -> None:
    source = CAMERA.replace(
        "        self._bg_tasks = set()\n",
        "        self._bg_tasks = set()\n"
        "        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._on_stop)\n\n"
        "    def _on_stop(self, event):\n"
        "        for task in self._renewal_tasks.values():\n"
        "            task.cancel()\n",
    )
    assert _camera(tmp_path, source) == []


def test_one_shot_given_to_the_helper(tmp_path: Path) -> None:
    # A coroutine that does not wait does not hold the stop up.
    source = CAMERA.replace("self._replace_renewal_task(cam_id, self._auto_renew(cam_id))",
                            "self._replace_renewal_task(cam_id, self.renew(cam_id))")
    assert _camera(tmp_path, source) == []


def test_helper_whose_task_a_caller_keeps(tmp_path: Path) -> None:
    # The returned task is kept by its caller, who may end it at the stop: not judged here.
    source = CAMERA.replace("        self._replace_renewal_task(cam_id, self._auto_renew(cam_id))\n",
                            "        self.current = self._replace_renewal_task(cam_id, self._auto_renew(cam_id))\n")
    assert _camera(tmp_path, source) == []


# An entity's coordinator callback starts the hardware writes in a new task at each refresh and
# keeps none (woopstar/hsem ``0260cc3c``); the entity lives in a sub-folder without an
# ``__init__``, still part of the integration's package.
SENSOR = """\
from homeassistant.components.sensor import SensorEntity
from homeassistant.helpers.update_coordinator import CoordinatorEntity


class WorkingModeSensor(CoordinatorEntity, SensorEntity):
    def _handle_coordinator_update(self):
        self.hass.async_create_task(self._async_on_coordinator_update())

    async def _async_on_coordinator_update(self):
        await self._apply_hardware_writes(self.coordinator.data)
        self.async_write_ha_state()

    async def _apply_hardware_writes(self, data):
        pass
"""

HSEM_SETUP = """\
async def async_setup_entry(hass, entry):
    return True


async def async_unload_entry(hass, entry):
    return True
"""

REFRESH = (
    "working_mode_sensor.py:7:9 TRD301 task from `self...async_create_task(...)` is made at each coordinator "
    "refresh and outlives the entity; keep it, cancel the previous one and cancel it in "
    "`async_will_remove_from_hass()`"
)


def _hsem(tmp_path: Path, sensor: str, preview: bool = True) -> list[str]:
    files = {
        "custom_components/hsem/__init__.py": HSEM_SETUP,
        "custom_components/hsem/custom_sensors/working_mode_sensor.py": sensor,
    }
    return _check_tree(tmp_path, files, preview=preview)


def test_entity_task_made_at_each_refresh(tmp_path: Path) -> None:
    assert _hsem(tmp_path, SENSOR) == [REFRESH]


def test_entity_task_made_at_each_refresh_is_a_preview_finding(tmp_path: Path) -> None:
    # RULES.md names ``hass.async_create_task`` among the task-owning APIs never to flag; this
    # shape is reported with ``--preview`` only (session 81).
    assert _hsem(tmp_path, SENSOR, preview=False) == []


def test_entity_refresh_task_kept_and_cancelled_at_removal(tmp_path: Path) -> None:
    sensor = SENSOR.replace(
        "        self.hass.async_create_task(self._async_on_coordinator_update())\n",
        "        if self._update_task is not None:\n"
        "            self._update_task.cancel()\n"
        "        self._update_task = self.hass.async_create_task(self._async_on_coordinator_update())\n\n"
        "    async def async_will_remove_from_hass(self):\n"
        "        if self._update_task is not None:\n"
        "            self._update_task.cancel()\n",
    ).replace("class WorkingModeSensor(CoordinatorEntity, SensorEntity):\n",
              "class WorkingModeSensor(CoordinatorEntity, SensorEntity):\n    _update_task = None\n\n")
    assert _hsem(tmp_path, sensor) == []


def test_entity_refresh_task_that_awaits_nothing(tmp_path: Path) -> None:
    sensor = SENSOR.replace("        await self._apply_hardware_writes(self.coordinator.data)\n", "")
    assert _hsem(tmp_path, sensor) == []


def test_entity_task_made_elsewhere_than_the_refresh(tmp_path: Path) -> None:
    # A synchronous service's bridge to its coroutine, made once per call: not this shape.
    sensor = SENSOR.replace("def _handle_coordinator_update(self):", "def select_option(self, option):")
    assert _hsem(tmp_path, sensor) == []


# A device whose ``async_shutdown()`` the unload reaches (through the manager the unload looks up)
# wraps its requests in tasks Home Assistant keeps and returns them; its callers drop them
# (krahabb/meross_lan ``f398bd3b``).
MEROSS_SETUP = """\
from .device import Device

DEVICES = {}


async def async_setup_entry(hass, entry):
    DEVICES[entry.entry_id] = Device(hass)
    return True


async def async_unload_entry(hass, entry):
    await DEVICES.pop(entry.entry_id).async_shutdown()
    return True
"""

DEVICE = """\
class Device:
    def __init__(self, hass):
        self.hass = hass

    def request(self, message):
        return self.hass.async_create_task(self.async_request(message))

    async def async_request(self, message):
        pass

    def poll(self):
        self.request("ping")

    async def async_shutdown(self):
        pass
"""

RETURNED = (
    "device.py:6:16 TRD301 task from `self...async_create_task(...)` runs a method of `Device` past the config "
    "entry's unload; make it the entry's background task"
)


def _meross(tmp_path: Path, device: str, preview: bool = True) -> list[str]:
    files = {"custom_components/meross/__init__.py": MEROSS_SETUP, "custom_components/meross/device.py": device}
    return _check_tree(tmp_path, files, preview=preview)


def test_task_returned_by_a_wrapper_its_caller_drops(tmp_path: Path) -> None:
    # (Session 70: a one-shot task Home Assistant tracks is reported only under ``--preview``.)
    assert _meross(tmp_path, DEVICE, preview=False) == []
    assert _meross(tmp_path, DEVICE) == [RETURNED]


def test_task_returned_by_a_wrapper_every_caller_keeps(tmp_path: Path) -> None:
    device = DEVICE.replace('        self.request("ping")\n', '        self._ping = self.request("ping")\n')
    assert _meross(tmp_path, device) == []


def test_task_returned_by_a_class_the_unload_does_not_end(tmp_path: Path) -> None:
    # No release method of the class is reached by the unload: nothing says the object ends there.
    device = DEVICE.replace("    async def async_shutdown(self):\n        pass\n", "")
    setup = MEROSS_SETUP.replace("    await DEVICES.pop(entry.entry_id).async_shutdown()\n", "    DEVICES.pop(entry.entry_id)\n")
    files = {"custom_components/meross/__init__.py": setup, "custom_components/meross/device.py": device}
    assert _check_tree(tmp_path, files) == []


def test_entity_task_made_on_some_refreshes_only(tmp_path: Path) -> None:
    # A transition's one-shot (the stream just stopped: fetch a snapshot) is no task of each refresh.
    sensor = SENSOR.replace(
        "        self.hass.async_create_task(self._async_on_coordinator_update())\n",
        "        if self.coordinator.data.stopped:\n"
        "            self.hass.async_create_task(self._async_on_coordinator_update())\n",
    )
    assert _hsem(tmp_path, sensor) == []


# A timer whose pause is a short constant (a settle delay of a second, imported from the
# integration's constants) holds the stop up by no more than the stop takes anyway
# (fdebrus/Nikobus-HA ``e847601a``).
SHORT_CAMERA = CAMERA.replace("await asyncio.sleep(self.interval)", "await asyncio.sleep(delay)").replace(
    "        try:\n            while True:\n",
    "        delay = SETTLE_DELAY if cam_id else max(0, REFRESH_DELAY - 0.3)\n        try:\n            while True:\n",
).replace('DOMAIN = "cam"\n', 'DOMAIN = "cam"\nREFRESH_DELAY = 0.5\n').replace("import asyncio\n", "import asyncio\n\nfrom .const import SETTLE_DELAY\n")


def test_timer_whose_pause_is_a_short_constant(tmp_path: Path) -> None:
    files = {"custom_components/cam/__init__.py": SHORT_CAMERA, "custom_components/cam/const.py": "SETTLE_DELAY: float = 1\n"}
    assert _check_tree(tmp_path, files) == []


def test_timer_whose_pause_is_a_long_constant(tmp_path: Path) -> None:
    files = {"custom_components/cam/__init__.py": SHORT_CAMERA, "custom_components/cam/const.py": "SETTLE_DELAY: float = 60\n"}
    assert _check_tree(tmp_path, files) == [IN_COLLECTION.replace(":19:", ":22:")]



def test_timer_meant_to_fire(tmp_path: Path) -> None:
    # It catches ``CancelledError`` only around what it does when it fires (a timed stop of the
    # rollers, fdebrus/Nikobus-HA): a timer meant to fire, which the stop may well wait for.
    number = NUMBER.replace(
        "        try:\n            await asyncio.sleep(timeout)\n            self.clear_pending()\n",
        "        await asyncio.sleep(timeout)\n        try:\n            self.clear_pending()\n",
    )
    files = {
        "custom_components/vent/__init__.py": SETUP,
        "custom_components/vent/number.py": number,
        "custom_components/vent/services.py": SERVICES,
    }
    assert _check_tree(tmp_path, files) == []
