"""The classes whose instances a Home Assistant integration keeps for a config entry: what its
setup (``async_setup_entry``, or a coroutine it awaits with its ``hass`` and ``entry``) stores
where Home Assistant holds it, ``hass.data[DOMAIN][entry.entry_id] = coordinator`` or
``entry.runtime_data = RuntimeData(client, coordinator)``, made there by the class's
constructor (directly, or into a local the setup keeps). Such an object lives as long as the
entry: the unload drops it (and ends it), a reload makes a new one.

A task Home Assistant keeps (``hass.async_create_task``) lives until Home Assistant stops; one
that runs a method of such an object and is thrown away runs on after the unload, against what
was torn down (Pho3niX90/solis_modbus ``340dffac``, kristofferR/ha-adjustable-bed
``de27860b``). Asked once per integration folder."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_and_bases, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import integration_folder, kept_by_integration, setup_parameters
from tradelint.facts.project_files import project_files
from tradelint.facts.syntax import walk
from tradelint.models.tasks.shutdown import _ha_kind

ClassKey = tuple[str, str, int]  # the class's file, name and line


def kept_for_the_entry(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether the integration ``module`` belongs to keeps instances of ``cls`` for an entry.
    Not an entity, even one its platform's setup keeps: an entity ends at its removal, and its
    one-shot tasks are most often a synchronous service's bridge to its coroutine
    (``self.hass.async_create_task(self.async_set_preset_mode(mode))``)."""
    folder = integration_folder(module)
    if folder is None or _ha_kind(class_and_bases(module, cls)) != "object":
        return False
    project = module.project
    project.note_scan("tree", folder)  # for the cache, memo or not
    memo = project.scan_memo("async_setup_entry")
    key = ("entry-classes", folder)
    if key not in memo:
        found: set[ClassKey] = set()
        for path in project_files(project, folder) or ():
            other = module if path == module.path else project.module_at(path)
            if other is not None:
                found.update(_kept_classes(other))
        memo[key] = frozenset(found)
    return (str(module.path), cls.name, cls.lineno) in memo[key]


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
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
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
