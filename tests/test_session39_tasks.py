"""Session 39 (issue 28 point 6): a task Home Assistant keeps, stored on another object.

``hass.async_create_task(...)`` keeps its task until Home Assistant stops, not until the config
entry that made it is unloaded. Stored on ``self``, such a task is judged by the class's end
(TRD303's ``_kept_by_framework_site``); stored on a first-party record the function makes
(``state = PressState(...)``, then ``state.release_task = self._hass.async_create_task(...)``),
it was never judged. It now is, like the same store of an ``asyncio.create_task`` task: when
neither the record's class nor any code of the project ever does more than look at that
attribute, nothing can end the task at the unload (fdebrus/Nikobus-HA ``e847601a``: a button's
release watchdog ran on against a torn-down connection after a reload).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings


# Each case checked as one project named ``app``: ``file:line:column CODE message``, sorted.
_check_tree = partial(tree_findings, select="TRD3", project=True)


ACTUATOR = """\
import asyncio
from dataclasses import dataclass


@dataclass
class PressState:
    address: str
    release_task: asyncio.Task | None = None


class Actuator:
    def __init__(self, hass):
        self._hass = hass
        self._press_states = {}

    async def handle_press(self, address):
        state = PressState(address=address)
        self._press_states[address] = state
        state.release_task = self._hass.async_create_task(self._wait_for_release(state))

    async def _wait_for_release(self, state):
        while True:
            await asyncio.sleep(0.1)
"""

# The fix: the actuator's ``stop()`` (which its coordinator's stop calls) cancels each
# record's task.
ACTUATOR_STOPPED = ACTUATOR + """
    def stop(self):
        for state in self._press_states.values():
            if state.release_task and not state.release_task.done():
                state.release_task.cancel()
        self._press_states.clear()
"""


def test_hass_task_on_a_record_nothing_ends(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/actuator.py": ACTUATOR}) == [
        "actuator.py:19:9 TRD303 task in `state.release_task` is never cancelled or awaited; "
        "`PressState` keeps it and nothing ends it"
    ]


def test_hass_task_on_a_record_its_owner_cancels(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/actuator.py": ACTUATOR_STOPPED}) == []


def test_hass_task_on_a_record_cancelled_in_another_module(tmp_path: Path) -> None:
    # Any code of the project that ends ``.release_task`` may be the record's end.
    coordinator = """\
async def stop(actuator):
    for state in actuator._press_states.values():
        state.release_task.cancel()
"""
    files = {"app/__init__.py": "", "app/actuator.py": ACTUATOR, "app/coordinator.py": coordinator}
    assert _check_tree(tmp_path, files) == []


def test_hass_task_on_an_object_of_unknown_class(tmp_path: Path) -> None:
    # ``state`` comes from a dictionary: its class, and so its end, is not known.
    source = ACTUATOR.replace(
        "state = PressState(address=address)\n        self._press_states[address] = state",
        "state = self._press_states[address]",
    )
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/actuator.py": source}) == []


def test_hass_task_discarded_one_shot_is_not_this(tmp_path: Path) -> None:
    # Thrown away, a one-shot task Home Assistant keeps is left to it (TRD301 judges it).
    source = ACTUATOR.replace("state.release_task = self._hass", "self._hass").replace(
        "while True:\n            await asyncio.sleep(0.1)", "await asyncio.sleep(0.1)"
    )
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/actuator.py": source}) == []


# A task group that keeps its tasks only in a ``WeakSet`` and returns each from ``create_task``:
# its callers leave the task to the group (``tg.create_task(job())`` as a statement is how a
# task group is used), so nothing holds it strongly and the collector may destroy it mid-run;
# the group itself ends the container's tasks when it aborts, so it is their owner
# (achimnol/aiotools ``86ae705d``: the fix keeps them in a plain ``set``).
GROUP = """\
import asyncio
import weakref


class TaskGroup:
    def __init__(self):
        self._tasks = weakref.WeakSet()
        self._unfinished = 0

    def create_task(self, coro):
        task = asyncio.get_running_loop().create_task(coro)
        task.add_done_callback(self._on_task_done)
        self._unfinished += 1
        self._tasks.add(task)
        return task

    def _on_task_done(self, task):
        self._unfinished -= 1

    def _abort(self):
        for t in self._tasks:
            if not t.done():
                t.cancel()
"""


def test_task_group_keeping_its_tasks_weakly(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/group.py": GROUP}) == [
        "group.py:11:9 TRD301 task from `asyncio...create_task(...)` is kept only in weak "
        "`self._tasks`; keep a strong reference"
    ]


def test_task_group_keeping_its_tasks_strongly(tmp_path: Path) -> None:
    source = GROUP.replace("weakref.WeakSet()", "set()")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/group.py": source}) == []


def test_weak_registry_that_ends_nothing_returns_to_its_callers(tmp_path: Path) -> None:
    # A class that only lists its live tasks (never ends them) hands each to its caller, who
    # owns it: the weak registry is an index, not an owner.
    source = GROUP.replace("        for t in self._tasks:\n            if not t.done():\n                t.cancel()\n",
                           "        return len(self._tasks)\n")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/group.py": source}) == []


# An integration's setup keeps its coordinator for the entry, then starts a one-shot read of it
# through ``hass``: the task lives until Home Assistant stops, the coordinator only until the
# entry is unloaded (kristofferR/ha-adjustable-bed ``de27860b``; the fix makes it
# ``entry.async_create_background_task(hass, ...)``, which the unload cancels).
SETUP = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .coordinator import BedCoordinator

DOMAIN = "bed"


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    coordinator = BedCoordinator(hass, entry)
    await coordinator.async_connect()
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator
    hass.async_create_task(coordinator.async_read_initial_positions())
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    coordinator = hass.data[DOMAIN].pop(entry.entry_id)
    await coordinator.async_disconnect()
    return True
"""

COORDINATOR = """\
class BedCoordinator:
    def __init__(self, hass, entry):
        self.hass = hass
        self.entry = entry

    async def async_connect(self):
        pass

    async def async_disconnect(self):
        pass

    async def async_read_initial_positions(self):
        pass
"""


def _integration(tmp_path: Path, setup: str, preview: bool = True) -> list[str]:
    files = {"custom_components/bed/__init__.py": setup, "custom_components/bed/coordinator.py": COORDINATOR}
    return _check_tree(tmp_path, files, preview=preview)


def test_hass_task_running_a_method_of_the_entrys_object(tmp_path: Path) -> None:
    # (Session 70: a one-shot task Home Assistant tracks is reported only under ``--preview``.)
    assert _integration(tmp_path, SETUP, preview=False) == []
    assert _integration(tmp_path, SETUP) == [
        "__init__.py:13:5 TRD301 task from `hass.async_create_task(...)` runs a method of `coordinator` past the "
        "config entry's unload; make it the entry's background task"
    ]


def test_entry_background_task_running_a_method_of_the_entrys_object(tmp_path: Path) -> None:
    setup = SETUP.replace(
        "hass.async_create_task(coordinator.async_read_initial_positions())",
        "entry.async_create_background_task(hass, coordinator.async_read_initial_positions(), 'read')",
    )
    assert _integration(tmp_path, setup) == []


def test_hass_task_running_a_method_of_an_object_not_kept_for_the_entry(tmp_path: Path) -> None:
    # The setup does not keep ``probe`` for the entry: nothing says it ends with it.
    setup = SETUP.replace(
        "    hass.async_create_task(coordinator.async_read_initial_positions())\n",
        "    probe = BedCoordinator(hass, entry)\n    hass.async_create_task(probe.async_read_initial_positions())\n",
    )
    assert _integration(tmp_path, setup) == []


def test_hass_task_reloading_the_entry(tmp_path: Path) -> None:
    # A reload must outlive the entry it reloads: it acts on ``hass``, not on the entry's objects.
    setup = SETUP.replace(
        "hass.async_create_task(coordinator.async_read_initial_positions())",
        "hass.async_create_task(hass.config_entries.async_reload(entry.entry_id))",
    )
    assert _integration(tmp_path, setup) == []


# The same through the object's own method: the setup keeps the poller for the entry, and the
# poller throws away a ``hass`` task running one of its methods (Pho3niX90/solis_modbus
# ``340dffac``: the poll controller, started from ``__init__``, ran on after the unload).
POLLER_SETUP = """\
from .poller import Poller

DOMAIN = "inverter"


async def async_setup_entry(hass, entry):
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = Poller(hass)
    return True


async def async_unload_entry(hass, entry):
    await hass.data[DOMAIN].pop(entry.entry_id).async_stop()
    return True
"""

POLLER = """\
class Poller:
    def __init__(self, hass):
        self.hass = hass
        self._unsub = []
        self.hass.create_task(self.poll_controller())

    async def poll_controller(self):
        await self.check_connection()

    async def check_connection(self):
        pass

    async def async_stop(self):
        for unsub in self._unsub:
            unsub()
"""


def _poller(tmp_path: Path, setup: str, poller: str, preview: bool = True) -> list[str]:
    files = {"custom_components/inverter/__init__.py": setup, "custom_components/inverter/poller.py": poller}
    return _check_tree(tmp_path, files, preview=preview)


def test_hass_task_running_a_method_of_a_class_kept_for_the_entry(tmp_path: Path) -> None:
    # (Session 70: a one-shot task Home Assistant tracks is reported only under ``--preview``.)
    assert _poller(tmp_path, POLLER_SETUP, POLLER, preview=False) == []
    assert _poller(tmp_path, POLLER_SETUP, POLLER) == [
        "poller.py:5:9 TRD301 task from `self...create_task(...)` runs a method of `Poller` past the config "
        "entry's unload; make it the entry's background task"
    ]


def test_hass_task_running_a_method_of_a_class_not_kept_for_the_entry(tmp_path: Path) -> None:
    # The setup keeps something else: nothing says a ``Poller`` ends with the entry.
    setup = POLLER_SETUP.replace("= Poller(hass)", "= {'name': entry.title}").replace(
        "await hass.data[DOMAIN].pop(entry.entry_id).async_stop()", "hass.data[DOMAIN].pop(entry.entry_id)"
    )
    assert _poller(tmp_path, setup, POLLER) == []


def test_hass_task_running_the_release_of_a_class_kept_for_the_entry(tmp_path: Path) -> None:
    # A task that runs the object's own release is its end, not something left behind.
    poller = POLLER.replace("self.hass.create_task(self.poll_controller())", "self.hass.create_task(self.async_stop())")
    assert _poller(tmp_path, POLLER_SETUP, poller) == []


def test_entry_task_running_a_method_of_a_class_kept_for_the_entry(tmp_path: Path) -> None:
    poller = POLLER.replace("self.hass.create_task(self.poll_controller())",
                            "self.entry.async_create_background_task(self.hass, self.poll_controller(), 'poll')")
    assert _poller(tmp_path, POLLER_SETUP, poller) == []


def test_hass_task_of_an_entity_its_platform_keeps(tmp_path: Path) -> None:
    # A climate platform's setup keeps its entity in ``hass.data``; the entity bridges a
    # synchronous service to its coroutine. An entity ends at its removal: not this shape.
    climate = """\
from homeassistant.components.climate import ClimateEntity

DOMAIN = "thermo"


async def async_setup_entry(hass, entry, async_add_entities):
    entity = Thermostat(hass)
    hass.data[DOMAIN][entry.entry_id]["climate"] = entity
    async_add_entities([entity])


class Thermostat(ClimateEntity):
    def __init__(self, hass):
        self.hass = hass

    def set_preset_mode(self, preset_mode):
        self.hass.async_create_task(self.async_set_preset_mode(preset_mode))

    async def async_set_preset_mode(self, preset_mode):
        pass
"""
    init = """\
DOMAIN = "thermo"


async def async_setup_entry(hass, entry):
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {}
    return True


async def async_unload_entry(hass, entry):
    hass.data[DOMAIN].pop(entry.entry_id)
    return True
"""
    files = {"custom_components/thermo/__init__.py": init, "custom_components/thermo/climate.py": climate}
    assert _check_tree(tmp_path, files) == []
