"""An ``__aenter__`` that can fail after it made a resource (issue 28, session 15): ``async with
Client() as c`` runs ``__aexit__`` only once ``__aenter__`` has returned, so a resource that
``__aenter__`` makes (itself or through the methods it awaits on ``self``) and an error after it
(an ``await`` or a ``raise`` later on the way) leave open, unless ``__aenter__`` handles errors
(tplink-omada's lazy session, made by the first request of ``login()``, whose later request or
version check fails). An ``__aenter__`` a first-party base defines runs the subclass's methods by
name: a transport base whose ``__aenter__`` awaits ``self.connect()``, and a subclass whose
``connect()`` makes its own session and then awaits a handshake, leaves that session open when
the handshake fails."""

from __future__ import annotations

import ast

from tradelint.facts.attribute_types import attribute_class
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.entered_classes import never_entered_in_integration
from tradelint.facts.framework_ends import goes_on_after_errors
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import instance_parameter, last_name, walk
from tradelint.facts.uses import misses_cancellation, self_attr
from tradelint.models.resources.own_start import started_clean
from tradelint.models.resources.resource_types import Creation, Problem

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def enter_fails_after(module: ModuleInfo, c: Creation) -> Problem | None:
    """``self_leaks_when_enter_fails`` when the class's ``__aenter__`` (with no ``try``; its own
    or a first-party base's) reaches the method that makes ``c`` and can fail after it; None
    otherwise."""
    cls, maker = c.cls, c.function
    if cls is None or maker is None:
        return None
    methods = _family_methods(module, cls)
    enter = methods.get("__aenter__")
    if enter is None or "__aexit__" not in methods or maker.name == "__init__":
        return None
    if any(isinstance(node, ast.Try) for node in walk(enter)):
        return None  # errors handled there: what it does with them is not judged here
    if never_entered_in_integration(module, cls):
        return None  # (an integration's class it only starts by hand: no ``__aenter__`` runs)
    created = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    clean = _fails_only_at_own_start(module, c, maker)
    inert = frozenset(id(n) for m in methods.values() for n in walk(m) if isinstance(n, ast.Await) and _inert_await(module, cls, m, n))
    return "self_leaks_when_enter_fails" if _fails_after(enter, maker, created, methods, set(), clean, inert) else None


def _inert_await(module: ModuleInfo, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.Await) -> bool:
    """``await self._git.__aenter__()`` in ``method`` where ``self._git`` is of a first-party
    class whose ``__aenter__`` only stores plain values and returns (``return self``): it never
    suspends, so no cancellation can come from it, and what it runs is no request that fails
    (mistralai/mistral-vibe's ``TeleportService.__aenter__``)."""
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        return False
    receiver = call.func.value
    own = instance_parameter(method)
    if not (own is not None and isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == own):
        return False
    found = attribute_class(module, cls, receiver.attr)
    if found is None:
        return False
    target = next((s for s in found[1].body if isinstance(s, ast.AsyncFunctionDef) and s.name == call.func.attr), None)
    plain = (ast.Name, ast.Constant, ast.Attribute)
    return target is not None and all(
        isinstance(stmt, ast.Pass)
        or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        or (isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, plain)))
        or (isinstance(stmt, ast.Assign) and isinstance(stmt.value, plain) and all(isinstance(t, ast.Attribute) for t in stmt.targets))
        for stmt in target.body
    )


def _fails_only_at_own_start(module: ModuleInfo, c: Creation, maker: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``self._client = Logic(); return await self._client.__aenter__()``: the one thing that can
    fail on the way out of the method that makes it (``__aenter__``, or the method it awaits on
    ``self`` that does) after the creation is the object's own start, which
    leaves it holding nothing when it fails (:func:`.own_start.started_clean`). Not in a loop or a
    ``try`` (what runs after the creation is then not the rest of its block alone)."""
    if any(isinstance(a, (ast.For, ast.AsyncFor, ast.While, ast.Try, ast.TryStar)) for a in module.ancestors(c.stmt, maker)):
        return False
    after = _reachable_after(module, c.stmt, maker)
    failing = [n for n in after if isinstance(n, (ast.Await, ast.Raise, ast.AsyncFor, ast.AsyncWith))]
    if len(failing) != 1 or any(
        isinstance(n, ast.Attribute) and n.attr == c.name and n.lineno < failing[0].lineno for n in after
    ):
        return False  # (a use of it before the start may open it: the start is then not its first)
    return started_clean(module, c.call, failing[0], c.name, instance_parameter(maker), c.spec.close)



def _family_methods(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The methods an instance of ``cls`` runs by name: its own, then those of its first-party
    bases it does not override (a base's ``__aenter__`` awaiting ``self.connect()`` runs the
    subclass's ``connect()``)."""
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for _, node in class_and_bases(module, cls):
        for s in node.body:
            if isinstance(s, FUNCTIONS):
                methods.setdefault(s.name, s)
    return methods


def _fails_after(
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    maker: ast.FunctionDef | ast.AsyncFunctionDef,
    created: int,
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
    seen: set[str],
    clean: bool = False,
    inert: frozenset[int] = frozenset(),
) -> bool:
    """Whether ``method`` makes the resource (through ``maker``) and can fail after that
    (``clean``: ``maker`` itself cannot, but by the object's own clean start; ``inert``: the
    awaits that cannot fail, :func:`_inert_await`)."""
    if method is maker:
        return not clean and _can_fail_after(method, created, inert)
    seen.add(method.name)
    for node in walk(method):
        if not isinstance(node, ast.Await) or not isinstance(node.value, ast.Call):
            continue
        func = node.value.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"):
            continue
        callee = methods.get(func.attr)
        if callee is None or callee.name in seen or not _reaches(callee, maker, methods, set(seen)):
            continue
        if _can_fail_after(method, node.end_lineno or node.lineno, inert) or _fails_after(callee, maker, created, methods, seen, clean, inert):
            return True
    return False


def _reaches(
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    maker: ast.FunctionDef | ast.AsyncFunctionDef,
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
    seen: set[str],
) -> bool:
    if method is maker:
        return True
    seen.add(method.name)
    for node in walk(method):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.func.attr in methods
            and node.func.attr not in seen
            and _reaches(methods[node.func.attr], maker, methods, seen)
        ):
            return True
    return False


def _can_fail_after(method: ast.FunctionDef | ast.AsyncFunctionDef, line: int, inert: frozenset[int] = frozenset()) -> bool:
    """An ``await`` or a ``raise`` of ``method`` (not of a function it defines) after ``line``,
    outside a ``try`` that releases on every error (a ``finally``, a bare or ``BaseException``
    handler, calling a release: ``except BaseException: await self._close_session(); raise``)."""
    handled = {id(n) for t in walk(method) if isinstance(t, (ast.Try, ast.TryStar)) and _releases_on_every_error(t) for n in walk(t)}
    return any(
        isinstance(node, (ast.Await, ast.Raise)) and node.lineno > line and id(node) not in handled and id(node) not in inert
        for node in walk(method)
    )


def releases_on_own_failure(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether every ``await`` and ``raise`` of ``method`` runs inside a ``try`` that releases on
    every error (:func:`_can_fail_after` from its first line): an opening method that, failing,
    closes what it opened before the error leaves it (``async def connect(self): self._stack =
    AsyncExitStack(); try: ... except BaseException: await self.disconnect(); raise``)."""
    return not _can_fail_after(method, 0)


def _releases_on_every_error(node: ast.Try | ast.TryStar) -> bool:
    bodies = [node.finalbody] + [
        h.body for h in node.handlers if h.type is None or (isinstance(h.type, ast.Name) and h.type.id == "BaseException")
    ]
    return any(
        isinstance(n, ast.Call) and (name := last_name(n.func)) is not None and is_release_name(name)
        for body in bodies for stmt in body for n in walk(stmt)
    )


def cancelled_before_kept(module: ModuleInfo, c: Creation) -> Problem | None:
    """``self_cancel_skips_close``: the method that makes ``self.attr`` then awaits something in a
    ``try`` whose only cleanup of it is an ``except Exception`` handler that closes it (``await
    self._client.connect()`` ... ``except Exception: await self._client.disconnect(); raise``):
    a task cancelled in the ``try`` (``CancelledError`` is no ``Exception``) leaves the
    half-opened resource on ``self`` (Yale-Libs/yalexs-ble ``c26b18f4``). None when a
    ``finally`` or a handler that catches the cancellation closes it there too."""
    maker = c.function
    if maker is None or c.kind != "self" or not goes_on_after_errors(module, maker):
        return None  # (in a test or what a script runs, the error ends the program)
    for node in _reachable_after(module, c.call, maker):
        if not isinstance(node, ast.Try):
            continue
        if not any(isinstance(n, ast.Await) and module.evaluating_function(n) is maker for stmt in node.body for n in walk(stmt)):
            continue
        closing = [h for h in node.handlers if _closes_attribute(h, c.name, c.spec.close)]
        if not closing or _closes_attribute_in(node.finalbody, c.name, c.spec.close):
            continue
        if all(misses_cancellation(module, h.body[0], maker) for h in closing) and not any(
            not misses_cancellation(module, h.body[0], maker) for h in node.handlers if h not in closing
        ):
            return "self_cancel_skips_close"
    return None


def _reachable_after(module: ModuleInfo, node: ast.AST, function: ast.AST) -> list[ast.AST]:
    """The nodes of the statements that can run after the one holding ``node`` in ``function``:
    the rest of its block, then of each enclosing block, up to a block that ends by leaving
    (``return``, ``raise``, ``continue``, ``break``): a ``try`` on another branch, after a
    ``return`` of this one, is not on its path (frankbria/codeframe's lazy connect and its
    health check)."""
    found: list[ast.AST] = []
    current: ast.AST = node
    for ancestor in module.ancestors(node):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(ancestor, field, None)
            if isinstance(block, list) and any(s is current for s in block):
                index = next(i for i, s in enumerate(block) if s is current)
                found.extend(n for s in block[index + 1:] for n in walk(s))
                if isinstance(block[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break)):
                    return found
        if ancestor is function:
            break
        current = ancestor
    return found


def _closes_attribute(handler: ast.ExceptHandler, attr: str, close: str) -> bool:
    return bool(handler.body) and _closes_attribute_in(handler.body, attr, close)


def _closes_attribute_in(body: list[ast.stmt], attr: str, close: str) -> bool:
    """``self.attr.close()`` (or a release-named method of it) somewhere in ``body``."""
    for stmt in body:
        for node in walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (node.func.attr == close or is_release_name(node.func.attr))
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == attr
                and isinstance(node.func.value.value, ast.Name)
                and node.func.value.value.id == "self"
            ):
                return True
    return False


def opened_then_failing(module: ModuleInfo, cls: ast.ClassDef) -> list[tuple[ast.AST, str]]:
    """``await self.transport.connect()`` in ``__aenter__`` (with no ``try``), where ``__aexit__``
    releases ``self.transport``, followed by an ``await`` or a ``raise`` that can fail: an
    ``async with`` whose ``__aenter__`` fails there never runs ``__aexit__``, and what was opened
    stays open (graphql-python/gql ``0084b95d``: the schema fetch after the transport's connect).
    ``__aexit__`` may end it by a method of its class that calls the class's release (aioftp
    ``f83046e5``: ``await self.client.quit()``, where ``quit()`` calls ``self.close()``). Each (the
    opening ``await``, or the statement of ``__aenter__`` before it that made the object; the
    attribute); none in a test or what a script runs."""
    methods = {s.name: s for s in cls.body if isinstance(s, FUNCTIONS)}
    enter, leave = methods.get("__aenter__"), methods.get("__aexit__")
    if enter is None or leave is None or any(isinstance(node, ast.Try) for node in walk(enter)):
        return []
    if not goes_on_after_errors(module, enter):
        return []
    released = {
        attr
        for node in walk(leave)
        if isinstance(node, ast.Await) and isinstance(call := node.value, ast.Call) and isinstance(call.func, ast.Attribute)
        and (attr := self_attr(call.func.value, "self")) is not None
        and (is_release_name(call.func.attr) or _ends_instance(module, cls, attr, call.func.attr))
    }
    found: list[tuple[ast.AST, str]] = []
    for node in walk(enter):
        if not (isinstance(node, ast.Await) and isinstance(call := node.value, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        attr = self_attr(call.func.value, "self")
        if attr in released and attr not in {a for _, a in found} and not is_release_name(call.func.attr):
            if _fails_on_from(module, enter, node):
                found.append((_made_before(enter, attr, node.lineno) or node, attr))
    return found


def _fails_on_from(module: ModuleInfo, enter: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.AST) -> bool:
    """An ``await`` or a ``raise`` that can run after ``node`` on its way out of ``enter``: the
    rest of its block and of the blocks around it, not a branch that a ``return`` before leaves
    behind (``if ...: ...; return await self._client.__aenter__()`` then ``raise RuntimeError``
    for the other case); in a loop, any one after its line."""
    if any(isinstance(a, (ast.For, ast.AsyncFor, ast.While)) for a in module.ancestors(node, enter)):
        return _can_fail_after(enter, getattr(node, "end_lineno", None) or node.lineno)  # type: ignore[attr-defined]
    return any(isinstance(n, (ast.Await, ast.Raise)) for n in _reachable_after(module, node, enter))


def _ends_instance(module: ModuleInfo, cls: ast.ClassDef, attr: str, method: str) -> bool:
    """Whether ``method`` of the first-party class ``self.<attr>`` is proven to hold ends an
    instance: it calls a release method of its own (aioftp's ``Client.quit()``, which sends
    ``QUIT`` and then calls ``self.close()``), directly or through its other methods."""
    held = attribute_class(module, cls, attr)
    if held is None:
        return False
    methods = _family_methods(*held)
    seen: set[str] = set()
    stack = [method]
    while stack:
        current = methods.get(name := stack.pop())
        if current is None or name in seen:
            continue
        seen.add(name)
        for node in walk(current):
            if isinstance(node, ast.Call) and (called := self_attr(node.func, "self")) is not None:
                if is_release_name(called) and called in methods:
                    return True
                stack.append(called)
    return False


def _made_before(enter: ast.FunctionDef | ast.AsyncFunctionDef, attr: str, line: int) -> ast.stmt | None:
    """The statement of ``__aenter__`` before ``line`` that makes ``self.<attr>`` (``self.client
    = Client(**self.kwargs)``): what is left open is the object made there, reported where it is
    made (as ``self_leaks_when_enter_fails`` is)."""
    for stmt in enter.body:
        if stmt.lineno >= line:
            break
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and any(self_attr(t, "self") == attr for t in stmt.targets):
            return stmt
    return None

