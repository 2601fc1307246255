"""What a module's name is bound to last, when that binding is a ``from .x import *``
(``scripts/make_resource_table.py``'s ``WheelProject``).

A module's summary knows the names it imports one by one (``ImportMap``), never those a star
import binds. Python runs a module's statements in order, so a name imported first and bound
again by a later ``from ._patch import *`` whose module exports it is the later one: every
generated Azure SDK package does so (``_operations/__init__.py`` imports the generated
``_SearchIndexClientOperationsMixin``, then ``from ._patch import *`` binds the hand-written
subclass of it that ``_patch.__all__`` lists; azure-search-documents' ``get_search_client`` is a
method of that subclass only). A name bound by a star import alone (Pyrogram's
``connection.transport`` package, ``from .tcp import *``) is known the same way, where the
summary knows nothing of it. :func:`star_rebound` names such a name's source module; the name is
resolved there, as Python binds it, not through the first import (nor left unresolved).

Bindings under ``if TYPE_CHECKING:`` are left out (Python never runs them); every other branch
counts in the order of its text (a ``try`` body's star import binds when it succeeds, which is
what a library ships for).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tradelint.facts.context import Project
from tradelint.facts.syntax import is_type_checking_test, resolve_relative


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The module-level statements of ``body`` in the order of their text, those of ``if`` and
    ``try`` blocks included, never a function's nor a class's, nor what only ``if TYPE_CHECKING``
    runs."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            if not is_type_checking_test(stmt.test):
                yield from _statements(stmt.body)
            yield from _statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _statements(stmt.body)
            for handler in stmt.handlers:
                yield from _statements(handler.body)
            yield from _statements([*stmt.orelse, *stmt.finalbody])
        else:
            yield stmt


def _bound(stmt: ast.stmt) -> list[str]:
    """The names a statement binds one by one (not a star import's)."""
    if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [alias.asname or alias.name.split(".", 1)[0] for alias in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [alias.asname or alias.name for alias in stmt.names if alias.name != "*"]
    targets: list[ast.expr] = (
        list(stmt.targets) if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []
    )
    names: list[str] = []
    while targets:
        target = targets.pop()
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            targets.extend(target.elts)
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
    return names


def exported_names(tree: ast.Module) -> frozenset[str] | None:
    """The names ``from <module> import *`` binds, when the module says them: a literal
    ``__all__`` (a list or tuple of strings, assigned once, ``+=`` or ``.extend`` of literals
    too). None when ``__all__`` is built otherwise (a comprehension over another module's)."""
    names: set[str] = set()
    said = False
    for stmt in _statements(tree.body):
        value: ast.expr | None = None
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                continue
            value = stmt.value
        elif (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
            and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == "__all__"
        ):
            if stmt.value.func.attr not in ("extend", "append") or len(stmt.value.args) != 1:
                return None
            value = stmt.value.args[0]
            if stmt.value.func.attr == "append":
                value = ast.List([value], ast.Load())
        else:
            continue
        if not isinstance(value, (ast.List, ast.Tuple)) or not all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            return None
        said = True
        names.update(e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return frozenset(names) if said else None


def public_names(tree: ast.Module) -> frozenset[str]:
    """What ``from <module> import *`` binds when the module has no ``__all__``: every name it
    binds at module level that does not start with an underscore."""
    return frozenset(n for stmt in _statements(tree.body) for n in _bound(stmt) if not n.startswith("_"))


def star_rebound(
    tree: ast.Module, module_name: str, is_package: bool, star_names: Callable[[str], frozenset[str] | None]
) -> dict[str, str]:
    """Each name whose last module-level binding is ``from <source> import *`` of a module
    exporting it, with that source's dotted name. ``star_names(source)``: what a star import of
    ``source`` binds (None when the module is not read: the star import then binds nothing
    known, and a name bound before it stays as it was)."""
    last: dict[str, str | None] = {}
    for stmt in _statements(tree.body):
        if isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names):
            source = resolve_relative(stmt.module, stmt.level, module_name, is_package)
            names = star_names(source) if source else None
            for name in names or ():
                last[name] = source
        else:
            for name in _bound(stmt):
                last[name] = None
    return {name: source for name, source in last.items() if source is not None}


class StarBindings:
    """:func:`star_rebound` for the modules of a project, read once each."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._rebound: dict[Path, dict[str, str]] = {}
        self._reading: set[Path] = set()

    def rebound(self, qualified: str, roots: tuple[Path, ...]) -> tuple[str, tuple[Path, ...]] | None:
        """Where ``module.name`` is bound by a later star import of ``module``: the name in its
        source module, and the folders that module's imports are searched from."""
        module_name, _, name = qualified.rpartition(".")
        if not module_name or module_name.split(".", 1)[0] in sys.stdlib_module_names:
            return None
        path = self.project.find_path(module_name, roots)
        source = self._of(path).get(name) if path is not None else None
        if path is None or source is None or f"{source}.{name}" == qualified:
            return None
        return f"{source}.{name}", self.project.locate(path)[1]

    def _of(self, path: Path) -> dict[str, str]:
        known = self._rebound.get(path)
        if known is None:
            module = self.project.module_at(path)
            stars = module is not None and any(
                isinstance(s, ast.ImportFrom) and any(a.name == "*" for a in s.names) for s in ast.walk(module.tree)
            )
            module_name = self.project.locate(path)[0] if stars else None
            known = self._rebound[path] = star_rebound(
                module.tree, module_name, path.name == "__init__.py", lambda source: self._star_names(source, path)
            ) if module is not None and module_name else {}
        return known

    def _star_names(self, source: str, importer: Path) -> frozenset[str] | None:
        """What ``from <source> import *`` binds in ``importer``: the source's literal
        ``__all__``, else its public names, those its own star imports bind included."""
        path = self.project.find_path(source, self.project.locate(importer)[1])
        module = self.project.module_at(path) if path is not None and path != importer else None
        if path is None or module is None:
            return None
        said = exported_names(module.tree)
        if said is not None:
            return said
        if path in self._reading:
            return public_names(module.tree)
        self._reading.add(path)
        try:
            return public_names(module.tree) | {n for n in self._of(path) if not n.startswith("_")}
        finally:
            self._reading.discard(path)
