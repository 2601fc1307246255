"""Who holds the tasks an ``asyncio.wait`` waited on, once it returns (TRD304): the collection
it waited on when the function keeps it (waits on it again in a loop, hands it on), a task of
it the function ends by name, a ``self`` attribute; and which waited tasks are new here (a
display, a comprehension, a local the function assigns). Asked by the rule before it reports
``pending`` never used or a discarded wait."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import LOOP_NODES
from tradelint.facts.uses import classify, declares_outer, name_loads


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)
LITERALS = (ast.List, ast.Set, ast.Tuple)


def _kept_elsewhere(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> bool:
    """Whether something other than ``pending`` still holds the waited tasks after the wait.

    Real code waits on a collection it keeps (``while tasks: done, _ = await wait(tasks, ...)``,
    ``self._pending``) or on tasks it handles by name afterwards (``if get_task in done: ...
    else: get_task.cancel()``): the pending tasks are owned there, and are not lost. A task
    that is only looked at afterwards (``t in done``, ``t.done()``, ``t.result()``) is held by
    nothing that ends it: when it loses, nobody cancels it.
    """
    arg = _waited(call)
    if arg is None:
        return True
    inside = {id(node) for node in ast.walk(call)}
    return _holds(module, function, arg, inside, call)


def _new_here(function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> bool:
    """The waited tasks are made in this function: a literal, a comprehension, or a local assigned
    here. A parameter is the caller's collection, and a bare wait on it is the caller's business."""
    arg = _waited(call)
    if isinstance(arg, (*LITERALS, *COMPREHENSIONS)):
        return True
    return isinstance(arg, ast.Name) and any(_assigns(node, arg.id) for node in ast.walk(function))


def _waited(call: ast.Call) -> ast.expr | None:
    return call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("fs", "aws")), None)


def _holds(module: ModuleInfo, function: ast.AST, value: ast.expr, inside: set[int], call: ast.Call) -> bool:
    if isinstance(value, COMPREHENSIONS):
        return False  # tasks made right there: nothing else can name them
    if isinstance(value, LITERALS):
        return any(_element_held(module, function, element, inside) for element in value.elts)
    if not isinstance(value, ast.Name):
        return True  # ``self._tasks``, ``set(chain(...))``: owned or unknowable, so not judged
    name = value.id
    if declares_outer(function, name) or _loaded_outside(function, name, inside):
        return True
    assigned = [node for node in ast.walk(function) if _assigns(node, name)]
    if any(_loop_around(function, call, node) for node in assigned) or (not assigned and _in_loop(function, call)):
        return True  # the same collection is waited on again in the next iteration
    for node in assigned:
        source = node.value if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) else None
        if source is None or _holds(module, function, source, inside, call):
            return True
    return False


def _element_held(module: ModuleInfo, function: ast.AST, element: ast.expr, inside: set[int]) -> bool:
    if isinstance(element, ast.Call):
        return False
    if isinstance(element, ast.Name):
        made = [node for node in ast.walk(function) if _assigns(node, element.id)]
        if not made or not all(isinstance(node, ast.Assign) and _bare_task(module, node.value) for node in made):
            # A parameter, an alias of what another owner holds (``self._waiter``), a task an
            # owner makes and ends itself (``tg.create_task(...)`` of a task group).
            return True
        return any(
            id(load) not in inside and not _looks(module, load) for load in name_loads(function, element.id)
        )
    return True


BARE_CREATORS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future"})


def _bare_task(module: ModuleInfo, value: ast.expr) -> bool:
    """``asyncio.create_task(...)`` or ``asyncio.ensure_future(...)``: a task nobody else holds."""
    return isinstance(value, ast.Call) and module.imports.qualify(value.func) in BARE_CREATORS


# Methods of a task that look at it and end nothing.
LOOKING_METHODS = frozenset({"done", "cancelled", "result", "exception", "get_name", "get_coro", "get_stack", "print_stack"})


def _looks(module: ModuleInfo, load: ast.expr) -> bool:
    """``t in done``, ``if t.done()``, ``t.result()``: a use of a raced task that neither ends it
    (cancel, await) nor hands it on."""
    use = classify(module, load)
    if use.kind == "test":
        return True
    return use.kind in ("method", "attribute") and use.name in LOOKING_METHODS


def _loaded_outside(function: ast.AST, name: str, inside: set[int]) -> bool:
    return any(id(load) not in inside for load in name_loads(function, name))


def _assigns(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Assign):
        targets: list[ast.expr] = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
    else:
        return False
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
        for target in targets
        for n in ast.walk(target)
    )


def _loops(function: ast.AST, node: ast.AST) -> list[ast.For | ast.AsyncFor | ast.While]:
    """The loops of ``function`` whose body contains ``node``."""
    return [
        loop for loop in ast.walk(function)
        if isinstance(loop, LOOP_NODES) and any(inner is node for stmt in loop.body for inner in ast.walk(stmt))
    ]


def _in_loop(function: ast.AST, call: ast.Call) -> bool:
    return bool(_loops(function, call))


def _loop_around(function: ast.AST, call: ast.Call, assignment: ast.AST) -> bool:
    """A loop runs the wait again without running this assignment again."""
    return any(
        not any(inner is assignment for stmt in loop.body for inner in ast.walk(stmt))
        for loop in _loops(function, call)
    )
