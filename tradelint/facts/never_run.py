"""An ``async def`` method its project only ever calls without ``await`` never runs (issue 28
point 2): each call makes a coroutine that is dropped, so a release in its body releases nothing.

``async def disconnect(self): self._client.close()``, called as ``self.disconnect()`` from
``shutdown()`` and from every error path, and nowhere awaited (WillCodeForCats/
solaredge-modbus-multi ``82589730``, round 11's development half): the client is never closed.

Proven, not guessed: the method is an undecorated ``async def`` of a class; its module calls it
as a bare statement at least once; every mention of its name in the module is such a bare call
(no ``await``, no ``return``, no callback, no task), and no other file of the project mentions it
otherwise (an ``await x.disconnect()`` or a ``hub.disconnect`` handed on there may run it). A bare
call on a part a class made itself is the part's, not the method's (``writer = self._writer;
writer.close()`` inside the class's own ``async def close()``, the writer filled only by
``asyncio.open_connection(...)``: python-kasa's transports). A method of a module outside a project
(no root) is not judged."""

from __future__ import annotations

import ast
import weakref
from pathlib import Path

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES, class_method, shadowed
from tradelint.facts.uses import name_stores, self_attr

_NEVER_RUN: weakref.WeakKeyDictionary[ModuleInfo, dict[str, bool]] = weakref.WeakKeyDictionary()


def never_runs(module: ModuleInfo, method: ast.AST) -> bool:
    """Whether ``method``, an ``async def`` of a class of ``module``, only ever gets called
    without ``await``; or any ``def`` of a class body that a later ``def`` of its name replaces
    (``async def close()`` followed by a sync ``def close()``): Python keeps the last."""
    cls = module.parent(method)
    if isinstance(method, FUNCTION_NODES) and isinstance(cls, ast.ClassDef) and shadowed(method, cls):
        return True
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
        function = module.enclosing_function(node)
        if isinstance(call, ast.Call) and call.func is node and isinstance(module.parent(call), ast.Expr):
            if function is None or not _made_elsewhere(module, cls, function, node.value):
                bare = True  # (not ``writer = self._writer; writer.close()``: a part the class made)
            continue
        found = receiver_class(module, function, node.value) if function is not None else None
        if found is None or found[1] is cls or any(b is cls for _, b in class_and_bases(*found)):
            return False
    return bare


def _made_elsewhere(module: ModuleInfo, cls: ast.ClassDef, function: ast.AST, receiver: ast.expr) -> bool:
    """Whether ``receiver``, read in a method of a class, is an attribute of the method's own
    instance (``self._writer``, or a local bound once to it: ``writer = self._writer``) that its
    class only ever fills by calling something other than ``cls`` (``self._reader, self._writer =
    await asyncio.open_connection(...)``) and never from a parameter: a part made there, whose
    ``close()`` is the part's, not a call of ``cls``'s own method of that name."""
    owner = module.parent(function)
    if not isinstance(owner, ast.ClassDef) or not isinstance(function, FUNCTION_NODES) or not function.args.args:
        return False
    me = function.args.args[0].arg
    if isinstance(receiver, ast.Name) and receiver.id != me:
        stores = name_stores(function, receiver.id)
        binding = module.parent(stores[0]) if len(stores) == 1 else None
        if not (isinstance(binding, ast.Assign) and len(binding.targets) == 1 and binding.targets[0] is stores[0]):
            return False
        receiver = binding.value
    attr = self_attr(receiver, me)
    facts = module.summary.classes.get(owner.lineno)
    if attr is None or facts is None or attr in facts.stored_params.values():
        return False
    refs = [a.ref for a in facts.acquisitions if a.attr == attr]
    return bool(refs) and all(ref[1].split("[", 1)[0].rpartition(".")[2] != cls.name for ref in refs)


def closer_never_run(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> str | None:
    """The name of a method of ``cls`` that calls a method of ``self.attr`` and never runs: the
    close the class meant, lost for want of an ``await`` at its calls."""
    for method in cls.body:
        if isinstance(method, ast.AsyncFunctionDef) and not shadowed(method, cls) and _calls_on(method, attr) and never_runs(module, method):
            return method.name
    return None


def closer_replaced(cls: ast.ClassDef, attr: str) -> str | None:
    """The name of a ``def`` of ``cls`` that calls a method of ``self.attr`` and that a later
    ``def`` of the same name replaces: the close the class meant, lost to the later definition."""
    for method in cls.body:
        if isinstance(method, FUNCTION_NODES) and shadowed(method, cls) and _calls_on(method, attr):
            return method.name
    return None


def _calls_on(method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str) -> bool:
    """Whether ``method`` calls a method of ``self.attr`` (its first parameter's)."""
    if not method.args.args:
        return False
    me = method.args.args[0].arg
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(held := node.func.value, ast.Attribute)
        and held.attr == attr
        and isinstance(held.value, ast.Name)
        and held.value.id == me
        for node in ast.walk(method)
    )


def never_entered(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether ``cls``'s own ``__aexit__`` never runs: the project makes instances of it (one at
    least), binds each to a name or a place, or drops it, and nothing enters one (no ``async with``
    of the class's call or of a name it is bound to, no exit stack, no ``__aenter__`` by hand), and
    no class is built from it (MasterthermDataUpdateCoordinator, HA's update coordinator kept in
    ``hass.data`` and never entered: its ``__aexit__`` was its only close). An instance handed on,
    returned or kept in a container may be entered there: not judged."""
    if not any(isinstance(node, ast.AsyncFunctionDef) and node.name == "__aexit__" for node in cls.body):
        return False
    root = project_root(module) or (module.roots[0] if module.roots else None)
    if root is None:
        return False
    name = cls.name
    module.project.note_scan(f"mentions {name}", root)
    others = (other for path, _ in files_naming(module.project, root, name, skip=module.path)
              if (other := module.project.module_at(path)) is not None)
    made = [_made_unentered(m, cls, name, root) for m in (module, *others)]
    return None not in made and any(made)


def _made_unentered(module: ModuleInfo, cls: ast.ClassDef, name: str, root: Path) -> bool | None:
    """Whether ``module`` makes an instance of ``name`` (None: one may be entered, or a class is
    built from it). An instance bound to a name of the module itself (``aggregator =
    Aggregator()`` at its top level) may be entered where another module imports it (``async
    with aggregator:`` there, a file that never names the class)."""
    bound: set[str] = set()
    made = False
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ClassDef) and node is not cls and any(_names(base, name) for base in node.bases):
            return None
        if not (isinstance(node, ast.Call) and _names(node.func, name)):
            continue
        made = True
        parent = module.parent(node)
        if isinstance(parent, ast.Await):
            parent = module.parent(parent)
        if isinstance(parent, ast.Assign):
            if any(isinstance(target, ast.Name) and _escapes(module, target.id, parent) for target in parent.targets):
                return None  # ``client = Hub(url); return client``: the caller may enter it
            if isinstance(module.parent(parent), ast.Module) and any(
                    isinstance(target, ast.Name) and _entered_where_imported(module, root, target.id) for target in parent.targets):
                return None  # (a module's instance, entered where it is imported)
            bound.update(ast.unparse(target) for target in parent.targets)
        elif not isinstance(parent, (ast.AnnAssign, ast.Expr)):
            return None  # ``async with Hub(...)``, ``return Hub(...)``, ``stack.enter_async_context(Hub(...))``
        elif isinstance(parent, ast.AnnAssign):
            bound.add(ast.unparse(parent.target))
    for node in ast.walk(module.tree):
        if isinstance(node, ast.AsyncWith) and any(
            not isinstance(item.context_expr, ast.Call) and ast.unparse(item.context_expr) in bound | {"self"}
            for item in node.items
        ):
            return None
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("enter_async_context", "__aenter__", "__aexit__")
            and not (isinstance(node.value, ast.Call) and _names(node.value.func, "super"))
            and module.enclosing_class(node) is not cls
        ):
            return None
    return made


def _entered_where_imported(module: ModuleInfo, root: Path, name: str) -> bool:
    """Whether another file of the project imports ``name`` (by its name or an alias) and enters
    it there (``async with``, an exit stack, ``__aenter__`` by hand) or hands it on."""
    module.project.note_scan(f"mentions {name}", root)
    for path, _ in files_naming(module.project, root, name, skip=module.path):
        other = module.project.module_at(path)
        if other is None:
            return True  # (a file that cannot be read: it may enter it)
        local = {a.asname or a.name for node in ast.walk(other.tree) if isinstance(node, ast.ImportFrom)
                 for a in node.names if a.name == name}
        if local and any(_enters(other, node, local) for node in ast.walk(other.tree)):
            return True
    return False


def _enters(module: ModuleInfo, node: ast.AST, names: set[str]) -> bool:
    """``async with name``, ``stack.enter_async_context(name)``, ``name.__aenter__()``, or ``name``
    given to a call (what takes it may enter it)."""
    if isinstance(node, ast.AsyncWith):
        return any(isinstance(item.context_expr, ast.Name) and item.context_expr.id in names for item in node.items)
    if isinstance(node, ast.Attribute) and node.attr == "__aenter__":
        return isinstance(node.value, ast.Name) and node.value.id in names
    return isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id in names for a in (*node.args, *(k.value for k in node.keywords)))


def _names(func: ast.expr, name: str) -> bool:
    return (isinstance(func, ast.Name) and func.id == name) or (isinstance(func, ast.Attribute) and func.attr == name)


def closed_by_exit_never_entered(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether ``cls``'s own ``__aexit__`` names ``self.attr`` and never runs (:func:`never_entered`)."""
    exit_ = class_method(cls, "__aexit__", ast.AsyncFunctionDef)
    if exit_ is None or not exit_.args.args:
        return False
    me = exit_.args.args[0].arg
    return any(
        isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == me
        for node in ast.walk(exit_)
    ) and never_entered(module, cls)


def _escapes(module: ModuleInfo, name: str, binding: ast.Assign) -> bool:
    """Whether the local ``name`` leaves its function other than through its attributes or a
    store into a place (``hass.data[key] = name``): returned, yielded, given to a call, entered."""
    function = module.enclosing_function(binding)
    if function is None:
        return False
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        parent = module.parent(node)
        if isinstance(parent, ast.Attribute):
            continue
        if isinstance(parent, ast.Assign) and all(isinstance(t, (ast.Subscript, ast.Attribute)) for t in parent.targets):
            continue
        return True
    return False
