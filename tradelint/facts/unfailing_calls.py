"""An awaited first-party coroutine that cannot raise an error, and the ``except`` it cannot reach.

A connection test of an integration's client commonly catches every error itself and answers
``False`` (``async def async_test_connection(self): ... try: await self._authenticate() ... except
Exception: _LOGGER.error(...); return False``). Its caller's ``try: await client.async_test_connection()
except Exception: raise ConfigEntryNotReady`` then has a handler no error reaches: only the
task's cancellation leaves the awaited call, and ``except Exception`` does not catch it. A
``raise`` or a ``return`` in that handler is no way out of the function, and a resource made
before it is not left open there.

Proven, not guessed (:func:`cannot_fail`): the call resolves to one first-party ``async def``
(a function of the project, or a method of the class its receiver is proven to be, no subclass
of the project defining it again, not decorated), its arguments are names, constants and
attributes, and every statement of its body cannot raise an ``Exception``: a docstring, ``pass``,
a logging call given such values, an assignment of one to a name or an attribute, a ``return``
of one, an ``if`` testing one with branches as safe, a pause (``await asyncio.sleep(n)``), or a
``try`` one of whose handlers catches every ``Exception`` and none of whose handlers, ``else`` or
``finally`` can fail or raises. Anything else (a subscript, an arithmetic operation, a call of
another kind, a ``with``) may fail. Shared by the resource rules that follow an error from an
``await`` to a handler (``own_closes``, ``proofs``)."""

from __future__ import annotations

import ast

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases, resolve_definition, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.handlers import catches_cancellation, catches_every_error, pause_only
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import LOGGER_METHODS

__all__ = ["cannot_fail", "only_cancelled", "unreached_handler"]

_SAFE_COMPARISONS = (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)


def only_cancelled(module: ModuleInfo, node: ast.Await) -> bool:
    """An ``await`` whose only error is the cancellation of the task that waits: a pause, or a
    call of a first-party coroutine that :func:`cannot_fail`."""
    return pause_only(module, node) or (isinstance(node.value, ast.Call) and cannot_fail(module, node.value))


def unreached_handler(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    """``node`` lies in an ``except`` (of a ``try`` of ``function``) that no error reaches: the
    handler does not catch the cancellation, and every statement of its ``try`` body is safe,
    each ``await`` in it one of a call that :func:`cannot_fail`."""
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, (*FUNCTION_NODES, ast.Lambda)):
            return False
        if isinstance(ancestor, ast.ExceptHandler) and not catches_cancellation(ancestor):
            try_ = module.parent(ancestor)
            if isinstance(try_, ast.Try) and all(_safe_statement(module, s, awaits=True) for s in try_.body):
                return True
    return False


def cannot_fail(module: ModuleInfo, call: ast.Call) -> bool:
    """``call`` runs a first-party ``async def`` whose body cannot raise an ``Exception``, with
    arguments whose evaluation cannot either."""
    if not all(_safe_value(a) for a in call.args) or not all(_safe_value(k.value) for k in call.keywords):
        return False
    found = _definition(module, call)
    if found is None:
        return False
    home, definition = found
    memo = module.project.class_memo
    key = ("cannot_fail", definition)
    if key not in memo:
        memo[key] = all(_safe_statement(home, s, awaits=False) for s in definition.body)
    return bool(memo[key])


def _definition(module: ModuleInfo, call: ast.Call) -> tuple[ModuleInfo, ast.AsyncFunctionDef] | None:
    """The one undecorated first-party ``async def`` ``call`` runs."""
    func = call.func
    if isinstance(func, ast.Name):
        found = resolve_definition(module, func)
        if found is None or not isinstance(found[1], ast.AsyncFunctionDef) or found[1].decorator_list:
            return None
        return found[0], found[1]
    if not isinstance(func, ast.Attribute):
        return None
    function = module.enclosing_function(call)
    receiver = receiver_class(module, function, func.value) if function is not None else None
    if receiver is None:
        return None
    for home, cls in class_and_bases(*receiver):
        method = next((s for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == func.attr), None)
        if method is None:
            continue
        if not isinstance(method, ast.AsyncFunctionDef) or method.decorator_list:
            return None
        overridden = any(
            isinstance(s, FUNCTION_NODES) and s.name == func.attr
            for _, sub in subclasses_in_project(*receiver, mixins_only=False) for s in sub.body
        )
        return None if overridden else (home, method)
    return None


def _safe_statement(module: ModuleInfo, stmt: ast.stmt, awaits: bool) -> bool:
    """A statement that cannot raise an ``Exception``; ``awaits``: an awaited call that
    :func:`cannot_fail` is one too (the caller's ``try`` body), else only a pause is."""
    if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Await):
        return _safe_await(module, stmt.value, awaits)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _logging_call(stmt.value)
    if isinstance(stmt, ast.Return):
        return stmt.value is None or _safe_value(stmt.value)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        if not all(isinstance(t, ast.Name) or isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) for t in targets):
            return False
        if value is None or _safe_value(value):
            return True
        return isinstance(value, ast.Await) and _safe_await(module, value, awaits)
    if isinstance(stmt, ast.If):
        return _safe_value(stmt.test) and all(_safe_statement(module, s, awaits) for s in (*stmt.body, *stmt.orelse))
    if isinstance(stmt, ast.Try):
        if not any(catches_every_error(h) for h in stmt.handlers):
            return False
        if any(isinstance(n, ast.Raise) for h in stmt.handlers for n in ast.walk(h)):
            return False
        rest = [s for h in stmt.handlers for s in h.body] + [*stmt.orelse, *stmt.finalbody]
        return all(_safe_statement(module, s, awaits) for s in rest)
    return False


def _safe_await(module: ModuleInfo, node: ast.Await, awaits: bool) -> bool:
    if pause_only(module, node):
        return isinstance(node.value, ast.Call) and all(_safe_value(a) for a in node.value.args)
    return awaits and isinstance(node.value, ast.Call) and cannot_fail(module, node.value)


def _logging_call(call: ast.Call) -> bool:
    """``_LOGGER.error("... %s", err)``, ``self._log.debug(...)``: logging reports its own
    formatting errors and raises none; the arguments are evaluated first."""
    func = call.func
    receiver = func.value if isinstance(func, ast.Attribute) else None
    if not (isinstance(func, ast.Attribute) and func.attr in LOGGER_METHODS):
        return False
    if not (isinstance(receiver, ast.Name) or isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name)):
        return False
    return all(_safe_value(a) for a in call.args) and all(_safe_value(k.value) for k in call.keywords)


def _safe_value(expr: ast.expr) -> bool:
    """An expression whose evaluation cannot raise an ``Exception``: a constant, a name, an
    attribute of one, ``not``, ``and``/``or``, an identity or equality test of such values, an
    f-string of them without a format spec."""
    if isinstance(expr, (ast.Constant, ast.Name)):
        return True
    if isinstance(expr, ast.Attribute):
        return _safe_value(expr.value)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return _safe_value(expr.operand)
    if isinstance(expr, ast.BoolOp):
        return all(_safe_value(v) for v in expr.values)
    if isinstance(expr, ast.Compare):
        return all(isinstance(op, _SAFE_COMPARISONS) for op in expr.ops) and _safe_value(expr.left) and all(_safe_value(c) for c in expr.comparators)
    if isinstance(expr, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or isinstance(v, ast.FormattedValue) and v.format_spec is None and _safe_value(v.value) for v in expr.values)
    return False
