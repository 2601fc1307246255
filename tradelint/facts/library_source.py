"""Installed libraries' source, located and parsed as text, never imported.

A package is found with ``importlib.util.find_spec`` on its top-level name only (that never
imports it), then its modules are found as files, ``.pyi`` stubs first (a ``<name>-stubs``
distribution before the package itself), and parsed like first-party code: nothing of the library
is executed. A first-party module, a standard-library one or a package that is not installed gives
None. Shared by the families that ask what a library's code does: the renames (what a class has)
and the resources (whether a library closes what it is given).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from functools import lru_cache
from pathlib import Path

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.syntax import FUNCTION_NODES


@lru_cache(maxsize=None)
def _package_locations(top: str) -> tuple[str, ...]:
    """Folders (or the single file) of an installed top-level package: its ``-stubs`` first."""
    if not top.isidentifier() or top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return ()
    found: list[str] = []
    for entry in sys.path:
        stubs = os.path.join(entry or ".", f"{top}-stubs")
        if os.path.isdir(stubs):
            found.append(stubs)
    try:
        # The top-level name only: ``find_spec("a.b")`` would import ``a`` to find ``a.b``.
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError, AttributeError):
        spec = None
    if spec is not None:
        if spec.submodule_search_locations:
            found.extend(spec.submodule_search_locations)
        elif spec.origin and spec.origin.endswith((".py", ".pyi")):
            found.append(spec.origin)
    return tuple(found)


@lru_cache(maxsize=None)
def module_file(dotted: str) -> Path | None:
    """The source (``.pyi`` first) of an installed module, found without importing anything."""
    top, _, rest = dotted.partition(".")
    parts = rest.split(".") if rest else []
    for location in _package_locations(top):
        if not parts:
            if os.path.isfile(location):
                return Path(location)
            candidates = [os.path.join(location, "__init__.pyi"), os.path.join(location, "__init__.py")]
        else:
            if os.path.isfile(location):
                continue
            base = os.path.join(location, *parts)
            candidates = [base + ".pyi", base + ".py", os.path.join(base, "__init__.pyi"), os.path.join(base, "__init__.py")]
        for candidate in candidates:
            if os.path.isfile(candidate):
                return Path(candidate)
    return None


def _is_first_party(path: Path, roots: tuple[Path, ...]) -> bool:
    # ``sys.path`` may hold the checked project (pytest's rootdir, an editable install).
    resolved = os.path.abspath(path)
    return any(
        resolved.startswith(os.path.abspath(root) + os.sep) and "site-packages" not in resolved[len(str(root)):]
        for root in roots
    )


def library_module(project: Project, dotted: str, roots: tuple[Path, ...] = ()) -> ModuleInfo | None:
    path = module_file(dotted)
    if path is None or _is_first_party(path, roots):
        return None
    info = project.module_at(path)
    if info is not None and info.module_name != dotted:
        # A namespace folder on the way, or a stubs package: its importers' name is the right one.
        info.module_name = dotted
    return info


def library_class(
    project: Project, qualified: str, roots: tuple[Path, ...] = (), depth: int = 0
) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The installed class a dotted name refers to, following re-exports (``web3.Web3``)."""
    if depth > 8 or "." not in qualified:
        return None
    module_name, _, name = qualified.rpartition(".")
    module = library_module(project, module_name, roots)
    if module is None:
        # ``Web3.HTTPProvider``: a class attribute naming another class.
        owner = library_class(project, module_name, roots, depth + 1)
        target = _alias_target(owner[0], name, owner[1].body) if owner is not None else None
        return library_class(project, target, roots, depth + 1) if target is not None else None
    stmt = module.top_level.get(name)
    if isinstance(stmt, ast.ClassDef):
        return module, stmt
    if stmt is not None:
        return None
    target = module.imports.names.get(name)
    if target is None:
        target = _alias_target(module, name)
    if target is not None and target != qualified:
        return library_class(project, target, roots, depth + 1)
    return None


def library_function(
    project: Project, qualified: str, roots: tuple[Path, ...] = ()
) -> tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The installed module-level function a dotted name refers to (one re-export followed)."""
    if "." not in qualified or qualified.split(".", 1)[0] in sys.stdlib_module_names:
        return None
    module_name, _, name = qualified.rpartition(".")
    module = library_module(project, module_name, roots)
    if module is None:
        return None
    stmt = module.top_level.get(name)
    if stmt is None:
        target = module.imports.names.get(name)
        if target is None or target == qualified or "." not in target:
            return None
        module_name, _, name = target.rpartition(".")
        module = library_module(project, module_name, roots)
        stmt = module.top_level.get(name) if module is not None else None
    if module is None or not isinstance(stmt, FUNCTION_NODES):
        return None
    return module, stmt


def _alias_target(module: ModuleInfo, name: str, body: list[ast.stmt] | None = None) -> str | None:
    """``Client = HTTPClient`` at module level (or in a class body): the class it names."""
    for stmt in module.tree.body if body is None else body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == name
            and isinstance(stmt.value, (ast.Name, ast.Attribute))
        ):
            return module.qualify(stmt.value)
    return None
