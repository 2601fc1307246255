"""Tasks raced with ``asyncio.wait(..., return_when=FIRST_COMPLETED)``: made in a function, held
there by name, and ended (cancelled, awaited) only on the paths where the wait returns. A wait
that is cancelled (the caller's task is cancelled, a timeout around it fires) or raises skips
every statement after it, so the tasks it raced run on, unowned, unless a ``finally`` (or a
handler that catches the cancellation) around the wait ends them (modal-client ``865465a6``).

Asked by TRD304 with the task analysis's ``creator_label`` (which calls make a task); it reads
no other layer of the task model."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterator, cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import walk
from tradelint.facts.uses import INSPECTORS, TRY_NODES, classify, declares_outer
from tradelint.models.tasks.function_bodies import _binds

# ``return_when`` values that return with tasks still running. A bare ``timeout`` is left out:
# ``done, _ = await wait([t], timeout=5)`` then ``await t`` is a progress report, not a race.
RACE_ENDS = frozenset({"FIRST_COMPLETED", "FIRST_EXCEPTION"})


# Exceptions whose handler runs when the wait is cancelled.
CANCELLATION = frozenset({"BaseException", "CancelledError"})


# Calls that only wait for, or look at, a task the function still holds.
WAITERS = frozenset({"asyncio.wait", "asyncio.tasks.wait", "asyncio.gather", "asyncio.tasks.gather",
                     "asyncio.wait_for", "asyncio.tasks.wait_for", "asyncio.shield", "asyncio.tasks.shield"})


@dataclass(frozen=True)
class RacedTask:
    name: str
    stmt: ast.Assign | ast.AnnAssign  # where the task is made and bound
    label: str  # the creator, as spelled
    wait: ast.Call


def is_race(call: ast.Call) -> bool:
    """``asyncio.wait(..., return_when=FIRST_COMPLETED)`` (or ``FIRST_EXCEPTION``)."""
    for kw in call.keywords:
        if kw.arg == "return_when":
            name = kw.value.attr if isinstance(kw.value, ast.Attribute) else getattr(kw.value, "id", "")
            return name in RACE_ENDS
    return False


def raced_tasks(
    module: ModuleInfo, wait: ast.Call, label_of: Callable[[ast.Call], str | None]
) -> Iterator[RacedTask]:
    """The tasks that ``wait`` races, made and named in its function, that the function ends
    only after the wait returns: no ``finally`` or cancellation handler around the wait ends
    them, and the function does not hand them on (return, store, pass to other code)."""
    function = module.enclosing_function(wait)
    if not isinstance(function, ast.AsyncFunctionDef) or module.enclosing_scope(wait) is not function:
        return
    if not (isinstance(module.parent(wait), ast.Await) and wait.args):
        return
    names, holders = raced_names(function, wait.args[0])
    if not names:
        return
    inside = {id(node) for node in walk(wait)}
    for holder in holders:
        if any(_escapes(module, load, holder, inside) for load in _loads(function, holder)):
            return  # the collection itself is handed on or kept
    for name in names:
        made = _made(function, name, label_of)
        if made is None:
            continue
        stmt, label = made
        if any(_escapes(module, load, name, inside) for load in _loads(function, name)):
            continue
        kept_in = [h for h in _local_collections(function, name) if h not in holders]
        if any(_escapes(module, load, h, inside) for h in kept_in for load in _loads(function, h)):
            continue  # the collection that holds it is handed on or kept: its holder's
        if _ended_on_every_exit(module, function, wait, {name, *holders, *kept_in}):
            continue
        yield RacedTask(name, stmt, label, wait)


def _local_collections(function: ast.AsyncFunctionDef, name: str) -> list[str]:
    """The function's own collections that hold the task ``name``: ``tasks = [a, b]`` or
    ``tasks.append(a)``, a plain local (not a parameter, not ``global``/``nonlocal``). A task is
    ended wherever that collection's tasks are (``finally: for t in tasks: t.cancel()``),
    whichever collection the wait itself was given (ydb-platform/ydb-python-sdk ``b4a5006d``)."""
    found: list[str] = []
    for node in walk(function):
        holder: str | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, (ast.List, ast.Set, ast.Tuple)) and any(
                isinstance(e, ast.Name) and e.id == name for e in node.value.elts
            ):
                holder = node.targets[0].id
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.attr in ("add", "append")
            and any(isinstance(a, ast.Name) and a.id == name for a in node.args)
        ):
            holder = node.func.value.id
        if holder is None or holder == name or holder in found or declares_outer(function, holder):
            continue
        if any(isinstance(n, ast.arg) and n.arg == holder for n in walk(function)):
            continue  # the caller's collection
        found.append(holder)
    return found


def raced_names(function: ast.AsyncFunctionDef, arg: ast.expr) -> tuple[list[str], list[str]]:
    """The task names in the waited collection, and the local collections that hold them
    (``tasks = [a, b]``; ``tasks.append(a)``)."""
    if isinstance(arg, (ast.List, ast.Set, ast.Tuple)):
        return [e.id for e in arg.elts if isinstance(e, ast.Name)], []
    if not isinstance(arg, ast.Name) or declares_outer(function, arg.id):
        return [], []
    holder = arg.id
    names: list[str] = []
    for node in walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == holder for t in node.targets):
            if not isinstance(node.value, (ast.List, ast.Set, ast.Tuple)):
                return [], []  # built some other way: not judged
            names += [e.id for e in node.value.elts if isinstance(e, ast.Name)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == holder
            and node.func.attr in ("add", "append")
        ):
            names += [a.id for a in node.args if isinstance(a, ast.Name)]
        elif isinstance(node, ast.arg) and node.arg == holder:
            return [], []  # the caller's collection
    return names, [holder]


def _made(
    function: ast.AsyncFunctionDef, name: str, label_of: Callable[[ast.Call], str | None]
) -> tuple[ast.Assign | ast.AnnAssign, str] | None:
    """``name = create_task(...)``, the only binding of ``name`` in the function."""
    if declares_outer(function, name) or any(isinstance(n, ast.arg) and n.arg == name for n in walk(function)):
        return None
    found: tuple[ast.Assign | ast.AnnAssign, str] | None = None
    for node in walk(function):
        if not (_binds(node, name) or (isinstance(node, (ast.AsyncFor, ast.AsyncWith)) and _binds_async(node, name))):
            continue
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is None:
            continue  # ``from_peer = None`` once it is done: the name no longer holds a task
        if not (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and len(node.targets if isinstance(node, ast.Assign) else [node.target]) == 1
            and isinstance(node.value, ast.Call)
            and (label := label_of(node.value)) is not None
        ):
            return None  # bound to something else too: not judged
        if found is not None:
            return None  # made more than once: each one is judged by its own flow
        found = (node, label)
    return found


def _binds_async(node: ast.AsyncFor | ast.AsyncWith, name: str) -> bool:
    targets = [node.target] if isinstance(node, ast.AsyncFor) else [
        item.optional_vars for item in node.items if item.optional_vars is not None
    ]
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in walk(t))


def _loads(function: ast.AST, name: str) -> Iterator[ast.Name]:
    for node in walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            yield node


def _escapes(module: ModuleInfo, load: ast.Name, name: str, inside: set[int]) -> bool:
    """The load hands the task (or the collection) on: returned, yielded, stored somewhere, or
    passed to code other than asyncio's waiters; then whoever holds it may end it."""
    if id(load) in inside:
        return False
    use = classify(module, load)
    if use.kind in ("return", "with"):
        return True
    if use.kind == "attribute" and use.name == "cancel":
        # ``stack.callback(task.cancel)``, ``self._on_close.append(task.cancel)``: its cancel is
        # registered to run when the scope (or the owner) ends (bleak's service discovery).
        return True
    if use.kind == "alias":
        stmt = module.parent(load)
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        return not all(isinstance(t, ast.Name) for t in targets)
    if use.kind == "argument" and use.call is not None:
        func = use.call.func
        if isinstance(func, ast.Attribute) and func.attr in ("add", "append") and isinstance(func.value, ast.Name):
            return False  # into a local collection, judged as the collection
        return module.imports.qualify(func) not in WAITERS and not (
            isinstance(func, ast.Name) and func.id in INSPECTORS
        )
    if use.kind == "container":
        parent = module.parent(load)
        holder = module.parent(parent) if parent is not None else None
        if (isinstance(holder, ast.Call) and parent in holder.args and isinstance(holder.func, ast.Attribute)
                and isinstance(holder.func.value, ast.Attribute) and module.imports.qualify(holder.func) not in WAITERS):
            # ``self._tasks.update({a, b})`` keeps them where the owner's end may end them, as
            # ``self._tasks.add(a)`` does.
            return True
        # ``tasks = [a, b]``, ``for t in tasks``, ``await wait([a, b])``, ``set([a, b])``: still the function's.
        return not isinstance(holder, (ast.Assign, ast.Call, ast.Await, ast.For, ast.AsyncFor, ast.comprehension)) and not isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension))
    return False


def _ended_on_every_exit(module: ModuleInfo, function: ast.AST, wait: ast.Call, names: set[str]) -> bool:
    """A ``try`` around the wait whose ``finally``, or whose handler for the cancellation (bare,
    ``BaseException``, ``CancelledError``), reaches one of ``names``."""
    node: ast.AST | None = wait
    while node is not None and node is not function:
        parent = module.parent(node)
        if isinstance(parent, TRY_NODES) and any(stmt is node for stmt in cast("ast.Try", parent).body):
            guard = cast("ast.Try", parent)  # ``ast.TryStar`` has the same fields
            if _reaches(module, guard.finalbody, names):
                return True
            for handler in guard.handlers:
                if _catches_cancellation(handler) and (
                    _reaches(module, handler.body, names) or (_falls_through(handler) and _reaches(module, _after(module, guard), names))
                ):
                    return True  # (``except CancelledError: pass``, then the code after the ``try`` cancels it: aiokafka)
        node = parent
    return False


def _falls_through(handler: ast.ExceptHandler) -> bool:
    """The handler's last statement does not leave (``raise``, ``return``, ``break``, ``continue``)."""
    return not handler.body or not isinstance(handler.body[-1], (ast.Raise, ast.Return, ast.Break, ast.Continue))


def _after(module: ModuleInfo, stmt: ast.stmt) -> list[ast.stmt]:
    """The statements after ``stmt`` in the block that holds it."""
    parent = module.parent(stmt)
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and stmt in block:
            return block[block.index(stmt) + 1:]
    return []


def _reaches(module: ModuleInfo, body: list[ast.stmt], names: set[str]) -> bool:
    """Whether ``body`` can end one of ``names``: cancels or awaits it, or hands it to other code
    (a waiter, a helper, a collection). Looking at it (``if t and not t.done()``) ends nothing, nor
    does a method a task does not have (``t.close()`` raises ``AttributeError``: NabuCasa/snitun
    ``a44ee992``)."""
    return any(
        isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load) and may_end(module, node)
        for stmt in body
        for node in ast.walk(stmt)
    )


def may_end(module: ModuleInfo, load: ast.Name) -> bool:
    use = classify(module, load)
    if use.kind in ("method", "attribute"):
        return use.name == "cancel"
    if use.kind == "argument" and use.call is not None:
        return not (isinstance(use.call.func, ast.Name) and use.call.func.id in INSPECTORS)
    return use.kind != "test"


def _catches_cancellation(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", "")) in CANCELLATION for kind in kinds
    )
