"""Responses the function still owns when a step after the request fails and the function
handles the error and goes on: a retry that sends the request again (``continue`` to the next
turn of the loop, ``return await self._retry(...)``) or a fallback. The failed attempt's response
is never released: nothing can reach it any more, and each failure keeps one pooled connection
checked out (openai/openai-python ``7aad3405``, jbsparrow/CyberDropDownloader ``e9c942bf``).

A response lent to a call (``await process(resp)``, ``self.validate(response)``) is still the
caller's: the callee may have failed before reading it. The steps that fail with the response
open are those that can raise between the request and its first release: a method of the
response that is no release (httpx's ``raise_for_status()``; aiohttp's releases the response
before it raises, read in its source), a call the response is lent to, a ``raise``. A handler
that re-raises hands the error to the caller and is not judged (the response module's reason: a
response dropped with the frame of a failing function is what the collector reclaims, no leak a
reader acts on); one that swallows the error and goes on is. A handler, or a ``finally``, that
calls any release is taken to release it (``await err.response.aclose()``: the same response
through the error)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, LOOP_NODES
from tradelint.facts.uses import INSPECTORS, name_loads
from tradelint.models.resources.resource_types import Creation

# Any release of a response, whatever the library: a handler calling one is taken to release it.
_RELEASES = frozenset({"close", "aclose", "release", "read", "aread", "text", "json"})
# Builtins that only look at what they are given.
_LOOKS = INSPECTORS | {"hasattr", "getattr"}


def open_on_handled_error(
    module: ModuleInfo, c: Creation, releases: set[str], released_on_raise: Iterable[str], finalized: bool = False
) -> bool:
    """Whether a ``try`` around the binding of the response has a handler that swallows an error
    a step after the request raises, before any release, and leaves the response behind: it
    returns, goes on to the next turn of the loop that binds it again, or falls through to code
    that never uses it. ``released_on_raise``: the response's own methods that release it before
    they raise (aiohttp's ``raise_for_status``). A ``finalized`` response (aiohttp's, whose
    ``__del__`` gives the connection back) is reclaimed once the frame drops it: only a handler
    that goes on to await something first (a retry, the next turn's request) keeps it open."""
    function = c.function
    stmt = c.stmt
    assert function is not None
    ends = releases | set(released_on_raise)
    for try_node in _tries_around(module, stmt, function):
        if any(_calls_release(s) for s in try_node.finalbody):
            return False  # (released, or its client closed, in the ``finally``)
        if not _fails_while_open(try_node, stmt, c.name, ends):
            continue
        for handler in try_node.handlers:
            if _leaves_it(module, function, try_node, handler, c.name, finalized):
                return True
    return False


def _tries_around(module: ModuleInfo, stmt: ast.AST, function: ast.AST) -> list[ast.Try]:
    """The ``try`` statements of ``function`` whose body holds ``stmt``, innermost first."""
    found: list[ast.Try] = []
    child: ast.AST = stmt
    for ancestor in module.ancestors(stmt):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            break
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            found.append(ancestor)
        child = ancestor
    return found


def _fails_while_open(try_node: ast.Try, stmt: ast.AST, name: str, ends: set[str]) -> bool:
    """A step of the ``try`` body after ``stmt``, and before the response's first release there,
    that can raise with the response open: a ``raise``, a method of the response that is not one
    of ``ends``, a call the response is lent to (an argument)."""
    start = getattr(stmt, "end_lineno", None) or stmt.lineno  # type: ignore[attr-defined]
    nodes = sorted(
        (n for s in try_node.body for n in _own_nodes(s) if getattr(n, "lineno", 0) > start),
        key=lambda n: (n.lineno, n.col_offset),  # type: ignore[attr-defined]
    )
    for node in nodes:
        if isinstance(node, ast.Raise):
            return True
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
            if func.attr in ends:
                return False  # released (or read whole) from here on
            return True  # ``response.raise_for_status()``
        given = [*node.args, *(k.value for k in node.keywords)]
        if any(isinstance(a, ast.Name) and a.id == name for a in given):
            return True  # lent: ``await process_response(resp)``
    return False


def _leaves_it(
    module: ModuleInfo, function: ast.AST, try_node: ast.Try, handler: ast.ExceptHandler, name: str, finalized: bool
) -> bool:
    """Whether ``handler`` swallows the error without releasing the response or handing it on,
    and the function then loses it: a ``return``, a ``continue`` (the loop binds it again), or
    falling through or breaking to code that never uses it again."""
    if any(_calls_release(s) for s in handler.body) or _hands_on(handler, name):
        return False
    outcomes = _outcomes(handler.body)
    loop = next((a for a in module.ancestors(try_node) if isinstance(a, (*LOOP_NODES, *FUNCTION_NODES))), None)
    in_loop = isinstance(loop, LOOP_NODES)
    if "continue" in outcomes and in_loop:
        return True  # (the next turn's request is awaited before the name lets go of this one)
    if finalized and not any(isinstance(n, ast.Await) for s in handler.body for n in _own_nodes(s)):
        return False  # dropped with the frame, collected, its finalizer gives the connection back
    if "return" in outcomes:
        return True
    if outcomes & {"through", "break"}:
        end = try_node.end_lineno or try_node.lineno
        if "break" in outcomes and in_loop:
            end = loop.end_lineno or end  # type: ignore[union-attr]
        return not any(n.lineno > end for n in name_loads(function, name))
    return False


def _hands_on(handler: ast.ExceptHandler, name: str) -> bool:
    """The handler returns, yields or stores the response itself: whoever gets it may release it."""
    for node in (n for s in handler.body for n in _own_nodes(s)):
        value = getattr(node, "value", None) if isinstance(node, (ast.Return, ast.Yield, ast.Assign, ast.AnnAssign)) else None
        if value is not None and any(isinstance(v, ast.Name) and v.id == name for v in _held(value)):
            return True
    return False


def _held(value: ast.expr) -> list[ast.expr]:
    """``value`` and the items of the literal containers it is (``return resp, body``); not the
    arguments of a call, which only lends them (``x = gen.send(resp)``)."""
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return [v for item in value.elts for v in _held(item)]
    if isinstance(value, ast.Dict):
        return [v for item in value.values for v in _held(item)]
    return [value]


def _calls_release(stmt: ast.stmt) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _RELEASES for n in _own_nodes(stmt)
    )


def _own_nodes(node: ast.AST) -> Iterable[ast.AST]:
    """``node`` and what it holds, not the bodies of functions or classes defined in it."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(c for c in ast.iter_child_nodes(current) if not isinstance(c, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)))


def _outcomes(stmts: list[ast.stmt]) -> set[str]:
    """How running ``stmts`` may end: ``raise``, ``return``, ``continue``, ``break``, or
    ``through`` (on to what follows)."""
    found: set[str] = set()
    for stmt in stmts:
        ends = _stmt_outcomes(stmt)
        found |= ends - {"through"}
        if "through" not in ends:
            return found
    return found | {"through"}


def _stmt_outcomes(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.Raise):
        return {"raise"}
    if isinstance(stmt, ast.Return):
        return {"return"}
    if isinstance(stmt, ast.Continue):
        return {"continue"}
    if isinstance(stmt, ast.Break):
        return {"break"}
    if isinstance(stmt, ast.If):
        return _outcomes(stmt.body) | _outcomes(stmt.orelse)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return _outcomes(stmt.body)
    if isinstance(stmt, LOOP_NODES):
        inner = _outcomes(stmt.body) | _outcomes(stmt.orelse)
        return (inner & {"raise", "return"}) | {"through"}
    if isinstance(stmt, ast.Try):
        ends = _outcomes(stmt.body) | _outcomes(stmt.orelse)
        for handler in stmt.handlers:
            ends |= _outcomes(handler.body)
        if stmt.finalbody:
            last = _outcomes(stmt.finalbody)
            ends = (ends | (last - {"through"})) if "through" in last else last
        return ends
    if isinstance(stmt, ast.Match):
        return set().union(*(_outcomes(case.body) for case in stmt.cases)) | {"through"}
    return {"through"}


def open_on_raise(module: ModuleInfo, c: Creation, releases: set[str]) -> bool:
    """A response that nothing releases when collected (httpx's: neither its ``Response`` nor
    httpcore's pooled stream has a finalizer, unlike aiohttp's ``ClientResponse.__del__``, which
    gives the connection back) and that a later statement of its block can raise with, before
    any release or hand-on: a ``raise``, a method of it that is no release called for its check
    (``response.raise_for_status()``), a call it is lent to whose result is not used (a
    validator: ``self.validate_response(response)``). Not when a ``try`` around that step
    releases anything in a handler or its ``finally`` (pydantic/pydantic-ai ``9ddd334d``)."""
    stmt = c.stmt
    parent = module.parent(stmt)
    block = next((b for f in ("body", "orelse", "finalbody") if isinstance(b := getattr(parent, f, None), list) and stmt in b), None)
    if block is None:
        return False
    for later in block[block.index(stmt) + 1:]:
        for node in sorted(_own_nodes(later), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            step = _step(module, node, c.name, releases)
            if step == "ends" and isinstance(node, ast.Call) and _fails_quietly(module, node, later):
                continue  # ``try: body = await resp.aread() except Exception: body = ""``: open if it failed
            if step == "ends":
                return False
            if step == "fails":
                return not _guarded(module, node)
    return False


def _step(module: ModuleInfo, node: ast.AST, name: str, releases: set[str]) -> str:
    """``ends`` (released, entered, returned or stored), ``fails`` (a step that can raise with it
    open), or ``""``."""
    if isinstance(node, ast.Raise):
        return "fails"
    if isinstance(node, ast.Return) or isinstance(node, (ast.With, ast.AsyncWith)) and any(
        isinstance(i.context_expr, ast.Name) and i.context_expr.id == name for i in node.items
    ):
        return "ends"
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and any(
        isinstance(v, ast.Name) and v.id == name for v in _held(node.value)
    ):
        return "ends"
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
        if func.attr in releases or func.attr.startswith("aiter"):
            return "ends"  # released, read whole, or its body handed on
        return "fails" if _checked_for_raise(module, node) else ""
    given = [*node.args, *(k.value for k in node.keywords)]
    if isinstance(func, ast.Name) and func.id in _LOOKS:
        return ""  # ``hasattr(response, "status_code")``
    if any(isinstance(a, ast.Name) and a.id == name for a in given):
        return "fails" if _checked_for_raise(module, node) else "ends"
    return ""


def _fails_quietly(module: ModuleInfo, node: ast.AST, top: ast.AST) -> bool:
    """``node`` in the body of a ``try`` (inside ``top``) with a handler that goes on, releasing
    nothing: when it fails, the code after the ``try`` runs with the response still open."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.Try) and child in ancestor.body and any(
            not any(_calls_release(s) for s in h.body) and "through" in _outcomes(h.body) for h in ancestor.handlers
        ):
            return True
        if ancestor is top:
            return False
        child = ancestor
    return False


def _checked_for_raise(module: ModuleInfo, call: ast.Call) -> bool:
    """A call made for what it raises: a statement of its own, its result unused."""
    parent = module.parent(call)
    if isinstance(parent, ast.Await):
        parent = module.parent(parent)
    return isinstance(parent, ast.Expr)


def _guarded(module: ModuleInfo, node: ast.AST) -> bool:
    """A ``try`` around ``node`` whose handler or ``finally`` releases something."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            if any(_calls_release(s) for h in ancestor.handlers for s in h.body) or any(_calls_release(s) for s in ancestor.finalbody):
                return True
        child = ancestor
    return False
