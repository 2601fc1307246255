"""The classes whose instances a Home Assistant integration keeps for a config entry: what its
setup (``async_setup_entry``, or a coroutine it awaits with its ``hass`` and ``entry``) stores
where Home Assistant holds it, ``hass.data[DOMAIN][entry.entry_id] = coordinator`` or
``entry.runtime_data = RuntimeData(client, coordinator)``, made there by the class's
constructor (directly, or into a local the setup keeps). Such an object lives as long as the
entry: the unload drops it (and ends it), a reload makes a new one.

A task Home Assistant keeps (``hass.async_create_task``) lives until Home Assistant stops; one
that runs a method of such an object and is thrown away runs on after the unload, against what
was torn down (Pho3niX90/solis_modbus ``340dffac``, kristofferR/ha-adjustable-bed
``de27860b``). Asked once per integration folder.

Ownership is transitive: what such an object makes and keeps on itself (``self.session_history
= SessionHistoryManager(...)`` in the coordinator) lives no longer than it, so its class is kept
for the entry too (barneyonline/ha-enphase-ev-charger ``a1ec0a02``)."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_and_bases, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import ha_kind, integration_folder, kept_by_integration, setup_parameters, unload_reach
from tradelint.facts.project_files import project_files
from tradelint.facts.syntax import walk

ClassKey = tuple[str, str, int]  # the class's file, name and line


def kept_for_the_entry(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether the integration ``module`` belongs to keeps instances of ``cls`` for an entry.
    Not an entity, even one its platform's setup keeps: an entity ends at its removal, and its
    one-shot tasks are most often a synchronous service's bridge to its coroutine
    (``self.hass.async_create_task(self.async_set_preset_mode(mode))``)."""
    folder = integration_folder(module)
    if folder is None or ha_kind(class_and_bases(module, cls)) != "object":
        return False
    project = module.project
    project.note_scan("tree", folder)  # for the cache, memo or not
    memo = project.scan_memo("async_setup_entry")
    key = ("entry-classes", folder)
    if key not in memo:
        found: set[ClassKey] = set()
        modules: dict[str, ModuleInfo] = {}
        for path in project_files(project, folder) or ():
            other = module if path == module.path else project.module_at(path)
            if other is not None:
                modules[str(other.path)] = other
                found.update(_kept_classes(other))
        memo[key] = frozenset(_owned_by_kept(modules, found))
    return (str(module.path), cls.name, cls.lineno) in memo[key]


# The names of a release of the whole object (``async_shutdown()``, ``close()``), not of a part of
# it or of an action (``stop_notify()``, a bed's ``stop_all()`` motors).
WHOLE_RELEASES = frozenset({
    "close", "aclose", "stop", "shutdown", "disconnect", "cleanup", "teardown", "terminate", "dispose", "release",
    "finalize", "destroy", "unload",
})


def ended_at_unload(module: ModuleInfo, cls: ast.ClassDef) -> str | None:
    """The release method of ``cls`` (its own or a first-party base's, named for a release of the
    whole object: ``async_shutdown()``, ``close()``) that the unload of ``module``'s integration reaches, for a plain class of the
    integration (not an entity, a flow): its object ends at the unload, whoever keeps it
    (``MerossApi.devices[device_id] = device``, ``manager.async_unload_entry()`` then
    ``self.async_shutdown()``: krahabb/meross_lan ``f398bd3b``). None otherwise."""
    family = class_and_bases(module, cls)
    if integration_folder(module) is None or ha_kind(family) != "object":
        return None
    reach = unload_reach(module)
    if reach is None:
        return None
    for _, owner in family:
        for stmt in owner.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in reach and (
                stmt.name.lstrip("_").removeprefix("async_") in WHOLE_RELEASES
            ):
                return stmt.name
    return None


def _kept_classes(module: ModuleInfo) -> set[ClassKey]:
    found: set[ClassKey] = set()
    for function in module.tree.body:
        if not (isinstance(function, ast.AsyncFunctionDef) and setup_parameters(module, function)):
            continue
        # A local made by a constructor, or a parameter annotated with a class (the setup's
        # helper given the coordinator the setup made: ``coordinator: BedCoordinator``).
        made: dict[str, list[ast.expr]] = {a.arg: [a.annotation] for a in function.args.args if a.annotation}
        kept: list[ast.expr] = []
        for node in walk(function):
            if not isinstance(node, ast.Assign):
                continue
            if len(node.targets) > 1:
                # ``hass.data[DOMAIN]["services"] = services = Services(hass)``: kept, and named.
                if _chained_keep(module, function, node):
                    kept.append(node.value)
                continue
            target = node.targets[0]
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
                made.setdefault(target.id, []).append(node.value)
            elif kept_by_integration(module, function, node.value) is not None:
                kept.append(node.value)
        for value in kept:
            named = [n.func for n in ast.walk(value) if isinstance(n, ast.Call)]
            for n in ast.walk(value):
                if isinstance(n, ast.Name):
                    named += [c.func if isinstance(c, ast.Call) else c for c in made.get(n.id, ())]
            for name in named:
                definition = resolve_definition(module, name)
                if definition is not None and isinstance(definition[1], ast.ClassDef):
                    found.add((str(definition[0].path), definition[1].name, definition[1].lineno))
    return found


def _chained_keep(module: ModuleInfo, function: ast.AsyncFunctionDef, node: ast.Assign) -> bool:
    """Whether one of the targets of ``node`` (an assignment to several) is a place Home
    Assistant holds for the setup (``hass.data[...]``, ``entry.runtime_data``), as
    ``kept_by_integration`` asks of a single target."""
    params = setup_parameters(module, function)
    for target in node.targets:
        root: ast.expr = target
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if root is not target and isinstance(root, ast.Name) and root.id in params:
            return unload_reach(module) is not None
    return False


def _owned_by_kept(modules: dict[str, ModuleInfo], kept: set[ClassKey]) -> set[ClassKey]:
    """``kept`` and, to a fixed point, the classes of the integration (its ``modules``) whose
    instances a kept class makes and keeps on itself (``self.x = Cls(...)`` in one of its own
    methods): they live no longer than their owner."""
    found = set(kept)
    todo = list(kept)
    while todo:
        path, name, line = todo.pop()
        home = modules.get(path)
        if home is None:
            continue
        cls = next((n for n in walk(home.tree) if isinstance(n, ast.ClassDef) and n.name == name and n.lineno == line), None)
        if cls is None:
            continue
        for method in cls.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.args.args:
                todo.extend(_made_on_self(home, method, modules, found))
    return found


def _made_on_self(
    home: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, modules: dict[str, ModuleInfo], found: set[ClassKey]
) -> list[ClassKey]:
    """The classes of the integration ``method`` makes an instance of into an attribute of its
    own receiver, not in ``found`` before (added to it)."""
    receiver = method.args.args[0].arg
    new: list[ClassKey] = []
    for node in walk(method):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if not any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == receiver
                   for t in node.targets):
            continue
        definition = resolve_definition(home, node.value.func)
        if definition is None or not isinstance(definition[1], ast.ClassDef):
            continue
        made = (str(definition[0].path), definition[1].name, definition[1].lineno)
        if made not in found and made[0] in modules:
            found.add(made)
            new.append(made)
    return new
