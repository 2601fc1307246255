"""What an ``except`` handler does with an error: whether it catches every error, whether it goes
on after it, and whether it names a value first (closes or cancels it) before a statement in it.
Shared by the resource and task rules that follow an error from an ``await`` or a ``raise``."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, own_nodes, walk


def catches_every_error(handler: ast.ExceptHandler) -> bool:
    """``except:``, ``except BaseException``, ``except Exception`` (also in a tuple)."""
    if handler.type is None:
        return True
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((c.attr if isinstance(c, ast.Attribute) else c.id if isinstance(c, ast.Name) else "") in ("Exception", "BaseException") for c in caught)


def caught_names(handler: ast.ExceptHandler) -> set[str]:
    """The last names of the classes ``handler`` catches (``{"BaseException"}`` for a bare
    ``except``); a class it names otherwise (a call, a subscript) is left out."""
    if handler.type is None:
        return {"BaseException"}
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {k.id if isinstance(k, ast.Name) else k.attr for k in kinds if isinstance(k, (ast.Name, ast.Attribute))}


# What a handler names that no error of an ``await`` is: the cancellation, and the ends of the
# process or of a generator.
_NOT_ERRORS = frozenset({"CancelledError", "KeyboardInterrupt", "SystemExit", "GeneratorExit"})


def catches_errors(handler: ast.ExceptHandler) -> bool:
    """Whether ``handler`` catches the errors an ``await`` raises: a bare ``except``, or one that
    names anything but the cancellation (``except asyncio.CancelledError: task.cancel(); raise``
    ends a task on a cancellation only; a network error goes past it with the task running). A
    class it names otherwise than by a name (``except errors():``) may be any error."""
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(not isinstance(k, (ast.Name, ast.Attribute)) for k in kinds) or not caught_names(handler) <= _NOT_ERRORS


def catches_cancellation(handler: ast.ExceptHandler) -> bool:
    """Whether ``handler`` may catch a task's cancellation: a bare ``except``, ``BaseException``,
    ``CancelledError``, or a class named otherwise than by a name (``except errors():``).
    ``except Exception`` does not: ``CancelledError`` is no ``Exception`` (Python 3.8 on)."""
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(not isinstance(k, (ast.Name, ast.Attribute)) for k in kinds) or bool(caught_names(handler) & {"BaseException", "CancelledError"})


def pause_only(module: ModuleInfo, node: ast.Await) -> bool:
    """``await asyncio.sleep(delay)``: a pause, whose only error is the cancellation of the task
    that waits."""
    call = node.value
    return isinstance(call, ast.Call) and module.imports.qualify(call.func) == "asyncio.sleep"


def goes_on(handler: ast.ExceptHandler) -> bool:
    """A handler of every error that never raises: the function goes on after the error."""
    return catches_every_error(handler) and not any(isinstance(n, ast.Raise) for n in walk(handler))


def stopped_before(
    module: ModuleInfo, node: ast.AST, outer: ast.AST, handler: ast.ExceptHandler | None = None, beyond: frozenset[int] = frozenset()
) -> bool:
    """Whether an error raised at ``node`` is caught on its way out of ``outer`` (a statement
    holding it, or the ``try`` of ``handler``) by a ``try`` between them that goes on after it:
    one of its handlers catches every ``Exception``, and none of them raises or returns
    (``except Exception: log(); skipped += 1`` around each ``await conn.execute(...)`` lets no
    error of it reach an outer ``except Exception: return False``, nor the statements after the
    loop; ``except PostgresError: raise`` before it, or ``except Exception: return False``,
    does). When ``handler`` catches the cancellation or the process's ends (a bare ``except``,
    ``BaseException``, ``CancelledError``), only a handler as wide stops what reaches it. A
    ``try`` holding one of the nodes ``beyond`` (the close the error must not skip) stops
    nothing: it goes on after that close."""
    wide = handler is not None and bool(caught_names(handler) & (_NOT_ERRORS | {"BaseException"}))
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is outer or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.body) and _goes_on_after(ancestor, wide):
            return not beyond or not any(id(n) in beyond for n in walk(ancestor))
        child = ancestor
    return False


def _goes_on_after(trial: ast.Try, wide: bool) -> bool:
    """A handler of ``trial`` catches every error (every one, the cancellation too, when
    ``wide``), and no handler leaves by a ``raise`` or a ``return``."""
    if any(isinstance(n, (ast.Raise, ast.Return)) for h in trial.handlers for n in own_nodes(h)):
        return False
    return any(catches_every_error(h) and (not wide or "BaseException" in caught_names(h)) for h in trial.handlers)


def named_first_in_handler(module: ModuleInfo, node: ast.AST, function: ast.AST, name: str) -> bool:
    """``node`` runs in an ``except`` of ``function`` (the nearest) that names ``name`` at or
    before its line: ``except Exception: await s.close(); raise``."""
    at = getattr(node, "lineno", 0)
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.ExceptHandler):
            return any(isinstance(n, ast.Name) and n.id == name and n.lineno <= at for s in ancestor.body for n in walk(s))
    return False
