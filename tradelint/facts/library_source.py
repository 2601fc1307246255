"""Installed libraries' source, located and parsed as text, never imported.

A package is found with ``importlib.util.find_spec`` on its top-level name only (that never
imports it), then its modules are found as files, ``.pyi`` stubs first (a ``<name>-stubs``
distribution before the package itself), and parsed like first-party code: nothing of the library
is executed. A first-party module, a standard-library one or a package that is not installed gives
None. The standard library is asked for apart (``source``): its own ``.py`` files, in the
running interpreter's ``sysconfig`` folder and never on ``sys.path`` (where a project's own
``asyncio.py`` may shadow it), then, for a module written in C, the typeshed stub that mypy ships.
Shared by the families that ask what a library's code does: the renames (what a class has)
and the resources (whether a library closes what it is given).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Literal

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.syntax import FUNCTION_NODES, resolve_relative

# Where a class is read from: an installed package, the standard library's own source (typeshed's
# stub for a C module), or typeshed's stubs alone.
Source = Literal["installed", "stdlib", "typeshed"]


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


@lru_cache(maxsize=1)
def _stdlib_folders() -> tuple[str, ...]:
    """The running interpreter's standard-library source, then typeshed's stubs of it as shipped
    with mypy (found, like any package, without importing mypy)."""
    folders = [sysconfig.get_paths()["stdlib"]]
    try:
        spec = importlib.util.find_spec("mypy")
    except (ImportError, ValueError, AttributeError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        stubs = os.path.join(location, "typeshed", "stdlib")
        if os.path.isfile(os.path.join(stubs, "VERSIONS")):
            folders.append(stubs)
            break
    return tuple(folders)


@lru_cache(maxsize=None)
def _stdlib_locations(top: str) -> tuple[str, ...]:
    """Where a standard-library top-level module is written: its ``.py`` source first, a stub
    only for a module that has none (a C module such as ``_socket``)."""
    return _stdlib_in(top, _stdlib_folders())


@lru_cache(maxsize=None)
def _typeshed_locations(top: str) -> tuple[str, ...]:
    return _stdlib_in(top, _stdlib_folders()[1:])


def _stdlib_in(top: str, folders: tuple[str, ...]) -> tuple[str, ...]:
    if not top.isidentifier() or top not in sys.stdlib_module_names:
        return ()
    found: list[str] = []
    for folder in folders:
        package = os.path.join(folder, top)
        if os.path.isdir(package):
            found.append(package)
        else:
            found.extend(package + suffix for suffix in (".py", ".pyi") if os.path.isfile(package + suffix))
    return tuple(found)


@lru_cache(maxsize=None)
def module_file(dotted: str) -> Path | None:
    """The source (``.pyi`` first) of an installed module, found without importing anything."""
    return _file_in(_package_locations, dotted)


@lru_cache(maxsize=None)
def stdlib_module_file(dotted: str, stubs: bool = False) -> Path | None:
    """The source of a standard-library module (a stub for a C module), read from the
    interpreter's own folder, never imported and never looked for on ``sys.path``; with
    ``stubs``, typeshed's stub only."""
    return _file_in(_typeshed_locations if stubs else _stdlib_locations, dotted)


def _file_in(locations: Callable[[str], tuple[str, ...]], dotted: str) -> Path | None:
    top, _, rest = dotted.partition(".")
    parts = rest.split(".") if rest else []
    if not all(part.isidentifier() for part in parts):
        return None
    for location in locations(top):
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


def library_module(
    project: Project, dotted: str, roots: tuple[Path, ...] = (), source: Source = "installed"
) -> ModuleInfo | None:
    path = module_file(dotted) if source == "installed" else stdlib_module_file(dotted, source == "typeshed")
    if path is None or _is_first_party(path, roots):
        return None
    info = project.module_at(path)
    if info is not None and info.module_name != dotted:
        # A namespace folder on the way, or a stubs package: its importers' name is the right one.
        info.module_name = dotted
    return info


def library_class(
    project: Project, qualified: str, roots: tuple[Path, ...] = (), depth: int = 0, source: Source = "installed"
) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The installed class a dotted name refers to, following re-exports (``web3.Web3``); from
    the standard library's source or typeshed's stubs (``source``), following ``import *`` too
    (``asyncio.Protocol``)."""
    if depth > 8 or "." not in qualified:
        return None
    module_name, _, name = qualified.rpartition(".")
    module = library_module(project, module_name, roots, source)
    if module is None:
        # ``Web3.HTTPProvider``: a class attribute naming another class.
        owner = library_class(project, module_name, roots, depth + 1, source)
        target = _alias_target(owner[0], name, owner[1].body) if owner is not None else None
        return library_class(project, target, roots, depth + 1, source) if target is not None else None
    stmt = module.top_level.get(name)
    if isinstance(stmt, ast.ClassDef):
        return module, stmt
    if stmt is not None:
        return None
    target = module.imports.names.get(name)
    if target is None:
        target = _alias_target(module, name)
    if target is not None and target != qualified:
        return library_class(project, target, roots, depth + 1, source)
    if target is None and source != "installed" and not name.startswith("_"):
        for star in _star_sources(module):
            found = library_class(project, f"{star}.{name}", roots, depth + 1, source)
            if found is not None:
                return found
    return None


def stdlib_class(project: Project, qualified: str) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """A standard-library class from its source, else from typeshed (``collections.deque`` is
    imported from ``_collections``, which has neither source nor a stub of its own)."""
    return library_class(project, qualified, source="stdlib") or library_class(project, qualified, source="typeshed")


def _star_sources(module: ModuleInfo) -> Iterator[str]:
    """The modules ``from x import *`` reads, in order (the first that has the name wins: the
    standard library's C-accelerated form comes first, its pure-Python fallback after)."""
    for stmt in module.tree.body:
        nodes = [stmt]
        if isinstance(stmt, ast.Try):
            nodes = [*stmt.body, *(s for h in stmt.handlers for s in h.body)]
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                source = resolve_relative(node.module, node.level, module.module_name, module.is_package)
                if source:
                    yield source


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
