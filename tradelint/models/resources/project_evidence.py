"""A library type the project's own code releases is a resource (preview).

A class of a package that is neither installed nor in the project, nor read into the library
table (``from somelib import Gateway``), is never judged by what it is: nothing says it holds
anything. The project may say so itself: when some first-party module (not a test) makes an
instance, ``gw = Gateway(host)`` or ``self.gw = Gateway(host)``, and awaits a release-named
method of that very instance (``await gw.close()`` in the same function, ``await
self.gw.disconnect()`` in a method of the same class), a ``Gateway`` is something its makers
must release, and every other instance the project makes is judged as a first-party resource
type released by that method.

Proven, not guessed: the released receiver is bound from the constructor call of the type in the
same function (a local) or class (an attribute of ``self``); a receiver known by its name, a
parameter or an annotation alone is no evidence, nor is an ``async with``, which says only that
the type has ``__aexit__``: it may only wrap what it is given. A library the table read
(``packs/library_resources.json``) is judged by its own code, which said which of its classes
are resources. Tests close what they make whether it holds anything or not: they give no
evidence.

Asked once per type and project (``Project.scan_memo``): only the project's files that name
the class are parsed, and only those that await something.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Callable, Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.summaries import DUNDER_RELEASE, TEST_TEARDOWNS, is_release_name
from tradelint.facts.uses import self_name
from tradelint.models.resources.library_table import library_packages
from tradelint.models.resources.resource_types import EXCHANGE_MODULES, ResourceSpec


def released_by_project(module: ModuleInfo, qualified: str, table: Iterable[str]) -> ResourceSpec | None:
    """The spec of the third-party class ``qualified`` (as ``module`` imports it) when code of
    the project releases an instance of it; None otherwise. ``table``: the run's resource table
    (built in and configured); a package it or the library table names is judged by it."""
    package, _, rest = qualified.partition(".")
    name = qualified.rpartition(".")[2]
    if not rest or not name[:1].isupper() or package in sys.stdlib_module_names:
        return None
    if package in library_packages() or any(n.partition(".")[0] == package for n in (*table, *EXCHANGE_MODULES)):
        return None
    if module.project.find_path(package, module.roots) is not None:
        return None  # first-party: judged by its own code
    root = project_root(module)
    if root is None:
        return None
    module.project.note_scan(f"mentions {name}", root)  # for the cache, memo or not
    memo = module.project.scan_memo(name)
    key = ("released-by-project", root, package, name)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    release: str | None = None
    for path, data in files_naming(module.project, root, name):
        if _is_test(path) or b"await" not in data:
            continue
        other = module if path == module.path else module.project.module_at(path)
        if other is not None and (release := _released_in(other, package, name)) is not None:
            break
    spec = ResourceSpec(release, lazy=True, first_party=True) if release is not None else None
    memo[key] = spec
    return spec


def _is_test(path: Path) -> bool:
    return (
        any(part in ("tests", "test", "testing") for part in path.parts)
        or path.name.startswith("test_")
        or path.name.endswith("_test.py")
        or path.name == "conftest.py"
    )


def _released_in(module: ModuleInfo, package: str, name: str) -> str | None:
    """The release method ``module`` awaits on an instance of ``package``'s class ``name`` that it
    made itself: a local of the same function, or an attribute of ``self`` in the same class."""
    for call in module.index.calls:
        func = call.func
        if (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "") != name:
            continue
        qualified = module.imports.qualify(func)
        if qualified is None or qualified.partition(".")[0] != package or qualified.rpartition(".")[2] != name:
            continue
        assign = module.parent(call)
        if not isinstance(assign, (ast.Assign, ast.AnnAssign)) or assign.value is not call:
            continue
        targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
        if len(targets) != 1:
            continue
        function = module.enclosing_function(call)
        if function is None:
            continue
        target = targets[0]
        found: str | None = None
        if isinstance(target, ast.Name):
            local = target.id
            found = _awaited_release(function, lambda r: isinstance(r, ast.Name) and r.id == local)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            receiver, cls = self_name(function), module.parent(function)
            attr = target.attr
            if receiver == target.value.id and isinstance(cls, ast.ClassDef):
                found = _class_release(cls, attr)
        if found is not None:
            return found
    return None


def _class_release(cls: ast.ClassDef, attr: str) -> str | None:
    """A release of ``self.attr`` awaited in a method of ``cls`` (``self`` its first parameter)."""
    for method in cls.body:
        if not isinstance(method, ast.AsyncFunctionDef):
            continue
        receiver = self_name(method)
        if receiver is None:
            continue
        found = _awaited_release(
            method,
            lambda r: isinstance(r, ast.Attribute) and r.attr == attr and isinstance(r.value, ast.Name) and r.value.id == receiver,
        )
        if found is not None:
            return found
    return None


def _awaited_release(function: ast.AST, is_receiver: Callable[[ast.expr], bool]) -> str | None:
    """``await <receiver>.<release>(...)`` in ``function`` (its nested functions too): the
    release's name."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Await) and isinstance(call := node.value, ast.Call)):
            continue
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and is_release_name(func.attr)
            and func.attr not in DUNDER_RELEASE
            and func.attr not in TEST_TEARDOWNS
            and is_receiver(func.value)
        ):
            return func.attr
    return None
