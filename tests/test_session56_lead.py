"""Session 56 (lead): a Home Assistant task that runs a callable the object was given.

A helper the setup keeps for the config entry may be handed its owner's handler
(``StateHelper(hass, on_change=self._changed)``) and start it as a task on each event:
``self._hass.async_create_task(self._on_change(entity_id))``. ``self._on_change`` is no method of
the helper: no method of its class has that name and the attribute stores what the constructor
was given. The task does the giver's one-shot work (an entity's, which the rule leaves to the
entity), not "a method of" the helper. The twin: the attribute stores one of the helper's own
methods (``self._on_change = self._refresh``), and that task runs the helper's method."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

# (Session 70: a one-shot task Home Assistant tracks is reported only under ``--preview``.)
_check_tree = partial(tree_findings, select="TRD3", project=True, preview=True)

SETUP = """\
from .helper import StateHelper

DOMAIN = "thermostat"


async def async_setup_entry(hass, entry):
    helper = StateHelper(hass, None)
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = helper
    return True


async def async_unload_entry(hass, entry):
    hass.data[DOMAIN].pop(entry.entry_id)
    return True
"""

HELPER = """\
class StateHelper:
    def __init__(self, hass, on_change):
        self._hass = hass
        self._on_change = on_change
        self._states = {}

    async def _refresh(self, entity_id):
        self._states[entity_id] = None

    def state_changed(self, entity_id):
        self._states[entity_id] = entity_id
        self._hass.async_create_task(self._on_change(entity_id))
"""


def test_a_task_running_a_callable_the_object_was_given_is_not_its_method(tmp_path: Path) -> None:
    files = {"custom_components/thermostat/__init__.py": SETUP, "custom_components/thermostat/helper.py": HELPER}
    assert _check_tree(tmp_path, files) == []


def test_twin_the_attribute_stores_one_of_the_objects_own_methods(tmp_path: Path) -> None:
    helper = HELPER.replace("self._on_change = on_change", "self._on_change = self._refresh")
    files = {"custom_components/thermostat/__init__.py": SETUP, "custom_components/thermostat/helper.py": helper}
    assert _check_tree(tmp_path, files, preview=False) == []
    assert _check_tree(tmp_path, files) == [
        "helper.py:12:9 TRD301 task from `self...async_create_task(...)` runs a method of `StateHelper` past the "
        "config entry's unload; make it the entry's background task"
    ]


def test_twin_a_method_of_the_object_is_still_judged(tmp_path: Path) -> None:
    helper = HELPER.replace("self._hass.async_create_task(self._on_change(entity_id))", "self._hass.async_create_task(self._refresh(entity_id))")
    files = {"custom_components/thermostat/__init__.py": SETUP, "custom_components/thermostat/helper.py": helper}
    assert _check_tree(tmp_path, files) == [
        "helper.py:12:9 TRD301 task from `self...async_create_task(...)` runs a method of `StateHelper` past the "
        "config entry's unload; make it the entry's background task"
    ]
