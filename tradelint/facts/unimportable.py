"""Code an application never runs because its module cannot be imported: an import of a module
of its own project that is not there.

``from .hybrid_portfolio_manager import HybridPortfolioManager`` at the top of a trading bot's
``balance_manager_v2.py``, the sibling module deleted long ago: importing the module raises
``ImportError`` before any of its classes exists, so none of its code runs, and a session it
would leave open or a task it would drop describes nothing that can happen (a fresh trading bot
nobody on the team had read kept a dozen TRD2/TRD3 findings in three such modules). A module of
a package whose ``__init__.py`` cannot be imported cannot be imported either: the package's
``__init__`` runs first.

A module counts as unimportable only when all of these hold, each a way it could still load:

- it belongs to an application (``unreachable.application``: a library's module may be
  imported with a layout this checkout does not show);
- one of its own statements at the top of the module (not in a ``try``, an ``if``, a function:
  a guarded import is meant to fail) imports from its own folder a module that does not exist
  (``from .x import y``, ``from .x.z import y``): no ``x.py``, no folder ``x``, no file
  ``x.<anything>`` (an extension module, a stub) there;
  ``from . import x`` is not judged (``x`` may be a name the package's ``__init__`` binds). An
  absolute import of a missing module is not judged: a checkout of part of a project (the
  folders a benchmark scores, a sparse checkout) shows the project's other packages absent, and
  a held-out fix commit lost two task sites when it was (session 94); nor is ``from ..x``, which
  may lead out of what such a checkout holds; the module's own folder it holds whole;
- the missing path is not ignored by git (a generated module, ``_version.py`` written by the
  build, Telethon's ``tl/functions``, is absent from a checkout by design), and the ignore files
  are at hand: the project is in a git repository, or its folder holds a ``.gitignore`` (a copy
  of its ``.py`` files alone, as a benchmark extracts a commit's scope, shows every generated
  module as deleted: the development pool lost eight task sites so, session 94); the project has
  no ``.gitmodules`` (a submodule's folder is absent from a checkout made without it);
- or one of its top-level imports, relative or absolute, names a module of the project that is
  there and cannot be imported in turn (up to ``DEPTH`` imports away; an absolute one only when
  a single folder absolute imports start from has it, which comes before any installed package
  of that name, and no ``sys.path`` is set up before the import: of two copies, which one loads
  is not known);
- or it imports a module relatively (so it runs only as part of its package, never as a script),
  and the ``__init__.py`` of its own package, or of a package above it within its module name,
  cannot be imported as above.

Which folders were looked in are noted for the cache as ``folder`` scans; the absolute lookups are
the project's (``Project.find_path``), which the cache records with the imports."""

from __future__ import annotations

import ast
import math
import os
import sys
from pathlib import Path

from tradelint.core.gitignore import is_ignored, is_ignored_below, repository_top
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.project_files import project_root
from tradelint.facts.scan_memo import Scans, note, scanned_verdict
from tradelint.facts.unreachable import application

__all__ = ["unimportable"]


def unimportable(module: ModuleInfo) -> bool:
    """Whether ``module`` can never be imported (see the module's docstring)."""
    return scanned_verdict(module.project, ("unimportable", module.path), lambda looked: _unimportable(module, looked))


def _unimportable(module: ModuleInfo, looked: Scans) -> bool:
    if in_tests(module) or not application(module):
        return False
    root = project_root(module)
    if root is None or (root / ".gitmodules").exists():
        return False  # (a submodule's folder is absent from a checkout made without it)
    if not (root / ".gitignore").is_file() and repository_top(str(root)) is None:
        return False  # (without the ignore files, a module the build writes looks deleted)
    if _imports_missing(module, root, looked, 0, {module.path}):
        return True
    if not any(isinstance(s, ast.ImportFrom) and s.level for s in module.tree.body):
        return False  # (it may run as a script, its package never imported)
    return _inits_missing(module, root, looked, 0, {module.path})


def _inits_missing(module: ModuleInfo, root: Path, looked: Scans, depth: int, seen: set[Path]) -> bool:
    for init in _package_inits(module, root):
        found = module.project.module_at(init) if init not in seen else None
        if found is not None and _imports_missing(found, root, looked, depth, seen | {init}):
            return True
    return False


def _package_inits(module: ModuleInfo, root: Path) -> list[Path]:
    """The ``__init__.py`` files that run before ``module`` when it is imported by its module
    name: its package's and each above it, as many as that name has packages."""
    packages = (module.module_name or "").count(".")
    if module.path.name == "__init__.py":
        packages -= 1  # (``pkg.sub`` is ``pkg/sub/__init__.py``: only ``pkg``'s runs before it)
    folder = module.path.parent if module.path.name != "__init__.py" else module.path.parent.parent
    inits: list[Path] = []
    while packages > 0 and folder != root.parent and (folder / "__init__.py").is_file():
        inits.append(folder / "__init__.py")
        folder = folder.parent
        packages -= 1
    return inits


def _imports_missing(module: ModuleInfo, root: Path, looked: Scans, depth: int, seen: set[Path]) -> bool:
    """Whether a top-level import of ``module`` names a missing module of the project, or (up to
    ``DEPTH`` modules away) one of the project's modules that cannot be imported in turn."""
    sys_path: float | None = None  # the first line naming ``sys.path`` (inf: none), read once asked
    tree = module.tree
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level and stmt.module:
            base = module.path.parent
            for _ in range(stmt.level - 1):
                base = base.parent
            if not _within(base, root):
                continue
            parts = stmt.module.split(".")
            if stmt.level == 1 and _missing_at(module, base, parts, looked):
                return True  # (``..`` may lead out of the folders a partial checkout holds)
            target = _file_of(base.joinpath(*parts))
            if target is not None and _dead_target(module, target, root, looked, depth, seen):
                return True
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)) and not (isinstance(stmt, ast.ImportFrom) and stmt.level):
            dotted = [stmt.module] if isinstance(stmt, ast.ImportFrom) else [a.name for a in stmt.names]
            for name in dotted:
                if not name:
                    continue
                if sys_path is None:
                    sys_path = min((n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "path"
                                    and isinstance(n.value, ast.Name) and n.value.id == "sys"), default=math.inf)
                if sys_path < stmt.lineno:
                    return False  # (a path set up before it may reach another copy)
                target = _only_copy(module, name, root)
                if target is not None and _dead_target(module, target, root, looked, depth, seen):
                    return True
    return False


# How many imports away a module that cannot be imported is followed.
DEPTH = 3


def _dead_target(module: ModuleInfo, target: Path, root: Path, looked: Scans, depth: int, seen: set[Path]) -> bool:
    """Whether the project's module at ``target``, imported by ``module``, cannot be imported:
    its own imports, or its packages' ``__init__`` (imported by its dotted name, they run first)."""
    if depth >= DEPTH or target in seen:
        return False  # (``target`` lies in the project's folder: its callers find it there)
    found = module.project.module_at(target)
    if found is None:
        return False
    seen = seen | {target}
    return _imports_missing(found, root, looked, depth + 1, seen) or _inits_missing(found, root, looked, depth + 1, seen)


def _file_of(place: Path) -> Path | None:
    for candidate in (place.with_name(place.name + ".py"), place / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _only_copy(module: ModuleInfo, dotted: str, root: Path) -> Path | None:
    """The project's file of absolute module ``dotted`` when exactly one folder absolute imports
    start from has it (two copies: which one loads is not known)."""
    if dotted.split(".", 1)[0] in sys.stdlib_module_names or module.project.find_path(dotted, module.roots) is None:
        return None
    found = {f for r in module.roots if _within(r, root) and (f := _file_of(r.joinpath(*dotted.split(".")))) is not None}
    return found.pop() if len(found) == 1 else None


def _missing_at(module: ModuleInfo, base: Path, parts: list[str], looked: Scans) -> bool:
    """Whether the module ``parts`` (dotted, split) is absent from folder ``base``: some folder
    on the way, or the last part as a file, a folder or a file of its stem."""
    folder = base
    for part in parts:
        note(module.project, "folder", folder, looked)
        try:
            names = os.listdir(folder)
        except OSError:
            return False  # (a folder that cannot be listed is not proof of anything)
        if part in names and os.path.isdir(folder / part):
            folder = folder / part
            continue
        if any(n.startswith(part + ".") for n in names):
            return False  # (an extension module, a stub; ``a.py`` under ``from .a.b``: not judged)
        return not _ignored(module, folder / (part + ".py"), False) and not _ignored(module, folder / part, True)
    return False


def _ignored(module: ModuleInfo, path: Path, is_folder: bool) -> bool:
    """Whether git ignores ``path``: by the repository's ignore files, or, for a checkout
    without its ``.git`` (an exported tree), by the ``.gitignore`` files from the project's folder
    down."""
    if is_ignored(path, is_folder):
        return True
    root = project_root(module)
    return root is not None and _within(path.parent, root) and is_ignored_below(path, is_folder, root)


def _within(folder: Path, root: Path) -> bool:
    return folder == root or root in folder.parents
