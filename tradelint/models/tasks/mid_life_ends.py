"""A task a class keeps on ``self`` and ends only mid-life: the end of the object's life, which
ends its other tasks, leaves it running.

A class says where its work ends in two ways. A ``finally`` of one of its methods that ends two or
more of the tasks the class keeps on ``self`` (cancels them, awaits them as a statement, hands them
to a call such as ``gather`` or a helper that cancels them) ends the work its ``try`` started: the
tasks stored there, or by the methods the ``try`` calls on ``self`` or runs as tasks. A public
release method (``close()``, ``stop()``, ``shutdown()``, ``__aexit__``...) that ends two or more of
them and starts none is the object's end. A task that the class also keeps on ``self`` and ends
somewhere else only (a barge-in handler that cancels the running reply, a restart that cancels the
old one) is ended mid-life: when the end comes while it is in flight, it runs on (bolna-ai/bolna
``7de10a02``: ``run()``'s ``finally`` cancels the synthesizer, transcriber and output tasks, and
``llm_task``, cancelled only on an interruption, outlived the call).

Not reported when a public release, or what it calls on ``self``, ends the task (it has an end of
its own), nor when the end cancels a task whose coroutine (a method of the class) ends it in its
own ``finally`` or handler of the cancellation; a task the method storing it awaits before it
returns is done by then, and one that runs the object's own release is the teardown itself. A task
no method ends at all is TRD303's own finding.

Asked by TRD303; it reads no other layer of the task model."""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, TASK_MAKERS, last_name, own_nodes

Method = ast.FunctionDef | ast.AsyncFunctionDef
# An end must end this many of the class's tasks to show that it is where the class ends its work.
_SIBLINGS = 2
_CANCEL_CATCHERS = frozenset({"CancelledError", "BaseException"})


@dataclass(frozen=True)
class MidLifeTask:
    stmt: ast.stmt  # where the task is stored
    name: str  # the attribute
    cls: ast.ClassDef
    enders: tuple[str, ...]  # the methods that do end it, mid-life
    end: str  # the method whose ``finally`` (or which, a release) ends the other tasks
    in_finally: bool


def ended_mid_life(module: ModuleInfo) -> Iterator[MidLifeTask]:
    lines = sorted(call.lineno for call in module.index.calls if last_name(call.func) in TASK_MAKERS)
    if len(lines) < _SIBLINGS + 1:
        return
    for cls in module.index.classes:
        end_line = cls.end_lineno if cls.end_lineno is not None else cls.lineno
        if bisect_right(lines, end_line) - bisect_left(lines, cls.lineno) < _SIBLINGS + 1:
            continue
        yield from _class_tasks(cls)


def _class_tasks(cls: ast.ClassDef) -> Iterator[MidLifeTask]:
    methods: dict[str, Method] = {s.name: s for s in cls.body if isinstance(s, FUNCTION_NODES)}
    stored = _stored_tasks(methods)
    if len(stored) < _SIBLINGS + 1:
        return
    ended = {name: _ends_among(own_nodes(method), stored) for name, method in methods.items()}
    coroutines = {attr: _coroutine_method(stmt, methods) for attr, (stmt, _) in stored.items()}
    releases = [
        name for name in methods
        if name in ("__aexit__", "__exit__") or (not name.startswith("_") and is_release_name(name))
    ]
    released: set[str] = set()
    for name in releases:
        released |= _reached_ends(_reachable([name], methods), ended, coroutines, methods)
    makers = {attr: id(maker) for attr, (_, maker) in stored.items()}
    ends: list[tuple[str, bool, set[str], set[str]]] = []  # (end, in a finally, ended, started)
    for name in releases:
        reach = _reachable([name], methods)
        if any(id(methods[m]) in makers.values() for m in reach):
            continue  # a restart: it starts what it stops
        done = _reached_ends(reach, ended, coroutines, methods)
        if len(done) >= _SIBLINGS:
            ends.append((name, False, done, set(stored)))
    for name, method in methods.items():
        for node in own_nodes(method):
            if isinstance(node, ast.Try | ast.TryStar) and node.finalbody:
                done = _region_ends(node.finalbody, stored, ended, coroutines, methods)
                if len(done) >= _SIBLINGS:
                    ends.append((name, True, done, _started_in(node.body, stored, methods)))
    reported: set[str] = set()
    for end, in_finally, done, started in ends:
        for attr in sorted(started - done - released - reported, key=lambda a: stored[a][0].lineno):
            enders = tuple(sorted(m for m, e in ended.items() if attr in e))
            stmt, maker = stored[attr]
            if not enders or _awaited_in(maker, attr) or _runs_a_release(stmt, methods):
                continue
            reported.add(attr)
            yield MidLifeTask(stmt, attr, cls, enders, end, in_finally)


def _stored_tasks(methods: dict[str, Method]) -> dict[str, tuple[ast.Assign, Method]]:
    """``self.<attr> = create_task(...)`` (or ``ensure_future``), by attribute: its first such
    statement and the method holding it."""
    found: dict[str, tuple[ast.Assign, Method]] = {}
    for method in methods.values():
        for node in own_nodes(method):
            if (
                isinstance(node, ast.Assign) and len(node.targets) == 1
                and (attr := _self_attr(node.targets[0])) is not None
                and isinstance(node.value, ast.Call) and last_name(node.value.func) in TASK_MAKERS
                and (attr not in found or node.lineno < found[attr][0].lineno)
            ):
                found[attr] = (node, method)
    return found


def _ends_among(nodes: Iterable[ast.AST], attrs: Collection[str]) -> set[str]:
    """The task attributes these nodes end: ``self.x.cancel()``, ``await self.x`` as a statement,
    ``self.x`` given to a call (``gather``, ``wait``, a helper that ends it) or put in a display."""
    found: set[str] = set()
    for node in nodes:
        candidates: list[ast.expr] = []
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Await):
            candidates.append(node.value.value)
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "cancel":
                candidates.append(node.func.value)
            candidates.extend(a.value if isinstance(a, ast.Starred) else a for a in node.args)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            candidates.extend(node.elts)
        found.update(a for c in candidates if (a := _self_attr(c)) is not None and a in attrs)
    return found


def _region_ends(
    stmts: list[ast.stmt], attrs: Collection[str], ended: dict[str, set[str]],
    coroutines: dict[str, str | None], methods: dict[str, Method],
) -> set[str]:
    """What a block ends: itself, through the methods it calls on ``self``, and through the
    cancel-time handlers of the tasks it ends."""
    nodes = [n for stmt in stmts for n in (stmt, *own_nodes(stmt))]
    done = _ends_among(nodes, attrs)
    return done | _reached_ends(_reachable(_self_callees(nodes, methods), methods), ended, coroutines, methods, done)


def _reached_ends(
    reach: set[str], ended: dict[str, set[str]], coroutines: dict[str, str | None],
    methods: dict[str, Method], seed: Collection[str] = (),
) -> set[str]:
    """The tasks the methods of ``reach`` end, and those that the ``finally`` (or handler of the
    cancellation) of an ended task's own coroutine ends when it is cancelled."""
    done = set(seed).union(*(ended[m] for m in reach))
    seen: set[str] = set()
    while True:
        more = set()
        for attr in done - seen:
            seen.add(attr)
            coroutine = coroutines.get(attr)
            if coroutine is not None and coroutine in methods:
                handlers = _cancel_time_blocks(methods[coroutine])
                nodes = [n for stmt in handlers for n in (stmt, *own_nodes(stmt))]
                more |= _ends_among(nodes, coroutines)
                more.update(*(ended[m] for m in _reachable(_self_callees(nodes, methods), methods)))
        if more <= done:
            return done
        done |= more


def _cancel_time_blocks(method: Method) -> list[ast.stmt]:
    """The statements a method runs when the task running it is cancelled: its ``finally``
    blocks and its handlers of the cancellation (bare, ``BaseException``, ``CancelledError``)."""
    blocks: list[ast.stmt] = []
    for node in own_nodes(method):
        if isinstance(node, ast.Try | ast.TryStar):
            blocks.extend(node.finalbody)
            for handler in node.handlers:
                if handler.type is None or _catches_cancel(handler.type):
                    blocks.extend(handler.body)
    return blocks


def _catches_cancel(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Tuple):
        return any(_catches_cancel(e) for e in expr.elts)
    return last_name(expr) in _CANCEL_CATCHERS


def _started_in(stmts: list[ast.stmt], stored: dict[str, tuple[ast.Assign, Method]], methods: dict[str, Method]) -> set[str]:
    """The tasks a ``try`` body starts: stored in it, or by a method it reaches on ``self``
    (called, or run as a task)."""
    nodes = [n for stmt in stmts for n in (stmt, *own_nodes(stmt))]
    inside = {id(n) for n in nodes}
    reach = {id(methods[m]) for m in _reachable(_self_callees(nodes, methods), methods)}
    return {attr for attr, (stmt, maker) in stored.items() if id(stmt) in inside or id(maker) in reach}


def _self_callees(nodes: Iterable[ast.AST], methods: dict[str, Method]) -> list[str]:
    return [
        callee for node in nodes
        if isinstance(node, ast.Call) and (callee := _self_attr(node.func)) is not None and callee in methods
    ]


def _reachable(names: Iterable[str], methods: dict[str, Method]) -> set[str]:
    """The methods and those they call on ``self``, transitively."""
    seen = set(names)
    stack = list(seen)
    while stack:
        for callee in _self_callees(own_nodes(methods[stack.pop()]), methods):
            if callee not in seen:
                seen.add(callee)
                stack.append(callee)
    return seen


def _coroutine_method(stmt: ast.Assign, methods: dict[str, Method]) -> str | None:
    """``self.t = create_task(self._run(...))``: ``_run``."""
    call = stmt.value
    if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Call):
        name = _self_attr(call.args[0].func)
        return name if name in methods else None
    return None


def _runs_a_release(stmt: ast.Assign, methods: dict[str, Method]) -> bool:
    """The task is a teardown: it runs a release of the object or of something it holds."""
    call = stmt.value
    if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Call):
        return is_release_name(last_name(call.args[0].func))
    return False


def _awaited_in(method: ast.AST, attr: str) -> bool:
    return any(isinstance(n, ast.Await) and _self_attr(n.value) == attr for n in own_nodes(method))


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None
