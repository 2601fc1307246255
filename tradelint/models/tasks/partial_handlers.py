"""A local task gathered with other work and cancelled by a handler of some errors only.

``asyncio.gather(a, task)`` (without ``return_exceptions=True``) raises the first error of any
of its awaitables and cancels none of the others: ``task`` runs on. A function that cancels the
task in an ``except X:`` around the gather shows that the failure path must end it, and every
error that is not an ``X`` (and every cancellation of the function itself) takes the other way
out, leaving it running (openai-agents-python's model turn, cancelled only on a guardrail trip)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.handlers import caught_names
from tradelint.facts.syntax import walk

# Handlers that catch every error a gather may raise (``Exception`` lets a cancellation through,
# which a gather of tasks only meets when the function itself is cancelled).
_CATCH_ALL = frozenset({"BaseException", "Exception"})


def _cancels(stmts: list[ast.stmt], name: str) -> bool:
    """``name.cancel()`` somewhere in ``stmts`` (or ``name`` handed to a call there that ends it)."""
    for stmt in stmts:
        for node in walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "cancel"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            ):
                return True
    return False


def _names(stmts: list[ast.stmt], name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for stmt in stmts for n in walk(stmt))


def gathered_coroutines(module: ModuleInfo, function: ast.AST, name: str) -> list[ast.Call]:
    """The coroutines given to the gather that ``cancelled_for_some_errors`` judges: gather wraps
    each in a task that only the gather holds. The function shows that the gathered work must end
    when the gather fails, and nothing can cancel those: when another awaitable fails, they run
    on (openai-agents-python's input guardrails, beside the model turn)."""
    found = cancelled_for_some_errors(module, function, name, with_gather=True)
    if not isinstance(found, tuple):
        return []
    gather = found[1]
    return [arg for arg in gather.args if isinstance(arg, ast.Call)]


def cancelled_for_some_errors(
    module: ModuleInfo, function: ast.AST, name: str, with_gather: bool = False
) -> str | tuple[str, ast.Call] | None:
    """The exception (as written) whose handler alone cancels the local task ``name`` around an
    awaited ``asyncio.gather`` of it and other work, when no ``finally`` and no handler of every
    error around that gather names the task (with ``with_gather``, and the gather); else None."""
    for node in walk(function):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        gather = module.parent(node)
        if not (
            isinstance(gather, ast.Call)
            and node in gather.args
            and len(gather.args) >= 2
            and module.imports.qualify(gather.func) == "asyncio.gather"
            and isinstance(module.parent(gather), ast.Await)
            and module.enclosing_function(gather) is function
        ):
            continue
        if any(k.arg == "return_exceptions" and not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in gather.keywords):
            continue
        partial: str | None = None
        child: ast.AST = gather
        for ancestor in module.ancestors(gather):
            if ancestor is function:
                break
            if isinstance(ancestor, (ast.Try, ast.TryStar)) and any(child is s for s in ancestor.body):
                if _names(ancestor.finalbody, name):
                    partial = None
                    break
                whole = [h for h in ancestor.handlers if caught_names(h) & _CATCH_ALL]
                if any(_names(h.body, name) for h in whole):
                    partial = None
                    break
                for handler in ancestor.handlers:
                    if handler not in whole and _cancels(handler.body, name) and partial is None:
                        partial = ast.unparse(handler.type) if handler.type is not None else "?"
            child = ancestor
        if partial is not None:
            return (partial, gather) if with_gather else partial
    return None
