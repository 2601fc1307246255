"""Tasks kept on an object a Home Assistant integration keeps for its config entry, stored there
by code of another object: ``coord._restart_tasks[sn] = task`` or ``coord._stop_task = task``
(``task`` bound to the task just before) in a helper holding the coordinator (``coord =
self.coordinator``). The object owns the task and lives as long as the entry; its end is what
the entry's unload runs, so the task is ended only when code the unload reaches ends
``<x>.attr`` (cancels it, awaits it, cancels its elements). Code elsewhere that ends the
attribute (a helper cancelling the previous task before it makes the next one) leaves the last
task running after the unload (barneyonline/ha-enphase-ev-charger ``9373dcb8``).

General where ``other_objects`` is not: the holder's class may be that of an attribute of the
helper (``self.coordinator``, typed by its store), the store may be an element of a dictionary
on it, and the local the task is bound to counts as the task when nothing but the store and a
look (``done()``, a done callback) uses it. Only for a class kept for the entry
(``kept_for_the_entry``) of an integration that can be unloaded."""

from __future__ import annotations

import ast

from tradelint.facts.attribute_types import attribute_class
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import (
    UNLOAD_FUNCTIONS, integration_folder, kept_by_integration, reached_at_unload, setup_parameters, unload_reach,
)
from tradelint.facts.holders import value_holding
from tradelint.facts.project_files import project_files
from tradelint.facts.syntax import attribute_place, walk
from tradelint.facts.uses import assigned_to, classify, name_loads, self_name
from tradelint.models.tasks.entry_objects import kept_for_the_entry
from tradelint.models.tasks.other_objects import LOOKING_METHODS, LOOKS, OtherHolder, ending_loads, holder_class


def kept_on_entry_object(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef | None
) -> OtherHolder | None:
    """The store of the task ``expr`` makes on an entry-kept object's attribute (or an element
    of it) that nothing the entry's unload runs ends; else None."""
    if function is None:
        return None
    reach = unload_reach(module)
    if reach is None:
        return None
    store = _store(module, expr, function)
    if store is None:
        return None
    stmt, holder, attr = store
    found = holder_class(module, function, holder) or _attribute_holder_class(module, function, holder)
    if found is None:
        return None
    cls_module, cls = found
    if not kept_for_the_entry(cls_module, cls):
        return None
    if _ended_at_unload(module, attr, reach):
        return None
    return OtherHolder(holder, attr, cls, stmt, function)


def _store(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[ast.Assign, str, str] | None:
    """The statement making the task, with the holder and attribute it is stored on: ``expr``
    itself assigned there, or a local it is bound to stored there (once in ``function``), the
    local otherwise only looked at."""
    stmt = module.parent(expr)
    if not (isinstance(stmt, ast.Assign) and stmt.value is expr and len(stmt.targets) == 1):
        return None
    me = self_name(function) if isinstance(module.parent(function), ast.ClassDef) else None
    direct = attribute_place(stmt.targets[0])
    if direct is not None:
        return (stmt, *direct) if direct[0] not in (me, "self", "cls") else None
    local = stmt.targets[0]
    if not isinstance(local, ast.Name):
        return None
    stores: list[tuple[ast.Assign, str, str]] = []
    for node in walk(function):
        if not (isinstance(node, ast.Name) and node.id == local.id) or module.enclosing_function(node) is not function:
            continue
        if isinstance(node.ctx, ast.Store):
            continue  # the binding (``task = ...`` in both branches of a ``try``)
        parent = module.parent(node)
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1:
            target = attribute_place(parent.targets[0])
            if target is None or target[0] in (me, "self", "cls"):
                return None  # kept elsewhere: judged there
            stores.append((parent, *target))
            continue
        use = classify(module, node)
        if use.kind in ("method", "attribute"):
            if use.name not in LOOKING_METHODS:
                return None
        elif use.kind not in LOOKS:
            return None
    # Reported where the task is made (``task = ...``), each such binding on its own.
    return (stmt, stores[0][1], stores[0][2]) if len(stores) == 1 else None


def _attribute_holder_class(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, holder: str
) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """``holder = self.attr`` (its only binding in ``function``): the class the enclosing class
    stores in ``self.attr``."""
    owner = module.parent(function)
    if not isinstance(owner, ast.ClassDef):
        return None
    me = self_name(function)
    values = [
        node.value for node in walk(function)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None
        and any(isinstance(t, ast.Name) and t.id == holder for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
    ]
    if len(values) != 1:
        return None
    value = values[0]
    if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == me):
        return None
    return attribute_class(module, owner, value.attr)


def _ended_at_unload(module: ModuleInfo, attr: str, reach: frozenset[str]) -> bool:
    """Whether code of the integration in a function the unload reaches ends ``<x>.attr``
    (through any name, ``self`` too): cancels it, awaits it, hands it on, or its elements."""
    folder = integration_folder(module)
    if folder is None:
        return True
    for path in project_files(module.project, folder) or ():
        other = module if path == module.path else module.project.module_at(path)
        if other is None:
            continue
        for node in ending_loads(other, attr):
            function = other.enclosing_function(node)
            # (the unload itself too: ``async_unload_entry`` cancelling ``coordinator._ws_task``)
            while function is not None and function.name not in reach and not (
                function.name in UNLOAD_FUNCTIONS and other.parent(function) is other.tree
            ):
                function = other.enclosing_function(function)
            if function is not None:
                return True
    return False


def kept_at_setup_unended(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef | None
) -> ast.Assign | None:
    """The statement of an integration's setup that keeps the task ``expr`` makes where Home
    Assistant holds it for the entry (``entry.runtime_data = RuntimeData(task)``,
    ``hass.data[DOMAIN][entry.entry_id] = {"poller": task}``), the task written there or bound to
    a local first (``task = ...``), when nothing the entry's unload runs mentions ``cancel``:
    each reload leaves one more running. Whatever made the task: ``hass.async_create_task(...)``
    is kept alive by Home Assistant until it stops, not until the unload. None otherwise."""
    if function is None or module.enclosing_scope(expr) is not function or not setup_parameters(module, function):
        return None
    keep = kept_by_integration(module, function, value_holding(module, expr))
    binding = assigned_to(module, expr, function) if keep is None else None
    if binding is not None and binding.kind == "local":
        keep = next(
            (k for node in name_loads(function, binding.name)
             if (k := kept_by_integration(module, function, value_holding(module, node))) is not None),
            None,
        )
    return None if keep is None or reached_at_unload(module, "cancel") else keep
