"""A Home Assistant object's resource closed only where Home Assistant's stop listener reaches:
each reload of the entry leaks one (the resource analysis's ``self_closed_at_stop_only``)."""

from __future__ import annotations

from collections.abc import Callable

from tradelint.facts.class_family import bases_naming
from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_references import UNLOAD_METHODS, ends_reaching, has_stop_listeners
from tradelint.facts.uses import Use, classify, resolve_aliases, self_attribute_loads
from tradelint.models.resources.resource_types import Creation


def stop_only_closer(
    module: ModuleInfo,
    c: Creation,
    closes: Callable[[Use, ModuleInfo], bool],
    takes_care: Callable[[Use, ModuleInfo], bool],
) -> str | None:
    """The method that closes ``c``'s attribute when only the stop listener
    (``hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, ...)``) reaches every method that does,
    while the integration unloads entries (``async_unload_entry``) without them; None otherwise.
    ``closes`` and ``takes_care`` are the analysis's judgements of a use, in the use's module."""
    assert c.cls is not None
    if not has_stop_listeners(module):
        return None
    closers: set[str] = set()
    for home, cls in bases_naming(module, c.cls, c.name):
        uses = [classify(home, node) for node in self_attribute_loads(cls, c.name)]
        for use in resolve_aliases(home, uses):
            if closes(use, home):
                method = home.enclosing_function(use.node)
                if method is None or home.parent(method) is not cls:
                    return None
                closers.add(method.name)
            elif takes_care(use, home):
                return None  # handed on or entered: ended elsewhere
    if not closers or closers & UNLOAD_METHODS:
        return None
    if all(ends_reaching(module, name) == frozenset({"stop"}) for name in closers):
        return min(closers)
    return None
