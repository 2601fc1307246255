"""A release that a failure of the resource itself skips (issue 28 point 5, session 32).

``self.writer.write(b""); await self.writer.drain(); self.writer.close()`` in a ``disconnect()``:
the close comes after an ``await`` on the very resource it closes, and that ``await`` raises
exactly when the resource is broken (``ConnectionResetError`` from ``drain()``, a websocket's
``send`` once the peer is gone). The error leaves the method before the close, so the resource
stays open on the path where it most needs closing (jmccrohan/pysolarmanv5 ``877cc808``).

Only an awaited call on the same attribute counts (not any ``await`` before the close: what else
the release awaits says nothing of this resource), or an awaited method of the class's own that
awaits one itself outside any ``try`` (``await self.logout()`` posting through ``self._session``:
Gobot1234/steam.py ``9297f798``), and only where no ``try`` around either of them handles the
error or closes it in its ``finally``.

A release that fails on an instance that never started (session 43): a resource made in
``__init__`` is held from the instance's birth, so its release must work on an instance whose
start never ran or failed. One that first dereferences an attribute ``__init__`` leaves ``None``
(``if self.ws.open:`` before ``await self.session.close()``), with no test of that attribute on
the way, raises ``AttributeError`` there and never reaches the close (Rapptz/discord.py
``5a2b8e2c``: a client closed after a failed login)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.handlers import goes_on
from tradelint.facts.release_names import TEST_TEARDOWNS
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, last_name, walk
from tradelint.facts.uses import self_attr, self_name, sequential
from tradelint.models.resources.error_paths import opens_only
from tradelint.models.resources.resource_types import Creation, Problem

# What ends the resource or waits for its end: never the failing use.
ENDING = frozenset({"close", "aclose", "wait_closed", "disconnect", "shutdown", "terminate", "abort"})


def closed_after_own_failure(module: ModuleInfo, c: Creation) -> Problem | None:
    """``self_closed_after_own_use`` when a method of the class closes ``self.<name>`` only after
    an ``await`` on it that nothing guards, or, for one made in ``__init__``, after a dereference
    of an attribute ``__init__`` leaves ``None``; None otherwise."""
    found = failing_use_before_close(module, c)
    return "self_closed_after_own_use" if found is not None else None


def failing_use_before_close(module: ModuleInfo, c: Creation) -> tuple[str, str, str] | None:
    """(the method, what fails before the close, ``broken`` for a use that raises once it is broken,
    ``<name>.<method>`` or an own ``<method>``, or ``unset`` for a dereference of what ``__init__``
    leaves ``None``, ``self.ws.open``) of the first such close, for the message."""
    if c.cls is None:
        return None
    closes = {c.spec.close, "close", "aclose"}
    made = c.call if isinstance(c.call, ast.Call) else None
    # (held before any start: a lazy one, opened by a method of its own, holds nothing until then)
    unset = _left_none(c.cls) if c.function is not None and c.function.name == "__init__" and not c.spec.lazy else set()
    # Through the class's own methods (``await self.logout()``) only for a start that can fail
    # part way: the release then needs what the failed start never set up.
    through = _start_fails_after(module, c)
    ending = ENDING | closes | set(c.spec.ends)
    # A test case's teardown that closes it with no failing use on the way: a test's close that an
    # error skips leaves it to the teardown, which runs right after the failed test (``asyncTearDown``
    # closing what ``asyncSetUp`` opened, whatever the test does). Not a release method of another
    # class: between a failed ``check_login()`` and the owner's ``stop()``, a reconnect may replace
    # what the first left open.
    found = _closes_of(c.cls, c.name, closes)
    ended = [
        method for method, node, receiver in found
        if method.name in TEST_TEARDOWNS
        and _failing_use_before(module, method, node, receiver, c.name, ending, c.cls if through else None, made) is None
    ]
    for method, node, receiver in found:
        if ended and method not in ended and not is_release_name(method.name):
            continue  # (a test's close: the teardown closes it anyway)
        use = _failing_use_before(module, method, node, receiver, c.name, ending, c.cls if through else None, made)
        if use is not None:
            return method.name, use, "broken"
        deref = _unset_dereference(module, method, node, receiver, unset - {c.name}) if is_release_name(method.name) else None
        if deref is not None:
            return method.name, deref, "unset"
    return None


def _closes_of(cls: ast.ClassDef, name: str, closes: set[str]) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.Call, str]]:
    """Each call closing ``self.<name>`` in a method of ``cls``: (the method, the call, its receiver)."""
    found = []
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES):
            continue
        receiver = self_name(method)
        if receiver is None:
            continue
        for node in walk(method):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in closes and self_attr(node.func.value, receiver) == name:
                found.append((method, node, receiver))
    return found


def _start_fails_after(module: ModuleInfo, c: Creation) -> bool:
    """The method that makes ``self.<name>`` (not ``__init__``: a login, a connect) awaits after
    it on the same path, outside any ``try``: a failure there leaves the instance half-started,
    holding it."""
    function = c.function
    if function is None or function.name == "__init__":
        return False
    end = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    return any(
        isinstance(node, ast.Await) and node.lineno > end and module.enclosing_function(node) is function
        and sequential(module, c.stmt, node)  # (not in another branch: ``elif`` opening something else)
        and not any(isinstance(a, (ast.Try, ast.TryStar)) for a in module.ancestors(node, stop=function))
        for node in walk(function)
    )


def _earlier(module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, close: ast.Call) -> list[ast.stmt] | None:
    """The statements that run before ``close`` on its way (none of them a ``try``), or None when
    a ``try`` (or a nested function) holds the close: errors handled, or the close in a
    ``finally``, not judged here."""
    on_path: set[int] = {id(close)}
    for ancestor in module.ancestors(close):
        if ancestor is method:
            break
        if isinstance(ancestor, (ast.Try, ast.TryStar, ast.Lambda, *FUNCTION_NODES)):
            return None
        on_path.add(id(ancestor))
    return [s for s in _before(method.body, on_path) if not isinstance(s, (ast.Try, ast.TryStar))]


def _failing_use_before(
    module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, close: ast.Call, receiver: str, name: str,
    ending: frozenset[str] | set[str] = ENDING, cls: ast.ClassDef | None = None, made: ast.Call | None = None,
) -> str | None:
    """What is awaited on ``self.<name>`` before ``close`` on its way, outside any ``try``, when no
    ``try`` holds the close either: ``<name>.<method>``, or ``<own method>`` when that method of
    ``cls`` awaits such a use itself (outside any ``try`` of its own). Not a method of the
    first-party class ``made`` constructs that awaits only its opening (``connect()`` keeping
    ``self._ws = await self._session.ws_connect(url)``): failing, it opened nothing."""
    # (of an ``if`` before the close, a branch that always leaves the method is not on the way:
    # ``if enable: await self._page.goto(url); return True`` does not run before the close below)
    for earlier in [part for stmt in _earlier(module, method, close) or () for part in _on_the_way(stmt)]:
        for node in walk(earlier):
            if not (
                isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr not in ending  # (its own release, ``stop()``, in a branch that returns)
                and module.enclosing_function(node) is method  # not a nested function's
                and not _guarded(module, node, earlier)
            ):
                continue
            func = node.value.func
            if self_attr(func.value, receiver) == name and not (made is not None and opens_only(module, made, func.attr)):
                return f"{name}.{func.attr}"
            if cls is not None and isinstance(func.value, ast.Name) and func.value.id == receiver and _awaits_through(
                module, cls, func.attr, name, ending, frozenset({method.name})
            ):
                return func.attr
    return None


def _awaits_through(
    module: ModuleInfo, cls: ast.ClassDef, method_name: str, name: str, ending: frozenset[str] | set[str], seen: frozenset[str]
) -> bool:
    """The class's own ``async def method_name`` awaits a call on ``self.<name>`` (``await
    self._session.post(...)``, ``async with self._session.get(...)``), or another own method that
    does, outside any ``try`` of it: its error propagates to the caller. Three calls deep at most."""
    if method_name in seen or method_name in ending or len(seen) > 3:
        return False
    method = next((s for s in cls.body if isinstance(s, ast.AsyncFunctionDef) and s.name == method_name), None)
    receiver = self_name(method) if method is not None else None
    if method is None or receiver is None:
        return False
    for node in walk(method):
        call = node.value if isinstance(node, ast.Await) else next(
            (item.context_expr for item in node.items), None) if isinstance(node, ast.AsyncWith) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)) or call.func.attr in ending:
            continue
        if module.enclosing_function(node) is not method or any(
            isinstance(a, (ast.Try, ast.TryStar)) for a in module.ancestors(node, stop=method)
        ):
            continue
        if self_attr(call.func.value, receiver) == name:
            return True
        if isinstance(call.func.value, ast.Name) and call.func.value.id == receiver and _awaits_through(
            module, cls, call.func.attr, name, ending, seen | {method_name}
        ):
            return True
    return False


def _left_none(cls: ast.ClassDef) -> set[str]:
    """The attributes the class's ``__init__`` binds to ``None`` and to nothing else there (each
    set by a later method: a start, a connect)."""
    init = next((s for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == "__init__"), None)
    receiver = self_name(init) if init is not None else None
    if init is None or receiver is None:
        return set()
    none: set[str] = set()
    other: set[str] = set()
    for node in walk(init):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) and node.value else []
        value = getattr(node, "value", None)
        for target in targets:
            attr = self_attr(target, receiver)
            if attr is not None:
                (none if isinstance(value, ast.Constant) and value.value is None else other).add(attr)
    return none - other


def _unset_dereference(
    module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, close: ast.Call, receiver: str, unset: set[str]
) -> str | None:
    """``self.<attr>.<x>`` evaluated on every way to ``close`` (a statement's own expression, or
    the test of an ``if`` or ``while``; not inside a branch, a short-circuit operand, a
    comprehension or a nested function), outside any ``try``, for an ``attr`` in ``unset``, when
    the method neither tests nor rebinds that attribute before (``if self.ws is not None``, ``ws =
    self.ws``, ``self.ws = ...``): the dereference, as ``self.ws.open``."""
    if not unset:
        return None
    earlier = _earlier(module, method, close)
    if not earlier:
        return None
    guarded: set[str] = set()
    for stmt in earlier:
        heads = [stmt.test] if isinstance(stmt, (ast.If, ast.While)) else [] if isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.Match)) else [stmt]
        for head in heads:
            for node in _evaluated(head):
                if not (isinstance(node, ast.Attribute) and (attr := self_attr(node.value, receiver)) in unset and attr not in guarded):
                    continue
                return f"{receiver}.{attr}.{node.attr}"
        for node in walk(stmt):  # what this statement tests or rebinds guards the later ones
            attr = self_attr(node, receiver)
            if attr in unset and not isinstance(module.parent(node), ast.Attribute):
                guarded.add(attr)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr"):
                guarded.update(a.value for a in node.args[1:2] if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return None


def _evaluated(node: ast.AST) -> list[ast.AST]:
    """The nodes of ``node`` that are always evaluated when it is: not a short-circuit operand after
    the first, not a branch of a conditional expression, not in a comprehension or a lambda."""
    found: list[ast.AST] = []
    todo = [node]
    while todo:
        current = todo.pop()
        found.append(current)
        if isinstance(current, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(current, ast.BoolOp):
            todo.append(current.values[0])
        elif isinstance(current, ast.IfExp):
            todo.append(current.test)
        else:
            todo.extend(ast.iter_child_nodes(current))
    return found


def _before(body: list[ast.stmt], on_path: set[int]) -> list[ast.stmt]:
    """The statements of ``body`` (and of the blocks on the way down to the close, whose own
    statement and ancestors are ``on_path``) that run before the one holding it."""
    found: list[ast.stmt] = []
    for stmt in body:
        if id(stmt) in on_path:
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and any(id(s) in on_path for s in inner):
                    found.extend(_before(inner, on_path))
            return found
        found.append(stmt)
    return found


def _guarded(module: ModuleInfo, node: ast.AST, earlier: ast.AST) -> bool:
    """``node`` runs, inside ``earlier``, in the body of a ``try`` with a handler of every error
    that goes on, or of a ``with suppress(Exception)``: its error is handled there, and the close
    after it is reached (``for uuid in chars: try: await self.client.stop_notify(uuid) except
    Exception: pass`` then ``await self.client.disconnect()``; ``with
    contextlib.suppress(Exception): await self._client.clear_cache()``). A handler of some errors
    only (``except RequestError``) lets the others skip the close (wapiti-scanner/wapiti
    ``46b992e6``)."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (ast.Try, ast.TryStar)) and any(child is s for s in ancestor.body) and any(
            goes_on(h) for h in ancestor.handlers
        ):
            return True
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Call) and last_name(item.context_expr.func) == "suppress"
            and any(last_name(a) in ("Exception", "BaseException") for a in item.context_expr.args)
            for item in ancestor.items
        ):
            return True
        if ancestor is earlier:
            return False
        child = ancestor
    return False


def _on_the_way(stmt: ast.stmt) -> list[ast.AST]:
    """What of ``stmt``, run before a later statement, can run on the way to it: all of it, or of
    an ``if`` the test and the branches that do not always leave the method."""
    if not isinstance(stmt, ast.If):
        return [stmt]
    found: list[ast.AST] = [stmt.test]
    for branch in (stmt.body, stmt.orelse):
        if not _always_leaves(branch):
            found.extend(part for s in branch for part in _on_the_way(s))
    return found


def _always_leaves(block: list[ast.stmt]) -> bool:
    """Whether running ``block`` to its end never goes on after it: its last statement returns or
    raises, or is an ``if`` both of whose branches do."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    return isinstance(last, ast.If) and _always_leaves(last.body) and _always_leaves(last.orelse)
