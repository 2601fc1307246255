"""A first-party object handed on whose setup nothing can call: it never holds anything.

A first-party class whose ``__init__`` acquires nothing, and whose acquisitions are made in other
methods (``async_setup()``, ``start()``, ``connect()``: its *opening* methods, read by
:func:`.unopened.opening_methods`), is a resource only on the paths where one of those methods
runs on the instance. Where the function that makes it never calls one, but hands the instance
on (``Device(hass, entry_data)``, ``render(entry_data)``), the instance is opened only if some
code it reaches calls an opening method on it. That code names the method: so when no spelling
``<receiver>.<opening method>`` in the whole project may have this instance as its receiver, it
holds nothing wherever it goes, and there is nothing to release::

    class EntryData:
        def __init__(self, hass): self._hass = hass; self._session = None
        async def async_setup(self): self._session = ClientSession()
        async def async_unload(self): ...

    def test_device(hass):
        data = EntryData(hass)            # not a leak: nothing calls ``async_setup`` on it
        assert Device(hass, data).supported

A receiver that cannot be this instance: ``self`` (or ``super()``) in any method (a method of
the class that reaches an opening method is itself an opening method, and is looked for in its
turn); a local name whose every binding in its function is the construction of a first-party
class (a fresh object: ``data = EntryData(hass); await data.async_setup()`` elsewhere); a name
iterating over a private ``self.<attr>`` that its module fills only with fresh constructions;
and ``x.<attr>`` where no code of the project stores anything at ``.<attr>`` (``hass.config_entries``:
a library's own value). Anything else (a parameter, a returned value, a dictionary's item) may be
it, and the instance stays a resource.

Not read so: a class with a base that is not first-party (a framework may call its hooks), or
one whose lineage defines a protocol method (``__aenter__``: entered by whoever gets it), or
whose opening methods are not known (:mod:`.unopened` says so)."""

from __future__ import annotations

import ast
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.project_files import files_naming
from tradelint.facts.summaries import definition_of
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.resources.process_globals import project_folder
from tradelint.models.resources.resource_types import Creation
from tradelint.models.resources.mocked_parts import bases_all_read
from tradelint.models.resources.unopened import opening_methods

__all__ = ["setup_never_called"]

# Bases of the standard library that call no method of their subclasses.
_FILLING = frozenset({"append", "add", "insert", "extend", "appendleft"})


def setup_never_called(module: ModuleInfo, model: OwnershipModel, c: Creation, loads: Iterable[ast.expr]) -> bool:
    """Whether the local ``c`` (a first-party lazy class's instance) is handed on, never opened
    by its function, and no code of the project may call an opening method on it."""
    if not (c.spec.lazy and c.spec.first_party and not c.spec.library) or c.function is None:
        return False
    opening = opening_methods(module, model, c.call.func)
    found = class_named(module, c.call.func)
    if opening is None or not opening.methods or found is None:
        return False  # (not known: any use may open it)
    family = lineage(module.project, *found)
    if not bases_all_read(family):
        return False  # a base that is not first-party
    if any(name.startswith("__") and name.endswith("__") for name in opening.methods & opening.opening):
        return False  # (run without being spelled: ``async with``, ``await``, a call, a framework's hook)
    handed = False
    for load in loads:
        parent = module.parent(load)
        if isinstance(parent, ast.Attribute) and parent.value is load:
            if parent.attr in opening.opening or parent.attr not in opening.methods:
                return False  # opened here, or through a data attribute (as :mod:`.unopened` reads it)
            continue
        if isinstance(parent, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops):
            continue
        if _leaves(module, c.function, load):
            return False  # (``return Holder(item)``: code out of the project may open it)
        if isinstance(parent, (ast.Call, ast.keyword)) and _unread_callee(module, parent):
            return False  # given to the project's code that is not here to read
        handed = True
    names = {name for name in opening.opening if not name.startswith("__")}
    if not handed or not names:
        return False
    own = (str(module.path), c.function.lineno, c.name)
    return not any(may or (path, line, receiver) == own for name in sorted(names) for path, line, receiver, may in _callers(module, name))


# A spelling ``<receiver>.<name>``: its file, its function's first line (0: none), its receiver's
# name ("" for another expression), and whether it may be any instance at all.
Caller = tuple[str, int, str, bool]


def _callers(module: ModuleInfo, name: str) -> tuple[Caller, ...]:
    """Every load ``<x>.<name>`` in the project, read once per project folder."""
    top = project_folder(module)
    module.project.note_scan(f"mentions {name}", top)
    memo = module.project.scan_memo(name)
    key = ("setup callers", top)
    found = memo.get(key)
    if found is None:
        rows: list[Caller] = []
        for path, _ in files_naming(module.project, top, name):
            other = module if path == module.path else module.project.module_at(path)
            if other is None:
                rows.append((str(path), 0, "", True))  # unreadable: may be it
                continue
            for node in other.index.attributes:
                if node.attr == name and isinstance(node.ctx, ast.Load):
                    function = other.enclosing_function(node)
                    receiver = node.value.id if isinstance(node.value, ast.Name) else ""
                    rows.append((str(path), function.lineno if function is not None else 0, receiver, _may_be_it(other, node)))
        found = memo[key] = tuple(rows)
    return cast("tuple[Caller, ...]", found)


def _unread_callee(module: ModuleInfo, parent: ast.AST) -> bool:
    """``Broker(dispatcher=item)`` where ``Broker`` is imported from a package of the project
    whose module cannot be read (not among the files checked): what it does with it is unknown."""
    call = module.parent(parent) if isinstance(parent, ast.keyword) else parent
    if not isinstance(call, ast.Call) or definition_of(module, call.func) is not None:
        return False
    qualified = module.imports.qualify(call.func)
    if qualified is None:
        return False
    top = qualified.split(".")[0]
    return any((root / top).is_dir() or (root / f"{top}.py").is_file() for root in module.project.locate(module.path)[1])


def _may_be_it(module: ModuleInfo, node: ast.Attribute) -> bool:
    receiver = node.value
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        return False
    if isinstance(receiver, ast.Attribute):
        return _stored_somewhere(module, receiver.attr)
    if not isinstance(receiver, ast.Name):
        return True
    function = module.enclosing_function(node)
    if function is None:
        return True
    if _a_method(module, function) and function.args.args and receiver.id == (function.args.posonlyargs + function.args.args)[0].arg:
        return False  # ``self``
    bindings = list(_bindings(function, receiver.id))
    if not bindings:
        return True
    return not all(_fresh(module, b) or _element_of_fresh(module, function, b) for b in bindings)


def _leaves(module: ModuleInfo, function: ast.AST, load: ast.expr) -> bool:
    """Whether ``load`` is returned or yielded by ``function``, itself or in what it is given to
    (``return Holder(item)``; ``holder = Holder(item)`` ... ``return holder``)."""
    kept: set[str] = set()
    for ancestor in module.ancestors(load, function):
        if isinstance(ancestor, (ast.Return, ast.Yield, ast.YieldFrom, ast.Lambda)):
            return True
        if isinstance(ancestor, ast.Assign):
            kept |= {name for t in ancestor.targets for name in _bound(t)}
        if isinstance(ancestor, ast.stmt):
            break
    return any(
        isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom)) and n.value is not None and any(isinstance(e, ast.Name) and e.id in kept for e in ast.walk(n.value))
        for n in ast.walk(function)
    )


def _a_method(module: ModuleInfo, function: ast.AST) -> bool:
    return isinstance(module.parent(function), ast.ClassDef) and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in getattr(function, "decorator_list", ())
    )


def _bindings(function: ast.AST, name: str) -> Iterator[ast.AST]:
    """What binds ``name`` in ``function`` (its nested scopes too): the value assigned, the loop
    or comprehension iterated; a parameter, a ``global``, a ``with`` or other binding as itself."""
    for n in ast.walk(function):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets):
            yield n.value if len(n.targets) == 1 else n
        elif isinstance(n, ast.Assign) and any(name in _bound(t) for t in n.targets):
            yield n  # unpacked: not read
        elif isinstance(n, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and isinstance(n.target, ast.Name) and n.target.id == name:
            yield n.value if isinstance(n, ast.AnnAssign) and n.value is not None else n
        elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)) and name in _bound(n.target):
            yield n if isinstance(n.target, ast.Name) else n.target
        elif isinstance(n, ast.arg) and n.arg == name:
            yield n
        elif isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names:
            yield n
        elif isinstance(n, ast.withitem) and n.optional_vars is not None and name in _bound(n.optional_vars):
            yield n
        elif isinstance(n, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == name for a in n.names):
            yield n


def _bound(target: ast.expr) -> set[str]:
    """The names an assignment target binds (``a``, ``a, (b, *c)``; not ``a.x`` nor ``a[k]``)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Starred):
        return _bound(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return {name for e in target.elts for name in _bound(e)}
    return set()


def _fresh(module: ModuleInfo, value: ast.AST) -> bool:
    """A construction of a first-party class: an object made there, not one handed in."""
    return isinstance(value, ast.Call) and class_named(module, value.func) is not None


def _element_of_fresh(module: ModuleInfo, function: ast.AST, binding: ast.AST) -> bool:
    """``for n in self._items`` where the module fills the private ``_items`` only with fresh
    constructions (``self._items.append(Notifier(...))``, ``self._items = []``)."""
    if not isinstance(binding, (ast.For, ast.AsyncFor, ast.comprehension)):
        return False
    source = binding.iter
    if not (isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name) and source.attr.startswith("_")):
        return False
    method = function if isinstance(function, FUNCTION_NODES) and _a_method(module, function) else None
    params = (method.args.posonlyargs + method.args.args) if method is not None else []
    if not params or source.value.id != params[0].arg:
        return False
    top = project_folder(module)
    module.project.note_scan(f"mentions {source.attr}", top)
    others = (module.project.module_at(path) for path, _ in files_naming(module.project, top, source.attr, skip=module.path))
    return all(other is not None and _filled_fresh(other, source.attr) for other in (module, *others))


def _filled_fresh(module: ModuleInfo, attr: str) -> bool:
    """Whether every spelling of ``.<attr>`` in ``module`` fills it with fresh constructions only,
    iterates, tests or copies it (a test reaching into a private list counts as well)."""
    for node in module.index.attributes:
        if node.attr != attr:
            continue
        parent = module.parent(node)
        if isinstance(node.ctx, ast.Store):
            value = getattr(parent, "value", None)
            if not (isinstance(value, (ast.List, ast.Set, ast.Tuple)) and all(_fresh(module, e) for e in value.elts)):
                return False
        elif isinstance(parent, ast.Attribute) and parent.attr in _FILLING:
            call = module.parent(parent)
            if parent.attr == "extend" or not (isinstance(call, ast.Call) and call.args and _fresh(module, call.args[-1])):
                return False
        elif not isinstance(parent, (ast.comprehension, ast.For, ast.AsyncFor, ast.Compare, ast.If, ast.UnaryOp, ast.Call)) or (
            isinstance(parent, ast.Call) and not (isinstance(parent.func, ast.Name) and parent.func.id in ("len", "bool", "list"))
        ):
            return False  # handed on: anything may go in
    return True


def _stored_somewhere(module: ModuleInfo, attr: str) -> bool:
    """Whether any code of the project may store a value at ``.<attr>``: an assignment to it, a
    field of that name in a class body, or a keyword argument of that name (a constructor's)."""
    top = project_folder(module)
    module.project.note_scan(f"mentions {attr}", top)
    memo = module.project.scan_memo(attr)
    key = ("stored at", top)
    if key not in memo:
        memo[key] = _stored_in(module, top, attr)
    return bool(memo[key])


def _stored_in(module: ModuleInfo, top: Path, attr: str) -> bool:
    others = (module.project.module_at(path) for path, _ in files_naming(module.project, top, attr, skip=module.path))
    for other in (module, *others):
        if other is None:
            return True
        if any(node.attr == attr and not isinstance(node.ctx, ast.Load) for node in other.index.attributes):
            return True
        if any(k.arg == attr for call in other.index.calls for k in call.keywords):
            return True
        for cls in other.index.classes:
            for stmt in cls.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
                if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                    return True
        if any(isinstance(call.func, ast.Name) and call.func.id == "setattr" for call in other.index.calls):
            return True
        if _a_global(other, attr):
            return True  # ``state.client``: a module's global, which any code may rebind
    return False


def _a_global(module: ModuleInfo, name: str) -> bool:
    """Whether ``module`` binds ``name`` at its top level or declares it ``global``."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Global) and name in node.names:
            return True
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store) and module.enclosing_function(node) is None:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name).split(".")[0] == name for a in node.names):
            return True
    return False
