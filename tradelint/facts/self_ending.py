"""Methods that end their own object whatever happens: ``async with self`` around the work, or
the release called in a ``finally`` (discord's ``Client.run()``, a trader's ``start()`` whose
``finally`` calls ``self._cleanup_resources()``). A call of one ends the instance as its release
does. Shared by the resource analysis (first-party types) and by
``scripts/make_resource_table.py`` (library types)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

Function = ast.FunctionDef | ast.AsyncFunctionDef


def self_calls(body: list[ast.stmt]) -> Iterator[tuple[str, bool]]:
    """``self.m(...)`` and ``await self.m(...)`` run on every path through ``body``, with whether
    each is awaited: its statements, a ``try``'s body and ``finally``, never an ``if`` or an
    ``except`` (``commit()`` or ``rollback()`` by outcome)."""
    for stmt in body:
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Return)) else None
        awaited = isinstance(value, ast.Await)
        if isinstance(value, ast.Await):
            value = _run_by(value.value)
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
                yield func.attr, awaited
        elif isinstance(stmt, ast.Try):
            yield from self_calls(stmt.body)
            yield from self_calls(stmt.finalbody)


def guarded_awaits(exit_: Function) -> Iterator[str]:
    """``await self.m(...)`` in ``__aexit__`` under tests of the object's own state as well
    (psycopg's ``AsyncConnection``: ``if self.closed: return``, then ``if not getattr(self,
    "_pool", None): await self.close()``): the library's way to end it, whether or not the
    block raised. Never in an ``except``, nor under a test that reads ``__aexit__``'s exception
    arguments (``if exc_type: await self.rollback()``: by outcome), nor after such a test that
    returns or raises. For the library table only: first-party classes keep :func:`self_calls`."""
    yield from (name for name, awaited in guarded_calls(exit_) if awaited)


def guarded_calls(exit_: Function) -> Iterator[tuple[str, bool]]:
    """As :func:`guarded_awaits`, with the plain calls too, each with whether it is awaited:
    asyncssh's ``SSHConnection.__aexit__`` (``if not self._loop.is_closed(): self.close()``, then
    ``await self.wait_closed()``) ends the connection by its plain ``close()``."""
    args = exit_.args
    outcome = {a.arg for a in (*args.posonlyargs, *args.args)[1:]} | {a.arg for a in args.kwonlyargs}
    outcome |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    found: list[tuple[str, bool]] = []
    _guarded(exit_.body, outcome, found)
    yield from found


def _guarded(body: list[ast.stmt], outcome: set[str], found: list[tuple[str, bool]]) -> bool:
    """Appends the ``self.m()`` calls of ``body`` to ``found``, each with whether it is awaited;
    False once a test of the outcome leaves ``__aexit__`` (what follows it runs by outcome)."""
    for stmt in body:
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Return)) else None
        if isinstance(value, (ast.Await, ast.Call)):
            awaited = isinstance(value, ast.Await)
            call = _run_by(value.value) if isinstance(value, ast.Await) else value
            func = call.func if isinstance(call, ast.Call) else None
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
                found.append((func.attr, awaited))
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            if not (_guarded(stmt.body, outcome, found) and _guarded(stmt.finalbody, outcome, found)):
                return False
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            if not _guarded(stmt.body, outcome, found):
                return False
        elif isinstance(stmt, ast.If):
            if any(isinstance(n, ast.Name) and n.id in outcome for n in ast.walk(stmt.test)):
                if any(isinstance(n, (ast.Return, ast.Raise)) for s in (*stmt.body, *stmt.orelse) for n in ast.walk(s)):
                    return False
            elif not (_guarded(stmt.body, outcome, found) and _guarded(stmt.orelse, outcome, found)):
                return False
    return True


def _run_by(call: ast.expr) -> ast.expr:
    """The ``self.m()`` whose coroutine an awaited call runs to its end when it is the call's only
    argument (``await asyncio.shield(self.close())``, SQLAlchemy's ``await
    _run_to_completion(self.close())``), through ``create_task``; else the awaited call itself."""
    inner = call
    while isinstance(inner, ast.Call):
        func = inner.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            return inner
        if len(inner.args) != 1 or inner.keywords:
            break
        inner = inner.args[0]
    return call


def _unguarded(body: list[ast.stmt]) -> list[ast.stmt]:
    """A ``finally`` with its tests opened: ``if not self.is_closed(): await self.close()``."""
    found: list[ast.stmt] = []
    for stmt in body:
        found.extend(_unguarded(stmt.body) if isinstance(stmt, ast.If) else [stmt])
    return found


def ends_self(function: Function, release: str) -> bool:
    """Whether ``function`` (or a function it defines) ends the instance itself, whatever
    happens: ``async with self``, or ``release`` called in a ``finally``."""
    for node in ast.walk(function):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            isinstance(i.context_expr, ast.Name) and i.context_expr.id == "self" for i in node.items
        ):
            return True
        if isinstance(node, ast.Try) and any(name == release for name, _ in self_calls(_unguarded(node.finalbody))):
            return True
    return False


def ending_methods(classes: list[ast.ClassDef], release: str) -> tuple[str, ...]:
    """The public methods of a class (its own first, then its bases', nearest first) other than
    ``release`` that end the instance themselves."""
    seen: dict[str, Function] = {}
    for cls in classes:
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                seen.setdefault(stmt.name, stmt)
    return tuple(
        sorted(name for name, method in seen.items() if not name.startswith("_") and name != release and ends_self(method, release))
    )
