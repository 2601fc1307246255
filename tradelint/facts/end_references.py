"""Which of a framework's ends of life reach a method, found from the project's own code.

Home Assistant ends a config entry's objects in two ways, and an integration must handle both: the
entry is unloaded (``async_unload_entry``, callbacks given to ``entry.async_on_unload(...)``, a
coordinator's ``async_shutdown()``) on reload, removal or disable, and the process stops (a
listener of ``EVENT_HOMEASSISTANT_STOP``/``_CLOSE``), where entries are not unloaded. A release
method that only the stop listener reaches leaves the resource open on every reload.

:func:`ends_reaching` finds every reference to a method name in the project (``x.close()``,
``entry.async_on_unload(x.close)``) and says, for each, which end of life it runs at: "unload",
"stop", or "other" (anything else: a command, a method of unknown callers). A ``self.m()`` call in
a method is followed to that method's own references, a few levels deep.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root

UNLOAD_FUNCTIONS = frozenset({"async_unload_entry"})
UNLOAD_METHODS = frozenset({"async_shutdown", "async_will_remove_from_hass"})
UNLOAD_REGISTRARS = frozenset({"async_on_unload"})
STOP_REGISTRARS = frozenset({"async_listen_once", "async_listen"})
STOP_EVENTS = frozenset({"EVENT_HOMEASSISTANT_STOP", "EVENT_HOMEASSISTANT_CLOSE", "EVENT_HOMEASSISTANT_FINAL_WRITE"})
_DEPTH = 3


def search_root(module: ModuleInfo) -> Path:
    return project_root(module) or module.path.parent


def has_stop_listeners(module: ModuleInfo) -> bool:
    """Whether the project names Home Assistant's stop event and defines an entry unload: the
    only projects where "closed at stop, not at unload" can be said."""
    root = search_root(module)
    module.project.note_scan("mentions EVENT_HOMEASSISTANT_", root)
    module.project.note_scan("mentions async_unload_entry", root)
    memo = cast("dict[Path, bool]", module.project.scan_memo("EVENT_HOMEASSISTANT_").setdefault("roots", {}))
    if root not in memo:
        stops = any(True for _ in files_naming(module.project, root, "EVENT_HOMEASSISTANT_"))
        memo[root] = stops and any(
            isinstance((other := module.project.module_at(path)) and other.top_level.get("async_unload_entry"), ast.AST)
            for path, _ in files_naming(module.project, root, "async_unload_entry")
        )
    return memo[root]


def ends_reaching(module: ModuleInfo, method: str, depth: int = 0) -> frozenset[str]:
    """The ends of life ("unload", "stop", "other") from which the project references ``method``
    (by name, on any receiver); empty when nothing references it."""
    root = search_root(module)
    module.project.note_scan(f"mentions {method}", root)
    memo = cast("dict[tuple[Path, str], frozenset[str]]", module.project.scan_memo(method).setdefault("ends", {}))
    key = (root, method)
    if key in memo:
        return memo[key]
    memo[key] = frozenset({"other"})  # a cycle of ``self`` calls ends here, unknown
    found: set[str] = set()
    for path, _ in files_naming(module.project, root, method):
        other = module.project.module_at(path)
        if other is None:
            continue
        for node in other.index.attributes:
            if node.attr == method and isinstance(node.ctx, ast.Load):
                found |= _end_of(other, node, depth, method)
    memo[key] = frozenset(found)
    return memo[key]


def _end_of(module: ModuleInfo, node: ast.Attribute, depth: int, method: str) -> set[str]:
    parent = module.parent(node)
    registered = _registered(module, node, parent)
    if registered is not None:
        return {registered}
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.Lambda):
            registered = _registered(module, ancestor, module.parent(ancestor))
            if registered is not None:
                return {registered}
            continue
        if not isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        owner = module.parent(ancestor)
        if isinstance(owner, ast.Module) and ancestor.name in UNLOAD_FUNCTIONS:
            return {"unload"}
        if isinstance(owner, ast.ClassDef):
            if ancestor.name in UNLOAD_METHODS:
                return {"unload"}
            receiver = ancestor.args.args[0].arg if ancestor.args.args else None
            if ancestor.name == method and not (isinstance(node.value, ast.Name) and node.value.id == receiver):
                # ``close()`` closing what it holds (``self._session.close()``): the method's own
                # body, not a caller of it.
                return set()
            if (
                receiver is not None
                and isinstance(node.value, ast.Name)
                and node.value.id == receiver
                and depth < _DEPTH
                and not ancestor.name.startswith("__")
            ):
                return set(ends_reaching(module, ancestor.name, depth + 1)) or {"other"}
            return {"other"}
        # A nested function: registered as a callback by its enclosing function?
        registered = _registered_by_name(module, ancestor)
        if registered is not None:
            return {registered}
    return {"other"}


def _registered(module: ModuleInfo, node: ast.AST, parent: ast.AST | None) -> str | None:
    """``entry.async_on_unload(node)`` / ``hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP,
    node)``: the end of life ``node`` (a callback) is registered for."""
    if not (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute)):
        # ``entry.async_on_unload(x.close)`` also as ``async_on_unload(lambda: ...)`` etc.
        if isinstance(parent, ast.Call) and parent.func is node:
            outer = module.parent(parent)
            if isinstance(outer, ast.Call) and parent in outer.args and isinstance(outer.func, ast.Attribute):
                return _registrar(outer)
        return None
    return _registrar(parent)


def _registrar(call: ast.Call) -> str | None:
    assert isinstance(call.func, ast.Attribute)
    name = call.func.attr
    if name in UNLOAD_REGISTRARS:
        return "unload"
    if name in STOP_REGISTRARS and call.args and _names_stop_event(call.args[0]):
        return "stop"
    return None


def _names_stop_event(expr: ast.expr) -> bool:
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
    return name in STOP_EVENTS


def _registered_by_name(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """A nested ``async def _stop(event)`` handed by name to a registrar in its enclosing scope."""
    scope = module.parent(function)
    if scope is None:
        return None
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and node.id == function.name and isinstance(node.ctx, ast.Load):
            registered = _registered(module, node, module.parent(node))
            if registered is not None:
                return registered
    return None
