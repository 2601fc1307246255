"""A Home Assistant coordinator that its config entry ends by itself (issue 28 point 5).

``DataUpdateCoordinator.__init__`` registers ``config_entry.async_on_unload(self.async_shutdown)``
for the entry it is made for (the entry being set up, when none is passed). Home Assistant runs an
entry's unload callbacks when the entry unloads and when its setup fails (``ConfigEntryNotReady``,
an error of the first refresh): a coordinator made in the setup whose own ``async_shutdown()``
releases what it holds (or calls the method that does) is ended on every end of the entry's
life, and its maker owes it no release. Made anywhere else (a config flow, a helper script), no
entry registers it, and its maker must end it."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import setup_parameters
from tradelint.facts.ownership import family_methods, lineage, reached_from
from tradelint.facts.named_classes import class_named
from tradelint.facts.syntax import base_class

# The coordinator bases of Home Assistant whose ``__init__`` registers ``async_shutdown``.
COORDINATOR_BASES = frozenset({
    "homeassistant.helpers.update_coordinator.DataUpdateCoordinator",
    "homeassistant.helpers.update_coordinator.TimestampDataUpdateCoordinator",
})

SHUTDOWN = "async_shutdown"


def is_coordinator(family: list[tuple[ModuleInfo, ast.ClassDef]]) -> bool:
    """Whether a class of the lineage ``family`` (module, class pairs) names one of Home
    Assistant's coordinator bases among its bases."""
    return any(owner.imports.qualify(base_class(base)) in COORDINATOR_BASES for owner, cls in family for base in cls.bases)


def ended_by_its_entry(module: ModuleInfo, call: ast.Call, release: str) -> bool:
    """Whether ``call`` makes, in an integration's setup (:func:`setup_parameters`), a first-party
    subclass of Home Assistant's coordinator whose ``async_shutdown()`` is ``release`` or reaches
    it through calls on ``self``."""
    function = module.enclosing_function(call)
    if function is None or not setup_parameters(module, function):
        return False
    found = class_named(module, call.func)
    if found is None:
        return False
    facts = found[1]
    family = lineage(module.project, found[0], facts)
    if not any(kind == "qualified" and name in COORDINATOR_BASES for _, f in family for kind, name in f.bases):
        return False
    methods = family_methods(family)  # the nearest definition of each name
    if SHUTDOWN not in methods:
        return False  # (the base's own shutdown ends the refresh, not what the subclass holds)
    return release == SHUTDOWN or (release in methods and release in reached_from(methods, SHUTDOWN))
