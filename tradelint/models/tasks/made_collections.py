"""Local collections of tasks made whole: ``tasks = [create_task(f(x)) for x in xs]`` (or a
display, ``[create_task(a()), create_task(b())]``) holds its tasks exactly as a list filled one
``append`` at a time does, and the ways out of the function that leave such a list's tasks
running are the same:

- an async generator's ``yield`` where the consumer may stop it, with no ``finally`` ending
  them (``generator_exits``);
- a ``try`` that waits on them whose handler of some errors only cancels them
  (``except CancelledError: for t in tasks: t.cancel()``): the function shows that the failure
  path must end them, and every other error (a task's own, re-raised by ``asyncio.gather`` or
  by awaiting it) takes the other way out, leaving the rest running (pydantic-ai's parallel tool
  calls, ``d48c553a``).

A collection only waited for in full (``await asyncio.gather(*tasks)`` with no handler), or
ended by a ``finally`` or a handler of every error, is none of these."""

from __future__ import annotations

import ast
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.handlers import caught_names
from tradelint.facts.syntax import walk
from tradelint.facts.uses import TRY_NODES
from tradelint.models.tasks.function_bodies import _own_nodes
from tradelint.models.tasks.generator_exits import generator_exit

# Handlers that catch every error a wait on tasks may raise; ``Exception`` lets only the
# function's own cancellation through (as ``partial_handlers`` counts them).
_CATCH_ALL = frozenset({"BaseException", "Exception"})

# asyncio's waits, through which a collection's tasks' errors reach the function.
_WAITS = frozenset({"asyncio.gather", "asyncio.tasks.gather", "asyncio.wait", "asyncio.tasks.wait",
                    "asyncio.as_completed", "asyncio.tasks.as_completed"})


def collection_problem(
    module: ModuleInfo, function: ast.AST, expr: ast.expr, name: str, made: ast.stmt
) -> tuple[str, str, str] | None:
    """``(problem, holder, detail)`` for the local collection ``name`` made whole at ``made``
    (``expr``, one of its task-making elements): ``generator_exit`` or
    ``collection_some_errors`` (with the one error, as written, whose handler cancels them)."""
    # Made again with its tasks wherever its statement runs again: judged as a plain local is
    # (its next turn's use is of the new collection).
    holder = generator_exit(module, function, expr, name, made)
    if holder is not None:
        return ("generator_exit", holder, "")
    caught = elements_cancelled_for_some_errors(module, function, name)
    if caught is not None:
        return ("collection_some_errors", name, caught)
    return None


def _names(stmts: list[ast.stmt], name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for stmt in stmts for n in walk(stmt))


def _cancels_elements(stmts: list[ast.stmt], name: str) -> bool:
    """``for t in name: t.cancel()`` (or a comprehension of the same) in ``stmts``."""
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, (ast.For, ast.AsyncFor)):
                target, source, body = node.target, node.iter, list(node.body)
            elif isinstance(node, ast.comprehension):
                target, source, body = node.target, node.iter, []
                comp = next((c for c in walk(stmt) if isinstance(c, (ast.ListComp, ast.SetComp, ast.GeneratorExp))
                             and node in c.generators), None)
                if comp is not None:
                    body = [ast.Expr(comp.elt)]
            else:
                continue
            if not (isinstance(source, ast.Name) and source.id == name and isinstance(target, ast.Name)):
                continue
            element = target.id
            if any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
                and isinstance(n.func.value, ast.Name) and n.func.value.id == element
                for inner in body for n in walk(inner)
            ):
                return True
    return False


def _waits_on(module: ModuleInfo, stmts: list[ast.stmt], name: str) -> bool:
    """An ``await`` in ``stmts`` of one of asyncio's waits given ``name`` (``gather(*name)``,
    ``wait(name)``, ``wait(set(name))``) without ``return_exceptions``."""
    for stmt in stmts:
        for node in walk(stmt):
            if not (isinstance(node, ast.Call) and module.imports.qualify(node.func) in _WAITS):
                continue
            if any(k.arg == "return_exceptions" for k in node.keywords):
                continue
            if any(isinstance(n, ast.Name) and n.id == name for arg in node.args for n in walk(arg)):
                return True
    return False


def _only_waits(module: ModuleInfo, node: ast.Await) -> bool:
    """``await asyncio.wait(...)``: it returns (or is cancelled); it raises no task's error."""
    return isinstance(node.value, ast.Call) and module.imports.qualify(node.value.func) in ("asyncio.wait", "asyncio.tasks.wait")


def elements_cancelled_for_some_errors(module: ModuleInfo, function: ast.AST, name: str) -> str | None:
    """The exception (as written) whose handler alone cancels the tasks of the local collection
    ``name`` around a wait on them, when no ``finally`` and no handler of every error of that
    ``try`` (or of one around it) names the collection; else None."""
    for node in _own_nodes(function):
        if not isinstance(node, TRY_NODES):
            continue
        guard = cast("ast.Try", node)  # ``ast.TryStar`` has the same fields
        if not _waits_on(module, guard.body, name):
            continue
        if all(_only_waits(module, n) for stmt in guard.body for n in walk(stmt) if isinstance(n, ast.Await)):
            continue  # ``asyncio.wait`` raises none of its tasks' errors: only a cancellation leaves it
        partial = next(
            (h for h in guard.handlers if not (caught_names(h) & _CATCH_ALL) and _cancels_elements(h.body, name)), None
        )
        if partial is None or partial.type is None:
            continue
        if _ended_around(module, function, guard, name):
            continue
        return ast.unparse(partial.type)
    return None


def _ended_around(module: ModuleInfo, function: ast.AST, guard: ast.AST, name: str) -> bool:
    """``guard`` or a ``try`` around it has a ``finally``, or a handler of every error, naming
    ``name``."""
    node: ast.AST | None = guard
    child: ast.AST | None = None
    while node is not None and node is not function:
        try_node = cast("ast.Try", node)  # ``ast.TryStar`` has the same fields
        if isinstance(node, TRY_NODES) and (child is None or any(child is s for s in try_node.body)):
            if _names(try_node.finalbody, name):
                return True
            if any(caught_names(h) & _CATCH_ALL and _names(h.body, name) for h in try_node.handlers):
                return True
        child, node = node, module.parent(node)
    return False
