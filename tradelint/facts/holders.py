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
from tradelint.facts.framework_ends import kept_by_integration, reached_from_setup, setup_parameters
from tradelint.facts.handlers import goes_on, named_first_in_handler
from tradelint.facts.ownership import Family, is_release_name, lineage
from tradelint.facts.named_classes import class_named
from tradelint.facts.syntax import walk
from tradelint.facts.uses import sequential


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
    family = constructed_family(module, call) if isinstance(call, ast.Call) else None
    if family is None or not any(f.fields for _, f in family):
        return False
    return not any(name == "__init__" or is_release_name(name) for _, f in family for name in f.methods)


def constructed_family(module: ModuleInfo, call: ast.Call) -> Family | None:
    """The lineage (:func:`tradelint.facts.ownership.lineage`) of the first-party class ``call``
    constructs, from summaries; None for a call of anything else."""
    found = class_named(module, call.func)
    return None if found is None else lineage(module.project, *found)


def kept_at_setup(module: ModuleInfo, function: ast.AST, node: ast.expr, kind: str) -> bool:
    """A use ``node`` (of kind ``kind``, :func:`tradelint.facts.uses.classify`) of a local that
    keeps its value on the config entry in an integration's setup: the value of the keeping
    assignment, or a part of it (:func:`value_holding`). Kept there only if the setup gets
    there: what leaves before it (``raise ConfigEntryNotReady``) still leaks it."""
    if kind not in ("alias", "container", "argument"):
        return False
    holder = value_holding(module, node)
    if (kind == "alias" or holder is not node) and kept_by_integration(module, function, holder) is not None:
        return True
    return holder is not node and _updated_for_entry(module, function, holder)


def _updated_for_entry(module: ModuleInfo, function: ast.AST, holder: ast.expr) -> bool:
    """``hass.data[DOMAIN][entry.entry_id].update({"uploader": uploader})`` (or ``hass.data.
    setdefault(DOMAIN, {}).update({entry.entry_id: {...}})``) in an integration's setup: a dict
    display merged, as a statement, into a mapping reached from the setup's parameters, which
    keeps its values where an assignment there would (a pump integration's ``90ae29a0``)."""
    call = module.parent(holder)
    if not (isinstance(holder, ast.Dict) and isinstance(call, ast.Call) and call.args == [holder] and not call.keywords):
        return False
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "update" and isinstance(module.parent(call), ast.Expr)):
        return False
    return reached_from_setup(module, function, call.func.value)


def raised_after_keep(module: ModuleInfo, function: ast.AST, keep: ast.stmt, name: str) -> ast.Raise | None:
    """A ``raise`` of an integration's setup (or a helper it awaits) after ``keep``, the statement
    that keeps the local ``name`` (or what holds it) where Home Assistant holds it, on the same
    path, with nothing ending it before: a setup that fails is never unloaded, so what it kept
    lives on, one more each retry (fdebrus/Nikobus-HA ``2cdfadab``: ``raise
    ConfigEntryNotReady`` when ``await coordinator.connect()`` fails; MapleEve/lifesmart
    ``57eeb236``: the connect task kept before ``raise ConfigEntryNotReady``). Not a ``raise``
    whose handler names it first (ends it), nor one a handler of the function catches and goes
    on from."""
    params = setup_parameters(module, function)
    if not name or not params or _ends_earlier_attempts(module, function, keep, params):
        return None
    last = getattr(keep, "end_lineno", None) or keep.lineno
    for node in walk(function):
        if not isinstance(node, ast.Raise) or node.lineno <= last or module.enclosing_function(node) is not function:
            continue
        if sequential(module, keep, node) and not _answered_raise(module, node, function, name) and not _ended_before(module, function, name, last, node):
            return node
    return None


def _ends_earlier_attempts(module: ModuleInfo, function: ast.AST, keep: ast.stmt, params: frozenset[str]) -> bool:
    """Before ``keep``, the setup calls a release given what Home Assistant holds (``await
    _async_close_client(hass, account_id)``, "close any existing clients"): a retry ends what a
    failed attempt kept (BottlecapDave/HomeAssistant-OctopusEnergy's fix)."""
    for node in walk(function):
        if not (isinstance(node, ast.Call) and getattr(node, "lineno", 0) < keep.lineno and sequential(module, node, keep)):
            continue
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
        bare = callee.lstrip("_")
        bare = bare[len("async_"):] if bare.startswith("async_") else bare
        if is_release_name(bare) and any(isinstance(a, ast.Name) and a.id in params for a in node.args):
            return True
    return False


def _ended_before(module: ModuleInfo, function: ast.AST, name: str, after: int, node: ast.Raise) -> bool:
    """``name.cancel()`` or a release of it between ``after`` and the ``raise``, on its path."""
    for load in walk(function):
        if not (isinstance(load, ast.Name) and load.id == name and after < load.lineno <= node.lineno):
            continue
        method = module.parent(load)
        if isinstance(method, ast.Attribute) and (method.attr == "cancel" or is_release_name(method.attr)) and sequential(module, load, node):
            return True
    return False


def _answered_raise(module: ModuleInfo, node: ast.Raise, function: ast.AST, name: str) -> bool:
    """The ``raise`` ends ``name`` first (its handler names it before it), or a ``try`` of the
    function around it catches it and goes on."""
    if named_first_in_handler(module, node, function, name):
        return True
    return any(isinstance(a, ast.Try) and any(goes_on(h) for h in a.handlers) for a in module.ancestors(node, stop=function))
