"""Tasks an object keeps in one of its collections (the elements themselves, ``self._tasks``, or
a field of each element, ``for t in self.tasks: t.output = create_task(t.run())``) that one of
its methods waits for with ``asyncio.wait`` over that collection and cancels only after the wait
returns, while no other code of the class ends them (knexer/llmtaskgraph ``e91ab005``).

The method is where their lifetime ends: it cancels them when the wait returns (after a failure,
or the losers of a race). ``asyncio.wait`` cancels nothing when it is itself cancelled (the
caller's task is cancelled, a timeout around it fires), and a cancelled wait skips every statement
after it: the tasks run on, held by an object whose only end of them was skipped. Not when a
``finally`` or a handler of the cancellation around the wait ends them, when another method of the
class (a ``close()``, a ``stop()``) cancels, awaits or hands them on, when the collection itself
is handed out of the class, or when the method only runs under ``asyncio.run`` (nothing cancels
it, and ``asyncio.run`` cancels what is left).

Asked by TRD304 with the task analysis's ``creator_label``; every creation stored in the
collection (or in the elements' field) anywhere in the class is reported."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterator, cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, instance_parameter, walk
from tradelint.facts.uses import INSPECTORS, TRY_NODES, classify
from tradelint.models.tasks.races import _after, _catches_cancellation, _falls_through

# Calls on the collection that keep it in the class (fill it, look at it).
KEEPING = frozenset({"append", "add", "extend", "insert", "clear", "remove", "discard", "pop", "index", "count",
                     "copy", "values", "keys", "items"})
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)


@dataclass(frozen=True)
class Place:
    """``self.<collection>``'s elements (``field`` None) or each element's ``<field>``."""

    collection: str
    field: str | None


@dataclass(frozen=True)
class KeptTask:
    stmt: ast.stmt  # where a task is made and stored in the place
    label: str
    place: Place


def outliving_a_cancelled_wait(
    module: ModuleInfo, wait: ast.Call, label_of: Callable[[ast.Call], str | None]
) -> Iterator[KeptTask]:
    """The creations of the tasks that ``wait`` (an awaited ``asyncio.wait`` in a method) waits
    for from a place of the object, when the method cancels them only after the wait returns."""
    function = module.enclosing_function(wait)
    cls = module.enclosing_class(wait)
    if not (isinstance(function, ast.AsyncFunctionDef) and cls is not None and wait.args):
        return
    if module.enclosing_scope(wait) is not function or not isinstance(module.parent(wait), ast.Await):
        return
    me = instance_parameter(function)
    place = _waited_place(wait.args[0], me) if me is not None else None
    if me is None or place is None:
        return
    end = (wait.end_lineno or wait.lineno, wait.end_col_offset or 0)
    if not any(
        _ends(module, node) and (node.lineno, node.col_offset) > end
        for node in _place_tasks(function, me, place)
    ):
        return  # the method does not end them itself after the wait
    if _ended_around(module, function, wait, me, place):
        return
    methods = [m for m in cls.body if isinstance(m, FUNCTION_NODES)]
    for method in methods:
        owner = instance_parameter(method)
        if owner is None:
            continue
        if method is not function and any(_ends(module, node) for node in _place_tasks(method, owner, place)):
            return  # another end of them in the class
        if _handed_out(module, method, owner, place.collection):
            return
    for method in methods:
        owner = instance_parameter(method)
        if owner is not None:
            yield from _made(module, method, owner, place, label_of)




def _is_collection(node: ast.AST, me: str, collection: str | None = None) -> bool:
    return (
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me
        and (collection is None or node.attr == collection)
    )


def _waited_place(arg: ast.expr, me: str) -> Place | None:
    """``self.tasks``, ``[t for t in self.tasks]`` or ``[t.output for t in self.tasks]``."""
    if _is_collection(arg, me):
        return Place(cast(ast.Attribute, arg).attr, None)
    if not (isinstance(arg, COMPREHENSIONS) and len(arg.generators) == 1):
        return None
    gen = arg.generators[0]
    if not (_is_collection(gen.iter, me) and isinstance(gen.target, ast.Name)):
        return None
    element, elt = gen.target.id, arg.elt
    collection = cast(ast.Attribute, gen.iter).attr
    if isinstance(elt, ast.Name) and elt.id == element:
        return Place(collection, None)
    if isinstance(elt, ast.Attribute) and isinstance(elt.value, ast.Name) and elt.value.id == element:
        return Place(collection, elt.attr)
    return None


def _element_names(function: ast.AST, me: str, collection: str) -> set[str]:
    """Names bound to an element of the collection: loop targets over it, names appended to it."""
    names: set[str] = set()
    for node in walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and _is_collection(node.iter, me, collection):
            if isinstance(node.target, ast.Name):
                names.add(node.target.id)
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "add")
            and _is_collection(node.func.value, me, collection)
        ):
            names.update(a.id for a in node.args if isinstance(a, ast.Name))
    return names


def _place_tasks(function: ast.AST, me: str, place: Place) -> Iterator[ast.expr]:
    """Loads of the place's tasks in ``function``: ``t.<field>`` (or ``t``) for an element ``t``."""
    names = _element_names(function, me, place.collection)
    for node in walk(function):
        if place.field is not None:
            if (
                isinstance(node, ast.Attribute) and node.attr == place.field and isinstance(node.ctx, ast.Load)
                and isinstance(node.value, ast.Name) and node.value.id in names
            ):
                yield node
        elif isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            yield node


def _ends(module: ModuleInfo, node: ast.expr) -> bool:
    """Cancelled, awaited, or handed to other code (a waiter, a helper, a callback)."""
    use = classify(module, node)
    if use.kind == "method":
        return use.name == "cancel"
    if use.kind == "argument" and use.call is not None:
        func = use.call.func
        return not (isinstance(func, ast.Name) and func.id in INSPECTORS) and not (
            isinstance(func, ast.Attribute) and func.attr in ("append", "add")
        )
    return use.kind in ("await", "return")


def _ended_around(module: ModuleInfo, function: ast.AST, wait: ast.Call, me: str, place: Place) -> bool:
    """A ``try`` around the wait whose ``finally``, or whose handler of the cancellation (or the
    code after the ``try`` it goes on to), ends the place's tasks or calls a method of the object
    (which the class check then judges)."""
    node: ast.AST | None = wait
    while node is not None and node is not function:
        parent = module.parent(node)
        if isinstance(parent, TRY_NODES) and any(stmt is node for stmt in cast("ast.Try", parent).body):
            guard = cast("ast.Try", parent)
            if _reaches(module, guard.finalbody, me, place):
                return True
            for handler in guard.handlers:
                if _catches_cancellation(handler) and (
                    _reaches(module, handler.body, me, place)
                    or (_falls_through(handler) and _reaches(module, _after(module, guard), me, place))
                ):
                    return True
        node = parent
    return False


def _reaches(module: ModuleInfo, body: list[ast.stmt], me: str, place: Place) -> bool:
    block = ast.Module(body=body, type_ignores=[])
    if any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
        and n.func.value.id == me
        for n in walk(block)
    ):
        return True  # ``await self.stop()``: one of the class's own ends
    return any(_ends(module, n) for n in _place_tasks(block, me, place))


def _handed_out(module: ModuleInfo, function: ast.AST, me: str, collection: str) -> bool:
    """``self.<collection>`` returned, passed to other code or aliased: its new holder may end
    the tasks."""
    for node in walk(function):
        if not (_is_collection(node, me, collection) and isinstance(cast(ast.Attribute, node).ctx, ast.Load)):
            continue
        parent = module.parent(node)
        use = classify(module, parent if isinstance(parent, ast.Starred) else cast(ast.expr, node))
        if use.kind == "method" and use.name in KEEPING:
            continue
        if use.kind in ("return", "with", "alias"):
            return True
        if use.kind == "argument" and use.call is not None:
            func = use.call.func
            if not (isinstance(func, ast.Name) and func.id in INSPECTORS | {"list", "tuple", "set", "enumerate", "sorted",
                                                                                   "reversed", "any", "all"}):
                qualified = module.imports.qualify(func) or ""
                if qualified.rpartition(".")[2] != "wait":
                    return True
    return False


def _made(
    module: ModuleInfo, function: ast.AST, me: str, place: Place, label_of: Callable[[ast.Call], str | None]
) -> Iterator[KeptTask]:
    """Statements of ``function`` that make a task and store it in the place."""
    names = _element_names(function, me, place.collection)
    for node in walk(function):
        if place.field is not None:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(
                    isinstance(t, ast.Attribute) and t.attr == place.field and isinstance(t.value, ast.Name)
                    and t.value.id in names for t in targets
                ) and (label := label_of(node.value)) is not None:
                    yield KeptTask(node, label, place)
            continue
        if (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in names and isinstance(node.value, ast.Call)
            and (label := label_of(node.value)) is not None
        ):
            yield KeptTask(node, label, place)  # ``t = create_task(...)``, then ``self.tasks.append(t)``
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "add")
            and _is_collection(node.func.value, me, place.collection) and len(node.args) == 1
            and isinstance(node.args[0], ast.Call) and (label := label_of(node.args[0])) is not None
        ):
            stmt = _statement(module, node)
            if stmt is not None:
                yield KeptTask(stmt, label, place)
        elif isinstance(node, ast.Assign) and any(_is_collection(t, me, place.collection) for t in node.targets):
            value = node.value
            elts = value.elts if isinstance(value, (ast.List, ast.Set, ast.Tuple)) else (
                [value.elt] if isinstance(value, COMPREHENSIONS) else []
            )
            labels = [label_of(e) for e in elts if isinstance(e, ast.Call)]
            if labels and all(labels) and len(labels) == len(elts):
                yield KeptTask(node, cast(str, labels[0]), place)


def _statement(module: ModuleInfo, node: ast.AST) -> ast.stmt | None:
    current: ast.AST | None = node
    while current is not None and not isinstance(current, ast.stmt):
        current = module.parent(current)
    return current
