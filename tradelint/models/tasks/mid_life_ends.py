"""A task a class keeps on ``self`` and cancels only mid-life: the end of the object's life, which
ends its other tasks, leaves it running.

A class says where its work ends in two ways. A ``finally`` of one of its methods that ends two or
more of the tasks the class keeps on ``self`` (cancels them, awaits them as a statement, hands them
to a call such as ``gather`` or a helper that cancels them) ends the work its ``try`` started: the
tasks stored there, or by the methods the ``try`` calls on ``self`` or runs as tasks. A public
release method (``close()``, ``stop()``, ``shutdown()``, ``__aexit__``...) that ends two or more of
them and starts none is the object's end. A task that the class also keeps on ``self`` (made in
a local first, or kept by key in a collection) and cancels somewhere else only (a barge-in handler
that cancels the running reply, a restart that cancels the old one) is cancelled mid-life: when the end comes while it is in flight, it runs on (bolna-ai/bolna
``7de10a02``: ``run()``'s ``finally`` cancels the synthesizer, transcriber and output tasks, and
``llm_task``, cancelled only on an interruption, outlived the call).

Not reported when a public release, or what it calls on ``self``, ends the task (it has an end of
its own), nor when the end cancels a task whose coroutine (a method of the class) ends it in its
own ``finally`` or handler of the cancellation; a task the method storing it awaits before it
returns is done by then, one that runs the object's own release is the teardown itself, and one
that other methods only await is one-shot work waited for. A task no method ends at all is TRD303's
own finding.

Asked by TRD303; it reads no other layer of the task model."""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import cast

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
    elements: bool  # tasks kept in a collection on ``self``


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
    # Each method's own nodes, walked once: every question below is asked of them.
    nodes_of = {name: list(own_nodes(method)) for name, method in methods.items()}
    stored = _stored_tasks(methods, nodes_of)
    if len(stored) < _SIBLINGS + 1:
        return
    aliases = {name: _aliases(nodes) for name, nodes in nodes_of.items()}
    ended = {name: _ends_among(nodes_of[name], stored, aliases[name]) for name in methods}
    coroutines = {attr: _coroutine_method(kept.call, methods) for attr, kept in stored.items()}
    graph = {name: set(_self_callees(nodes, methods)) for name, nodes in nodes_of.items()}
    job = _Job(methods, ended, coroutines, aliases, graph)
    releases = [
        name for name in methods
        if name in ("__aexit__", "__exit__") or (not name.startswith("_") and is_release_name(name))
    ]
    released: set[str] = set()
    for name in releases:
        released |= _reached_ends(_reachable([name], graph), job)
    makers = {id(kept.method) for kept in stored.values()}
    ends: list[tuple[str, bool, set[str], set[str]]] = []  # (end, in a finally, ended, started)
    for name in releases:
        reach = _reachable([name], graph)
        if any(id(methods[m]) in makers for m in reach):
            continue  # a restart: it starts what it stops
        done = _reached_ends(reach, job)
        if len(done) >= _SIBLINGS:
            ends.append((name, False, done, set(stored)))
    for name, nodes in nodes_of.items():
        for node in nodes:
            if isinstance(node, ast.Try | ast.TryStar) and node.finalbody:
                done = _region_ends(node.finalbody, name, job)
                if len(done) >= _SIBLINGS:
                    ends.append((name, True, done, _started_in(node.body, stored, job)))
    reported: set[str] = set()
    for end, in_finally, done, started in ends:
        for attr in sorted(started - done - released - reported, key=lambda a: stored[a].stmt.lineno):
            # Cancelled mid-life: the class knows it must be stopped, yet its end does not.
            enders = tuple(sorted(m for m, nodes in nodes_of.items() if attr in _ends_among(nodes, (attr,), aliases[m], True)))
            kept = stored[attr]
            if not enders or _awaited_in(kept, attr) or _runs_a_release(kept.call):
                continue
            reported.add(attr)
            yield MidLifeTask(kept.stmt, attr, cls, enders, end, in_finally, kept.elements)


@dataclass(frozen=True)
class _Job:
    """What a class's ends are judged with: its methods, the tasks each ends, the method each
    task's coroutine runs and each method's locals naming a task."""
    methods: dict[str, Method]
    ended: dict[str, set[str]]
    coroutines: dict[str, str | None]
    aliases: dict[str, dict[str, set[str]]]
    graph: dict[str, set[str]]  # the methods each calls on ``self``


@dataclass(frozen=True)
class _Kept:
    stmt: ast.stmt  # the statement that makes the task
    call: ast.Call  # its creation
    method: Method
    elements: bool  # kept as an element of a collection (``self.x[key] = ...``, ``append``)


def _stored_tasks(methods: dict[str, Method], nodes_of: dict[str, list[ast.AST]]) -> dict[str, _Kept]:
    """The tasks the class keeps on ``self``, by attribute: ``self.x = create_task(...)`` (or
    ``ensure_future``), ``self.x[key] = ...``, ``self.x.append(...)``/``add(...)``, directly or
    through a local made just before (``task = create_task(...)``; ``self.x = task``); for each,
    its first such statement and the method holding it."""
    found: dict[str, _Kept] = {}
    for name, method in methods.items():
        made: dict[str, list[ast.Assign]] = {}
        stores: list[tuple[str, ast.expr, ast.stmt, bool]] = []
        for node in nodes_of[name]:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and _made(node.value) is not None:
                    made.setdefault(target.id, []).append(node)
                held = _self_attr(target.value if isinstance(target, ast.Subscript) else target)
                if held is not None:
                    stores.append((held, node.value, node, isinstance(target, ast.Subscript)))
            elif (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr in ("append", "add")
                and len(node.value.args) == 1 and (held := _self_attr(node.value.func.value)) is not None
            ):
                stores.append((held, node.value.args[0], node, True))
        for attr, value, stmt, elements in stores:
            kept: _Kept | None = None
            if (call := _made(value)) is not None:
                kept = _Kept(stmt, call, method, elements)
            elif isinstance(value, ast.Name):
                before = [a for a in made.get(value.id, ()) if a.lineno <= stmt.lineno]
                if before:
                    last = max(before, key=lambda a: a.lineno)
                    kept = _Kept(last, cast(ast.Call, last.value), method, elements)
            if kept is not None and (attr not in found or kept.stmt.lineno < found[attr].stmt.lineno):
                found[attr] = kept
    return found


def _made(value: ast.expr) -> ast.Call | None:
    if isinstance(value, ast.Call) and last_name(value.func) in TASK_MAKERS:
        return value
    return None


# Calls that look at a collection of tasks without ending any (``len(self._tasks)``).
_LOOKS = frozenset({"len", "list", "tuple", "set", "sorted", "bool", "isinstance", "print", "repr", "str", "id"})


def _aliases(nodes: list[ast.AST]) -> dict[str, set[str]]:
    """Locals that name a task (or the tasks) of an attribute: ``t = self.x``, ``t =
    self.x.pop(key)``, ``for t in self.x.values()``; a name bound so more than once (``for task
    in self.a.values(): ...`` then ``for task in self.b.values(): ...``) names each."""
    found: dict[str, set[str]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            held = _held(node.value, {})
            if held is not None:
                found.setdefault(node.targets[0].id, set()).add(held)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension) and isinstance(node.target, ast.Name):
            iterated = node.iter
            if isinstance(iterated, ast.Call) and last_name(iterated.func) in _LOOKS and len(iterated.args) == 1:
                iterated = iterated.args[0]
            held = _held(iterated, {})
            if held is not None:
                found.setdefault(node.target.id, set()).add(held)
    return found


def _held(expr: ast.expr, aliases: dict[str, set[str]]) -> str | None:
    """The attribute whose task (or tasks) ``expr`` is: ``self.x``, ``self.x[key]``,
    ``self.x.pop(key)``, ``self.x.get(key)``, ``self.x.values()`` (a local naming one: see
    :func:`_named`)."""
    if isinstance(expr, ast.Name):
        return None
    if isinstance(expr, ast.Subscript):
        expr = expr.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("pop", "get", "values"):
        expr = expr.func.value
    return _self_attr(expr)


def _named(expr: ast.expr, aliases: dict[str, set[str]]) -> set[str]:
    """The attributes ``expr`` may name a task of: itself (:func:`_held`) or through a local."""
    if isinstance(expr, ast.Name):
        return aliases.get(expr.id, set())
    held = _held(expr, aliases)
    return {held} if held is not None else set()


def _ends_among(
    nodes: Iterable[ast.AST], attrs: Collection[str], aliases: dict[str, set[str]], cancels_only: bool = False,
) -> set[str]:
    """The task attributes these nodes end: ``self.x.cancel()``, ``await self.x`` as a statement,
    ``self.x`` given to a call (``gather``, ``wait``, a helper that ends it) or put in a display;
    also a task of a collection on ``self`` (``self.x[key].cancel()``, ``for t in
    self.x.values(): t.cancel()``, ``gather(*self.x)``) and a local naming one. ``cancels_only``:
    only what cancels it (``cancel()``)."""
    found: set[str] = set()
    for node in nodes:
        candidates: list[ast.expr] = []
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Await) and not cancels_only:
            candidates.append(node.value.value)
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "cancel":
                candidates.append(node.func.value)
            if last_name(node.func) not in _LOOKS and not cancels_only:
                candidates.extend(a.value if isinstance(a, ast.Starred) else a for a in node.args)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set) and not cancels_only:
            candidates.extend(e.value if isinstance(e, ast.Starred) else e for e in node.elts)
        found.update(a for c in candidates for a in _named(c, aliases) if a in attrs)
    return found


def _region_ends(stmts: list[ast.stmt], method: str, job: _Job) -> set[str]:
    """What a block of ``method`` ends: itself, through the methods it calls on ``self``, and
    through the cancel-time handlers of the tasks it ends."""
    nodes = [n for stmt in stmts for n in (stmt, *own_nodes(stmt))]
    done = _ends_among(nodes, job.coroutines, job.aliases[method])
    return done | _reached_ends(_reachable(_self_callees(nodes, job.methods), job.graph), job, done)


def _reached_ends(reach: set[str], job: _Job, seed: Collection[str] = ()) -> set[str]:
    """The tasks the methods of ``reach`` end, and those that the ``finally`` (or handler of the
    cancellation) of an ended task's own coroutine ends when it is cancelled."""
    done = set(seed).union(*(job.ended[m] for m in reach))
    seen: set[str] = set()
    while True:
        more: set[str] = set()
        for attr in done - seen:
            seen.add(attr)
            coroutine = job.coroutines.get(attr)
            if coroutine is not None:
                handlers = _cancel_time_blocks(job.methods[coroutine])
                nodes = [n for stmt in handlers for n in (stmt, *own_nodes(stmt))]
                more |= _ends_among(nodes, job.coroutines, job.aliases[coroutine])
                more.update(*(job.ended[m] for m in _reachable(_self_callees(nodes, job.methods), job.graph)))
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


def _started_in(stmts: list[ast.stmt], stored: dict[str, _Kept], job: _Job) -> set[str]:
    """The tasks a ``try`` body starts: stored in it, or by a method it reaches on ``self``
    (called, or run as a task)."""
    nodes = [n for stmt in stmts for n in (stmt, *own_nodes(stmt))]
    inside = {id(n) for n in nodes}
    reach = {id(job.methods[m]) for m in _reachable(_self_callees(nodes, job.methods), job.graph)}
    return {attr for attr, kept in stored.items() if id(kept.stmt) in inside or id(kept.method) in reach}


def _self_callees(nodes: Iterable[ast.AST], methods: dict[str, Method]) -> list[str]:
    return [
        callee for node in nodes
        if isinstance(node, ast.Call) and (callee := _self_attr(node.func)) is not None and callee in methods
    ]


def _reachable(names: Iterable[str], graph: dict[str, set[str]]) -> set[str]:
    """The methods and those they call on ``self``, transitively."""
    seen = set(names)
    stack = list(seen)
    while stack:
        for callee in graph[stack.pop()]:
            if callee not in seen:
                seen.add(callee)
                stack.append(callee)
    return seen


def _coroutine_method(call: ast.Call, methods: dict[str, Method]) -> str | None:
    """``self.t = create_task(self._run(...))``: ``_run``."""
    if call.args and isinstance(call.args[0], ast.Call):
        name = _self_attr(call.args[0].func)
        return name if name in methods else None
    return None


def _runs_a_release(call: ast.Call) -> bool:
    """The task is a teardown: it runs a release of the object or of something it holds."""
    if call.args and isinstance(call.args[0], ast.Call):
        return is_release_name(last_name(call.args[0].func))
    return False


def _awaited_in(kept: _Kept, attr: str) -> bool:
    """The method making the task awaits it (``await self.t``, or the local it was made in)."""
    local = kept.stmt.targets[0] if isinstance(kept.stmt, ast.Assign) else None
    return any(
        isinstance(n, ast.Await) and (
            _self_attr(n.value) == attr
            or (isinstance(local, ast.Name) and isinstance(n.value, ast.Name) and n.value.id == local.id)
        )
        for n in own_nodes(kept.method)
    )


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None
