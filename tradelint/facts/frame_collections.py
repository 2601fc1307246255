"""A local collection that dies with its function's frame (TRD201, TRD302).

``tasks = []; tasks.append(asyncio.create_task(poll()))`` or ``sessions = {}; sessions[host] =
ClientSession()``, where the function only adds to the collection, takes from it what it adds
(``discard``, ``remove``, ``clear``), tests it, counts it or logs it: nothing outside the frame
ever sees the elements, and nothing ends them. A collection that is returned, iterated, indexed,
handed on or stored may end them elsewhere; one declared ``global`` or ``nonlocal`` (by the
function or a function it holds) outlives the frame; a parameter is the caller's."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.global_bindings import declarations
from tradelint.facts.owned_elements import ONE_ELEMENT_ADDERS
from tradelint.facts.syntax import walk
from tradelint.facts.uses import classify, name_loads, only_reads_arguments

# What a function may do to such a collection and keep its elements to itself.
BOOKKEEPING = ONE_ELEMENT_ADDERS | {"insert", "discard", "remove", "clear"}
_COUNTS = ("len", "bool")
_MAKERS = ("list", "set", "dict")


def dies_with_frame(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, walked: Callable[[ast.expr], bool] | None = None,
    made: ast.expr | None = None,
) -> bool:
    """Whether the local ``name`` of ``function`` is a collection made there (every binding of
    it a display or an argument-less ``list()``, ``set()`` or ``dict()``) whose every
    use keeps its elements to the frame: an adder or a remover, a test, a store of one element
    (``d[key] = ...``), or an argument of a call that only counts or logs (``len(tasks)``,
    ``logger.info("%s", tasks)``). ``walked``: whether a walk of the collection (the load
    iterated) keeps its elements too; given, a comprehension may also make the collection
    (``clients = [Client(h) for h in hosts]``). ``made``: a value that makes a new collection as
    well (a call of a maker of one, ``connectors = get_enabled_connectors(config)``)."""
    if name in declarations(function)[1]:
        return False
    bound = False
    for node in walk(function):
        if isinstance(node, ast.arg) and node.arg == name:
            return False  # (a parameter: the caller's collection)
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                if not (_new_collection(node.value) or node.value is made or walked is not None and isinstance(node.value, (ast.ListComp, ast.SetComp, ast.DictComp))):
                    return False
                bound = True
    return bound and all(kept_to_frame(module, load) or walked is not None and walked(load) for load in name_loads(function, name))


def _new_collection(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.List, ast.Set, ast.Tuple, ast.Dict)):
        return True  # (what a display holds from the start does not make it anyone else's)
    return made_empty(value)


def made_empty(value: ast.expr | None) -> bool:
    """``list()``, ``set()``, ``dict()``: a new collection, made empty."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _MAKERS
            and not value.args and not value.keywords)


def kept_to_frame(module: ModuleInfo, load: ast.expr) -> bool:
    """Whether the use ``load`` of a collection keeps its elements to the frame: an adder or a
    remover, a test, a store of one element, or an argument of a call that only counts or logs."""
    use = classify(module, load)
    if use.kind in ("method", "attribute") and use.name in BOOKKEEPING or use.kind == "test":
        return True
    held = module.parent(load)
    if isinstance(held, ast.Subscript) and held.value is load and isinstance(held.ctx, ast.Store):
        return True  # (``conns[key] = await asyncpg.connect(dsn)``: one more element)
    return use.kind == "argument" and use.call is not None and (
        isinstance(use.call.func, ast.Name) and use.call.func.id in _COUNTS and use.call.func.id not in module.imports.names
        or only_reads_arguments(module, use.call))
