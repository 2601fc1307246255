"""Projects that keep every task themselves, through a task factory of their own.

Electrum installs a factory on its event loop that adds each new task to a module-level set and
discards it when done (``util._set_custom_task_factory``, documented as the cure for asyncio's
weak references). In such a project a task nobody else holds is still strongly held until it
finishes, and the loop's owner ends what is left at exit: a discarded task, or one held by a
local, is owned on purpose. A factory that keeps nothing (``asyncio.eager_task_factory``, one
that only logs) changes nothing.

Which modules it covers: the module that installs it, the modules of its package, and any module
that calls the function that installs it, resolved through its imports (electrum's own test of
the factory calls ``util._set_custom_task_factory(loop)``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES

_KEEPING_METHODS = ("add", "append")


@dataclass(frozen=True)
class Keepers:
    # Top-level packages with a module that installs a keeping factory.
    packages: frozenset[str]
    # The functions that install one, by qualified name (``electrum.util._set_custom_task_factory``).
    installers: frozenset[str]


def installs_keeper(module: ModuleInfo) -> tuple[bool, frozenset[str]]:
    """Whether the module installs a keeping task factory, and the qualified names of the
    module's top-level functions that do (``electrum.util._set_custom_task_factory``)."""
    calls = [
        call
        for call in module.index.calls
        if isinstance(call.func, ast.Attribute)
        and call.func.attr == "set_task_factory"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Name)
    ]
    if not calls:
        return False, frozenset()
    tree = module.tree
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, FUNCTION_NODES):
            defs.setdefault(node.name, node)
    globals_ = _module_names(tree)
    installs = False
    installers: set[str] = set()
    for call in calls:
        factory = defs.get(cast(ast.Name, call.args[0]).id)
        if factory is None or not _keeps(factory, globals_):
            continue
        installs = True
        enclosing = module.enclosing_function(call)  # the innermost function around it
        if enclosing is not None and enclosing in tree.body and module.module_name is not None:
            installers.add(f"{module.module_name}.{enclosing.name}")
    return installs, frozenset(installers)


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _keeps(factory: ast.FunctionDef | ast.AsyncFunctionDef, globals_: set[str]) -> bool:
    """``_running_asyncio_tasks.add(task)`` in the factory: a module-level collection holds it."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _KEEPING_METHODS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in globals_
        and len(node.args) == 1
        for node in ast.walk(factory)
    )


def project_keepers(module: ModuleInfo) -> Keepers:
    """The project's keeping factories, found once per project: only files whose text names
    ``set_task_factory`` are parsed."""
    root = project_root(module)
    if root is None:
        return Keepers(frozenset(), frozenset())
    module.project.note_scan("mentions set_task_factory", root)  # for the cache, memo or not
    # Kept apart from the project's memo, which a bounded run forgets between files: the answer
    # is plain data, and finding it reads every file of the project. Dropped when a file that
    # names ``set_task_factory`` changes (a buffer in the language server).
    memo = module.project.scan_memo("set_task_factory")
    found = memo.get(root)
    if found is None:
        found = memo[root] = _scan(module, root)
    return found


def _scan(module: ModuleInfo, root: Path) -> Keepers:
    project = module.project
    packages: set[str] = set()
    installers: set[str] = set()
    for path, _ in files_naming(project, root, "set_task_factory"):
        other = project.module_at(path)
        if other is None:
            continue
        installs, names = installs_keeper(other)
        if not installs:
            continue
        name = project.locate(path)[0]
        if name is not None and "." in name:
            packages.add(name.split(".", 1)[0])
        installers.update(names)
    return Keepers(frozenset(packages), frozenset(installers))


def tasks_kept_by_a_factory(module: ModuleInfo) -> bool:
    """Whether every task this module creates is kept by a factory of the project's own."""
    if installs_keeper(module)[0]:
        return True
    keepers = project_keepers(module)
    if not keepers.packages and not keepers.installers:
        return False
    name = module.project.locate(module.path)[0]
    if name is not None and "." in name and name.split(".", 1)[0] in keepers.packages:
        return True
    return any(module.qualify(call.func) in keepers.installers for call in module.index.calls)

