"""A resource on ``self`` that the object's owner closes, reaching through it.

Trusty-cogs' ``TenorAPI`` makes ``self.session`` and has no close method; the cog that holds it
(``self.tenor = TenorAPI(...)``) closes it at unload with ``await self.tenor.session.close()``.
The class does not end its session, but its owner does: not a leak.

Proven, not guessed: some module of the project both stores a new instance of the class
(``<x>.tenor = TenorAPI(...)`` or ``tenor = TenorAPI(...)``) and closes ``<...>.tenor.session``
with the resource's close method. Only files whose text names the class and the close are parsed.
"""

from __future__ import annotations

import ast
import weakref
from pathlib import Path
from typing import cast

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root


def closed_by_an_owner(module: ModuleInfo, cls: str, attr: str, closes: frozenset[str], coroutine: bool = False) -> bool:
    """Whether code of the project closes ``attr`` of a ``cls`` instance it made and holds. A
    ``coroutine`` close called as a bare statement (``entry.runtime_data.coordinator.api.close()``)
    only makes a coroutine, and closes nothing (alexdelprete/ha-abb-powerone-pvi-sunspec
    ``16f4b81f``, round 11's development half)."""
    # Without a project marker, the folder the module's absolute imports start from.
    root = project_root(module) or (module.roots[0] if module.roots else None)
    if root is not None:
        module.project.note_scan(f"mentions {cls}", root)  # for the cache, memo or not
    key = (attr, closes, coroutine)
    # Dropped when a file that names the class changes (a buffer in the language server).
    memo = module.project.scan_memo(cls)
    if (root, key) in memo:
        return cast(bool, memo[(root, key)])
    found = _owner_closes(module, cls, attr, closes, coroutine)
    if not found and root is not None:
        needles = [f".{attr}.{close}(".encode() for close in closes]
        for path, data in files_naming(module.project, root, cls, skip=module.path):
            if not any(needle in data for needle in needles):
                continue
            other = module.project.module_at(path)
            if other is not None and _owner_closes(other, cls, attr, closes, coroutine):
                found = True
                break
    if not found and root is not None:
        found = _closed_by_a_subclass_of_owner(module, root, cls, attr, closes, coroutine)
    memo[(root, key)] = found
    return found


def _closed_by_a_subclass_of_owner(module: ModuleInfo, root: Path, cls: str, attr: str, closes: frozenset[str], coroutine: bool) -> bool:
    """An owner class declares the holder (``_device: DeviceInfo = attr.ib(default=attr.Factory(DeviceInfo))``)
    and a subclass of it, in a module that need not name ``cls``, closes through it
    (``await self._device.telnet_api.async_disconnect()``): the subclass's instance holds what its
    base declares (``class Receiver(Foundation)``, where only ``Foundation`` names
    ``DeviceInfo``). Only the files naming such an owner class and the close are parsed."""
    needles = [f".{attr}.{close}(".encode() for close in closes]
    # No file calls the close through the attribute: nothing parsed.
    if not any(any(needle in data for needle in needles) for _, data in files_naming(module.project, root, attr)):
        return False
    owners: dict[str, set[str]] = {}
    for path, _ in ((module.path, b""), *files_naming(module.project, root, cls, skip=module.path)):
        home = module if path == module.path else module.project.module_at(path)
        if home is not None:
            for owner, names in _class_holders(home, cls).items():
                owners.setdefault(owner, set()).update(names)
    for owner, names in owners.items():
        for path, data in files_naming(module.project, root, owner):
            if not any(needle in data for needle in needles):
                continue
            other = module.project.module_at(path)
            if other is None or not any(owner in {n for b in c.bases if (n := _names(b)) is not None} for c in other.index.classes):
                continue
            by_holder = _attribute_calls(other)[coroutine].get(attr) or {}
            if any(methods & closes for holder in names if (methods := by_holder.get(holder)) is not None):
                return True
    return False


def _class_holders(module: ModuleInfo, cls: str) -> dict[str, set[str]]:
    """The classes of ``module`` that declare an attribute holding a ``cls`` (annotated with it,
    or made by calling it, in the class body or on ``self``), with those attributes' names."""
    found: dict[str, set[str]] = {}
    for owner in module.index.classes:
        for node in ast.walk(owner):
            if isinstance(node, ast.AnnAssign) and _names(node.annotation) == cls and (name := _holder_name(node.target)) is not None:
                found.setdefault(owner.name, set()).add(name)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _names(node.value.func) == cls:
                found.setdefault(owner.name, set()).update(n for t in node.targets if (n := _holder_name(t)) is not None)
    return found


def closed_by_an_owner_of_family(module: ModuleInfo, cls: ast.ClassDef, attr: str, closes: frozenset[str], coroutine: bool = False) -> bool:
    """``closed_by_an_owner`` of ``cls`` or of one of its first-party bases: an owner holding an
    instance typed as a base (``agent: BaseAgent``; ``await self.agent.vector_db.tear_down()``)
    closes what each subclass keeps there (vocodedev/vocode-core ``9ebbc82a``)."""
    return any(closed_by_an_owner(module, node.name, attr, closes, coroutine) for _, node in class_and_bases(module, cls))


def _owner_closes(module: ModuleInfo, cls: str, attr: str, closes: frozenset[str], coroutine: bool) -> bool:
    by_holder = _attribute_calls(module)[coroutine].get(attr)
    if not by_holder:
        return False  # asked once per class: no walk of the module when nothing calls through the attribute
    holders = _holders_by_class(module).get(cls, set())
    return any(methods & closes for holder in holders if (methods := by_holder.get(holder)) is not None)


_ATTRIBUTE_CALLS: weakref.WeakKeyDictionary[ModuleInfo, tuple[dict[str, dict[str | None, set[str]]], ...]] = weakref.WeakKeyDictionary()


def _attribute_calls(module: ModuleInfo) -> tuple[dict[str, dict[str | None, set[str]]], ...]:
    """The module's calls ``x.attr.method(...)``, by ``attr``, then by ``x``'s holder name
    (``_holder_name``): the methods called, all of them and (second) those not called as a bare
    statement; found once per module (each class holding a resource asks, and many classes share
    an attribute's name)."""
    found = _ATTRIBUTE_CALLS.get(module)
    if found is None:
        every: dict[str, dict[str | None, set[str]]] = {}
        used: dict[str, dict[str | None, set[str]]] = {}
        for call in module.index.calls:
            if isinstance(func := call.func, ast.Attribute) and isinstance(owned := func.value, ast.Attribute):
                every.setdefault(owned.attr, {}).setdefault(_holder_name(owned.value), set()).add(func.attr)
                if not isinstance(module.parent(call), ast.Expr):
                    used.setdefault(owned.attr, {}).setdefault(_holder_name(owned.value), set()).add(func.attr)
        found = _ATTRIBUTE_CALLS[module] = (every, used)
    return found


# Per module, ``ast.walk`` once: each called name's holders (``x.tenor = TenorAPI(...)``: "tenor").
_HOLDERS: weakref.WeakKeyDictionary[ModuleInfo, dict[str, set[str]]] = weakref.WeakKeyDictionary()


def _holders_by_class(module: ModuleInfo) -> dict[str, set[str]]:
    found = _HOLDERS.get(module)
    if found is None:
        found = {}
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # A parameter annotated with the class (``agent: BaseAgent``) holds one.
                for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
                    typed = _names(arg.annotation) if arg.annotation is not None else None
                    if typed is not None:
                        found.setdefault(typed, set()).add(arg.arg)
                continue
            if isinstance(node, ast.AnnAssign) and (typed := _names(node.annotation)) is not None:
                name = _holder_name(node.target)
                if name is not None:
                    found.setdefault(typed, set()).add(name)
            if not (isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(value := node.value, ast.Call)):
                continue
            called = _names(value.func)
            if called is None:
                continue
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                name = _holder_name(target)
                if name is not None:
                    found.setdefault(called, set()).add(name)
        _HOLDERS[module] = found
    return found


def _names(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _holder_name(node: ast.expr) -> str | None:
    """``self.tenor`` and ``tenor`` hold under the name ``tenor``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None

