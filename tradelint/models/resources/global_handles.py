"""A module global the module hands out, ended where the application ends (issue 28, point 5:
lifecycles followed across modules; development pool sample 59).

``global _service; if _service is None: _service = Service(); return _service`` in a getter of
the module (or in the module's ``__getattr__``, which Python runs for ``from services import
service`` when the module binds no such name) lends the one instance to every caller: the module
itself never ends it, the program does, at its end. A file of the project that gets it through
that handle and releases it where the application ends (after the ``yield`` of its lifespan, in a
shutdown handler: :func:`.end_of_life.runs_at_application_end`) ends it, directly (``await
get_service().shutdown()``) or as an element of a collection that end of life ends element by
element (``services = [tool_service, ...]`` then ``for s in services: await s.shutdown()``, there
or in the first-party coroutine the collection is handed to: :func:`.released_elements.
ends_each_element`).

The module's own code may release it through the handle as well (``await get_session().close()``
in its cleanup, or a local bound once to the call, then closed): that is a release of the global,
as ``await _session.close()`` is, wherever in the module it is written (the module's own releases
of the name are not asked to run at the application's end either).

Proven, not guessed: the handle returns the very global (``return _service``); the other file
imports the handle from this module by its dotted name; the release is an awaited call of a
release of the whole object on the value the handle gave (or on a local bound once to it), or on
each element of a local collection built with it. A collection ended in a function that is no end
of life (a ``restart()``, any helper) proves nothing."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.bindings import binds_name
from tradelint.facts.end_of_life import runs_at_application_end
from tradelint.facts.end_references import search_root
from tradelint.facts.project_files import files_naming
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.models.resources.released_elements import ends_each_element, ends_whole


def ended_through_handle(
    module: ModuleInfo, name: str, close: str | None, releases: Callable[[ast.expr], bool] | None = None
) -> bool:
    """Whether the module global ``name`` is handed out by a function of ``module`` and released
    through that handle where the application ends, or anywhere in ``module`` itself when
    ``releases`` (the resource model's test of a release of a value) says so (see the module's
    docstring)."""
    handles = _handles(module, name)
    if releases is not None and any(
        releases(value) for word, called in handles if called for value in _own_values(module, word)
    ):
        return True
    if module.module_name is None:
        return False
    root = search_root(module)
    for word, called in handles:
        qualified = f"{module.module_name}.{word}"
        module.project.note_scan(f"mentions {word}", root)
        for path, _ in files_naming(module.project, root, word, skip=module.path):
            other = module.project.module_at(path)
            if other is not None and any(_ended(other, value, close) for value in _values(other, qualified, called)):
                return True
    return False


def _handles(module: ModuleInfo, name: str) -> list[tuple[str, bool]]:
    """``(word, called)`` for each top-level function of ``module`` returning the global ``name``:
    a getter (its own name, called) or the module's ``__getattr__`` (each attribute name it
    compares its parameter with, not called)."""
    found: list[tuple[str, bool]] = []
    for function in module.tree.body:
        if not isinstance(function, FUNCTION_NODES) or not any(
            isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id == name
            and module.enclosing_function(n) is function for n in walk(function)
        ):
            continue
        if function.name != "__getattr__":
            found.append((function.name, True))
            continue
        found += [
            (c.value, False) for n in walk(function) if isinstance(n, ast.Compare)
            for c in (n.left, *n.comparators) if isinstance(c, ast.Constant) and isinstance(c.value, str) and c.value.isidentifier()
        ]
    return found


def _values(other: ModuleInfo, qualified: str, called: bool) -> list[ast.expr]:
    """The expressions of ``other`` whose value is what the handle gives: calls of the getter,
    loads of the attribute (and loads of a local bound once to either)."""
    found: list[ast.expr] = []
    for node in walk(other.tree):
        target = node.func if called and isinstance(node, ast.Call) else node if not called and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else None
        if target is None or other.imports.qualify(target) != qualified:
            continue
        assert isinstance(node, ast.expr)
        found += _with_its_local(other, node)
    return found


def _with_its_local(module: ModuleInfo, node: ast.expr) -> list[ast.expr]:
    """``node`` and, when it is the value of a one-name assignment in a function, the loads of
    that local there."""
    found = [node]
    stmt = module.parent(node)
    function = module.enclosing_function(node)
    if isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(local := stmt.targets[0], ast.Name) and function is not None:
        found += [n for n in walk(function) if isinstance(n, ast.Name) and n.id == local.id and isinstance(n.ctx, ast.Load)]
    return found


def _own_values(module: ModuleInfo, word: str) -> list[ast.expr]:
    """The calls of the module's own getter ``word`` outside the getter (``get_session()``), and
    the loads of a local bound once to one, where the module does not bind ``word`` otherwise."""
    if word in module.imports.names:
        return []
    found: list[ast.expr] = []
    for node in walk(module.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == word):
            continue
        function = module.enclosing_function(node)
        scope = function
        while scope is not None and not binds_name(scope, word):
            scope = module.enclosing_function(scope)
        if scope is None:  # (not inside the getter itself, nor where a local of that name hides it)
            found += _with_its_local(module, node)
    return found


def _ended(other: ModuleInfo, value: ast.expr, close: str | None) -> bool:
    """Whether ``value`` is released where the application ends: ``await value.<release>()``
    there, or as an element of a local collection ended there element by element."""
    parent = other.parent(value)
    if isinstance(parent, ast.Attribute) and (ends_whole(parent.attr) or parent.attr == close):
        call = other.parent(parent)
        return isinstance(call, ast.Call) and isinstance(other.parent(call), ast.Await) and runs_at_application_end(other, call)
    function = other.enclosing_function(value)
    collection = _collection_of(other, value, parent)
    if function is None or collection is None:
        return False
    end = ends_each_element(other, function, collection, close)
    return end is not None and runs_at_application_end(other, end)


def _collection_of(other: ModuleInfo, value: ast.expr, parent: ast.AST | None) -> str | None:
    """The local ``value`` is put in: ``services = [value, ...]`` (annotated or not), or
    ``services.append(value)`` / ``services.insert(i, value)``."""
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set)):
        stmt = other.parent(parent)
        if isinstance(stmt, ast.Assign) and stmt.value is parent and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            return stmt.targets[0].id
        if isinstance(stmt, ast.AnnAssign) and stmt.value is parent and isinstance(stmt.target, ast.Name):
            return stmt.target.id
        return None
    if isinstance(parent, ast.Call) and isinstance(func := parent.func, ast.Attribute) and func.attr in ("append", "insert") and (
            isinstance(func.value, ast.Name) and parent.args and parent.args[-1] is value):
        return func.value.id
    return None
