"""A generator context manager that opens a resource on ``self`` for its block and releases it
after the ``yield`` outside any ``finally`` (issue 28 point 5, session 44).

``@asynccontextmanager async def connection(self): await self.open(); yield self._db; await
self.close()``: an error in the ``async with`` body is raised at the ``yield``, so the release
after it never runs, and the resource the block opened stays on ``self`` (ahopkins/mayim
``6776fec3``: the fix puts the close in a ``finally``). The same holds for a ``@contextmanager``
and for a resource made in the generator itself (``self._db = await connect(...)``). TRD201 says
this of a local; here the resource is kept on ``self`` and opened or closed through the class's
own methods.

Only a resource the class makes (a known type, made in the generator or in the own method it
calls) counts, and only when the generator itself releases it after the ``yield`` (directly, or
through an own method that closes it): the generator is then its owner for the block. A
``yield`` inside a ``try`` or a ``with`` is not judged (what they do with an error is not
followed here)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr, self_name
from tradelint.models.resources.resource_types import Creation

Method = ast.FunctionDef | ast.AsyncFunctionDef


def released_after_yield(module: ModuleInfo, creations: list[Creation]) -> Iterator[tuple[ast.stmt, Creation, Method, str]]:
    """``(statement, creation, generator, release)`` for each statement of a generator context
    manager method that opens ``self.<name>`` (the creation itself, or ``[await]
    self.<opener>()`` of the own method making it) before a ``yield`` that no ``try`` or
    ``with`` holds, when the generator releases it after that ``yield`` (``release`` names the
    call) outside any ``try``."""
    seen: set[int] = set()
    for c in creations:
        if c.kind != "self" or c.cls is None or c.function is None:
            continue
        methods = [m for m in c.cls.body if isinstance(m, FUNCTION_NODES) and self_name(m) is not None]
        closers = {m.name for m in methods if _closes(m, c.name)}
        for generator in methods:
            if not _is_context_manager(generator) or id(generator) in seen:
                continue
            me = self_name(generator) or ""
            body = _own_statements(generator)
            opening = next((s for s in body if s is c.stmt or (c.function is not generator and _calls_own(s, me, c.function.name))), None)
            if opening is None:
                continue
            yields = [s for s in body if s.lineno > opening.lineno and _is_yield(s)]
            if not yields or any(isinstance(a, (ast.Try, ast.TryStar, ast.With, ast.AsyncWith)) for a in module.ancestors(yields[0], stop=generator)):
                continue
            after = [s for s in body if s.lineno > yields[0].lineno]
            release = next((r for s in after if (r := _release(s, me, c.name, closers)) is not None), None)
            if release is None or any(isinstance(a, (ast.Try, ast.TryStar)) for s in after if _release(s, me, c.name, closers) for a in module.ancestors(s, stop=generator)):
                continue
            seen.add(id(generator))
            yield opening, c, generator, release


def _is_context_manager(method: Method) -> bool:
    for decorator in method.decorator_list:
        name = decorator.attr if isinstance(decorator, ast.Attribute) else decorator.id if isinstance(decorator, ast.Name) else ""
        if name in ("asynccontextmanager", "contextmanager"):
            return True
    return False


def _own_statements(method: Method) -> list[ast.stmt]:
    """The method's statements at every depth (not a nested function's or class's), in order."""
    found: list[ast.stmt] = []
    todo: list[ast.AST] = list(method.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.stmt):
            found.append(node)
        todo.extend(n for n in ast.iter_child_nodes(node) if isinstance(n, (ast.stmt, ast.excepthandler, ast.match_case)) and not isinstance(n, (*FUNCTION_NODES, ast.ClassDef)))
    return sorted(found, key=lambda s: (s.lineno, s.col_offset))


def _simple_call(stmt: ast.stmt) -> ast.Call | None:
    value = stmt.value if isinstance(stmt, ast.Expr) else None
    value = value.value if isinstance(value, ast.Await) else value
    return value if isinstance(value, ast.Call) else None


def _calls_own(stmt: ast.stmt, me: str, name: str) -> bool:
    call = _simple_call(stmt)
    return call is not None and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
        and call.func.value.id == me and call.func.attr == name


def _is_yield(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)


def _release(stmt: ast.stmt, me: str, attr: str, closers: set[str]) -> str | None:
    """``self.<attr>.close`` or ``self.<closer>`` when the statement is that call alone."""
    call = _simple_call(stmt)
    if call is None or not isinstance(call.func, ast.Attribute):
        return None
    if self_attr(call.func.value, me) == attr and is_release_name(call.func.attr):
        return f"self.{attr}.{call.func.attr}"
    if isinstance(call.func.value, ast.Name) and call.func.value.id == me and call.func.attr in closers:
        return f"self.{call.func.attr}"
    return None


def _closes(method: Method, attr: str) -> bool:
    me = self_name(method) or ""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and self_attr(n.func.value, me) == attr
        and is_release_name(n.func.attr)
        for n in walk(method)
    )
