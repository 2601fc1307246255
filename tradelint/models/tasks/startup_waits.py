"""Home Assistant tasks that hold up its startup (issue 28 point 5).

Home Assistant waits for the tasks it tracks (``hass.async_create_task(...)``) before it calls its
start finished: a tracked task that never ends by itself (``while True`` with an ``await``) made
while the integration sets up holds the startup up until Home Assistant gives up waiting ("Something
is blocking Home Assistant from wrapping up the start up phase"), and a background task
(``hass.async_create_background_task``, ``entry.async_create_background_task``) is the one it does
not wait for. Made in a coordinator's ``_async_update_data()`` (its first refresh runs in the
setup, ``async_config_entry_first_refresh``) or ``_async_setup()``, or in an entity's
``async_added_to_hass()`` (run as its platform sets up), such a loop kept on ``self`` is started at
startup, whoever cancels it later (thrown away, it is already reported as one that delays the stop):
andlo/ha-meshcentral ``89ad3035`` ("Fix bootstrap timeout": the
WebSocket listener kept in ``self._event_task``, cancelled in ``async_shutdown()``)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.coordinator_ends import is_coordinator
from tradelint.facts.framework_ends import ha_kind

# The methods Home Assistant runs while an integration sets up, and the kind of class whose they are.
STARTUP_METHODS = {"_async_update_data": "coordinator", "_async_setup": "coordinator", "async_added_to_hass": "entity"}


def runs_at_startup(function: ast.AST, family: list[tuple[ModuleInfo, ast.ClassDef]]) -> bool:
    """Whether ``function``, a method of the class whose lineage is ``family``, is one Home
    Assistant runs as the integration sets up."""
    kind = STARTUP_METHODS.get(getattr(function, "name", ""))
    if kind == "entity":
        return ha_kind(family) == "entity"
    return kind == "coordinator" and is_coordinator(family)
