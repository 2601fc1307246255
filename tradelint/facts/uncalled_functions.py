"""Code an application never runs: a module's function that nothing in the project names.

The function-level twin of ``unreachable.uncalled`` (a method nothing names). A trading bot that
grew by copying keeps helpers its callers stopped calling (``calculate_atr_percentage()``, a
``save_memory()`` replaced by another): a task such a function would drop, or a session it would
leave open, describes nothing that can happen (a fresh trading bot nobody on the team had read
kept seven TRD301 findings in such helpers, session 94).

A module's function counts as never run only when all of these hold, each a way it could still run:

- it is defined at the top of its module, undecorated (a decorator may register it) and not a
  dunder (``__getattr__``: Python calls those);
- the module belongs to an application (``unreachable.application``: a library's function is
  called by the code that imports it, which is not in the project), is not a test module, and is
  neither a package's ``__init__.py`` (it runs whenever any module of its package is imported, so
  an import of it proves nothing of its role: a Home Assistant integration's ``__init__.py``,
  whose ``async_unload_entry`` Home Assistant calls by name) nor a ``__main__.py``;
- its module names it nowhere outside its own ``def`` (not a call, not a reference handed on, not
  a string in a dispatch table, not a comment) but in other functions of the module's top that
  never run in turn (a ``calculate_smoothed_atr()`` called only by a ``calculate_atr_percentage()``
  nothing calls; up to ``DEPTH`` callers away), nor defines it twice, and no other file of the project names it as a
  word at all: not even a ``def`` of the same name, for a name several modules define is a
  convention a framework calls by name (``async_setup_entry`` in every platform module, ``setup``
  in every discord extension, ``upgrade`` in every migration), unless a module of the project that
  is not a test imports that other ``def`` by name from a module that is no package's
  ``__init__.py`` and imports nothing of this one (``from .ema import calculate_ema`` beside an
  indicator module's own ``calculate_ema``: the project calls that function directly, no
  convention); but for an import of it by name
  that the importing module never uses (``from ai_memory import log_trade_result``, and no other
  ``log_trade_result`` there), or a plain name that a module binds by importing another module's
  function of that name (``from monitor_report import log_trade_result``: a module of the project
  that defines it itself, or a module outside the project not named like the function's own,
  which a folder on the path that this checkout does not show may hold), outside a package's
  ``__init__.py`` and a module that looks names up at run time;
- no module of the project composes a name around a constant part it has (``getattr(handlers,
  f"on_{event}")``, ``unreachable.composed_in_project``), and neither its own module nor a module
  importing it looks a name up at run time (``getattr(mod, name)``, ``dir()``, ``vars()``,
  ``globals()``);
- a module of the project that is not a test imports it by an ``import`` statement (``from .atr
  import calculate_atr``, ``import strategies.atr``): the module is a part of the project its own
  code loads, not an entry a framework loads by its path and calls by convention (a gunicorn
  config's ``when_ready``, a discord extension's ``teardown`` loaded from a folder listing, an
  Alembic migration's ``downgrade``); an import named only in a string (``importlib.import_module
  ("strategies.atr")``) proves nothing of the kind, and the function is kept.

Which files name the function, and which name its module's file stem, are ``mentions`` scans of
the project's folder, noted for the cache on every verdict, fresh or remembered."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.scan_memo import Scans, note, scanned_verdict
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.unreachable import application, called_by_name_only, composed_in_project, looked_up_by_name, outside_of, word_count

__all__ = ["uncalled_function"]

# Files whose code Python or a package's loader runs without any project module naming a function of it.
_LOADED_ANYWAY = frozenset({"__init__.py", "__main__.py"})


def uncalled_function(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` lies in a module's function of an application that no code of the project
    can run (see the module's docstring)."""
    function = _module_function(module, node)
    if function is None:
        return False
    return scanned_verdict(module.project, ("uncalled_function", function), lambda scanned: _uncalled(module, function, scanned))


def _module_function(module: ModuleInfo, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function defined at the top of the module that ``node`` lies in, however deeply nested."""
    found: ast.AST | None = None
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (*FUNCTION_NODES, ast.ClassDef)):
            found = ancestor
    if not isinstance(found, FUNCTION_NODES) or not isinstance(module.parent(found), ast.Module):
        return None
    return found


def _uncalled(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, scanned: Scans,
              seen: frozenset[ast.AST] = frozenset()) -> bool:
    if not called_by_name_only(function) or module.path.name in _LOADED_ANYWAY:
        return False
    if in_tests(module) or not application(module):
        return False
    root = project_root(module)
    text = module.text
    if root is None or text is None:
        return False  # (a module without its text at hand is not judged)
    name = function.name
    note(module.project, f"mentions {name}", root, scanned)
    if _names_any_way(text, name, function) or not _named_only_in_dead(module, function, text, scanned, seen | {function}):
        return False
    word = re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(name.encode("utf-8")) + rb"(?![A-Za-z0-9_])")
    imported_from: set[Path] | None = None  # (the files the project's own code imports ``name`` from by name, read once)
    for path, data in files_naming(module.project, root, name, skip=module.path):
        if not word.search(data) or _imported_unused(module, path, data, name, word):
            continue
        if imported_from is None:
            imported_from = _imported_by_name(module, root, name)
        if not _own_project_function(module, path, name, imported_from):
            return False  # (named, or defined again: a convention a framework calls by name)
    if _looks_up_names(module) or composed_in_project(module, root, name):
        return False
    importers = _importers(module, root, scanned)
    # (an importer holding the module, or all its names, may look the function up at run time)
    return bool(importers) and not any(whole and _looks_up_names(other) for other, whole in importers)


def _named_only_in_dead(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, text: str,
                        scanned: Scans, seen: frozenset[ast.AST]) -> bool:
    """Whether every mention of ``function``'s name in its own module, outside its ``def``, lies
    in another function of the module's top that never runs in turn (``calculate_smoothed_atr()``
    called only by a ``calculate_atr_percentage()`` nothing calls), up to ``DEPTH`` functions
    away; a mention anywhere else (the module's top, a class, a decorator) runs."""
    tops = [s for s in module.tree.body if isinstance(s, FUNCTION_NODES) and s is not function]
    end = function.end_lineno or function.lineno
    for number, line in enumerate(text.splitlines(), 1):
        if function.lineno <= number <= end or function.name not in line:
            continue
        if not word_count(line.encode("utf-8", "surrogateescape"), function.name):
            continue  # (only a ``def``/``class`` of the name, or a longer word containing it)
        holder = next((top for top in tops if top.lineno <= number <= (top.end_lineno or top.lineno)), None)
        if holder is None or holder in seen or len(seen) > DEPTH or not _uncalled(module, holder, scanned, seen | {holder}):
            return False
    return True


# How many callers away a function named only in functions that never run is followed.
DEPTH = 3


def _imported_unused(module: ModuleInfo, path: Path, data: bytes, name: str, word: re.Pattern[bytes]) -> bool:
    """Whether no word ``name`` in the file at ``path`` can reach ``module``'s function: the file
    names it only where it imports it from ``module`` by name and never uses what it bound
    (``from ai_memory import log_trade_result``, nothing else of that name), or it imports
    another module's ``name`` (``from monitor_report import log_trade_result``: see
    :func:`_binds_another`), never ``module`` itself, and names it only as a plain name, which
    is that import's. Not in a
    package's ``__init__.py`` (it re-exports for other modules), nor in a module that defines a
    function of the name, or looks a name up at run time (``globals()[name]`` reaches what it
    imported)."""
    if path.name == "__init__.py" or re.search(rb"(?<![A-Za-z0-9_])(?:def|class)[ \t]+" + re.escape(name.encode("utf-8")), data):
        return False
    other = module.project.module_at(path)
    if other is None or _looks_up_names(other):
        return False
    ours = theirs = 0  # (the words the imports of ``name`` spell, from ``module`` and from another)
    for stmt, _ in other.index.imports:
        loads = _loads(other, stmt, module.path)
        if loads:
            return False  # (the module itself, or all its names: ``ai_memory.log_trade_result``)
        for alias in stmt.names:
            if alias.name != name or isinstance(stmt, ast.Import):
                continue
            if alias.asname not in (None, name):
                bound = re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(alias.asname.encode("utf-8")) + rb"(?![A-Za-z0-9_])")
                if loads is False and len(bound.findall(data)) != 1:
                    return False  # (used under the name it was bound to)
            if loads is None and not _binds_another(module, other, stmt, name):
                return False  # (a package re-exporting the function, or a module found through a root not at hand)
            spelled = 2 if alias.asname == name else 1
            if loads is False:
                ours += spelled
            else:
                theirs += spelled
    mentions = len(word.findall(data))
    if ours:
        return not theirs and mentions == ours
    plain = sum(1 for node in ast.walk(other.tree) if isinstance(node, ast.Name) and node.id == name)
    return theirs > 0 and mentions == theirs + plain


def _binds_another(module: ModuleInfo, other: ModuleInfo, stmt: ast.ImportFrom, name: str) -> bool:
    """Whether ``stmt`` of ``other`` (``from x import name``, not found to load ``module``) binds
    another function than ``module``'s: ``x`` is a module of the project that defines ``name``
    itself (not a package re-exporting it), or no module of the project, and not one named like
    ``module`` (found, maybe, through a folder on the path this checkout does not show)."""
    files = _files_at(_from_bases(other, stmt))
    if files:
        return all(
            (found := module.project.module_at(f)) is not None
            and any(isinstance(s, (*FUNCTION_NODES, ast.ClassDef)) and s.name == name for s in found.tree.body)
            for f in files
        )
    return (stmt.module or "").rpartition(".")[2] != module.path.stem


def _own_project_function(module: ModuleInfo, path: Path, name: str, imported_from: set[Path]) -> bool:
    """Whether the file at ``path`` defines ``name`` at its top, imports nothing of ``module`` by
    that name nor ``module`` itself, and a module of the project that is not a test imports
    ``name`` from it by name (``path`` among ``imported_from``, :func:`_imported_by_name`): its
    mentions are its own function's, which the project calls by name (no framework convention)."""
    if path not in imported_from or path.name == "__init__.py":
        return False
    other = module.project.module_at(path)
    if other is None or _looks_up_names(other):
        return False
    if not any(isinstance(s, FUNCTION_NODES) and s.name == name for s in other.tree.body):
        return False
    for stmt, _ in other.index.imports:
        loads = _loads(other, stmt, module.path)
        if loads or loads is False and any(a.name == name for a in stmt.names):
            return False
    return True


def _imported_by_name(module: ModuleInfo, root: Path, name: str) -> set[Path]:
    """The module files that the project's modules that are not tests import ``name`` from by
    name (``from .ema import calculate_ema``)."""
    found: set[Path] = set()
    for importer_path, _ in files_naming(module.project, root, name):
        importer = module.project.module_at(importer_path)
        if importer is None or in_tests(importer):
            continue
        for stmt, _ in importer.index.imports:
            if isinstance(stmt, ast.ImportFrom) and any(a.name == name for a in stmt.names):
                found |= _files_at(_from_bases(importer, stmt))
    return found


def _names_any_way(text: str, name: str, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the module defines ``name`` again outside ``function`` (``def name`` twice: which
    one a caller gets depends on the order, not judged)."""
    rest = outside_of(text, function)
    return re.search(rb"(?<![A-Za-z0-9_])(?:def|class)[ \t]+" + re.escape(name.encode("utf-8")) + rb"(?![A-Za-z0-9_])", rest) is not None


def _looks_up_names(module: ModuleInfo) -> bool:
    """A name looked up at run time: ``getattr(x, name)``, ``dir()``, ``vars()``, or the module's
    namespace read as a mapping (``globals()[name]``, ``locals()`` at the top of the module;
    inside a function ``locals()`` holds that function's names alone)."""
    return looked_up_by_name(module) or any(
        isinstance(call.func, ast.Name) and (
            call.func.id == "globals" or call.func.id == "locals" and module.enclosing_function(call) is None)
        for call in module.index.calls
    )


def _importers(module: ModuleInfo, root: Path, scanned: Scans) -> list[tuple[ModuleInfo, bool]]:
    """The project's modules, tests aside, with an ``import`` statement that loads ``module``;
    with each, whether one of them binds the module itself, or all its names (``import
    strategies.atr``, ``from . import atr``, ``from .atr import *``), not only names it
    spells (``from .atr import calculate_atr``)."""
    stem = module.path.stem
    note(module.project, f"mentions {stem}", root, scanned)
    found: list[tuple[ModuleInfo, bool]] = []
    for path, _ in files_naming(module.project, root, stem, skip=module.path):
        other = module.project.module_at(path)
        if other is None or in_tests(other):
            continue
        verdicts = [_loads(other, stmt, module.path) for stmt, _ in other.index.imports]
        if any(v is not None for v in verdicts):
            found.append((other, any(v for v in verdicts)))
    return found


def _loads(module: ModuleInfo, stmt: ast.Import | ast.ImportFrom, target: Path) -> bool | None:
    """Whether ``stmt`` of ``module`` loads the file ``target``: None when it does not, True when
    it binds the module itself or all its names, False when only names it spells."""
    if isinstance(stmt, ast.Import):
        places = [r.joinpath(*alias.name.split(".")) for alias in stmt.names for r in module.roots]
        return True if target in _files_at(places) else None
    bases = _from_bases(module, stmt)
    if target in _files_at([b / alias.name for b in bases for alias in stmt.names if alias.name != "*"]):
        return True  # (``from . import atr``: the module itself)
    if target in _files_at(bases):
        return any(alias.name == "*" for alias in stmt.names)
    return None


def _from_bases(module: ModuleInfo, stmt: ast.ImportFrom) -> list[Path]:
    """The places (without suffix) of the module ``from x import ...`` names, one per root for an
    absolute ``x``."""
    parts = stmt.module.split(".") if stmt.module else []
    if stmt.level:
        base = module.path.parent
        for _ in range(stmt.level - 1):
            base = base.parent
        return [base.joinpath(*parts)]
    return [r.joinpath(*parts) for r in module.roots]


def _files_at(places: list[Path]) -> set[Path]:
    """The module files that the dotted places name: ``place.py`` or ``place/__init__.py``."""
    files: set[Path] = set()
    for place in places:
        if not place.name:
            continue
        for candidate in (place.with_name(place.name + ".py"), place / "__init__.py"):
            if candidate.is_file():
                files.add(candidate)
    return files
