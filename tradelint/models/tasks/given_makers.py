"""Task wrappers that make their task of what they are given: ``asyncio.ensure_future(p)`` of a
parameter ``p`` makes a task of a coroutine and hands a future or a task back as it is, so
whether a call of the wrapper makes a task is known only at the call (its argument is a call,
``spawn(work())``). Such a wrapper is judged as one that makes its task itself: one that returns
the task unkept leaves it to its callers, and one that keeps it nowhere and returns nothing
(inmanta's ``ensure_future_and_handle_exception(logger, msg, action())``, which only gives it a
done callback that logs its error) leaves it to nobody: each call given a coroutine is a
discarded task, reported at the call, where the caller is the only one that could keep it."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

# asyncio's ``ensure_future`` however spelled (the creators' ``ENSURE_FUTURE``).
_ENSURE = frozenset({"asyncio.ensure_future", "asyncio.tasks.ensure_future"})

# What only looks at a task: it keeps nothing alive and ends nothing.
_LOOKS = frozenset({"add_done_callback", "remove_done_callback", "set_name", "get_name", "get_coro", "done", "cancelled"})


def ensured_parameter(module: ModuleInfo, value: ast.expr, params: set[str]) -> str | None:
    """``asyncio.ensure_future(p)`` of a parameter ``p`` of the function: ``p``."""
    if not (isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Name)):
        return None
    if value.args[0].id not in params or module.imports.qualify(value.func) not in _ENSURE:
        return None
    return value.args[0].id


def passthrough(module: ModuleInfo, func: ast.FunctionDef, nodes: list[ast.AST]) -> tuple[str, int] | None:
    """The parameter a task wrapper hands back as is on some path, by name and position: ``task
    = coro`` returned when ``coro`` is already a task, or ``asyncio.ensure_future(coro)``, which
    makes a task only of a coroutine. None when it makes a task on every path."""
    args = [*func.args.posonlyargs, *func.args.args]
    names = [a.arg for a in args]
    returned = {n.value.id for n in nodes if isinstance(n, ast.Return) and isinstance(n.value, ast.Name)}
    for node in nodes:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in returned
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            return node.value.id, names.index(node.value.id)
    for node in nodes:
        if isinstance(node, ast.Call) and (given := ensured_parameter(module, node, set(names))) is not None:
            return given, names.index(given)
    return None


def kept_nowhere(
    module: ModuleInfo,
    func: ast.FunctionDef,
    statements: list[ast.AST],
    loads: Callable[[ast.AST, str], list[ast.Name]],
) -> bool:
    """Whether ``func`` makes a task of a parameter (``asyncio.ensure_future(p)``) that it keeps
    nowhere and returns no value: the call is a statement, or bound to a local that the function
    only looks at (gives a done callback, names it). Not a generator, nor a function that returns
    a value anywhere (its caller may get the task), stores or hands the local on."""
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) or (isinstance(n, ast.Return) and n.value is not None) for n in statements):
        return False
    args = func.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    for node in statements:
        if isinstance(node, ast.Expr) and ensured_parameter(module, node.value, params) is not None:
            return True
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and ensured_parameter(module, node.value, params) is not None
            and _only_looked_at(module, _unshadowed(module, func, loads(func, node.targets[0].id)))
        ):
            return True
    return False


def _only_looked_at(module: ModuleInfo, loads: list[ast.Name]) -> bool:
    for load in loads:
        parent = module.parent(load)
        if not (isinstance(parent, ast.Attribute) and parent.value is load and parent.attr in _LOOKS):
            return False
        if not isinstance(module.parent(parent), ast.Call):
            return False
    return True


def _unshadowed(module: ModuleInfo, func: ast.FunctionDef, loads: list[ast.Name]) -> list[ast.Name]:
    """The loads that read ``func``'s own local: not those in a nested function or lambda that
    takes a parameter of the same name (``def handler(future): future.exception()``)."""
    kept = []
    for load in loads:
        scope = module.parent(load)
        while scope is not None and scope is not func:
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                a = scope.args
                if load.id in {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}:
                    break
            scope = module.parent(scope)
        else:
            kept.append(load)
    return kept
