"""A liveness flag reset without the release it stands for (issue 28 point 3, session 44).

A class that makes ``self.client`` in a start method (``init()``) and marks it live there
(``self.running = True``), whose release closes it and marks it gone (``await
self.client.aclose(); self.running = False``), and whose code makes it again when the flag says
gone (``if not self.running: await self.init()``), has tied the flag to the resource: the flag
is what keeps a live one from being replaced. A third method that sets the flag to "gone"
without the close (a failed request: ``self.running = False; raise APIError(...)``) lies about
it: the next call re-runs the start, which stores a new one over the open one, and the old one
leaks (HanaokaYuzu/Gemini-API ``46433913``: the fix closes the client there).

Every link is required: the start sets the flag to another constant than the release, the
release and the start are different methods, something tests the flag for the release's value
and calls the start under that test (or the start itself returns at once while the flag is live,
and something calls it), and the resetting method neither closes the resource, nor
calls an own method that does, nor calls the start or stores the attribute itself."""

from __future__ import annotations

import ast

from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr, self_name
from tradelint.models.resources.resource_types import Creation

Method = ast.FunctionDef | ast.AsyncFunctionDef


def flag_reset_open(tree: ast.AST, c: Creation) -> str | None:
    """``method|flag|start`` when ``method`` of ``c``'s class sets ``self.<flag>`` to the value
    the release gives it, without closing ``self.<c.name>``, and a test of that value makes the
    start (``c``'s method) again; None otherwise."""
    cls, start = c.cls, c.function
    if cls is None or start is None or start.name == "__init__" or is_release_name(start.name):
        return None
    methods = [m for m in cls.body if isinstance(m, FUNCTION_NODES) and self_name(m) is not None]
    closers = {m.name for m in methods if _closes(m, c.name)}
    for release in methods:
        if release.name not in closers or release is start:
            continue
        for flag, gone in _constants_set(release, c.name):
            live = [v for f, v in _constants_set(start, c.name) if f == flag]
            if not live or any(v == gone for v in live) or not (
                _restarted_when(tree, flag, gone, start.name) or (_guards_itself(start, flag, live) and _called(tree, start))
            ):
                continue
            for method in methods:
                if method.name in closers or method is start or method.name == "__init__" or (flag, gone) not in _constants_set(method, c.name):
                    continue
                if _calls_own(method, closers | {start.name}) or _stores(method, c.name):
                    continue
                return f"{method.name}|{flag}|{start.name}"
    return None


def _closes(method: Method, attr: str) -> bool:
    me = self_name(method)
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and self_attr(n.func.value, me or "") == attr
        and is_release_name(n.func.attr)
        for n in walk(method)
    )


def _constants_set(method: Method, attr: str) -> set[tuple[str, object]]:
    """``(flag, value)`` for each ``self.<flag> = <constant>`` of the method's own body (not a
    nested function's), ``flag`` not being ``attr``."""
    me = self_name(method)
    found: set[tuple[str, object]] = set()
    for node in _own_nodes(method):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, (bool, str, int)):
            for target in node.targets:
                flag = self_attr(target, me or "")
                if flag is not None and flag != attr:
                    found.add((flag, node.value.value))
    return found


def _own_nodes(method: Method) -> list[ast.AST]:
    found: list[ast.AST] = []
    todo: list[ast.AST] = list(method.body)
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(n for n in ast.iter_child_nodes(node) if not isinstance(n, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)))
    return found


def _calls_own(method: Method, names: set[str]) -> bool:
    me = self_name(method)
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
        and n.func.value.id == me and n.func.attr in names
        for n in walk(method)
    )


def _stores(method: Method, attr: str) -> bool:
    me = self_name(method)
    return any(
        isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and self_attr(n, me or "") == attr
        for n in walk(method)
    )


def _restarted_when(tree: ast.AST, flag: str, gone: object, start: str) -> bool:
    """An ``if`` anywhere in the module (a method, a decorator's wrapper) whose test holds when
    ``<x>.<flag>`` has the value ``gone`` (``not x.flag`` for a false one, ``x.flag == gone``,
    ``x.flag is gone``) and whose body calls ``<x>.<start>(...)``."""
    for node in walk(tree):
        owner = _holds_when(node.test, flag, gone) if isinstance(node, ast.If) else None
        if owner is None:
            continue
        assert isinstance(node, ast.If)
        if any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == start
            and isinstance(n.func.value, ast.Name) and n.func.value.id == owner
            for stmt in node.body for n in walk(stmt)
        ):
            return True
    return False


def _guards_itself(start: Method, flag: str, live: list[object]) -> bool:
    """The start returns at once while the flag has its live value (``if self._connected or
    self._url is None: return``, session 46): every call of it makes the resource again once the
    flag says gone (Offline-Protocol/offline-protocol-sdk ``0e06ce6e``, whose connection-loss
    handler clears the flag and schedules the start, leaving the websocket open)."""
    me = self_name(start) or ""
    for stmt in start.body:
        if not (isinstance(stmt, ast.If) and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Return)):
            continue
        tests = stmt.test.values if isinstance(stmt.test, ast.BoolOp) and isinstance(stmt.test.op, ast.Or) else [stmt.test]
        for test in tests:
            if self_attr(test, me) == flag and any(v is True for v in live):
                return True
            if (
                isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is))
                and self_attr(test.left, me) == flag and isinstance(test.comparators[0], ast.Constant)
                and test.comparators[0].value in live
            ):
                return True
    return False


def _called(tree: ast.AST, start: Method) -> bool:
    """``<x>.<start>(...)`` somewhere in the module outside the start itself."""
    inside = {id(n) for n in walk(start)}
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == start.name and id(n) not in inside
        for n in walk(tree)
    )


def _holds_when(test: ast.expr, flag: str, gone: object) -> str | None:
    """The name whose ``<name>.<flag>`` the test finds ``gone`` (the same name must then call
    the start: one object's flag, one object's start), or None."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        attribute = test.operand
        holds = not gone
    else:
        attribute = test.left if isinstance(test, ast.Compare) else test
        holds = (
            isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is))
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == gone
        )
    if holds and isinstance(attribute, ast.Attribute) and attribute.attr == flag and isinstance(attribute.value, ast.Name):
        return attribute.value.id
    return None
