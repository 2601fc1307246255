"""A resource stored on ``self`` over an open one by a method that runs again (issue 28 points 1
and 5): a poll, a reconnect loop, a handler called per event creates a new resource and stores it
in ``self.<slot>`` each time it runs, without closing the one the slot holds. The class closes the
slot at its end of life, so the last one is closed; every one before it leaks.

Each step asks for proof, not for a name:

- the method runs again while the object lives: a repeating loop runs the store, or a method of
  the class calls it in one, with nothing on the loop's path reading the slot
  (:func:`tradelint.facts.reruns.looping_caller`); a framework calls it at intervals (a Home
  Assistant ``DataUpdateCoordinator``'s ``_async_update_data`` or its ``update_method``, a
  callback given to ``async_track_time_interval``, a discord.py ``@tasks.loop``); or a method of
  the class calls it (itself or through a method that reaches it) twice on one path with no
  release of the slot between (a second ``connect()`` after a redirect); or a retry loop runs it
  again when a step after the store raises, or another class's loop calls it on an instance it
  holds (:mod:`tradelint.models.resources.rerun_retried`);
- the class releases the slot elsewhere (``await self.<slot>.close()`` in another method): it
  means the slot to hold an open resource (one never closed at all is TRD202's first shape);
- nothing on the way to the store looks at the slot: no ``if`` around it and no statement before
  it on its path reads it (``if self.ws is not None: await self.ws.close()``, ``if self.client
  and self.client.is_connected: return``), calls a method of the class that reads it, or tests an
  attribute the method sets (``if self._connected: return`` ... ``self._connected = True``); a
  branch that reads it and then leaves (``await self._disconnect(); raise UpdateFailed``) does
  not reach the store;
- nothing after the store in the method ends it: no release of the slot, no ``self.<slot> =
  None``, no hand-off of it (a ``finally`` that closes it).

Not ``__init__``, nor a release method (``close()`` making it again is ``self_remade_at_release``)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.coordinator_ends import is_coordinator
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.ownership import is_release_name
from tradelint.facts.reruns import assigned_attributes, loop_reach, looping_caller, slot_loads
from tradelint.facts.syntax import class_methods
from tradelint.facts.uses import methods_reached, self_attr, self_calls, self_name, sequential
from tradelint.models.resources.rerun_retried import retried_or_held
from tradelint.models.resources.resource_types import Creation

Function = ast.FunctionDef | ast.AsyncFunctionDef
TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)

# Home Assistant helpers that call the callback they are given at every interval.
_INTERVAL_HELPERS = frozenset({
    "async_track_time_interval", "track_time_interval", "async_track_time_change", "async_track_utc_time_change",
})


def dropped_between_runs(module: ModuleInfo, c: Creation, dropping: Function) -> bool:
    """``self.<slot> = None`` in ``dropping`` drops an open one when a method a framework calls at
    every interval (a coordinator's ``_async_update_data()``) reaches both the method that makes
    the slot's value (a lazy getter, ``c.function``) and ``dropping``: a run makes it, a later run
    drops it (a token refresh forcing a new client), and the next getter makes another over
    nothing. Proof that a value is there when the drop runs, as a value made in ``__init__`` is
    (:func:`proofs.dropped_unclosed`)."""
    function, cls = c.function, c.cls
    if function is None or cls is None:
        return False
    methods = class_methods(cls)
    for name, method in methods.items():
        if _framework_repeats(module, cls, methods, method) is None:
            continue
        reached = methods_reached(methods, [name], calls_only=False) | {name}
        if function.name in reached and dropping.name in reached:
            return True
    return False


def replaced_again(module: ModuleInfo, c: Creation) -> tuple[str, str] | None:
    """(the slot, why the storing method runs again) when ``c`` is stored on ``self`` over an
    open one by a method that runs again, with no release of the old one; None otherwise."""
    function = c.function
    if function is None or function.name == "__init__" or is_release_name(function.name):
        return None
    cls = module.parent(function)
    receiver = self_name(function)
    if not isinstance(cls, ast.ClassDef) or receiver is None:
        return None
    store = _store(module, function, receiver, c)
    if store is None:
        return None
    slot = self_attr(store.targets[0], receiver)
    assert slot is not None
    methods = class_methods(cls)
    if not _released_elsewhere(methods, function, slot):
        return None
    if _looked_at_before(module, methods, function, store, receiver, slot) or _ended_after(function, store, receiver, slot):
        return None
    local = _bound_local(c.stmt)
    if local is not None and _local_released_after(module, function, store, local):
        return None  # ``self._client = client`` then, in a ``finally``, ``await client.disconnect()``
    again = (
        looping_caller(module, methods, function, store, slot, sleeps_end=False, whole_turn=True)
        or _loop_reaches(module, methods, function, slot)
        or _repeated_by_framework(module, cls, methods, function, slot)
        or _called_twice(module, methods, function, slot)
        or retried_or_held(module, cls, methods, function, store, slot, _reaching(module, methods, function, slot))
    )
    return None if again is None else (slot, again)


def _store(module: ModuleInfo, function: Function, receiver: str, c: Creation) -> ast.Assign | None:
    """The statement of ``function`` that keeps what ``c`` made in ``self.<slot>``: the creation's
    own store (``self.ws = await connect(url)``), or a later ``self.<slot> = local`` or ``self.<slot>
    = Wrapper(local)`` of the local it was bound to."""
    if c.kind == "self":
        if isinstance(c.stmt, ast.Assign) and len(c.stmt.targets) == 1 and self_attr(c.stmt.targets[0], receiver) == c.name:
            return c.stmt
        local = _bound_local(c.stmt)
        return None if local is None else _later_store(function, c.stmt, receiver, local, wrapped=False)
    if c.kind == "local" and (local := _bound_local(c.stmt)) is not None:
        return _later_store(function, c.stmt, receiver, local, wrapped=True)
    return None


def _local_released_after(module: ModuleInfo, function: Function, store: ast.Assign, local: str) -> bool:
    """The local stored in the slot is released after the store on the same path."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_release_name(node.func.attr)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == local
        and node.lineno > (store.end_lineno or store.lineno) and sequential(module, store, node)
        for node in ast.walk(function)
    )


def _bound_local(stmt: ast.AST) -> str | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _later_store(function: Function, after: ast.AST, receiver: str, local: str, wrapped: bool) -> ast.Assign | None:
    line = getattr(after, "end_lineno", None) or 0
    for node in ast.walk(function):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and node.lineno > line):
            continue
        if self_attr(node.targets[0], receiver) is None:
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id == local:
            return node
        if wrapped and isinstance(value, ast.Call) and any(
            isinstance(a, ast.Name) and a.id == local for a in (*value.args, *(k.value for k in value.keywords))
        ):
            return node  # ``self.conn = Connection(sock)``: the holder kept in the slot ends it
    return None


def _release_of(node: ast.AST, receiver: str, slot: str) -> bool:
    """``self.<slot>.close()`` (any release name), ``async with self.<slot>``, a loop reading it
    to its end (``async for msg in self.<slot>``), the slot handed as an argument, or
    ``self.<slot> = None`` / ``del self.<slot>``."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and self_attr(func.value, receiver) == slot and is_release_name(func.attr):
            return True
        return any(self_attr(a, receiver) == slot for a in (*node.args, *(k.value for k in node.keywords)))
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return any(self_attr(item.context_expr, receiver) == slot for item in node.items)
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return self_attr(node.iter, receiver) == slot  # a reader over it runs until it is closed
    if isinstance(node, ast.Assign):
        return isinstance(node.value, ast.Constant) and node.value.value is None and any(
            self_attr(t, receiver) == slot for t in node.targets)
    if isinstance(node, ast.Delete):
        return any(self_attr(t, receiver) == slot for t in node.targets)
    return False


def _released_elsewhere(methods: dict[str, Function], storing: Function, slot: str) -> bool:
    """A method other than the storing one releases the slot, itself or through a local it copied
    it into (``ws = self._ws; await ws.close()``)."""
    for method in methods.values():
        me = self_name(method)
        if method is storing or me is None:
            continue
        aliases = {
            t.id for n in ast.walk(method) if isinstance(n, ast.Assign) and self_attr(n.value, me) == slot
            for t in n.targets if isinstance(t, ast.Name)
        }
        for node in ast.walk(method):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_release_name(node.func.attr):
                held = node.func.value
                if self_attr(held, me) == slot or (isinstance(held, ast.Name) and held.id in aliases):
                    return True
    return False


def _reads(methods: dict[str, Function], node: ast.AST, receiver: str, slot: str, storing: str) -> bool:
    """``node`` reads the slot or drops it (``self.<slot> = None``), itself or through a method
    of the class it calls or a property it reads (``if self.is_connected: return``), transitively,
    not through the storing method."""
    if _touches(node, receiver, slot):
        return True
    return any(
        _touches(methods[name], self_name(methods[name]) or "", slot)
        for name in loop_reach(methods, node, receiver, storing, whole_turn=True)
    )


def _touches(node: ast.AST, receiver: str, slot: str) -> bool:
    return bool(slot_loads(node, receiver, slot)) or any(_release_of(n, receiver, slot) for n in ast.walk(node))


def _self_calls_in(node: ast.AST, receiver: str) -> list[tuple[ast.Call, str]]:
    return [
        (n, n.func.attr) for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
        and n.func.value.id == receiver
    ]


def _leaves(block: list[ast.stmt]) -> bool:
    return bool(block) and isinstance(block[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def _looked_at_before(
    module: ModuleInfo, methods: dict[str, Function], function: Function, store: ast.stmt, receiver: str, slot: str,
    storing: Function | None = None,
) -> bool:
    """Something on the path of ``store`` (the store, or a call that reaches it) before it looks
    at the slot (see the module's docstring), or tests a flag that ``function`` or the storing
    method sets (``if self._initialized: return`` before the call, ``self._initialized = True``
    after the store)."""
    flags = assigned_attributes(function, receiver) - {slot}
    if storing is not None and (inner := self_name(storing)) is not None:
        flags |= assigned_attributes(storing, inner) - {slot}
    child: ast.AST = store
    for ancestor in (*module.ancestors(store, stop=function), function):
        test = getattr(ancestor, "test", None)
        if isinstance(ancestor, (ast.If, ast.While, ast.IfExp)) and test is not None and child is not test:
            if _reads(methods, test, receiver, slot, function.name) or _flag_test(test, receiver, flags):
                return True
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(ancestor, field, None)
            if not isinstance(block, list) or not any(s is child for s in block):
                continue
            earlier = block[: [id(s) for s in block].index(id(child))]
            if isinstance(ancestor, TRIES) and field != "body":
                earlier = [*ancestor.body, *earlier]  # a handler, ``else`` or ``finally`` runs after the ``try``'s body
            if any(isinstance(before, ast.stmt) and _on_path_reads(methods, before, receiver, slot, function.name, flags)
                   for before in earlier):
                return True
        child = ancestor
    return False


def _on_path_reads(
    methods: dict[str, Function], stmt: ast.stmt, receiver: str, slot: str, storing: str, flags: set[str]
) -> bool:
    """``stmt`` (run before the store on its path) reads the slot on a way that goes on to the
    store, or is an early exit guarded by a flag the storing method sets."""
    if isinstance(stmt, ast.If):
        if _reads(methods, stmt.test, receiver, slot, storing):
            return True
        if _flag_test(stmt.test, receiver, flags) and (_leaves(stmt.body) or _leaves(stmt.orelse)):
            return True  # ``if self._connected: return``, set by the storing method
        return any(
            not _leaves(branch) and any(_on_path_reads(methods, s, receiver, slot, storing, flags) for s in branch)
            for branch in (stmt.body, stmt.orelse)
        )
    return _reads(methods, stmt, receiver, slot, storing)


def _flag_test(test: ast.expr, receiver: str, flags: set[str]) -> bool:
    return any(self_attr(n, receiver) in flags for n in ast.walk(test) if isinstance(n, ast.Attribute))


def _ended_after(function: Function, store: ast.stmt, receiver: str, slot: str) -> bool:
    """The method releases, drops or hands on the slot after ``store`` (a ``finally`` that
    closes it), or reads it in a loop there: a reader that runs until the connection ends
    (``while True: msg = await self.ws.recv()``), after which the old one is over."""
    line = store.end_lineno or store.lineno
    for node in ast.walk(function):
        if getattr(node, "lineno", 0) <= line:
            continue
        if _release_of(node, receiver, slot):
            return True
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)) and slot_loads(node, receiver, slot):
            return True
    return False


def _loop_reaches(module: ModuleInfo, methods: dict[str, Function], function: Function, slot: str) -> str | None:
    """A method reaching the storing one without looking at the slot (:func:`_reaching`) runs
    in a repeating loop, or its call toward the store does (``while self._running: await
    self.update()``, ``update()`` calling ``self._connect()``)."""
    reaching = _reaching(module, methods, function, slot)
    for name in sorted(reaching - {function.name}):
        method = methods[name]
        for call, callee in self_calls(method):
            statement = next((a for a in (call, *module.ancestors(call, stop=method)) if isinstance(a, ast.stmt)), None)
            if callee not in reaching or callee == name or statement is None:
                continue
            found = looping_caller(module, methods, method, statement, slot, sleeps_end=False, whole_turn=True)
            if found is not None:
                return found.replace(" it ", f" `{name}()` ", 1) + ", which reaches it"
    return None


def _repeated_by_framework(
    module: ModuleInfo, cls: ast.ClassDef, methods: dict[str, Function], function: Function, slot: str
) -> str | None:
    """The storing method, or a method reaching it without looking at the slot (the update
    calling ``self._connect()``), is one a framework calls at every interval."""
    for name in sorted(_reaching(module, methods, function, slot)):
        found = _framework_repeats(module, cls, methods, methods[name])
        if found is not None:
            return found if name == function.name else found.replace(" it ", f" `{name}()` ", 1) + ", which reaches it"
    return None


def _framework_repeats(module: ModuleInfo, cls: ast.ClassDef, methods: dict[str, Function], function: Function) -> str | None:
    """The method is one a framework calls at every interval."""
    if function.name == "_async_update_data" and _coordinator(module, cls):
        return "the coordinator calls it at every update"
    for decorator in function.decorator_list:
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _qualified(module, called) == "discord.ext.tasks.loop":
            return "`@tasks.loop` runs it repeatedly"
    for method in methods.values():
        me = self_name(method)
        if me is None:
            continue
        for node in ast.walk(method):
            if not isinstance(node, ast.Call):
                continue
            given = [*node.args, *(k.value for k in node.keywords)]
            if not any(self_attr(a, me) == function.name for a in given):
                continue
            callee = _qualified(module, node.func).rsplit(".", 1)[-1]
            if callee in _INTERVAL_HELPERS:
                return f"`{callee}()` calls it at every interval"
            if any(k.arg == "update_method" and self_attr(k.value, me) == function.name for k in node.keywords):
                return "the coordinator calls it at every update"
    return None


def _coordinator(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """A subclass of Home Assistant's ``DataUpdateCoordinator`` (generic or not), through its
    first-party bases too."""
    return is_coordinator(class_and_bases(module, cls))


def _qualified(module: ModuleInfo, expr: ast.expr) -> str:
    """The dotted name of ``expr`` with its root resolved through the module's imports."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return ""
    root = module.imports.names.get(expr.id, expr.id)
    return ".".join([root, *reversed(parts)])


def _called_twice(module: ModuleInfo, methods: dict[str, Function], function: Function, slot: str) -> str | None:
    """A method of the class calls the storing method (or a method that reaches it without
    looking at the slot) twice on one path; nothing between the two calls reads the slot in the
    caller or releases it, and no ``if`` around the second call looks at it."""
    reaching = _reaching(module, methods, function, slot)
    for method in methods.values():
        me = self_name(method)
        if method is function or me is None:
            continue
        calls = [call for call, name in _self_calls_in(method, me) if name in reaching and name != method.name]
        for first in calls:
            for second in calls:
                if (second.lineno, second.col_offset) <= (first.lineno, first.col_offset) or not sequential(module, first, second):
                    continue
                between = [
                    n for n in ast.walk(method)
                    if (first.lineno, first.col_offset) < (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))
                    < (second.lineno, second.col_offset)
                ]
                if any(slot_loads(n, me, slot) or _release_of(n, me, slot) or _releases_through(methods, n, me, slot) for n in between):
                    continue
                tests = [getattr(a, "test") for a in module.ancestors(second, stop=method) if isinstance(a, (ast.If, ast.While, ast.IfExp))]
                flags = assigned_attributes(function, self_name(function) or "") - {slot}
                if not any(_reads(methods, t, me, slot, function.name) or _flag_test(t, me, flags) for t in tests):
                    return f"`{method.name}()` calls it twice"
    return None


def _reaching(module: ModuleInfo, methods: dict[str, Function], function: Function, slot: str) -> set[str]:
    """The storing method and the methods that reach it through calls on ``self`` with nothing
    on the way to such a call looking at the slot (``_ensure_connection()`` testing
    ``self.is_connected()`` first guards the store; a use of the slot after the call does not),
    nor ending it after the call (:func:`_ended_after`: a reader loop over it)."""
    found = {function.name}
    changed = True
    while changed:
        changed = False
        for name, method in methods.items():
            me = self_name(method)
            if name in found or me is None:
                continue
            for call, callee in self_calls(method):
                statement = next((a for a in (call, *module.ancestors(call, stop=method)) if isinstance(a, ast.stmt)), None)
                if (
                    callee in found and statement is not None and not _looked_at_before(module, methods, method, statement, me, slot, function)
                    and not _ended_after(method, statement, me, slot)
                ):
                    found.add(name)
                    changed = True
                    break
    return found


def _releases_through(methods: dict[str, Function], node: ast.AST, receiver: str, slot: str) -> bool:
    """``node`` calls a method of the class that releases the slot (transitively)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == receiver and node.func.attr in methods):
        return False
    for name in {node.func.attr, *methods_reached(methods, [node.func.attr], calls_only=True)}:
        method = methods[name]
        me = self_name(method) or ""
        if any(_release_of(n, me, slot) for n in ast.walk(method)):
            return True
    return False
