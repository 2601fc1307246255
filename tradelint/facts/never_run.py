"""An ``async def`` method its project only ever calls without ``await`` never runs (issue 28
point 2): each call makes a coroutine that is dropped, so a release in its body releases nothing.

``async def disconnect(self): self._client.close()``, called as ``self.disconnect()`` from
``shutdown()`` and from every error path, and nowhere awaited (WillCodeForCats/
solaredge-modbus-multi ``82589730``, round 11's development half): the client is never closed.

Proven, not guessed: the method is an undecorated ``async def`` of a class; its module calls it
as a bare statement at least once; every mention of its name in the module is such a bare call
(no ``await``, no ``return``, no callback, no task), and no other file of the project mentions it
otherwise (an ``await x.disconnect()`` or a ``hub.disconnect`` handed on there may run it). A
method of a module outside a project (no root) is not judged."""

from __future__ import annotations

import ast
import weakref
from pathlib import Path

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root

_NEVER_RUN: weakref.WeakKeyDictionary[ModuleInfo, dict[str, bool]] = weakref.WeakKeyDictionary()


def never_runs(module: ModuleInfo, method: ast.AST) -> bool:
    """Whether ``method``, an ``async def`` of a class of ``module``, only ever gets called
    without ``await``."""
    cls = module.parent(method)
    if not isinstance(method, ast.AsyncFunctionDef) or method.decorator_list or not isinstance(cls, ast.ClassDef):
        return False
    root = project_root(module) or (module.roots[0] if module.roots else None)
    if root is None:
        return False
    name = method.name
    module.project.note_scan(f"mentions {name}", root)  # every call: the cache must know who relied on it
    memo = _NEVER_RUN.setdefault(module, {})
    key = f"{cls.name}.{name}"
    if key not in memo:
        # Called bare here at least once (a method nothing calls may be the library's API).
        memo[key] = _only_bare(module, cls, name) is True and all(
            _only_bare(other, cls, name) is not False
            for path, _ in files_naming(module.project, root, name, skip=module.path)
            if (other := module.project.module_at(path)) is not None
        )
    return memo[key]


def _only_bare(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool | None:
    """Every mention of ``name`` in ``module`` is a bare call, or a call (or reference) on a
    receiver proven to be of another first-party class (``scanner.disconnect()`` where ``scanner =
    DeviceScanner(...)``): True when there is a bare call, None when there is none."""
    bare: bool | None = None
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Name) and node.id == name:
            return False  # ``disconnect`` named bare: a reference that may be awaited or scheduled
        if not (isinstance(node, ast.Attribute) and node.attr == name):
            continue
        call = module.parent(node)
        if isinstance(call, ast.Call) and call.func is node and isinstance(module.parent(call), ast.Expr):
            bare = True
            continue
        function = module.enclosing_function(node)
        found = receiver_class(module, function, node.value) if function is not None else None
        if found is None or found[1] is cls or any(b is cls for _, b in class_and_bases(*found)):
            return False
    return bare


def closer_never_run(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> str | None:
    """The name of a method of ``cls`` that calls a method of ``self.attr`` and never runs: the
    close the class meant, lost for want of an ``await`` at its calls."""
    for method in cls.body:
        if not isinstance(method, ast.AsyncFunctionDef) or not method.args.args:
            continue
        me = method.args.args[0].arg
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(held := node.func.value, ast.Attribute)
                and held.attr == attr
                and isinstance(held.value, ast.Name)
                and held.value.id == me
                and never_runs(module, method)
            ):
                return method.name
    return None
