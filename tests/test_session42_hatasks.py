"""Session 42: Home Assistant tasks that outlive their config entry (issue 28, points 5 and 6).

``hass.async_create_task(...)`` keeps its task until Home Assistant stops, not until the config
entry that made it is unloaded. Per-entry code that throws such a task away leaves it running
after the unload, against the objects the unload tore down. Per-entry code is what the setup keeps
for the entry (``hass.data[DOMAIN][entry.entry_id] = coordinator``), and now also what such an
object makes and keeps on itself (ownership is transitive), or what the setup keeps through a
chained assignment; its task may run a coroutine defined in the method that uses the object, or
the timer of an object nothing types. ``entry.async_create_background_task(...)``, a task kept
and ended by the object, and the same code outside an entry's objects give nothing."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

OUTLIVES_OBJECT = (
    "TRD301 task from `self...async_create_task(...)` runs a method of `{name}` past the config entry's "
    "unload; make it the entry's background task"
)
OUTLIVES_TIMER = (
    "TRD301 timer task from `self...async_create_task(...)` outlives the config entry; make it the entry's "
    "background task"
)

# The setup keeps the coordinator; the coordinator makes and keeps the history manager, whose
# enrichment task (a coroutine defined in the method, working on the manager) is thrown away
# (barneyonline/ha-enphase-ev-charger ``a1ec0a02``: the fix keeps it in a set that the unload's
# cleanup cancels).
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
from .history import HistoryManager


class Coordinator:
    def __init__(self, hass, entry):
        self.hass = hass
        self.entry = entry
        self.history = HistoryManager(hass, entry)

    async def async_shutdown(self):
        self.history.clear()
"""

HISTORY = """\
class HistoryManager:
    def __init__(self, hass, entry):
        self._hass = hass
        self._entry = entry
        self._cache = {}

    def schedule_enrichment(self, serials):
        async def _run():
            self._cache.update(await self._fetch(serials))

        self._hass.async_create_task(_run())

    async def _fetch(self, serials):
        return {}

    def clear(self):
        self._cache.clear()
"""


def _charger(tmp_path: Path, history: str, setup: str = SETUP, preview: bool = True) -> list[str]:
    files = {
        "custom_components/charger/__init__.py": setup,
        "custom_components/charger/coordinator.py": COORDINATOR,
        "custom_components/charger/history.py": history,
    }
    return _check_tree(tmp_path, files, preview=preview)


def test_task_of_an_object_the_entrys_coordinator_keeps(tmp_path: Path) -> None:
    # (Session 70: a one-shot task Home Assistant tracks is reported only under ``--preview``.)
    assert _charger(tmp_path, HISTORY, preview=False) == []
    assert _charger(tmp_path, HISTORY) == ["history.py:11:9 " + OUTLIVES_OBJECT.format(name="HistoryManager")]


def test_entry_background_task_of_an_object_the_coordinator_keeps(tmp_path: Path) -> None:
    history = HISTORY.replace(
        "self._hass.async_create_task(_run())",
        "self._entry.async_create_background_task(self._hass, _run(), 'enrich')",
    )
    assert _charger(tmp_path, history) == []


def test_task_kept_and_cancelled_at_the_unloads_cleanup(tmp_path: Path) -> None:
    # The fix of a1ec0a02: the manager keeps the task until it is done, and its clear(), which
    # the coordinator's shutdown calls at the unload, cancels what is left.
    history = HISTORY.replace("        self._cache = {}\n", "        self._cache = {}\n        self._tasks = set()\n").replace(
        "        self._hass.async_create_task(_run())\n",
        "        task = self._hass.async_create_task(_run())\n"
        "        self._tasks.add(task)\n"
        "        task.add_done_callback(self._tasks.discard)\n",
    ).replace(
        "        self._cache.clear()\n",
        "        self._cache.clear()\n        for task in self._tasks:\n            task.cancel()\n",
    )
    assert _charger(tmp_path, history) == []


def test_task_of_an_object_no_entry_keeps(tmp_path: Path) -> None:
    # The coordinator only uses a manager for the moment; the setup does not keep it either.
    coordinator = COORDINATOR.replace("        self.history = HistoryManager(hass, entry)\n", "")
    files = {
        "custom_components/charger/__init__.py": SETUP,
        "custom_components/charger/coordinator.py": coordinator,
        "custom_components/charger/history.py": HISTORY,
    }
    assert _check_tree(tmp_path, files) == []


def test_closure_that_does_not_use_the_object(tmp_path: Path) -> None:
    # A coroutine that works on ``hass`` alone (a reload, a flow) is meant to outlive the entry.
    history = HISTORY.replace(
        "            self._cache.update(await self._fetch(serials))\n",
        "            await reload(serials)\n",
    )
    assert _charger(tmp_path, "async def reload(serials):\n    pass\n\n\n" + history) == []


# The setup keeps the service handler in ``hass.data`` through a chained assignment, and the
# handler throws away a task of a coroutine that works on it (alandtse/alexa_media_player
# ``1a9975b0``: the fix keeps it per account and cancels it at the unload).
SERVICES_SETUP = """\
from .services import Services

DOMAIN = "speaker"


async def async_setup_entry(hass, entry):
    hass.data.setdefault(DOMAIN, {})
    hass.data[DOMAIN]["services"] = services = Services(hass)
    await services.register()
    return True


async def async_unload_entry(hass, entry):
    hass.data[DOMAIN].pop("services")
    return True
"""

SERVICES = """\
class Services:
    def __init__(self, hass):
        self.hass = hass
        self.last = {}

    async def register(self):
        pass

    async def update_last_called(self, email):
        async def _run():
            self.last[email] = await self._query(email)

        self.hass.async_create_task(_run())

    async def _query(self, email):
        return None
"""


def test_task_of_a_handler_kept_through_a_chained_assignment(tmp_path: Path) -> None:
    files = {"custom_components/speaker/__init__.py": SERVICES_SETUP, "custom_components/speaker/services.py": SERVICES}
    assert _check_tree(tmp_path, files) == []  # (session 70: a one-shot tracked task, preview only)
    assert _check_tree(tmp_path, files, preview=True) == ["services.py:13:9 " + OUTLIVES_OBJECT.format(name="Services")]


def test_handler_the_setup_only_names(tmp_path: Path) -> None:
    setup = SERVICES_SETUP.replace('hass.data[DOMAIN]["services"] = services = ', "services = ")
    files = {"custom_components/speaker/__init__.py": setup, "custom_components/speaker/services.py": SERVICES}
    assert _check_tree(tmp_path, files) == []


# A service handler the setup keeps starts an entity's timer, on an entity it cannot type
# (ramses-rf/ramses_cc ``5fa5458f``: ``cast(Any, entity)._clear_pending_after_timeout(30)``):
# the timer fires after the unload, on the removed entity.
HANDLER_SETUP = """\
from .services import ServiceHandler

DOMAIN = "fan"


async def async_setup_entry(hass, entry):
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = ServiceHandler(hass)
    return True


async def async_unload_entry(hass, entry):
    hass.data[DOMAIN].pop(entry.entry_id)
    return True
"""

HANDLER = """\
from typing import Any, cast


class ServiceHandler:
    def __init__(self, hass):
        self.hass = hass

    async def get_param(self, entity):
        entity.set_pending()
        self.hass.async_create_task(cast(Any, entity)._clear_pending_after_timeout(30))
"""

NUMBER = """\
import asyncio

from homeassistant.components.number import NumberEntity


class ParamNumber(NumberEntity):
    def set_pending(self):
        self._pending = True

    async def _clear_pending_after_timeout(self, timeout):
        await asyncio.sleep(timeout)
        self._pending = False
        self.async_write_ha_state()
"""


def _fan(tmp_path: Path, handler: str, number: str = NUMBER) -> list[str]:
    files = {
        "custom_components/fan/__init__.py": HANDLER_SETUP,
        "custom_components/fan/services.py": handler,
        "custom_components/fan/number.py": number,
    }
    return _check_tree(tmp_path, files)


def test_entity_timer_started_by_a_kept_handler(tmp_path: Path) -> None:
    assert _fan(tmp_path, HANDLER) == ["services.py:10:9 " + OUTLIVES_TIMER]


def test_entity_timer_that_sleeps_no_time(tmp_path: Path) -> None:
    assert _fan(tmp_path, HANDLER.replace("_clear_pending_after_timeout(30)", "_clear_pending_after_timeout(0)")) == []


def test_entity_timer_kept_and_cancelled_at_the_unload(tmp_path: Path) -> None:
    # The handler keeps the timer on the entity, and the entity cancels it at its removal.
    handler = HANDLER.replace(
        "        self.hass.async_create_task(",
        "        entity._pending_timer = self.hass.async_create_task(",
    )
    number = NUMBER.replace(
        "    def set_pending(self):\n",
        "    async def async_will_remove_from_hass(self):\n"
        "        if self._pending_timer is not None:\n"
        "            self._pending_timer.cancel()\n\n"
        "    def set_pending(self):\n",
    )
    assert _fan(tmp_path, handler, number) == []


def test_entity_timer_of_a_method_two_classes_define(tmp_path: Path) -> None:
    # Which one runs cannot be told: nothing is said.
    number = NUMBER + (
        "\n\nclass OtherNumber(NumberEntity):\n"
        "    async def _clear_pending_after_timeout(self, timeout):\n"
        "        self._pending = False\n"
    )
    assert _fan(tmp_path, HANDLER, number) == []


def test_task_ended_by_the_entrys_unload_callback(tmp_path: Path) -> None:
    history = HISTORY.replace(
        "        self._hass.async_create_task(_run())\n",
        "        task = self._hass.async_create_task(_run())\n        self._entry.async_on_unload(task.cancel)\n",
    )
    assert _charger(tmp_path, history) == []


def test_timer_of_an_object_the_coordinator_keeps(tmp_path: Path) -> None:
    # A timer on the kept object's own method (no ``CancelledError`` handler: nobody means to
    # cancel it) still fires after the unload.
    history = HISTORY.replace(
        "        self._hass.async_create_task(_run())\n",
        "        self._hass.async_create_task(self._refresh_later(60))\n",
    ) + "\n    async def _refresh_later(self, delay):\n        await asyncio.sleep(delay)\n        await self._fetch([])\n"
    assert _charger(tmp_path, "import asyncio\n\n\n" + history) == [
        "history.py:14:9 " + OUTLIVES_TIMER
    ]


def test_timer_that_only_sleeps(tmp_path: Path) -> None:
    # Nothing happens when it fires: it outlives the entry doing nothing.
    number = NUMBER.replace("        self._pending = False\n        self.async_write_ha_state()\n", "")
    assert _fan(tmp_path, HANDLER, number) == []


def test_save_to_a_home_assistant_store(tmp_path: Path) -> None:
    # A save to the store Home Assistant keeps is meant to be done whatever becomes of the entry
    # (TCzerny/ha-modbus-manager's daily meters): nothing of the entry's is torn down under it.
    history = (
        "from homeassistant.helpers.storage import Store\n\n\n"
        + HISTORY.replace("        self._cache = {}\n", "        self._cache = {}\n        self._store = Store(hass, 1, 'history')\n")
        .replace("        self._hass.async_create_task(_run())\n", "        self._hass.async_create_task(self._save())\n")
        + "\n    async def _save(self):\n        await self._store.async_save(self._cache)\n"
    )
    assert _charger(tmp_path, history) == []
    fetching = history.replace("await self._store.async_save(self._cache)", "await self._fetch([])")
    assert _charger(tmp_path, fetching) == ["history.py:15:9 " + OUTLIVES_OBJECT.format(name="HistoryManager")]
