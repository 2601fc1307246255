"""Ends that end a class's tasks only in part: the tasks a plain class keeps in a collection on
``self`` (``self._downloads[key] = create_task(...)``, ``self._loops.append(...)``) and ends
only one by one, each picked by its key (``self._downloads.pop(key).cancel()`` in a command), or
only in an ``except`` handler (``except CancelledError: for t in self._loops: t.cancel()``), while
the class has a release method of its own (``close()``, ``stop()``, ``shutdown()``) that ends none
of them. The release is where the object's life ends; what it does not reach runs on after it:
the tasks not picked by a command, and, once the awaited work returns normally, every task the
handler would have cancelled (exo-explore/exo ``10930802``, bachya/ecowitt2mqtt ``b3eabfa9``).

A class whose tasks are ended so, and that has no release method, is judged as before (the
owner may call the method that ends them at its own end); so is one with a base that is no
first-party class (a framework may run that method at its end)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import classify, methods_reached, self_attr, self_name
from tradelint.models.tasks.shutdown import method_of
from tradelint.models.tasks.unmade_owners import family_methods, _plain


def ended_only_in_part(module: ModuleInfo, cls: ast.ClassDef, attr: str, ends: Iterable[tuple[ModuleInfo, ast.ClassDef, ast.expr]]) -> bool:
    """Whether every end of the elements of ``self.attr`` (``ends``: the loads of the collection
    that end its elements, each with its module and class) ends them only in part, none runs
    where the class's own release methods reach, and the class (a plain one) has such a method."""
    ends = list(ends)
    if not ends or not _plain(module, cls):
        return False
    methods = family_methods(module, cls)
    # The object's own end takes nothing to pick what it ends (``close_session(sid)`` ends one).
    releases = [name for name, method in methods.items() if is_release_name(name) and _whole(method)]
    if not releases:
        return False
    reached = set(releases) | methods_reached(methods, releases, calls_only=False)
    for owner_module, owner, node in ends:
        method = method_of(owner_module, owner, node)
        if method is None or method.name in reached or _bookkeeping(owner_module, node):
            return False
        if not (_one_by_key(owner_module, node, attr, method) or _in_handler(owner_module, node, method)):
            return False
    return True


# What keeps the collection in step with its tasks: ``task.add_done_callback(self.tasks.discard)``
# keeps each until it is done (asyncio's own pattern), and is no end to judge.
BOOKKEEPING = frozenset({"add", "append", "discard", "remove"})


def _bookkeeping(module: ModuleInfo, load: ast.expr) -> bool:
    parent = module.parent(load)
    return isinstance(parent, ast.Attribute) and parent.value is load and parent.attr in BOOKKEEPING


def _whole(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every parameter after ``self`` has a default."""
    args = method.args
    positional = [*args.posonlyargs, *args.args][1:]
    return len(args.defaults) >= len(positional) and all(d is not None for d in args.kw_defaults)


def _one_by_key(module: ModuleInfo, load: ast.expr, attr: str, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``self.attr.pop(key)``, ``self.attr.get(key)`` or ``self.attr[key]``: one element, picked
    by its key, outside a loop over the collection itself (``for key in list(self.attr)``,
    ``while self.attr``), which would pick them all."""
    use = classify(module, load)
    parent = module.parent(load)
    one = (use.kind == "method" and use.name in ("pop", "get")) or (
        isinstance(parent, ast.Subscript) and parent.value is load and isinstance(parent.ctx, ast.Load)
    )
    if not one:
        return False
    receiver = self_name(method)
    for ancestor in module.ancestors(load):
        if ancestor is method:
            break
        looked = ancestor.iter if isinstance(ancestor, (ast.For, ast.AsyncFor)) else ancestor.test if isinstance(ancestor, ast.While) else None
        if looked is not None and receiver is not None and any(
            self_attr(node, receiver) == attr for node in ast.walk(looked)
        ):
            return False
    return True


def _in_handler(module: ModuleInfo, load: ast.expr, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``load`` runs only in an ``except`` handler of the method (not in a function nested in
    it, which may run at any time): the normal path never reaches it."""
    for ancestor in module.ancestors(load):
        if ancestor is method or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.ExceptHandler):
            return True
    return False


def made_as_field(family: list[tuple[ModuleInfo, ast.ClassDef]], attr: str) -> bool:
    """A dataclass-style field of a class of ``family`` that makes a new collection for each
    instance: ``active: dict[str, Task] = field(default_factory=dict)`` (also ``attrs``'
    ``Factory``, pydantic's ``Field(default_factory=...)``)."""
    for _, cls in family:
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == attr
                and isinstance(stmt.value, ast.Call)
                and any(k.arg == "default_factory" for k in stmt.value.keywords)
            ):
                return True
    return False


def partial_kind(module: ModuleInfo, cls: ast.ClassDef, attr: str, method_name: str) -> str | None:
    """How ``method_name`` of ``cls`` (a plain class) ends the elements of ``self.attr`` only in
    part, for the message: ``"one at a time"`` (picked by key) or ``"only when an error is
    caught"``."""
    method = next((m for m in cls.body if isinstance(m, FUNCTION_NODES) and m.name == method_name), None)
    if method is None or not _plain(module, cls):  # a cog's, an entity's end is the framework's
        return None
    receiver = self_name(method)
    loads = [n for n in ast.walk(method) if isinstance(n, ast.Attribute) and receiver is not None and self_attr(n, receiver) == attr]
    if any(_one_by_key(module, n, attr, method) for n in loads):
        return "one at a time"
    if any(_in_handler(module, n, method) for n in loads):
        return "only when an error is caught"
    return None
