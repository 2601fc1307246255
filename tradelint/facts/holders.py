"""What holds a value as a part: the display or record a value is put in, kept as a whole.

A value written into a dict, list, tuple or set display, or given to a first-party *record* (a
class that only holds what it is given), goes wherever that display or record goes:
``hass.data[DOMAIN][entry.entry_id] = {"machine": machine, "coordinator": coordinator}`` and
``entry.runtime_data = RuntimeData(client, coordinator)`` keep ``machine`` and ``client`` on the
config entry as surely as ``entry.runtime_data = client`` does, and the record closes nothing."""

from __future__ import annotations

import ast
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import kept_by_integration
from tradelint.facts.ownership import is_release_name, lineage
from tradelint.facts.summaries import definition_of


def value_holding(module: ModuleInfo, node: ast.expr) -> ast.expr:
    """The outermost value that holds ``node`` as a part: a dict, list, tuple or set display it
    is an element (or a dict value) of, or a first-party *record* it is given to (a class with
    fields and neither an ``__init__`` of its own nor any release method: a dataclass, an attrs
    class, a ``NamedTuple``), through nested ones. ``{"machine": machine, "coordinator": c}`` or
    ``RuntimeData(client, coordinator)`` kept as a whole keeps ``machine`` and ``client`` too,
    and a record that releases nothing leaves them to whoever ends the record. ``node`` itself
    when it is in none."""
    while True:
        parent = module.parent(node)
        if isinstance(parent, ast.Dict) and any(v is node for v in parent.values):
            node = parent
        elif isinstance(parent, (ast.List, ast.Tuple, ast.Set)) and any(e is node for e in parent.elts):
            node = parent
        elif isinstance(parent, ast.keyword) and parent.arg is not None and is_record(module, module.parent(parent)):
            node = cast(ast.Call, module.parent(parent))
        elif isinstance(parent, ast.Call) and any(a is node for a in parent.args) and is_record(module, parent):
            node = parent
        else:
            return node


def is_record(module: ModuleInfo, call: ast.AST | None) -> bool:
    """``call`` constructs a first-party class that only holds what it is given: its family has
    fields, no ``__init__`` written and no method named like a release (``close``, ``stop``,
    ``__aexit__``, ...)."""
    if not isinstance(call, ast.Call):
        return False
    found = definition_of(module, call.func)
    if found is None or found[1].kind != "class":
        return False
    facts = found[0].classes.get(found[1].line)
    if facts is None:
        return False
    family = lineage(module.project, found[0], facts)
    if not any(f.fields for _, f in family):
        return False
    return not any(name == "__init__" or is_release_name(name) for _, f in family for name in f.methods)


def kept_at_setup(module: ModuleInfo, function: ast.AST, node: ast.expr, kind: str) -> bool:
    """A use ``node`` (of kind ``kind``, :func:`tradelint.facts.uses.classify`) of a local that
    keeps its value on the config entry in an integration's setup: the value of the keeping
    assignment, or a part of it (:func:`value_holding`). Kept there only if the setup gets
    there: what leaves before it (``raise ConfigEntryNotReady``) still leaks it."""
    if kind not in ("alias", "container", "argument"):
        return False
    holder = value_holding(module, node)
    return (kind == "alias" or holder is not node) and kept_by_integration(module, function, holder) is not None
