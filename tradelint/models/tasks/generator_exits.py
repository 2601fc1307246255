"""Tasks an async generator leaves running when its consumer stops: each ``yield`` of an async
generator is a way out of its frame that the consumer chooses (``break`` out of ``async for``,
``aclose()``, the stream dropped), where ``GeneratorExit`` is thrown and only ``finally`` blocks
(and handlers of ``GeneratorExit``) run. A task the generator made and still holds there (a local
used again after the ``yield``, or a local collection of tasks it waits on in the loop around the
``yield``) and that no such block ends runs on with no owner (crawl4ai's streaming dispatcher)."""

from __future__ import annotations

import ast
from collections.abc import Collection

from tradelint.facts.app_startup import resumed_by_a_framework
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import decorated_by, walk
from tradelint.facts.uses import classify
from tradelint.models.tasks.function_bodies import _own_nodes

# Calls a local task or collection of tasks may be given without leaving the generator's hands:
# asyncio's waits (they hold nothing once they return) and the builtins that read a collection.
_READERS = frozenset({"list", "tuple", "set", "len", "sorted", "any", "all", "enumerate", "iter", "bool"})
_ASYNCIO_WAITS = frozenset({"asyncio.wait", "asyncio.as_completed", "asyncio.gather", "asyncio.wait_for", "asyncio.shield"})
# Collection methods that keep the tasks within the collection.
_BOOKKEEPING = frozenset({"append", "add", "extend", "insert", "remove", "discard", "pop", "clear", "copy", "index", "count"})
# What a ``finally`` (or a catch-all handler) may do with a name to end what it holds: any use.
_CATCH_ALL = frozenset({"BaseException", "GeneratorExit"})


# Decorators that make a generator something other than a stream a consumer may stop: a pytest
# fixture (pytest resumes it after the test, whatever the test did) and a context manager (its
# ``yield`` is left early only by an error in the ``async with`` body: an error path, the
# question TRD302 asks of looping tasks only; a lifespan's ``yield`` returns at shutdown).
_NOT_STREAMS = frozenset({"fixture", "yield_fixture", "asynccontextmanager", "contextmanager"})


def _is_fixture(function: ast.AsyncFunctionDef) -> bool:
    """Whether a decorator of ``function`` is one of ``_NOT_STREAMS``."""
    return decorated_by(function, _NOT_STREAMS)


def _position(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    return _position(outer) <= _position(node) and _end(node) <= _end(outer)


def kept_locally(module: ModuleInfo, function: ast.AST, names: Collection[str]) -> bool:
    """Every use of ``names`` in ``function`` keeps the tasks in the function's hands: awaited,
    looked at, cancelled, waited on with asyncio, read by a builtin, iterated, moved between
    ``names``; never returned, stored elsewhere or given to other code."""
    for node in walk(function):
        if not (isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)):
            continue
        if module.enclosing_function(node) is not function:
            return False  # a closure names it: it runs wherever it is called
        use = classify(module, node)
        if use.kind in ("await", "test", "attribute"):
            continue
        if use.kind == "method":
            continue  # ``t.cancel()``, ``t.done()``, ``tasks.append(t)``
        if use.kind == "container":
            parent = module.parent(node)
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
                continue  # iterated
            holder = module.parent(parent) if parent is not None else None
            if isinstance(parent, (ast.List, ast.Tuple, ast.Set)) and isinstance(holder, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id in names for t in holder.targets
            ):
                continue
            return False
        if use.kind == "alias":
            parent = module.parent(node)
            if isinstance(parent, ast.Assign) and all(isinstance(t, ast.Name) and t.id in names for t in parent.targets):
                continue
            return False
        if use.kind == "argument" and use.call is not None:
            func = use.call.func
            if isinstance(func, ast.Name) and func.id in _READERS and func.id not in module.top_level:
                continue
            if module.imports.qualify(func) in _ASYNCIO_WAITS:
                continue
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names \
                    and func.attr in _BOOKKEEPING:
                continue  # ``tasks.append(task)``
            return False
        if use.kind == "other" and isinstance(module.parent(node), (ast.Starred, ast.Subscript)):
            starred = module.parent(node)
            call = module.parent(starred) if starred is not None else None
            if isinstance(call, ast.Call) and module.imports.qualify(call.func) in _ASYNCIO_WAITS:
                continue  # ``asyncio.gather(*tasks)``
            if isinstance(starred, ast.Subscript):
                continue  # ``tasks[0]``
            return False
        return False
    return True


def left_at_a_yield(
    module: ModuleInfo, function: ast.AST, names: Collection[str], created: ast.stmt, collections: Collection[str] = ()
) -> bool:
    """Whether the async generator ``function`` yields while it holds the tasks in ``names``
    (made at ``created``; ``collections`` are those of ``names`` that collect them), at a
    ``yield`` that no ``finally`` (nor handler of ``GeneratorExit``) around it that names them
    covers: a consumer that stops there leaves the tasks running."""
    if not isinstance(function, ast.AsyncFunctionDef) or _is_fixture(function) or resumed_by_a_framework(module, function):
        return False  # (``app.cleanup_ctx.append(f)``: aiohttp resumes it past its ``yield``)
    own = _own_nodes(function)
    yields = [n for n in own if isinstance(n, ast.Yield)]
    if not yields:
        return False
    loads = [n for n in own if isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load)]
    parents = module.index.parents
    made_at = _position(created)
    for point in yields:
        loops = [
            a for a in module.ancestors(point)
            if isinstance(a, (ast.While, ast.For, ast.AsyncFor)) and _inside(a, function)
        ]
        loops = [loop for loop in loops if _inside(created, loop) or _position(loop) > made_at]
        if _position(point) < made_at and not any(_inside(created, loop) for loop in loops):
            continue  # yielded before the task is made, and not again after
        later = [n for n in loads if _position(n) > _position(point) and not _inside(n, point)]
        # Used again on the next turn of a loop around both: a collection waited on each turn,
        # or a local looked at before it is made again.
        again = [
            n for n in loads for loop in loops
            if _inside(n, loop) and (n.id in collections or not _inside(created, loop) or _position(n) < made_at)
        ]
        if not later and not again:
            continue
        if not _ended_on_the_way_out(module, function, point, names, parents):
            return True
    return False


def _ended_on_the_way_out(
    module: ModuleInfo, function: ast.AST, point: ast.AST, names: Collection[str], parents: dict[ast.AST, ast.AST]
) -> bool:
    """A ``try`` around ``point`` whose ``finally`` (or a handler that catches ``GeneratorExit``)
    names one of ``names``."""
    child: ast.AST = point
    node = parents.get(point)
    while node is not None and node is not function:
        if isinstance(node, (ast.Try, ast.TryStar)) and any(child is s or _inside(child, s) for s in node.body):
            blocks: list[list[ast.stmt]] = [node.finalbody]
            for handler in node.handlers:
                caught = handler.type
                caught_names = {
                    n.id if isinstance(n, ast.Name) else n.attr
                    for n in ([] if caught is None else caught.elts if isinstance(caught, ast.Tuple) else [caught])
                    if isinstance(n, (ast.Name, ast.Attribute))
                }
                if caught is None or caught_names & _CATCH_ALL:
                    blocks.append(handler.body)
            for block in blocks:
                if any(
                    isinstance(n, ast.Name) and n.id in names
                    for stmt in block for n in ast.walk(stmt)
                ):
                    return True
        child, node = node, parents.get(node)
    return False


def generator_exit(module: ModuleInfo, function: ast.AST, expr: ast.expr, name: str | None, created: ast.stmt) -> str | None:
    """The local that holds the task ``expr`` makes (``name``, or the local collection it is
    added to) when ``function`` is an async generator that leaves it running at a ``yield``."""
    if not isinstance(function, ast.AsyncFunctionDef):
        return None
    names = {name} if name is not None else set()
    collections: set[str] = set()
    holders = [expr] if name is None else [
        n for n in walk(function) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]
    for node in holders:
        parent = module.parent(node)
        holder = None
        if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute) \
                and parent.func.attr in ("append", "add", "insert"):
            holder = parent.func.value
        elif isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Subscript):
            holder = parent.targets[0].value
        if isinstance(holder, ast.Name) and _local_of(module, function, holder.id):
            collections.add(holder.id)
    if name is None and not collections:
        return None
    names |= collections
    if not kept_locally(module, function, names) or not left_at_a_yield(module, function, names, created, collections):
        return None
    return next(iter(sorted(collections)), name)


def _local_of(module: ModuleInfo, function: ast.AsyncFunctionDef, name: str) -> bool:
    """``name`` is bound in ``function``'s own body (not a parameter, ``global`` or ``nonlocal``)."""
    arguments = function.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return False
    own = _own_nodes(function)
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names for n in own):
        return False
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in own)
